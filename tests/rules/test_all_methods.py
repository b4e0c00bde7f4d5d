"""Every registered method on one tiny, hand-checked profile (a sweep in the pref_voting style).

The profile: A>C x8, B>C x7, C>B x5 (20 ballots).

- One seat. First preferences A 8, B 7, C 5, no majority. FPTP, d'Hondt, Sainte-Laguë and
  the Senedd's closed lists (d'Hondt) take A. AV / STV with one seat (quota 11) exclude C,
  whose 5 ballots go to B: B 12 beats A 8. The supplementary vote keeps A and B and adds C's
  second preferences: B 12.
- Two seats. Block plurality counts two marks a ballot: C 20, B 12, A 8 -> C, B. STV (quota
  floor(20/3) + 1 = 7): A 8 and B 7 both reach it at stage 1. d'Hondt (and the Senedd's
  closed lists): A 8, then B 7 > A 4; Sainte-Laguë: A 8, then B 7 > A 8/3. AV and SV fill
  one seat only.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from psephos.ballots.profile import Profile, profile_from_rankings
from psephos.count import Count
from psephos.rules.errors import RuleError
from psephos.rules.registry import RULES, count

ONE_SEAT = {
    "plurality": "A", "av": "B", "sv": "B", "stv-scotland": "B", "wigm": "B", "meek": "B",
    "dhondt": "A", "sainte-lague": "A", "senedd": "A",
}
TWO_SEATS: dict[str, set[str] | None] = {
    "plurality": {"B", "C"}, "av": None, "sv": None, "stv-scotland": {"A", "B"},
    "wigm": {"A", "B"}, "meek": {"A", "B"}, "dhondt": {"A", "B"}, "sainte-lague": {"A", "B"},
    "senedd": {"A", "B"},
}


def tiny() -> Profile:
    return profile_from_rankings(("A", "B", "C"), {(0, 2): 8, (1, 2): 7, (2, 1): 5})


def run(method: str, profile: Profile, seats: int, **options: object) -> Count:
    """Count by the registered rule's own function, as the registry loads it."""
    return RULES[method].load()(profile, seats, **options)


def test_registry_names() -> None:
    assert set(RULES) == set(ONE_SEAT) == set(TWO_SEATS)


@pytest.mark.parametrize("method", sorted(ONE_SEAT))
def test_registered_rule_is_documented(method: str) -> None:
    """Every entry names a statute, and its function's docstring says what it implements."""
    entry = RULES[method]
    assert entry.statute and entry.label
    assert (entry.load().__doc__ or "").strip()


@pytest.mark.parametrize("method", sorted(ONE_SEAT))
def test_one_seat_winner_and_stage_one_conservation(method: str) -> None:
    profile = tiny()
    result = run(method, profile, 1, seed=None)
    assert result.elected_names == [ONE_SEAT[method]]
    assert result.seats == 1
    first = result.stages[0]
    assert first.tallies == (Decimal(8), Decimal(7), Decimal(5))
    assert sum(first.tallies) + first.exhausted == profile.n_ballots
    assert result.lots == ()


@pytest.mark.parametrize("method", sorted(TWO_SEATS))
def test_two_seats(method: str) -> None:
    expected = TWO_SEATS[method]
    if expected is None:
        with pytest.raises(RuleError):
            run(method, tiny(), 2)
        return
    result = run(method, tiny(), 2, lot_order=["A", "B", "C"])
    assert set(result.elected_names) == expected
    assert len(result.elected) == 2


def test_count_by_name_uses_declared_seats() -> None:
    profile = profile_from_rankings(("A", "B", "C"), {(0, 2): 8, (1, 2): 7, (2, 1): 5},
                                    seats=2)
    assert set(count(profile, "dhondt").elected_names) == {"A", "B"}
    assert count(profile, "plurality", 1).elected_names == ["A"]
    with pytest.raises(RuleError, match="unknown method"):
        count(profile, "borda")


def test_a_files_declared_tie_order_decides_lots_unless_the_caller_gives_one() -> None:
    """Droop's BLT ``[tie]`` line (`Profile.lot_order`) breaks ties; an explicit lot order
    or seed from the caller takes its place. A 4-4 tie for one seat under plurality."""
    import dataclasses

    tied = profile_from_rankings(("A", "B"), {(0,): 4, (1,): 4})
    declared = dataclasses.replace(tied, lot_order=("B", "A"))
    by_file = count(declared, "plurality", 1)
    assert by_file.elected_names == ["B"]
    assert [(lot.chosen, lot.how) for lot in by_file.lots] == [(1, "declared order")]
    assert count(declared, "plurality", 1, lot_order=["A", "B"]).elected_names == ["A"]
    assert count(declared, "plurality", 1, seed=5).lots[0].how.startswith("seeded draw")
    assert count(tied, "plurality", 1).lots[0].how.startswith("seeded draw")
