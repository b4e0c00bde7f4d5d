"""The contest timetable (freeze, windows, nominations, hustings, ballot, declaration).

The ``ballot_open`` and ``ballot_close`` events are more than dates to show: the ballot
opens and closes at those times (`psephos.contests.timekeeper`), and the close is fixed on
the contest at the opening (``Contest.closes_at``), after which no cast is accepted. Times
are stored in UTC and shown to voters in UK time (Europe/London, so GMT or BST as the
date falls), never as naive local times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Max, Min
from django.utils import timezone
from icalendar import Calendar, Event

from psephos.contests.models import Contest, TimetableEvent

#: The voters' time: every deadline a voter reads is in it, GMT or BST as the date falls.
UK_TIME = ZoneInfo("Europe/London")


def now() -> datetime:
    """The time the timetable runs by (aware, UTC). One place to read the clock, so the
    tests can stop it (they replace this function) instead of sleeping."""
    return timezone.now()


def events(contest: Contest) -> list[TimetableEvent]:
    """The contest's events in time order."""
    return list(contest.events.order_by("start", "pk"))


def scheduled_open(contest: Contest) -> datetime | None:
    """When the timetable opens the ballot: its first ``ballot_open`` event, if any."""
    return contest.events.filter(kind=TimetableEvent.Kind.BALLOT_OPEN).aggregate(
        at=Min("start"))["at"]


def scheduled_close(contest: Contest) -> datetime | None:
    """When the timetable closes the ballot: its last ``ballot_close`` event, if any."""
    return contest.events.filter(kind=TimetableEvent.Kind.BALLOT_CLOSE).aggregate(
        at=Max("start"))["at"]


def closing_time(contest: Contest) -> datetime | None:
    """The close a voter is held to: fixed at the opening, else (a draft) the timetable's."""
    if contest.state == Contest.State.DRAFT:
        return scheduled_close(contest)
    return contest.closes_at


def past_close(contest: Contest, at: datetime | None = None) -> bool:
    """Whether the contest's fixed close time has come (whatever its state says)."""
    return contest.closes_at is not None and contest.closes_at <= (at or now())


def uk_time(when: datetime) -> str:
    """``12:00 noon on Wednesday 21 September 2016 (UK time)``: the words for a deadline,
    in Europe/London time (midnight is written 00:00 so the day is not in doubt)."""
    if timezone.is_naive(when):
        raise ValueError("a deadline needs a time zone; got a naive datetime")
    local = when.astimezone(UK_TIME)
    clock = f"{local:%H:%M}" + (" noon" if (local.hour, local.minute) == (12, 0) else "")
    return f"{clock} on {local:%A} {local.day} {local:%B %Y} (UK time)"


@dataclass(frozen=True)
class Deadline:
    """What a voter page says about when voting closes (or opens), and the instant."""

    sentence: str
    at: datetime

    @property
    def iso(self) -> str:
        return self.at.isoformat()


def deadline(contest: Contest, at: datetime | None = None) -> Deadline | None:
    """The sentence every voter page shows: when voting opens and closes, or closed."""
    close = closing_time(contest)
    if contest.state == Contest.State.DRAFT:
        opens = scheduled_open(contest)
        if opens is not None and close is not None:
            return Deadline(f"Voting opens at {uk_time(opens)} and closes at "
                            f"{uk_time(close)}", close)
        if opens is not None:
            return Deadline(f"Voting opens at {uk_time(opens)}", opens)
        return None if close is None else Deadline(f"Voting closes at {uk_time(close)}", close)
    if close is None:
        return None
    if contest.state == Contest.State.OPEN and close > (at or now()):
        return Deadline(f"Voting closes at {uk_time(close)}", close)
    return Deadline(f"Voting closed at {uk_time(close)}", close)


def ical(contest: Contest) -> str:
    """The timetable as an iCalendar (RFC 5545) text, for calendar apps."""
    calendar = Calendar()
    calendar.add("prodid", "-//psephos//members' ballot//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", contest.name)
    for event in events(contest):
        item = Event()
        item.add("uid", f"{contest.slug}-{event.pk}@psephos")
        item.add("summary", event.title)
        item.add("dtstart", timezone.localtime(event.start))
        item.add("dtstamp", contest.created_at)
        if event.end:
            item.add("dtend", timezone.localtime(event.end))
        if event.place:
            item.add("location", event.place)
        description = event.get_kind_display()
        if event.notes:
            description += "\n" + event.notes
        item.add("description", description)
        item.add("categories", [event.kind])
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")
