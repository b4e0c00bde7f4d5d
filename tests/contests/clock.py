"""A stopped clock for the timetable's tests: moved by hand, never waited for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.contests.helpers import SMALL, local_ceremony, member, small_contest, write_roll

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


TIMETABLE = """
[[timetable]]
kind = "ballot_open"
title = "Voting opens"
start = 2016-08-22T09:00:00

[[timetable]]
kind = "ballot_close"
title = "Ballot closes"
start = 2016-09-21T12:00:00
"""
CLOSE = uk(2016, 9, 21, 12, 0)
CLOSE_WORDS = "12:00 noon on Wednesday 21 September 2016 (UK time)"


def timed_draft(tmp_path: Path, *, voters: int = 3, ceremony: bool = True
                ) -> tuple[Any, dict[str, Any]]:
    """The small contest with a 2016 ballot timetable, a roll, credentials and (unless
    ``ceremony`` is false) its trustees' local key ceremony: a draft ready to open."""
    from psephos.contests.credentials import issue_credentials
    from psephos.contests.electorate import import_electorate

    contest = small_contest(tmp_path, SMALL + TIMETABLE)
    secrets: dict[str, Any] = {}
    if voters:
        import_electorate(contest, write_roll(tmp_path / "m.csv", [
            member(i) for i in range(1, voters + 1)]), "members")
        issue_credentials(contest, sink=lambda v, s: secrets.__setitem__(v.member_number, s))
    if ceremony:
        local_ceremony(contest, tmp_path)
    return contest, secrets


def timed_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
               ) -> tuple[Any, dict[str, Any], Clock]:
    """`timed_draft`, opened on 1 September 2016 by a clock stopped there."""
    from psephos.contests.lifecycle import open_contest

    clock = stop_clock(monkeypatch, uk(2016, 9, 1, 10, 0))
    contest, secrets = timed_draft(tmp_path)
    open_contest(contest, actor="ro")
    return contest, secrets, clock
