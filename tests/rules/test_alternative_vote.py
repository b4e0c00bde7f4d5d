"""The statutory alternative vote (PVSCA 2011 Sch. 10): the vectorised count against a plain
recount; the tie rules 49 and 49A."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from psephos.ballots.profile import Profile, profile_from_rankings
from psephos.cli.main import app
from psephos.rules.alternative_vote import alternative_vote

NAMES = ("A", "B", "C", "D", "E")


def naive_av(rankings: list[tuple[int, ...]], n: int, lot_order: list[int]) -> int:
    """Ballot-by-ballot alternative vote with the statutory ties (PVSCA 2011 Sch. 10
    para 7, rules 49/49A): earlier stages from the first forward, then the earliest in
    ``lot_order`` (excluded in a tie for last, elected in a tie between the last two)."""
    continuing = set(range(n))
    history: list[Counter[int]] = []

    def settle(tied: list[int], lowest: bool) -> int:
        for past in history[:-1]:
            pick = min if lowest else max
            target = pick(past[c] for c in tied)
            tied = [c for c in tied if past[c] == target]
        return min(tied, key=lot_order.index)

    while True:
        tally = Counter({c: 0 for c in continuing})
        for ranking in rankings:
            top = next((c for c in ranking if c in continuing), None)
            if top is not None:
                tally[top] += 1
        history.append(tally)
        leader = max(continuing, key=lambda c: tally[c])
        if tally[leader] * 2 > sum(tally.values()) or len(continuing) == 1:
            return leader
        if len(continuing) == 2:
            return settle(sorted(continuing), lowest=False)
        low = min(tally[c] for c in continuing)
        continuing.remove(settle(sorted(c for c in continuing if tally[c] == low), lowest=True))


rankings_strategy = st.lists(
    st.permutations(range(4)).flatmap(lambda p: st.integers(1, 4).map(lambda k: tuple(p[:k]))),
    min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(rankings_strategy)
def test_matches_a_plain_recount(rankings: list[tuple[int, ...]]) -> None:
    names = NAMES[:4]
    order = [3, 1, 0, 2]
    profile = profile_from_rankings(names, rankings)
    count = alternative_vote(profile, lot_order=[names[i] for i in order])
    assert count.elected == (naive_av(rankings, 4, order),)


@settings(max_examples=100, deadline=None)
@given(rankings_strategy)
def test_votes_are_conserved_at_every_stage(rankings: list[tuple[int, ...]]) -> None:
    count = alternative_vote(profile_from_rankings(NAMES[:4], rankings), seed=1)
    for stage in count.stages:
        assert sum(stage.tallies) + stage.exhausted == count.valid
    for before, stage in zip(count.stages, count.stages[1:], strict=False):
        for c, flow in stage.transfers.items():
            assert sum(flow.values()) == before.tallies[c]


def test_threshold_is_a_majority_of_continuing_votes() -> None:
    profile = profile_from_rankings(NAMES[:3], {(0,): 4, (1,): 3, (2, 1): 2})
    count = alternative_vote(profile)
    assert [str(s.threshold) for s in count.stages] == ["5", "5"]
    assert count.elected_names == ["B"]


def test_fast_path_handles_a_large_profile() -> None:
    rng = np.random.default_rng(3)
    rows = {tuple(int(x) for x in rng.permutation(5)[: rng.integers(1, 6)]): int(w)
            for w in rng.integers(1, 50, size=400)}
    count = alternative_vote(profile_from_rankings(NAMES, rows), seed=0)
    assert len(count.elected) == 1
    assert count.stages[-1].tallies[count.elected[0]] >= count.stages[-1].threshold  # type: ignore[operator]


def _forward_tie_profile() -> Profile:
    """B and C tie for last at stage 3; first preferences (B 10, C 11) and stage 2
    (B 12, C 11) point opposite ways."""
    a, b, c, d, e = range(5)
    return profile_from_rankings(
        ["A", "B", "C", "D", "E"],
        {(a,): 20, (b,): 10, (c,): 11, (d, c): 2, (d, b): 1, (d, a): 1, (e, b): 2})


def test_exclusion_tie_looks_forward_from_first_preferences() -> None:
    """PVSCA 2011 Sch. 10 para 7, rule 49(2): fewest first preferences goes first."""
    count = alternative_vote(_forward_tie_profile())
    assert [int(v) for v in count.stages[2].tallies] == [21, 13, 13, 0, 0]
    assert count.stages[3].excluded == (1,)  # B: 10 first preferences to C's 11
    assert count.elected_names == ["A"]


def test_a_tie_settled_by_an_earlier_stage_is_recorded() -> None:
    """Issue #9: the rule 49(2) decision was taken silently; the count records it."""
    count = alternative_vote(_forward_tie_profile())
    assert [(lot.stage, lot.tied, lot.chosen, lot.purpose, lot.how) for lot in count.lots] == [
        (3, (1, 2), 1, "exclusion (rule 49)", "earlier stage 1")]


def test_tie_at_the_first_stage_is_decided_by_lot() -> None:
    """Rule 49(3): no previous elimination, so the returning officer draws lots."""
    profile = profile_from_rankings(["A", "B", "C"], {(0,): 4, (1, 0): 2, (2, 1): 2})
    by_order = alternative_vote(profile, lot_order=["C", "B"])
    assert by_order.stages[1].excluded == (2,)
    assert by_order.lots[0].how == "declared order"
    assert by_order.lots[0].purpose == "exclusion (rule 49)"
    # Then A 4, B 4: rule 49A(2) elects A, who had more first preferences; no second lot.
    assert [lot.how for lot in by_order.lots] == ["declared order", "earlier stage 1"]
    assert [int(v) for v in by_order.stages[1].tallies] == [4, 4, 0]
    assert by_order.elected_names == ["A"]


def test_last_two_tied_decided_by_earlier_stages() -> None:
    """Rule 49A(2): of the last two tied, the one with more first preferences is elected."""
    a, b, c = range(3)
    profile = profile_from_rankings(["A", "B", "C"], {(a,): 6, (b,): 5, (c, b): 1, (c,): 0})
    count = alternative_vote(profile)
    assert [int(v) for v in count.stages[-1].tallies[:2]] == [6, 6]
    assert count.elected_names == ["A"]
    assert [(lot.chosen, lot.purpose, lot.how) for lot in count.lots] == [
        (0, "election (rule 49A)", "earlier stage 1")]


def test_the_earlier_stage_decision_shows_in_json_and_table(tmp_path: Path) -> None:
    """Issue #9: `psephos count --method av` said nothing of the rule 49(2) decision."""
    ballots = tmp_path / "tie.csv"
    ballots.write_text("rank1,rank2,count\nA,,20\nB,,10\nC,,11\nD,C,2\nD,B,1\nD,A,1\nE,B,2\n",
                       encoding="utf-8")
    as_json = CliRunner().invoke(app, ["count", str(ballots), "--method", "av", "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["lots"] == [
        {"stage": 3, "tied": ["B", "C"], "chosen": "B", "purpose": "exclusion (rule 49)",
         "how": "earlier stage 1"}]
    table = CliRunner().invoke(app, ["count", str(ballots), "--method", "av"], terminal_width=200)
    assert "Stage 3: B chosen by earlier stage 1 (exclusion (rule 49))." in " ".join(
        table.stdout.split())


def test_every_candidate_withdrawn_is_refused(tmp_path: Path) -> None:
    """A BLT withdrawing every candidate: AV refuses it as plurality and STV do (before: exit
    0 with nobody elected)."""
    ballots = tmp_path / "all-withdrawn.blt"
    ballots.write_text('4 1\n-1 -2 -3 -4\n5 1 2 0\n0\n"A"\n"B"\n"C"\n"D"\n"w"\n')
    done = CliRunner().invoke(app, ["count", str(ballots), "--method", "av"])
    assert done.exit_code == 2
    assert "but only 0 candidates standing (4 withdrawn)" in done.stderr
