"""The timetable as iCalendar, and the Labour-2016-shaped demonstration contest."""

from __future__ import annotations


def test_demo_contest_is_open_with_three_sections(db: str) -> None:
    from icalendar import Calendar

    from psephos.contests.demo import create_demo
    from psephos.contests.timetable import ical

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
    assert debate.decoded("dtstart").isoformat().startswith("2016-08-25T19:00")
    assert "Ballot closes" in events
