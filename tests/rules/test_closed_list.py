"""The Senedd's closed lists (GoWA 2006 ss.6-9 as substituted in 2024): d'Hondt with limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from psephos.ballots.profile import profile_from_rankings
from psephos.rules.closed_list import SENEDD_SEATS, closed_list, senedd
from psephos.rules.errors import RuleError
from psephos.rules.highest_averages import highest_averages, seats_won
from psephos.rules.registry import RULES, count


def test_hand_checked_six_seats() -> None:
    """Votes 40,000 / 30,000 / 15,000 / 10,000 / 5,000 (Ind), six seats. Figures by hand:
    A 40,000 20,000 13,333 10,000; B 30,000 15,000 10,000; C 15,000 7,500; D 10,000; Ind 5,000.
    The six highest: A 40,000, B 30,000, A 20,000, B 15,000 and C 15,000 (equal: both get a
    seat, in the order drawn), A 13,333 -> A 3, B 2, C 1."""
    votes = {"A": 40_000, "B": 30_000, "C": 15_000, "D": 10_000, "Ind": 5_000}
    result = closed_list(votes, individuals=["Ind"], seed=1)
    assert SENEDD_SEATS == 6 and result.seats == 6 and result.method == "senedd"
    assert seats_won(result) == {"A": 3, "B": 2, "C": 1, "D": 0, "Ind": 0}
    assert result.elected_names[:3] == ["A", "B", "A"]
    assert result.elected_names[-1] == "A"
    assert len(result.lots) == 1  # B 15,000 = C 15,000 for seats 4 and 5
    assert result.stages[5].tallies[0] == Decimal("13333.33333")


def test_is_dhondt_when_no_limit_binds() -> None:
    votes = {"Plaid": 31_064, "Reform": 19_440, "Con": 8_558, "Lab": 4_445, "Green": 3_104}
    assert closed_list(votes).elected == highest_averages(votes, 6).elected


def test_individual_takes_one_seat_then_drops_out() -> None:
    result = closed_list({"A": 1_000, "Ind": 5_000}, 3, individuals=["Ind"])
    assert seats_won(result) == {"A": 2, "Ind": 1}


def test_used_up_list_is_disregarded() -> None:
    result = closed_list({"A": 10_000, "B": 1_000}, 3, list_lengths={"A": 2})
    assert seats_won(result) == {"A": 2, "B": 1}


def test_registered_and_counted_from_a_profile() -> None:
    profile = profile_from_rankings(("A", "B", "C"), {(0,): 600, (1,): 300, (2,): 100})
    entry = RULES["senedd"]
    assert "Senedd Cymru (Members and Elections) Act 2024" in entry.statute
    assert seats_won(count(profile, "senedd", 6)) == {"A": 4, "B": 2, "C": 0}
    assert seats_won(senedd(profile, individuals=["C"])) == {"A": 4, "B": 2, "C": 0}


def test_bad_input() -> None:
    with pytest.raises(RuleError):
        closed_list({"A": 1}, 0)
    with pytest.raises(RuleError, match="1 to 8"):
        closed_list({"A": 1}, list_lengths={"A": 9})
    with pytest.raises(RuleError, match="no votes entry"):
        closed_list({"A": 1}, individuals=["Z"])
    with pytest.raises(RuleError, match="both"):
        closed_list({"A": 1}, individuals=["A"], list_lengths={"A": 1})
