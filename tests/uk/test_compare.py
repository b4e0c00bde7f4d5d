"""GE2024 against the notional GE2019 on the same seats (psephos.uk.compare), checked against
the raw files read here with the csv module and against `count_general_election`."""

from __future__ import annotations

import csv
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from psephos.uk import GeneralElection, UKDataError, count_general_election, load_general_election
from psephos.uk.compare import butler_swing, compare_general_elections
from tests.uk.test_notionals import FOLDER, REISSUED, SPREADSHEET, number


@pytest.fixture()
def elections(raw: Path, cache: Path) -> tuple[GeneralElection, GeneralElection]:
    return (load_general_election("ge2024", mirror=raw, cache_dir=cache),
            load_general_election("ge2019-notional", mirror=raw, cache_dir=cache))


def raw_shares(raw: Path) -> dict[str, tuple[float, float, float, float] | None]:
    """Per 2024 seat: (Con 2019, Con 2024, Lab 2019, Lab 2024) shares from the raw files, None
    where Con or Lab had no candidate at either election."""
    with (raw / "hocl" / "HoC-GE2024-results-by-constituency.csv").open(
            encoding="utf-8-sig", newline="") as handle:
        later = {row["ONS ID"]: row for row in csv.DictReader(handle)}
    with (raw / FOLDER / SPREADSHEET).open(encoding="utf-8", newline="") as handle:
        earlier = {REISSUED.get(row["ONS code"], row["ONS code"]): row
                   for row in csv.DictReader(handle)}
    assert later.keys() == earlier.keys() and len(later) == 650
    out: dict[str, tuple[float, float, float, float] | None] = {}
    for code, now in later.items():
        then = earlier[code]
        v0, v1 = number(then["total_votes"]), number(now["Valid votes"])
        con0, con1 = number(then["Conv"]), number(now["Con"])
        lab0, lab1 = number(then["Labv"]), number(now["Lab"])
        stood = all((con0, con1, lab0, lab1))
        out[code] = (con0 / v0, con1 / v1, lab0 / v0, lab1 / v1) if stood else None
    return out


def test_every_seats_swing_and_share_change(raw: Path,
                                            elections: tuple[GeneralElection, GeneralElection]
                                            ) -> None:
    """Con to Lab, Butler: ((Lab24 - Lab19) - (Con24 - Con19)) / 2, from the raw columns."""
    result = compare_general_elections(*elections)
    assert result.pair == ("con", "lab")  # GE2024's runner-up and leader in votes
    expected = raw_shares(raw)
    report = result.to_json()
    assert len(report["seats"]) == 650
    for seat in report["seats"]:
        shares = expected[seat["id"]]
        if shares is None:
            assert seat["swing"] is None, seat["name"]
            continue
        con0, con1, lab0, lab1 = shares
        assert seat["swing"] == pytest.approx(((lab1 - lab0) - (con1 - con0)) / 2, abs=1e-6)
        assert seat["share_change"]["con"] == pytest.approx(con1 - con0, abs=1e-6)
        assert seat["share_change"]["lab"] == pytest.approx(lab1 - lab0, abs=1e-6)
    uncontested = {s["id"] for s in report["seats"] if s["swing"] is None}
    assert uncontested == {code for code, shares in expected.items() if shares is None}
    # Northern Ireland's 18, the Speaker's Chorley and Rotherham (no Conservative in 2024)
    assert sorted(s["name"] for s in report["seats"] if s["id"] in uncontested
                  and s["nation"] != "Northern Ireland") == ["Chorley", "Rotherham"]
    assert len(uncontested) == 20


def test_party_totals_are_the_two_counts(elections: tuple[GeneralElection, GeneralElection]
                                         ) -> None:
    later, earlier = elections
    result = compare_general_elections(later, earlier)
    now, before = count_general_election(later), count_general_election(earlier)
    for party in result.parties:
        assert party.seats == now.seats.get(party.party, 0)
        assert party.seats_before == before.seats.get(party.party, 0)
        assert party.votes == now.votes.get(party.party, 0)
        assert party.votes_before == before.votes.get(party.party, 0)
        assert party.gains - party.losses == party.seats - party.seats_before
    assert result.valid_votes == now.valid_votes and result.valid_votes_before == before.valid_votes
    assert sum(p.gains for p in result.parties) == result.changed_hands == sum(
        now.winners[i] != before.winners[i] for i in now.winners)
    shares = {p.party: p for p in result.parties}
    lab, con = shares["lab"], shares["con"]
    assert result.swing == ((lab.share - lab.share_before) - (con.share - con.share_before)) / 2
    assert float(result.swing) == pytest.approx(
        ((9_708_716 / 28_808_662 - 10_269_051 / 32_014_119)
         - (6_828_925 / 28_808_662 - 13_966_454 / 32_014_119)) / 2)


def test_a_chosen_pair(elections: tuple[GeneralElection, GeneralElection]) -> None:
    result = compare_general_elections(*elections, pair=("con", "ld"))
    seat = next(s for s in result.seats if s.swing is not None)
    assert seat.swing == butler_swing(seat.share("con"), seat.share_before("con"),
                                      seat.share("ld"), seat.share_before("ld"))
    backwards = compare_general_elections(*elections, pair=("ld", "con"))
    assert backwards.swing == -result.swing
    with pytest.raises(UKDataError, match="'xyz' is not a party code"):
        compare_general_elections(*elections, pair=("xyz", "lab"))
    with pytest.raises(UKDataError, match="two different parties"):
        compare_general_elections(*elections, pair=("lab", "lab"))


def test_other_boundaries_are_refused(raw: Path, cache: Path,
                                      elections: tuple[GeneralElection, GeneralElection]) -> None:
    later, earlier = elections
    ge2019 = load_general_election("ge2019", mirror=raw, cache_dir=cache)
    with pytest.raises(UKDataError, match="not on the same boundaries: 645 of ge2024's 650 "
                                          "constituencies are not in ge2019"):
        compare_general_elections(later, ge2019)
    short = replace(earlier, constituencies=earlier.constituencies[1:])
    gone = earlier.constituencies[0]
    with pytest.raises(UKDataError, match=f"1 of ge2024's 650 constituencies are not in "
                                          f"ge2019-notional \\(e.g. {gone.id} {gone.name}\\)"):
        compare_general_elections(later, short)


def test_butler_swing_is_the_mean_of_gain_and_loss() -> None:
    assert butler_swing(Fraction(40, 100), Fraction(50, 100), Fraction(45, 100),
                        Fraction(35, 100)) == Fraction(10, 100)
