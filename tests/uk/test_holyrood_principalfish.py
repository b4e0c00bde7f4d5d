"""Scottish Parliament 2016, 2021 and 2026 from principalfish's results files, read in place.

Official figures (each test names its own): the seat totals and 2021 list votes are those in
../shared/data/uk/README.md ("Added 2026-12-05"), checked there against the declared results;
the 2016 seats by region are the transcribed declared figures (holyrood2016_seats_by_region.csv,
ballotbox.scot); the two 2016 constituency figures come from the BBC's results pages.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from psephos.uk import count_scottish_parliament, load_scottish_parliament, winner
from psephos.uk.holyrood_transcribed import read_seats

#: Declared seats (README: official totals). 2026 is NOT checked against an official source.
SEATS: dict[str, dict[str, int]] = {
    "sp2016": {"snp": 63, "con": 31, "lab": 24, "green": 6, "ld": 5},
    "sp2021": {"snp": 64, "con": 31, "lab": 22, "green": 8, "ld": 4},
    "sp2026": {"snp": 58, "lab": 17, "reform": 17, "green": 15, "con": 12, "ld": 10},
}

#: 2021 regional list votes, official (README). The file's Liberal Democrat figure is 137,152.
LIST_VOTES_2021 = {"snp": 1_094_374, "con": 637_131, "lab": 485_819, "green": 220_324,
                   "ld": 137_151}


def words(name: str) -> frozenset[str]:
    """A constituency name as its words: the feed writes "&" and orders some words its own
    way ("Aberdeen South & Kincardine North", "Fife North East")."""
    return frozenset(name.lower().replace(",", " ").split()) - {"and", "&"}


def report(election: str, raw: Path, cache: Path) -> dict[str, Any]:
    return count_scottish_parliament(load_scottish_parliament(election, mirror=raw,
                                                              cache_dir=cache))


@pytest.mark.parametrize("election", sorted(SEATS))
def test_seats_and_every_regions_list_seats(election: str, raw: Path, cache: Path) -> None:
    """73 constituencies by plurality and 8 x 7 list seats by d'Hondt give the declared
    totals (README: 2016 SNP 63, Con 31, Lab 24, Green 6, LD 5; 2021 SNP 64, Con 31, Lab 22,
    Green 8, LD 4; 2026, unverified, SNP 58, Lab 17, Reform 17, Green 15, Con 12, LD 10), and in
    every region the list seats counted are the list-seat winners the file declares."""
    counted = report(election, raw, cache)
    assert counted["seats"] == SEATS[election]
    assert counted["constituencies_counted"] == 73
    assert sum(counted["constituency_seats"].values()) == 73
    assert sum(counted["list_seats"].values()) == 56
    assert len(counted["regions_counted"]) == 8 and not counted["regions_without_list_votes"]
    assert counted["constituencies_not_as_declared"] == []
    for region in counted["regions"]:
        assert region["list_seats"] == region["reported_list_seats"], region["region"]
        assert sum(region["list_seats"].values()) == 7


def test_2016_regions_as_declared(raw: Path, cache: Path) -> None:
    """Each of the 8 regions: constituency and list seats equal the transcribed declared seats
    by region (holyrood2016_seats_by_region.csv; e.g. Lothian SNP 6, Con 1, Lab 1, LD 1 and
    list Con 3, Lab 2, Green 2). The file places Paisley in South Scotland and Midlothian
    South, Tweeddale and Lauderdale in Lothian; counted in West and South Scotland. The 73
    constituencies: SNP 59, Con 7, LD 4, Lab 3 (README, official)."""
    declared = read_seats(raw.parent / "holyrood2016_seats_by_region.csv")
    counted = report("sp2016", raw, cache)
    for region in counted["regions"]:
        constituency, regional = declared[region["region"]]
        assert region["constituency_seats"] == {p: n for p, n in constituency.items() if n}
        assert region["list_seats"] == {p: n for p, n in regional.items() if n}
        assert region["reported_list_seats"] == region["list_seats"]
    assert any("Paisley" in note and "West Scotland" in note for note in counted["notes"])
    assert counted["constituency_seats"] == {"snp": 59, "con": 7, "lab": 3, "ld": 4}


def test_2016_against_the_election_night_feed(raw: Path, cache: Path) -> None:
    """In the 5 regions sp2016-feed has list votes, the main parties' list votes agree exactly;
    of the feed's 65 constituencies only two figures differ, neither changing a winner.
    The BBC's declared results: Clydesdale Lab 6,995 (this file; the feed says 6,895) and
    Eastwood SNP 11,321 (the feed; this file says 11,322)."""
    whole = load_scottish_parliament("sp2016", mirror=raw, cache_dir=cache)
    feed = load_scottish_parliament("sp2016-feed", mirror=raw, cache_dir=cache)
    main = ("snp", "con", "lab", "green", "ld")
    for region in feed.regions:
        if not region.list_votes:
            continue
        ours = {v.party_code: v.votes for v in whole.region(region.name).list_votes}
        theirs = {v.party_code: v.votes for v in region.list_votes}
        assert {p: ours[p] for p in main} == {p: theirs[p] for p in main}, region.name
    ours_by_name = {words(c.name): c for c in whole.constituencies}
    assert len(ours_by_name) == 73
    differ: dict[str, tuple[int, int]] = {}
    for seat in feed.constituencies:
        mine = ours_by_name[words(seat.name)]
        assert winner(mine.candidates).party_code == winner(seat.candidates).party_code
        for candidate in seat.candidates:
            if candidate.party_code in main:
                figure = next(c.votes for c in mine.candidates
                              if c.party_code == candidate.party_code)
                if figure != candidate.votes:
                    differ[f"{seat.name} {candidate.party_code}"] = (figure, candidate.votes)
    assert differ == {"Clydesdale lab": (6995, 6895), "Eastwood snp": (11322, 11321)}


def test_2021_list_votes(raw: Path, cache: Path) -> None:
    """Official 2021 list votes: SNP 1,094,374, Con 637,131, Lab 485,819, Green 220,324 are
    the file's; Liberal Democrats: the file has 137,152 against the official 137,151 (one
    vote; psephos reads the file as it is, and it changes no seat)."""
    votes = report("sp2021", raw, cache)["votes"]
    for party in ("snp", "con", "lab", "green"):
        assert votes[party] == LIST_VOTES_2021[party]
    assert votes["ld"] == LIST_VOTES_2021["ld"] + 1


def test_others_take_no_list_seat(raw: Path, cache: Path) -> None:
    """'Others' sums every minor list: counted as one list it would take a seat in Glasgow
    and Highlands and Islands in 2016, but no minor party won one (declared seats); so it is
    no contestant: absent from the quotients, its votes kept. In Glasgow the feed's biggest
    minor list, UKIP 4,889, is far below the seventh seat's quotient."""
    counted = report("sp2016", raw, cache)
    would = {r["region"] for r in counted["regions"]
             if r["aggregates"]["Others"]["seats_if_one_list"]}
    assert would == {"Glasgow", "Highlands and Islands"}
    glasgow = next(r for r in counted["regions"] if r["region"] == "Glasgow")
    assert glasgow["aggregates"]["Others"]["votes"] == glasgow["list_votes"]["Others"] == 19076
    assert all("Others" not in r["quotients"] for r in glasgow["rounds"])
    last = glasgow["rounds"][-1]
    assert Fraction(last["quotients"][last["elected"]]) > 4889
    assert not any(r["aggregates"]["Others"]["seats_if_one_list"]
                   for r in report("sp2021", raw, cache)["regions"])
    assert {r["region"] for r in report("sp2026", raw, cache)["regions"]
            if r["aggregates"]["Others"]["seats_if_one_list"]} == {
        "Edinburgh and Lothians East", "Highlands and Islands"}


@pytest.mark.parametrize("election", sorted(SEATS))
def test_every_rounds_quotients(election: str, raw: Path, cache: Path) -> None:
    """Round by round, each quotient is list votes / (constituency seats + list seats so far
    + 1), truncated to 5 places, and the seat goes to the highest (worked out here)."""
    for region in report(election, raw, cache)["regions"]:
        held = Counter(region["constituency_seats"])
        for number, seat in enumerate(region["rounds"], start=1):
            assert seat["seat"] == number
            exact = {name: Fraction(votes, held[name] + 1)
                     for name, votes in region["list_votes"].items() if name != "Others"}
            for name, quotient in seat["quotients"].items():
                assert Fraction(quotient) == int(exact[name] * 100000) / Fraction(100000)
            top = max(exact, key=lambda name: exact[name])
            assert seat["elected"] == top and seat["divisor"] == held[top] + 1
            held[top] += 1
        assert Counter(r["elected"] for r in region["rounds"]) == Counter(region["list_seats"])
