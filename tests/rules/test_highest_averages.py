"""d'Hondt and Sainte-Laguë: textbook worked examples, thresholds, limits and lots."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.ballots.profile import profile_from_rankings
from psephos.rules.errors import RuleError
from psephos.rules.highest_averages import (
    DIVISORS,
    as_share,
    dhondt,
    divisor_for,
    highest_averages,
    sainte_lague,
    seats_won,
)

# https://staatsrecht.honikel.de/en/berechnungsbeispiele-loesungen.htm (worked table:
# 10 seats; Sainte-Laguë A 5, B 4, C 1; d'Hondt A 6, B 4, C 0).
HONIKEL = {"A": 6100, "B": 5000, "C": 900}


def test_honikel_worked_example_dhondt() -> None:
    count = highest_averages(HONIKEL, 10)
    assert seats_won(count) == {"A": 6, "B": 4, "C": 0}
    # The table's order of award: A, B, A, B, A, B, A, B, A, A.
    assert "".join(count.elected_names) == "ABABABABAA"


def test_honikel_worked_example_sainte_lague() -> None:
    count = highest_averages(HONIKEL, 10, divisor="sainte-lague")
    assert seats_won(count) == {"A": 5, "B": 4, "C": 1}
    # Award order in the table: A 6100, B 5000, A 2033, B 1667, A 1220, B 1000, C 900, ...
    assert "".join(count.elected_names) == "ABABABCABA"


def test_electowiki_35_seat_sainte_lague_example() -> None:
    """https://electowiki.org/wiki/Sainte-Lagu%C3%AB_method, 35-seat example: A 17, B 11, C 7."""
    count = highest_averages({"A": 503, "B": 304, "C": 193}, 35, divisor="sainte-lague")
    assert seats_won(count) == {"A": 17, "B": 11, "C": 7}
    # After 32 seats (A 16, B 10, C 6) the table's averages are 503/33 and 304/21.
    assert count.stages[32].tallies[:2] == (Decimal("15.24242"), Decimal("14.47619"))


def test_scotland_act_explanatory_notes_north_east_1999() -> None:
    """Scotland Act 1998 Explanatory Notes, s.8 worked example (North-East Scotland, 6 May 1999):
    https://www.legislation.gov.uk/ukpga/1998/46/notes/division/3/9 -- regional seats
    Con, SNP, Con, SNP, SNP, Con, SNP; Lab, LD, Green none."""
    votes = {"Labour": 72666, "Lib Dem": 49843, "SNP": 92329, "Con": 52149, "Green": 8067}
    count = highest_averages(votes, 7, initial_seats={"Labour": 4, "Lib Dem": 3, "SNP": 2})
    assert count.elected_names == ["Con", "SNP", "Con", "SNP", "SNP", "Con", "SNP"]
    # The table's figures: first seat ÷5 = 14533, ÷4 = 12461, ÷3 = 30776, ÷1 = 52149, ÷1 = 8067.
    assert count.stages[0].tallies == (Decimal("14533.20000"), Decimal("12460.75000"),
                                       Decimal("30776.33333"), Decimal("52149.00000"),
                                       Decimal("8067.00000"))
    # Seventh seat: SNP ÷6 = 15388 beats Lab ÷5 = 14533 and Con ÷4 = 13037.
    assert count.stages[6].tallies[2] == Decimal("15388.16666")
    assert count.stages[6].tallies[3] == Decimal("13037.25000")
    assert count.options["initial_seats"] == {"Labour": 4, "Lib Dem": 3, "SNP": 2, "Con": 0,
                                              "Green": 0}


def test_modified_sainte_lague_first_divisor() -> None:
    assert divisor_for(0, "modified-sainte-lague") == Fraction(7, 5)
    assert divisor_for(2, "modified-sainte-lague") == 5
    # A 10, B 4, two seats. Sainte-Laguë: A (10/1), then B (4/1 > 10/3).
    plain = highest_averages({"A": 10, "B": 4}, 2, divisor="sainte-lague")
    assert plain.elected_names == ["A", "B"]
    # Modified: A (10/1.4), then A again (10/3 = 3.33 > 4/1.4 = 2.86).
    count = highest_averages({"A": 10, "B": 4}, 2, divisor="modified-sainte-lague")
    assert count.elected_names == ["A", "A"]
    assert count.stages[0].tallies == (Decimal("7.14285"), Decimal("2.85714"))


def test_threshold_is_exact_and_inclusive_at_the_line() -> None:
    votes = {"A": 60, "B": 35, "C": 5}  # C has exactly 5%: kept
    assert as_share(0.05) == Fraction(1, 20)
    count = highest_averages(votes, 20, threshold=0.05)
    assert count.options["below_threshold"] == []
    assert seats_won(count)["C"] == 1
    below = highest_averages({"A": 60, "B": 36, "C": 4}, 20, threshold="0.05")
    assert below.options["below_threshold"] == ["C"]
    assert seats_won(below)["C"] == 0
    assert below.stages[0].excluded == (2,) and below.stages[0].tallies[2] == 0


def test_limits_disregard_an_elected_individual() -> None:
    count = highest_averages({"Party": 100, "Indy": 90}, 3, limits={"Indy": 1})
    # Indy 90 < Party 100 -> Party; Indy 90 > 50 -> Indy; Indy now full -> Party.
    assert count.elected_names == ["Party", "Indy", "Party"]
    assert count.stages[2].tallies[1] == 0


def test_no_contestant_left_is_an_error() -> None:
    with pytest.raises(RuleError):
        highest_averages({"A": 10, "B": 0}, 2, limits={"A": 1})


def test_tie_by_lot() -> None:
    count = highest_averages({"A": 10, "B": 10, "C": 3}, 1, lot_order=["B", "A", "C"])
    assert count.elected_names == ["B"]
    (lot,) = count.lots
    assert lot.tied == (0, 1) and lot.stage == 1
    # With two seats both tied parties get one whichever is drawn first.
    for seed in range(5):
        assert seats_won(highest_averages({"A": 10, "B": 10, "C": 3}, 2, seed=seed)) == {
            "A": 1, "B": 1, "C": 0}


def test_bad_options() -> None:
    with pytest.raises(RuleError):
        highest_averages({"A": 1}, 1, divisor="imperiali")  # type: ignore[arg-type]
    with pytest.raises(RuleError):
        highest_averages({"A": 1}, 1, threshold=1)
    with pytest.raises(RuleError):
        highest_averages({"A": 1}, 1, initial_seats={"Z": 1})
    with pytest.raises(RuleError):
        highest_averages({"A": -1}, 1)


def test_profile_wrappers_use_first_preferences() -> None:
    profile = profile_from_rankings(("A", "B", "C"), {(0, 1): 6100, (1,): 5000, (2, 0): 900})
    assert seats_won(dhondt(profile, 10)) == {"A": 6, "B": 4, "C": 0}
    assert seats_won(sainte_lague(profile, 10)) == {"A": 5, "B": 4, "C": 1}
    assert sainte_lague(profile, 10, modified=True).method == "modified-sainte-lague"
    withdrawn = profile_from_rankings(("A", "B", "C"), {(0,): 10, (1,): 5, (2,): 1},
                                      withdrawn=[0])
    assert seats_won(dhondt(withdrawn, 2)) == {"A": 0, "B": 2, "C": 0}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=6), st.integers(0, 15),
       st.sampled_from(DIVISORS))
def test_house_monotone_and_seat_count(votes: list[int], seats: int, divisor: str) -> None:
    names = {f"P{i}": v for i, v in enumerate(votes)}
    if not any(votes):
        with pytest.raises(RuleError):
            highest_averages(names, seats + 1, divisor=divisor)  # type: ignore[arg-type]
        return
    count = highest_averages(names, seats, divisor=divisor, seed=1)  # type: ignore[arg-type]
    assert len(count.elected) == seats == len(count.stages)
    more = highest_averages(names, seats + 1, divisor=divisor, seed=1)  # type: ignore[arg-type]
    # The first `seats` allocations are the same (same seed, same draws), and no party loses.
    assert more.elected[:seats] == count.elected
    won, won_more = seats_won(count), seats_won(more)
    assert all(won_more[p] >= won[p] for p in names)
    # d'Hondt (Jefferson) never gives a party less than its lower quota, votes x seats / total.
    if divisor == "dhondt" and seats:
        total = sum(votes)
        assert all(won[p] >= v * seats // total for p, v in names.items())
