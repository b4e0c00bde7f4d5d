"""A stopped clock for the timetable's tests: moved by hand, never waited for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

UK = ZoneInfo("Europe/London")


class Clock:
    """What `psephos.contests.timetable.now` answers while a test holds it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def stop_clock(monkeypatch: pytest.MonkeyPatch, at: datetime) -> Clock:
    """Replace the timetable's clock with one stopped at ``at`` (aware) for this test."""
    from psephos.contests import timetable

    clock = Clock(at.astimezone(UTC))
    monkeypatch.setattr(timetable, "now", clock)
    return clock


def uk(*args: int) -> datetime:
    """A wall-clock time in the UK (GMT or BST as the date falls)."""
    return datetime(*args, tzinfo=UK)  # type: ignore[misc]
