"""RCTab's instant-runoff engine: its ballot rules (overvotes, skipped ranks, repeated
candidates) and its Java random tie-breaks."""

from __future__ import annotations

from psephos.ballots.profile import OVERVOTE, SKIPPED, pack
from psephos.rctab.engine import RcvRules, instant_runoff
from psephos.rctab.ties import JavaRandom, RctabTieBreak, java_shuffle

NAMES = ("A", "B", "C", "D", "E")


def _candidate_order() -> RctabTieBreak:
    """RCTab's ``useCandidateOrder``: the latest listed of the tied is excluded (C, then B)."""
    return RctabTieBreak(NAMES[:3], "useCandidateOrder", None)


def _overvoted(rule: str) -> list[str]:
    # A ballot marking A and B together at rank 1, then C.
    profile = pack(NAMES[:3], {(OVERVOTE, 2): 1, (0,): 2, (1,): 2, (2,): 1},
                   overvotes=[(0, 1)])
    count = instant_runoff(profile, rules=RcvRules(overvote=rule),  # type: ignore[arg-type]
                           tiebreak=_candidate_order())
    return [str(count.stages[0].tallies[2]), str(count.stages[0].inactive["overvotes"])]


def test_overvote_rules() -> None:
    assert _overvoted("exhaustImmediately") == ["1", "1"]
    assert _overvoted("alwaysSkipToNextRank") == ["2", "0"]
    assert _overvoted("exhaustIfMultipleContinuing") == ["1", "1"]


def test_skipped_ranks_and_duplicates() -> None:
    profile = pack(NAMES[:3], {(0, SKIPPED, SKIPPED, 1): 1, (0, 0, 2): 1, (0,): 1, (1,): 4,
                               (2,): 4})
    rules = RcvRules(max_skipped=1, exhaust_on_duplicate=True)
    count = instant_runoff(profile, rules=rules, tiebreak=_candidate_order())
    after = count.stages[1]
    assert count.stages[1].excluded == (0,)
    assert after.inactive["skippedRankings"] == 1 and after.inactive["repeatedRankings"] == 1
    assert after.inactive["exhaustedChoices"] == 1


def test_java_random_matches_the_java_spec() -> None:
    # Values any JVM gives: new Random(0).nextDouble(), new Random(42).nextInt(10).
    assert JavaRandom(0).next_double() == 0.730967787376657
    assert JavaRandom(42).next_int(10) == 0
    assert sorted(java_shuffle(list("abcd"), JavaRandom(7))) == list("abcd")
