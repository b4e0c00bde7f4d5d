"""The timetable runs the ballot: opening and closing contests when their times come.

Three things call `tick` or `close_if_due`, so the times hold whoever forgets a button:
``psephos contest tick`` (for cron or a systemd timer), a thread of ``psephos serve``
every `TICK_SECONDS`, and the first request for a contest after its close. None of them
is what stops a late ballot: the cast statement refuses one from ``Contest.closes_at`` on
by itself (`psephos.contests.casting.service`); closing then destroys the seals and
logs the close in the audit chain, with the actor ``timetable``.

A contest opens on schedule only if it is ready (candidates on the ballot, an electorate);
if not, it stays a draft and the reason is logged and reported by every tick until
someone fixes it or opens it by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef

from psephos.contests import board, timetable
from psephos.contests.errors import ContestError, WrongState
from psephos.contests.lifecycle import close_contest, open_contest
from psephos.contests.models import Contest, TimetableEvent

#: The actor the audit chain names for what the timetable does.
ACTOR = "timetable"
#: How often ``psephos serve`` ticks.
TICK_SECONDS = 30

log = logging.getLogger("psephos.timetable")


@dataclass(frozen=True)
class Tick:
    """What one tick did to one contest: ``opened``, ``closed``, or ``not opened`` /
    ``not closed`` with the reason."""

    contest: str
    action: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.contest}: {self.action}" + (f": {self.detail}" if self.detail else "")


def close_if_due(contest: Contest, at: datetime | None = None) -> Tick | None:
    """Close an open contest whose close time has come (else nothing; no query)."""
    if contest.state != Contest.State.OPEN or not timetable.past_close(contest, at):
        return None
    try:
        close_contest(contest, actor=ACTOR)
    except WrongState as error:
        contest.refresh_from_db(fields=["state", "closes_at"])
        if contest.state != Contest.State.OPEN:
            return None  # closed by someone else meanwhile
        log.error("the timetable could not close %s: %s", contest.slug, error.message)
        return Tick(contest.slug, "not closed", error.message)
    log.warning("the timetable closed %s at %s", contest.slug, timetable.uk_time(
        contest.closes_at or timetable.now()))
    return Tick(contest.slug, "closed", f"voting closed at {timetable.uk_time(contest.closes_at)}"
                if contest.closes_at else "")


def _open_if_ready(contest: Contest) -> Tick | None:
    try:
        open_contest(contest, actor=ACTOR)
    except ContestError as error:
        contest.refresh_from_db(fields=["state"])
        if contest.state != Contest.State.DRAFT:
            return None  # opened by someone else meanwhile
        log.warning("the timetable did not open %s: %s", contest.slug, error.message)
        return Tick(contest.slug, "not opened", error.message)
    log.warning("the timetable opened %s", contest.slug)
    close = (f"; it closes at {timetable.uk_time(contest.closes_at)}"
             if contest.closes_at else "")
    return Tick(contest.slug, "opened", f"voting is open{close}")


def tick(at: datetime | None = None) -> list[Tick]:
    """Open every draft whose ``ballot_open`` time has come (and whose close has not),
    close every open contest whose close time has come, and checkpoint the board of every
    contest still open."""
    at = at or timetable.now()
    done: list[Tick] = []
    for contest in Contest.objects.filter(state=Contest.State.OPEN, closes_at__lte=at):
        outcome = close_if_due(contest, at)
        if outcome is not None:
            done.append(outcome)
    for contest in Contest.objects.filter(state=Contest.State.OPEN):
        board.checkpoint_due(contest)  # the board's signed checkpoint, when one is due
    opening = TimetableEvent.objects.filter(contest=OuterRef("pk"),
                                            kind=TimetableEvent.Kind.BALLOT_OPEN,
                                            start__lte=at)
    closed = TimetableEvent.objects.filter(contest=OuterRef("pk"),
                                           kind=TimetableEvent.Kind.BALLOT_CLOSE,
                                           start__lte=at)
    due = (Contest.objects.filter(state=Contest.State.DRAFT)
           .filter(Exists(opening)).exclude(Exists(closed)).order_by("slug"))
    for contest in due:
        outcome = _open_if_ready(contest)
        if outcome is not None:
            done.append(outcome)
    return done
