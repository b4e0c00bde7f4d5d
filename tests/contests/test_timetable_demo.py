"""The timetable as iCalendar, and the Labour-2016-shaped demonstration contest, open now."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.contests.clock import stop_clock, uk


def test_demo_contest_is_open_with_three_sections(db: str) -> None:
    from icalendar import Calendar

    from psephos.contests.demo import create_demo
    from psephos.contests.timetable import UK_TIME, ical, now

    contest = create_demo(voters=300, seed=1, turnout=0.5)
    assert contest.state == "open"
    assert list(contest.sections.values_list("slug", flat=True)) == [
        "members", "registered-supporters", "affiliated-supporters"]
    assert contest.voters.count() == 300
    sizes = [s.voters.count() for s in contest.sections.all()]
    assert sizes[0] > sizes[1] > sizes[2] > 0
    assert 100 < contest.ballots.count() < 200
    assert sorted(contest.candidates.filter(on_ballot=True).values_list("name", flat=True)) == [
        "Jeremy Corbyn", "Owen Smith"]
    calendar = Calendar.from_ical(ical(contest))
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    debate = events["The Glasgow debate"]
    assert str(debate["location"]) == "Glasgow"
    # 2016's shape: the debate 27 days before the close, at 19:00 UK time; the close at noon.
    close_day = now().astimezone(UK_TIME).date() + timedelta(days=14)
    start = debate.decoded("dtstart").astimezone(UK_TIME)
    assert (start.date(), start.hour, start.minute) == (close_day - timedelta(days=27), 19, 0)
    closes = events["Ballot closes"].decoded("dtstart").astimezone(UK_TIME)
    assert (closes.date(), closes.hour, closes.minute) == (close_day, 12, 0)
    assert contest.closes_at == closes


@pytest.mark.parametrize(("today", "close_utc_hour"), [
    ((2026, 12, 5, 9, 0), 12),   # closes 19 Dec: GMT, noon is 12:00 UTC
    ((2026, 6, 1, 9, 0), 11),    # closes 15 Jun: BST, noon is 11:00 UTC
])
def test_the_demonstration_ballot_is_open_now_and_closes_in_a_fortnight(
        db: str, monkeypatch: pytest.MonkeyPatch, today: tuple[int, ...],
        close_utc_hour: int) -> None:
    """The 2016 timetable closed the demonstration before it opened; now it is moved."""
    from psephos.contests.demo import create_demo
    from psephos.contests.models import Ballot
    from psephos.contests.timetable import deadline

    clock = stop_clock(monkeypatch, uk(*today))
    contest = create_demo(voters=30, seed=2, turnout=0.5)
    assert contest.state == "open" and Ballot.objects.count() > 0
    close_day = date(*today[:3]) + timedelta(days=14)
    assert contest.closes_at is not None
    assert (contest.closes_at.date(), contest.closes_at.hour) == (close_day, close_utc_hour)
    notice = deadline(contest)
    assert notice is not None
    assert notice.sentence == (f"Voting closes at 12:00 noon on {close_day:%A} "
                               f"{close_day.day} {close_day:%B %Y} (UK time)")
    # Members joined by the (moved) freeze date, so the roll is whole.
    assert contest.voters.count() == 30
    clock.set(contest.closes_at)
    assert deadline(contest).sentence.startswith("Voting closed at 12:00 noon")  # type: ignore[union-attr]
