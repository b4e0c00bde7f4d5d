"""The supplementary vote (GLA Act 1999 Sch. 2): hand-checked cases and London Mayor 2016."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from psephos.ballots.profile import OVERVOTE, SKIPPED, Profile, profile_from_rankings
from psephos.count import NON_TRANSFERABLE
from psephos.rules.errors import RuleError
from psephos.rules.supplementary_vote import supplementary_vote

ABCD = ("A", "B", "C", "D")


def test_majority_of_first_preferences_wins_at_stage_one() -> None:
    profile = profile_from_rankings(ABCD, {(0, 1): 11, (1, 0): 6, (2, 1): 4})
    count = supplementary_vote(profile)
    assert count.elected_names == ["A"]
    assert len(count.stages) == 1 and count.stages[0].elected == (0,)


def test_exactly_half_is_not_a_majority() -> None:
    profile = profile_from_rankings(ABCD, {(0,): 10, (1,): 6, (2, 1): 4})
    count = supplementary_vote(profile)
    assert len(count.stages) == 2
    assert count.stages[1].tallies == (Decimal(10), Decimal(10), Decimal(0), Decimal(0))


def test_only_second_column_of_eliminated_ballots_transfers() -> None:
    # A 9, B 8, C 5, D 3: A and B stay in.
    profile = profile_from_rankings(ABCD, {
        (0, 2): 9,           # A's second preferences never count
        (1,): 8,
        (2, 1): 2,           # C -> B
        (2, 3, 0): 3,        # C -> D (eliminated): non-transferable; the third rank is ignored
        (3, 0): 1,           # D -> A
        (3, 3): 1,           # D -> D: non-transferable
        (3,): 1,             # no second preference
    })
    count = supplementary_vote(profile)
    first, second = count.stages
    assert first.tallies == (Decimal(9), Decimal(8), Decimal(5), Decimal(3))
    assert second.action == "exclude" and second.excluded == (2, 3)
    assert second.tallies == (Decimal(10), Decimal(10), Decimal(0), Decimal(0))
    assert second.changes == (Decimal(1), Decimal(2), Decimal(-5), Decimal(-3))
    assert second.exhausted == 5 and second.exhausted_change == 5
    assert second.transfers == {
        2: {0: Decimal(0), 1: Decimal(2), NON_TRANSFERABLE: Decimal(3)},
        3: {0: Decimal(1), 1: Decimal(0), NON_TRANSFERABLE: Decimal(2)},
    }
    # 10 - 10: the final equality is decided by lot.
    assert len(count.lots) == 1 and count.lots[0].stage == 2
    assert supplementary_vote(profile, lot_order=["B", "A"]).elected_names == ["B"]
    assert supplementary_vote(profile, lot_order=["A", "B"]).elected_names == ["A"]


def test_tie_for_second_place_decided_by_lot() -> None:
    profile = profile_from_rankings(ABCD, {(0,): 9, (1, 2): 5, (2, 1): 5, (3, 2): 4})
    count = supplementary_vote(profile, lot_order=["C", "B"])
    (lot,) = count.lots
    assert lot.stage == 1 and lot.tied == (1, 2) and lot.chosen == 2
    # C stays in with A: 5 + 5 (B's ballots) + 4 (D's) = 14 beats A's 9.
    assert count.stages[1].tallies == (Decimal(9), Decimal(0), Decimal(14), Decimal(0))
    assert count.elected_names == ["C"]


def test_rejected_first_preference_counts_nowhere() -> None:
    profile = Profile(
        candidates=("A", "B", "C"),
        rankings=np.array([[0, -1], [1, 0], [2, 1], [SKIPPED, 1], [OVERVOTE, 2]],
                          dtype=np.int32),
        weights=np.array([4, 3, 2, 5, 1], dtype=np.int64),
        overvotes=((0, 1),),
    )
    count = supplementary_vote(profile)
    first, second = count.stages
    assert count.valid == 9 and first.exhausted == 6
    assert sum(first.tallies) + first.exhausted == profile.n_ballots
    assert second.tallies == (Decimal(4), Decimal(5), Decimal(0))
    assert count.elected_names == ["B"]


def test_two_candidates() -> None:
    profile = profile_from_rankings(("A", "B"), {(0,): 3, (1,): 3})
    count = supplementary_vote(profile, lot_order=["B", "A"])
    assert count.elected_names == ["B"] and len(count.stages) == 1


def test_withdrawn_refused() -> None:
    profile = profile_from_rankings(ABCD, {(0,): 1}, withdrawn=[3])
    with pytest.raises(RuleError):
        supplementary_vote(profile)


# --- London Mayor 2016 --------------------------------------------------------------------

def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _shares(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` by largest remainders (exact integers)."""
    whole = sum(weights)
    base = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in order[: total - sum(base)]:
        base[i] += 1
    return base


def london_2016_profile(uk_data: Path) -> tuple[Profile, dict[str, int]]:
    """A first x second preference profile consistent with every published 2016 total.

    The count sheets published for 2016 (transcribed in shared/data/uk) give, per
    candidate, first-choice votes, second-choice votes over all ballots, the ballots
    with no valid second choice, and the second preferences each finalist gained from
    eliminated candidates' ballots, but NOT the first x second cross-table. This builds
    one table with exactly those margins (the split of the transfers among the ten
    eliminated candidates is proportional to their first preferences, which is an
    assumption; the supplementary vote's arithmetic depends only on the totals).
    Returns the profile and the published figures the count must reproduce.
    """
    mayor = _rows(uk_data / "london_mayor2016.csv")
    prefs = {int(r["first_choice_votes"]): r
             for r in _rows(uk_data / "london_mayor2016_preferences.csv")}
    names = [r["candidate"] for r in mayor]
    first = [int(r["first_preferences"]) for r in mayor]
    second = [int(prefs[v]["second_choice_votes"]) for v in first]  # joined on first choices
    finalists = [i for i, r in enumerate(mayor) if r["second_preferences_added"]]
    k, g = finalists
    gained = {i: int(mayor[i]["second_preferences_added"]) for i in finalists}
    out = [i for i in range(len(names)) if i not in finalists]
    none = sum(first) - sum(second)  # second choice unmarked, uncertain or overvoted

    cell: dict[tuple[int, int], int] = {}  # (first, second) -> ballots; second -1 = none
    room = dict(enumerate(second))  # second-choice marks still to place
    left = dict(enumerate(first))  # first-choice ballots still to place
    for f in finalists:
        for i, share in zip(out, _shares(gained[f], [first[i] for i in out]), strict=True):
            cell[i, f] = share
            left[i] -= share
            room[f] -= share
    # The finalists' remaining second-choice marks come from the other finalist's ballots.
    for f, other in ((k, g), (g, k)):
        cell[other, f] = room[f]
        left[other] -= room[f]
        room[f] = 0
    # Eliminated candidates' other ballots: a second choice for another eliminated
    # candidate (the one with most marks left), never for themselves.
    for i in out:
        j = max((j for j in out if j != i), key=lambda j: room[j])
        cell[i, j] = left[i]
        room[j] -= left[i]
        left[i] = 0
    # The finalists' own ballots fill the remaining marks, then "no second choice".
    room[-1] = none
    for f in finalists:
        for j in [*out, -1]:
            take = min(left[f], room[j])
            if take:
                cell[f, j] = cell.get((f, j), 0) + take
                left[f] -= take
                room[j] -= take
    assert not any(left.values()) and not any(room.values())
    assert all(v >= 0 for v in cell.values())
    profile = profile_from_rankings(names, {(i, j) if j >= 0 else (i,): v
                                            for (i, j), v in cell.items()})
    expected = {
        "valid": sum(first),
        **{f"first {n}": v for n, v in zip(names, first, strict=True)},
        **{f"second marks {n}": v for n, v in zip(names, second, strict=True)},
        **{f"final {mayor[f]['candidate']}": int(mayor[f]["final_round_votes"])
           for f in finalists},
        "no second choice": none,
    }
    return profile, expected


def test_london_mayor_2016(uk_data: Path) -> None:
    """Khan 1,148,716 + 161,427 = 1,310,143; Goldsmith 909,755 + 84,859 = 994,614.

    Sources (source_url in london_mayor2016.csv):
    https://statinvestor.com/data/32409/london-mayoral-elections-2016-final-results and
    House of Commons Library CBP-7598
    (https://commonslibrary.parliament.uk/research-briefings/CBP-7598/); second-choice
    totals from the London Elects ward workbook (London Datastore).
    """
    profile, expected = london_2016_profile(uk_data)
    # The built profile has the published margins.
    assert profile.n_ballots == expected["valid"] == 2_596_961
    second = np.zeros(profile.n_candidates, dtype=np.int64)
    for ranking, weight in profile.iter_rankings():
        if len(ranking) > 1:
            second[ranking[1]] += weight
    for name, marks in zip(profile.candidates, second.tolist(), strict=True):
        assert marks == expected[f"second marks {name}"]
    assert profile.n_ballots - int(second.sum()) == expected["no second choice"] == 384_243

    count = supplementary_vote(profile)
    first, final = count.stages
    for name, votes in count.tallies_by_name(1).items():
        assert votes == expected[f"first {name}"]
    assert first.elected == () and count.lots == ()  # Khan's 44.2% is no majority
    final_votes = count.tallies_by_name(2)
    assert final_votes["Sadiq Khan"] == expected["final Sadiq Khan"] == 1_310_143
    assert final_votes["Zac Goldsmith"] == expected["final Zac Goldsmith"] == 994_614
    assert count.elected_names == ["Sadiq Khan"]
    assert len(final.excluded) == 10
    # Eliminated: 538,490 ballots; 161,427 + 84,859 transferred; the rest non-transferable.
    assert final.exhausted_change == 538_490 - 161_427 - 84_859 == 292_204
    assert sum(final.tallies) + final.exhausted == profile.n_ballots
