"""Scottish Parliament 2016 (``sp2016-feed``): the election-night feed, the transcribed tables,
and the Electoral Commission layout (which ``sp2016`` reads when both sheets are added)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from psephos.uk import (
    DataFileError,
    HolyroodElection,
    MissingDataError,
    count_scottish_parliament,
    load_scottish_parliament,
    winner,
)
from psephos.uk.guardian_feed import read_guardian_feed
from tests.uk.conftest import FIXTURES
from tests.uk.official import HOLYROOD_LIST_SEATS


@pytest.fixture()
def sp2016(raw: Path, cache: Path) -> HolyroodElection:
    return load_scottish_parliament("sp2016-feed", mirror=raw, cache_dir=cache)


def test_list_seats_of_every_region_with_votes(sp2016: HolyroodElection) -> None:
    """d'Hondt over 7 list seats, divisors from constituency seats + 1, gives the declared
    list seats (ballotbox.scot, BBC; README): Central Lab 4 Con 3; Glasgow Lab 4 Con 2 Green 1;
    Lothian Con 3 Lab 2 Green 2; Mid Scotland and Fife Con 4 Lab 2 Green 1; West Lab 3 Con 3
    Green 1."""
    counted = {r.name: r.list_seats() for r in sp2016.regions if r.list_votes}
    assert counted == HOLYROOD_LIST_SEATS


def test_totals_where_counted(sp2016: HolyroodElection) -> None:
    """In the 5 regions with list votes: SNP 40, Con 17, Lab 17, Green 5, LD 2 seats (README,
    from the declared seats); Lothian list votes as declared (feed): SNP 118,546."""
    report = count_scottish_parliament(sp2016)
    assert report["seats"] == {"snp": 40, "lab": 17, "con": 17, "green": 5, "ld": 2}
    assert report["regions_without_list_votes"] == ["Highlands and Islands",
                                                    "North East Scotland", "South Scotland"]
    lothian = sp2016.region("Lothian")
    assert {v.contestant: v.votes for v in lothian.list_votes}["snp"] == 118546


def test_constituency_seats_sum_to_73_and_the_parliament_to_129(sp2016: HolyroodElection) -> None:
    """Declared seats (ballotbox.scot): 73 constituency, 56 list; SNP 63, Con 31, Lab 24,
    Green 6, LD 5."""
    seats: dict[str, int] = {}
    for region in sp2016.regions:
        for party, n in region.constituency_seats.items():
            seats[party] = seats.get(party, 0) + n
        for party, n in (region.reported_list_seats or {}).items():
            seats[party] = seats.get(party, 0) + n
    assert sum(sum(r.constituency_seats.values()) for r in sp2016.regions) == 73
    assert seats == {"snp": 63, "con": 31, "lab": 24, "green": 6, "ld": 5}


def test_feed_constituencies(raw: Path) -> None:
    """The feed (scotland2.json) holds 65 constituency results: winners SNP 52, Con 6, LD 4,
    Lab 3 (README); Aberdeen Central: Kevin Stewart (SNP) 11,648; 3 regional top-up records
    whose declared seats equal the official ones."""
    feed = read_guardian_feed(raw / "guardian_scotland2016" / "scotland2.json")
    assert len(feed.constituencies) == 65
    wins: dict[str, int] = {}
    for seat in feed.constituencies:
        party = winner(seat.candidates).party_code
        wins[party] = wins.get(party, 0) + 1
    assert wins == {"snp": 52, "con": 6, "ld": 4, "lab": 3}
    first = feed.constituencies[0]
    assert (first.name, first.candidates[0].name, first.candidates[0].votes) == (
        "Aberdeen Central", "Kevin Stewart", 11648)
    assert {r.name: r.top_up_seats for r in feed.regions} == {
        name: HOLYROOD_LIST_SEATS[name] for name in ("Glasgow", "Lothian",
                                                     "Mid Scotland and Fife")}


def test_electoral_commission_layout(raw: Path, cache: Path) -> None:
    """The reader of the Electoral Commission's results-sheet layout, on CONSTRUCTED fixtures
    in that layout (tests/uk/fixtures/ec_sp2016_*.csv, made from the declared Glasgow and
    Lothian figures): constituency seats come from counting each constituency, and d'Hondt
    gives the declared list seats, Glasgow Lab 4 Con 2 Green 1 and Lothian Con 3 Lab 2 Green 2.
    With both sheets cached they replace the feed and the transcribed tables."""
    from psephos.uk import add_file

    add_file(FIXTURES / "ec_sp2016_constituency.csv", cache_dir=cache)
    add_file(FIXTURES / "ec_sp2016_regional.csv", cache_dir=cache)
    loaded = load_scottish_parliament("sp2016", cache_dir=cache)
    assert len(loaded.constituencies) == 18
    glasgow, lothian = loaded.region("Glasgow"), loaded.region("Lothian")
    assert dict(glasgow.constituency_seats) == {"snp": 9}
    assert dict(lothian.constituency_seats) == {"snp": 6, "con": 1, "lab": 1, "ld": 1}
    assert glasgow.list_seats() == HOLYROOD_LIST_SEATS["Glasgow"]
    assert lothian.list_seats() == HOLYROOD_LIST_SEATS["Lothian"]
    assert not loaded.region("West Scotland").list_votes


def test_one_commission_sheet_alone_is_refused(cache: Path) -> None:
    from psephos.uk import add_file

    add_file(FIXTURES / "ec_sp2016_regional.csv", cache_dir=cache)
    with pytest.raises(MissingDataError, match="both"):
        load_scottish_parliament("sp2016", cache_dir=cache)


def test_a_bad_commission_row_names_its_line(cache: Path, tmp_path: Path) -> None:
    lines = (FIXTURES / "ec_sp2016_regional.csv").read_text().splitlines()
    lines[3] = lines[3].replace("Glasgow", "Strathclyde")
    bad = tmp_path / "sp2016-ec-regional-results.csv"
    bad.write_text("\n".join(lines) + "\n")
    shutil.copy(FIXTURES / "ec_sp2016_constituency.csv",
                tmp_path / "sp2016-ec-constituency-results.csv")
    with pytest.raises(DataFileError, match=r"sp2016-ec-regional-results\.csv:4: Region Name"):
        load_scottish_parliament("sp2016", mirror=tmp_path, cache_dir=cache)
