"""First past the post and block plurality (RPA 1983 Sch. 1 r.49): hand-checked and real results."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.ballots.profile import OVERVOTE, SKIPPED, Profile, profile_from_rankings
from psephos.rules.errors import RuleError
from psephos.rules.plurality import plurality

ABC = ("A", "B", "C")


def three_way() -> Profile:
    """A>C x8, B>C x7, C>B x5: FPTP elects A; a 2-seat block vote counts two marks each."""
    return profile_from_rankings(ABC, {(0, 2): 8, (1, 2): 7, (2, 1): 5})


def votes_profile(names: list[str], votes: list[int]) -> Profile:
    """An X-ballot result as a profile: one single-mark ranking per candidate."""
    return profile_from_rankings(names, {(i,): v for i, v in enumerate(votes)})


def test_fptp_most_votes_wins() -> None:
    count = plurality(three_way())
    assert count.elected_names == ["A"]
    assert count.method == "plurality"
    (stage,) = count.stages
    assert stage.action == "first"
    assert stage.tallies == (Decimal(8), Decimal(7), Decimal(5))
    assert count.valid == 20 and stage.exhausted == 0
    assert count.lots == ()


def test_block_plurality_counts_first_seats_preferences() -> None:
    # A: 8 (A>C); B: 7 + 5; C: 8 + 7 + 5.
    count = plurality(three_way(), 2)
    assert count.method == "block-plurality"
    assert count.stages[0].tallies == (Decimal(8), Decimal(12), Decimal(20))
    assert count.elected_names == ["C", "B"]


def test_tie_for_the_seat_is_decided_by_declared_lot() -> None:
    profile = votes_profile(list(ABC), [5, 5, 3])
    count = plurality(profile, lot_order=["B", "A", "C"])
    assert count.elected_names == ["B"]
    (lot,) = count.lots
    assert lot.tied == (0, 1) and lot.chosen == 1 and lot.how == "declared order"
    assert "r.49" in lot.purpose


def test_tie_by_seeded_lot_is_reproducible_and_recorded() -> None:
    profile = votes_profile(list(ABC), [5, 5, 3])
    winners = {plurality(profile, seed=s).elected_names[0] for s in range(20)}
    assert winners == {"A", "B"}
    first, again = plurality(profile, seed=7), plurality(profile, seed=7)
    assert first.elected == again.elected and first.lots == again.lots
    assert first.lots[0].how == "seeded draw (seed 7)"


def test_tie_inside_the_elected_set_needs_no_lot() -> None:
    count = plurality(votes_profile(list(ABC), [5, 5, 3]), 2)
    assert sorted(count.elected_names) == ["A", "B"] and count.lots == ()


def test_three_way_tie_for_two_seats_draws_twice() -> None:
    count = plurality(votes_profile(["A", "B", "C", "D"], [9, 4, 4, 4]), 3,
                      lot_order=["D", "B", "C", "A"])
    assert count.elected_names == ["A", "D", "B"]
    assert [lot.chosen for lot in count.lots] == [3, 1]


def test_skips_overvotes_withdrawn_and_repeats() -> None:
    profile = Profile(
        candidates=("A", "B", "C"),
        rankings=np.array([
            [SKIPPED, 1, -1],      # empty first rank: the vote is B
            [OVERVOTE, 0, -1],     # overvote ends the ballot: no vote
            [2, 0, -1],            # C is withdrawn: passed over, the vote is A
            [0, 0, 1],             # repeat of A passed over (block: A and B)
        ], dtype=np.int32),
        weights=np.array([3, 2, 4, 1], dtype=np.int64),
        overvotes=((0, 1),),
        withdrawn=frozenset({2}),
    )
    one = plurality(profile)
    assert one.stages[0].tallies == (Decimal(5), Decimal(3), Decimal(0))
    assert one.stages[0].exhausted == 2 and one.valid == 8
    two = plurality(profile, 2)
    assert two.stages[0].tallies == (Decimal(5), Decimal(4), Decimal(0))


def test_repeated_candidate_in_plain_block_ranking() -> None:
    profile = profile_from_rankings(ABC, {(0, 0, 1): 2, (2,): 1})
    assert plurality(profile, 2).stages[0].tallies == (Decimal(2), Decimal(2), Decimal(1))


def test_bad_seats() -> None:
    with pytest.raises(RuleError):
        plurality(three_way(), 0)
    with pytest.raises(RuleError):
        plurality(three_way(), 4)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.lists(st.integers(0, 3), min_size=0, max_size=4, unique=True)
                       .map(tuple), st.integers(1, 50), max_size=12),
       st.integers(1, 3), st.permutations(range(4)))
def test_votes_conserved_and_relabelling_changes_nothing(
    rankings: dict[tuple[int, ...], int], seats: int, perm: list[int]
) -> None:
    names = ["A", "B", "C", "D"]
    profile = profile_from_rankings(names, rankings)
    count = plurality(profile, seats)
    stage = count.stages[0]
    marks = sum(min(len(r), seats) * w for r, w in rankings.items())
    assert sum(stage.tallies) == marks
    if seats == 1:
        assert sum(stage.tallies) + stage.exhausted == profile.n_ballots
    assert len(count.elected) == seats
    # Renumber the candidates: each name keeps its votes; the winners too unless a lot drew.
    renamed = [names[perm.index(i)] for i in range(4)]
    moved = profile_from_rankings(renamed, {tuple(perm[c] for c in r): w
                                            for r, w in rankings.items()})
    other = plurality(moved, seats)
    assert other.tallies_by_name(1) == count.tallies_by_name(1)
    if not count.lots:
        assert set(other.elected_names) == set(count.elected_names)


# --- real results -----------------------------------------------------------------------

def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("election", ["2010", "2015", "2017", "2019", "2024"])
def test_westminster_general_elections(uk_data: Path, election: str) -> None:
    """Every constituency's winner and the national seat totals, from the House of Commons
    Library / Electoral Commission results (sources listed in shared/data/uk/README.md)."""
    seats_by_constituency: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _rows(uk_data / "westminster_candidates.csv"):
        if row["election"] == election:
            seats_by_constituency[row["constituency_id"]].append(row)
    assert len(seats_by_constituency) == 650
    won: Counter[str] = Counter()
    for rows in seats_by_constituency.values():
        profile = votes_profile([f"{r['party_code']}/{i}" for i, r in enumerate(rows)],
                                [int(r["votes"]) for r in rows])
        count = plurality(profile)
        assert count.lots == ()
        (winner,) = count.elected
        assert rows[winner]["elected"] == "true", rows[winner]["constituency_name"]
        won[rows[winner]["party_code"]] += 1
    expected = {r["party_code"]: int(r["expected_seats"])
                for r in _rows(uk_data / "westminster_seat_totals.csv")
                if r["election"] == election}
    assert dict(won) == {p: s for p, s in expected.items() if s}


def test_london_assembly_2016_constituencies(uk_data: Path) -> None:
    """The 14 GLA constituency members of 2016: Lab 9, Con 5 (London Elects ward workbook)."""
    by_seat: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _rows(uk_data / "london_assembly2016_constituency_votes.csv"):
        by_seat[row["constituency"]].append(row)
    won: Counter[str] = Counter()
    for rows in by_seat.values():
        count = plurality(votes_profile([r["candidate"] for r in rows],
                                        [int(r["votes"]) for r in rows]))
        (winner,) = count.elected
        assert rows[winner]["elected"] == "true"
        won[rows[winner]["party_code"]] += 1
    assert won == Counter({"lab": 9, "con": 5})
