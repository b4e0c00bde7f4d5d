"""Seats the candidates cannot fill, and declared lot orders that cannot decide a lot:
each a clear `RuleError`, never a silent count or a bare ValueError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from psephos.ballots.blt import read_blt
from psephos.ballots.profile import Profile, profile_from_rankings
from psephos.count import Count
from psephos.rules.errors import RuleError
from psephos.rules.highest_averages import dhondt, sainte_lague
from psephos.rules.meek import meek
from psephos.rules.plurality import plurality
from psephos.rules.stv_scotland import stv_scotland
from psephos.rules.wigm import wigm

ELECTING: dict[str, Callable[..., Count]] = {
    "stv_scotland": stv_scotland, "wigm": wigm, "meek": meek, "plurality": plurality}

THREE = profile_from_rankings(["A", "B", "C"], [(0, 1), (1, 2), (2,)], [5, 3, 2])


@pytest.mark.parametrize("name", ELECTING)
def test_more_seats_than_candidates_is_refused(name: str) -> None:
    """Reported: STV, WIGM and Meek elected everyone silently when seats > candidates."""
    with pytest.raises(RuleError, match="4 seats but only 3 candidates standing"):
        ELECTING[name](THREE, 4)


@pytest.mark.parametrize("name", ELECTING)
def test_withdrawals_leaving_fewer_candidates_than_seats_are_refused(name: str,
                                                                     tmp_path: Path) -> None:
    """Reported: a BLT withdrawing candidates so that fewer remain than seats."""
    blt = tmp_path / "withdrawn.blt"
    blt.write_text('4 3\n-1 -2\n4 1 2 0\n3 3 4 0\n2 2 0\n0\n"A"\n"B"\n"C"\n"D"\n"w"\n',
                   encoding="utf-8")
    profile = read_blt(blt)
    assert profile.withdrawn == {0, 1}
    with pytest.raises(RuleError, match=r"3 seats but only 2 candidates standing \(2 withdrawn\)"):
        ELECTING[name](profile, 3)


@pytest.mark.parametrize("name", ELECTING)
def test_as_many_seats_as_candidates_elects_them_all_at_once(name: str) -> None:
    """Uncontested (SSI 2007/42 Sch. 1 r.12; r.52, PRF D.3, Meek C): all elected at stage 1."""
    count = ELECTING[name](THREE, 3)
    assert sorted(count.elected) == [0, 1, 2]
    assert len(count.stages) == 1
    assert sorted(count.stages[0].elected) == [0, 1, 2]


@pytest.mark.parametrize("name", ELECTING)
def test_no_seats_is_refused(name: str) -> None:
    with pytest.raises(RuleError, match="seats must be at least 1, not 0"):
        ELECTING[name](THREE, 0)


@pytest.mark.parametrize("rule", [dhondt, sainte_lague])
def test_list_rules_refuse_no_seats(rule: Callable[..., Count]) -> None:
    """Reported: ``--seats 0`` for d'Hondt and Sainte-Laguë elected nobody, exit 0."""
    with pytest.raises(RuleError, match="seats must be at least 1, not 0"):
        rule(THREE, 0)


TIED: Profile = profile_from_rankings(["Smith, John", "Jones", "Brown", "Green"],
                                      [(0,), (1,), (2,), (3,)], [5, 5, 5, 9])


def test_a_lot_order_missing_a_tied_candidate_names_the_tied() -> None:
    """Reported: a lot order naming fewer than the tied raised a bare ValueError."""
    with pytest.raises(RuleError) as error:
        plurality(TIED, 2, lot_order=["Jones"])
    message = str(error.value)
    assert "between Smith, John; Jones; Brown" in message
    assert "does not name Smith, John; Brown" in message
    assert "equality of votes" in message


def test_a_lot_order_ranking_the_tied_decides() -> None:
    count = plurality(TIED, 2, lot_order=["Brown", "Smith, John", "Jones"])
    assert count.elected_names == ["Green", "Brown"]
    assert count.lots[0].how == "declared order"


@pytest.mark.parametrize(("order", "message"), [
    (["Jones", "Smith"], r"'Smith' is not a candidate; did you mean 'Smith, John'\?"),
    (["Jones", ""], "item 2 is empty"),
    (["Jones", "Brown", "Jones"], "names Jones more than once"),
])
def test_a_lot_order_must_name_candidates_once(order: list[str], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        stv_scotland(TIED, 2, lot_order=order)


def test_names_match_in_either_unicode_form_and_keep_the_candidates_spelling() -> None:
    from psephos.rules.ties import check_lot_order, name_finder

    composed, decomposed = "D\u00e9", "De\u0301"
    assert check_lot_order([composed, "B"], [decomposed, "B"]) == (composed, "B")
    assert check_lot_order([decomposed, "B"], [composed]) == (decomposed,)
    with pytest.raises(RuleError, match="more than once"):
        check_lot_order([composed, "B"], [composed, decomposed])
    # Two candidates differing only in Unicode form: each is found by its own spelling only.
    find = name_finder([composed, decomposed])
    assert (find(composed), find(decomposed)) == (composed, decomposed)
    assert find("De\u0301".upper().lower() + "\u0300") is None


def test_highest_averages_limits_match_names_in_either_unicode_form() -> None:
    from psephos.rules.highest_averages import highest_averages

    count = highest_averages({"D\u00e9": 100, "B": 60}, 3, limits={"De\u0301": 1},
                             initial_seats={"De\u0301": 0})
    assert count.elected_names == ["D\u00e9", "B", "B"]
    with pytest.raises(RuleError, match="more than once"):
        highest_averages({"D\u00e9": 100}, 1, limits={"De\u0301": 1, "D\u00e9": 1})


def test_a_look_back_that_leaves_a_tie_records_only_the_lot() -> None:
    """r.51(2): all three tie at stage 3; stages 2 and 1 keep B and C level, so a lot between
    them is recorded, not a decision by an earlier stage. r.49(2): A and B tie at stage 3,
    and stage 2 puts A higher."""
    from psephos.rules.ties import Lots

    lots = Lots(["A", "B", "C"], order=["C", "B", "A"])
    history = [[5, 2, 2], [4, 3, 3], [3, 3, 3]]
    assert lots.look_back_or_draw(history, [0, 1, 2], highest=False, stage=3,
                                  purpose="exclusion") == 2
    assert [(lot.tied, lot.how) for lot in lots.drawn] == [((1, 2), "declared order")]
    assert lots.look_back_or_draw(history, [0, 1], highest=True, stage=3,
                                  purpose="surplus") == 0
    assert lots.drawn[-1].how == "earlier stage 2"
