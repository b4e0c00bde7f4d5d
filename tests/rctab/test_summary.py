"""RCTab's detailed report as a view of counts that are not RCTab's own."""

from __future__ import annotations

from psephos.ballots.profile import profile_from_rankings
from psephos.rctab.summary import detailed_report
from psephos.rules.alternative_vote import alternative_vote


def test_statutory_av_exhausted_papers_are_exhausted_choices() -> None:
    """The statutory AV records no RCTab categories; its exhausted papers still show."""
    profile = profile_from_rankings(["A", "B", "C"], {(0,): 4, (1,): 3, (2,): 2})
    report = detailed_report(alternative_vote(profile), contest={}, total_ballots=9,
                             undervotes=0, listed=3)
    assert report["results"][1]["inactiveBallots"] == {
        "exhaustedChoices": "2", "overvotes": "0", "repeatedRankings": "0",
        "skippedRankings": "0"}
