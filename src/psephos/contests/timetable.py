"""The contest timetable (freeze, windows, nominations, hustings, ballot, declaration)."""

from __future__ import annotations

from django.utils import timezone
from icalendar import Calendar, Event

from psephos.contests.models import Contest, TimetableEvent


def events(contest: Contest) -> list[TimetableEvent]:
    """The contest's events in time order."""
    return list(contest.events.order_by("start", "pk"))


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
