"""ge2019-notional: Rallings & Thrasher's 2019 votes on the 2024 seats, read from the raw
spreadsheet and checked against the spreadsheet's own columns, read here with the csv module."""

from __future__ import annotations

import csv
import io
import re
import shutil
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from psephos.uk import (
    DataFileError,
    FetchError,
    GeneralElection,
    count_general_election,
    get_election,
    load_general_election,
    winner,
)
from psephos.uk.catalogue import ELECTIONS
from psephos.uk.fetch import sha256
from psephos.uk.notionals import SPEAKER_SEAT
from tests.uk.conftest import FIXTURES
from tests.uk.official import SEATS, VALID_VOTES

FOLDER = "notionals_ge2019_on_2024"
SPREADSHEET = "results_spreadsheet_for_distribution.csv"
GB_FILE = "clean_notionals.csv"
NOTIONAL = ELECTIONS["ge2019-notional"]
#: The spreadsheet's Win19 labels as party codes.
WIN19 = {"Con": "con", "Lab": "lab", "LD": "ld", "SNP": "snp", "PC": "pc", "Green": "green",
         "DUP": "dup", "SF": "sf", "SDLP": "sdlp", "All": "alliance", "Spkr": "speaker"}
#: The Scottish codes re-issued before 2024 (README, hex-map section: mapped there by name).
REISSUED = {"S14000006": "S14000107", "S14000008": "S14000108", "S14000010": "S14000109",
            "S14000040": "S14000110", "S14000058": "S14000111"}


def spreadsheet(raw: Path) -> list[dict[str, str]]:
    with (raw / FOLDER / SPREADSHEET).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def number(cell: str) -> int:
    return int(cell.replace(",", "")) if cell.strip() else 0


def party_columns(row: dict[str, str]) -> list[str]:
    return [c for c in row if c.endswith("v") and c not in ("TotOthv", "MaxOthv")]


@pytest.fixture()
def notional(raw: Path, cache: Path) -> GeneralElection:
    return load_general_election("ge2019-notional", mirror=raw, cache_dir=cache)


def test_catalogue_pins_the_raw_copies_and_says_where_they_come_from(raw: Path) -> None:
    for item in NOTIONAL.files:
        assert sha256((raw / FOLDER / item.name).read_bytes()) == item.sha256
        assert item.mirror_url == ("https://raw.githubusercontent.com/ralphascott/"
                                   "UKGE24_wpc_census_summaries/"
                                   f"d37264281d7ffa9eff6a86a01008c15e331022cc/data/{item.name}")
        assert item.source.startswith("ralphascott/UKGE24_wpc_census_summaries @ d3726428 : ")
        assert item.licence
    assert "CC BY-SA 4.0" in NOTIONAL.file("gb_codes").licence


def test_winners_counted_from_the_votes_are_the_win19_column(raw: Path,
                                                          notional: GeneralElection) -> None:
    """Counting the votes (not reading Win19) gives Con 372, Lab 200, SNP 48, LD 8, DUP 8,
    SF 7, PC 2, SDLP 2, Green 1, Alliance 1, Speaker 1; every seat's winner is its Win19 and
    its margin the spreadsheet's majority."""
    result = count_general_election(notional)
    assert result.seats == SEATS["ge2019-notional"]
    rows = spreadsheet(raw)
    assert len(rows) == len(notional.constituencies) == 650
    for row, seat in zip(rows, notional.constituencies, strict=True):
        assert winner(seat.candidates).party_code == WIN19[row["Win19"]], seat.name
        first, second = sorted((c.votes for c in seat.candidates), reverse=True)[:2]
        assert first - second == number(row["majority"]), seat.name


def test_party_columns_disagree_with_total_votes_only_in_chorley(raw: Path,
                                                                 notional: GeneralElection) -> None:
    """Chorley is the one row whose party columns do not add up to total_votes: the
    Speaker's 26,831 votes are only in TotOthv/MaxOthv. psephos counts the party columns
    plus the Speaker's votes (TotOthv less the named minor columns), which then equal
    total_votes in all 650 rows; the stray blank2 cell (Leeds South, 281) is not counted."""
    rows = spreadsheet(raw)
    short = {row["Boundary Comm name"]: number(row["total_votes"])
             - sum(number(row[c]) for c in party_columns(row)) for row in rows}
    assert {name: gap for name, gap in short.items() if gap} == {"Chorley": 26_831}
    chorley = next(r for r in rows if r["ONS code"] == SPEAKER_SEAT)
    assert number(chorley["MaxOthv"]) == 26_831 and chorley["Win19"] == "Spkr"
    seat = next(s for s in notional.constituencies if s.id == SPEAKER_SEAT)
    assert [(c.party_code, c.votes) for c in seat.candidates] == [
        ("green", 3_600), ("ind", 9_439), ("speaker", 26_831)]
    for row, seat in zip(rows, notional.constituencies, strict=True):
        assert seat.valid_votes == number(row["total_votes"]) == sum(
            c.votes for c in seat.candidates)
        assert seat.electorate == number(row["electorate"])
    assert [r["Boundary Comm name"] for r in rows if r["blank2"].strip()] == ["Leeds South"]
    assert sum(s.valid_votes for s in notional.constituencies) == VALID_VOTES["ge2019-notional"]


def test_thousands_commas_are_read(raw: Path,
                                   notional: GeneralElection) -> None:
    """35 number cells carry thousands commas ("37,508", all in total_votes and majority)."""
    rows = spreadsheet(raw)
    grouped = [(r["ONS code"], c) for r in rows for c, v in r.items()
               if re.fullmatch(r"\d{1,3}(,\d{3})+", v)]
    assert len(grouped) == 35
    assert {c for _, c in grouped} == {"total_votes", "majority"}
    by_id = {s.id: s for s in notional.constituencies}
    for row in rows:
        if "," in row["total_votes"]:
            seat = by_id.get(row["ONS code"]) or by_id[REISSUED[row["ONS code"]]]
            assert seat.valid_votes == int(row["total_votes"].replace(",", ""))


def test_every_column_is_a_candidate_and_minor_parties_are_other(raw: Path,
                                                                 notional: GeneralElection) -> None:
    """Each party column's votes all reach the count: UKIP and the Brexit Party under their own
    codes, IND1-IND6 as independents, the ~55 minor-party columns as ``other``."""
    rows = spreadsheet(raw)
    columns = Counter[str]()
    for row in rows:
        for column in party_columns(row):
            columns[column] += number(row[column])
    votes = count_general_election(notional).votes
    assert votes["ukip"] == columns["UKIPv"] and votes["brexit"] == columns["Brxv"]
    assert votes["ind"] == sum(columns[f"IND{n}v"] for n in range(1, 7))
    main = ("Conv", "Labv", "LDv", "Grnv", "Brxv", "SNPv", "PCv", "APNIv", "DUPv", "SDLPv",
            "SFv", "UUPv", "UKIPv", *(f"IND{n}v" for n in range(1, 7)))
    assert votes["other"] == sum(n for c, n in columns.items() if c not in main)
    assert votes["con"] == columns["Conv"] == 13_966_454  # as declared in 2019 (CBP-8749)
    assert votes["speaker"] == 26_831
    labels = {c.party_name for s in notional.constituencies for c in s.candidates}
    assert {"Con", "Grn", "IND1", "INET", "AONT", "Speaker"} <= labels


def test_scottish_codes_come_from_the_gb_file_and_match_ge2024(raw: Path, cache: Path,
                                                                notional: GeneralElection
                                                                ) -> None:
    """The GB file changes exactly the 5 re-issued Scottish codes and agrees on every other
    figure; with them, the 650 seats are exactly GE2024's (HoC Library CBP-10009)."""
    rows = spreadsheet(raw)
    with (raw / FOLDER / GB_FILE).open(encoding="utf-8", newline="") as handle:
        gb = {row["pano"]: row for row in csv.DictReader(handle)}
    assert len(gb) == 632
    changed = {row["ONS code"]: gb[row["PANO"]]["ONSConstID"] for row in rows
               if row["PANO"] in gb and gb[row["PANO"]]["ONSConstID"] != row["ONS code"]}
    assert changed == REISSUED
    for row in rows:
        if row["PANO"] in gb:
            other = gb[row["PANO"]]
            for ours, theirs in (("Conv", "ConVote19"), ("Labv", "LabVote19"),
                                 ("SNPv", "SNPVote19"), ("TotOthv", "OtherVote19"),
                                 ("total_votes", "TotalVote19")):
                assert number(row[ours]) == number(other[theirs]), (row["PA name"], ours)
    ids = [s.id for s in notional.constituencies]
    assert not set(REISSUED) & set(ids) and set(REISSUED.values()) <= set(ids)
    ge2024 = load_general_election("ge2024", mirror=raw, cache_dir=cache)
    assert set(ids) == {s.id for s in ge2024.constituencies}
    regions = {s.id: s.region for s in ge2024.constituencies}
    assert all(s.region == regions[s.id] for s in notional.constituencies)


def bad_mirror(raw: Path, tmp_path: Path, data: bytes) -> Path:
    folder = tmp_path / "mirror"
    folder.mkdir()
    (folder / SPREADSHEET).write_bytes(data)
    shutil.copy(raw / FOLDER / GB_FILE, folder / GB_FILE)
    return folder


@pytest.mark.parametrize(("old", "new", "where"), [
    (b"Aldershot,Aldershot,E14001063,7,SE,England,Borough,6.6,67.5,76765,29453,",
     b"Aldershot,Aldershot,E14001063,7,SE,England,Borough,6.6,67.5,76765,29x53,",
     r":8: Conv: expected a whole number \(commas only between thousands\), found '29x53'$"),
    (b"37,508", b"3,7508",
     r":32: total_votes: expected a whole number \(commas only between thousands\), "
     r"found '3,7508'$"),
    (b",,44423,", b",,44424,",
     r":2: total_votes: expected the sum of the party columns, 44,423, found 44,424$"),
])
def test_a_malformed_row_names_its_line_and_field(raw: Path, cache: Path, tmp_path: Path,
                                                  old: bytes, new: bytes, where: str) -> None:
    data = (raw / FOLDER / SPREADSHEET).read_bytes()
    assert data.count(old) == 1
    mirror = bad_mirror(raw, tmp_path, data.replace(old, new))
    with pytest.raises(DataFileError, match=re.escape(str(mirror / SPREADSHEET)) + where):
        load_general_election("ge2019-notional", mirror=mirror, cache_dir=cache)
    with pytest.raises(FetchError, match="SHA-256"):  # nor can it reach the cache
        get_election("ge2019-notional", mirror=mirror, cache_dir=cache)
    assert not (cache / SPREADSHEET).exists()


def test_a_wrong_header_is_refused(raw: Path, cache: Path, tmp_path: Path) -> None:
    mirror = bad_mirror(raw, tmp_path, (raw / FOLDER / GB_FILE).read_bytes())
    with pytest.raises(DataFileError, match=r":1: header: missing column\(s\) 'ONS code'"):
        load_general_election("ge2019-notional", mirror=mirror, cache_dir=cache)
    with pytest.raises(FetchError, match="its header lacks the column"):
        get_election("ge2019-notional", mirror=mirror, cache_dir=cache)
    assert not (cache / SPREADSHEET).exists()


def test_a_challenge_page_is_refused_and_nothing_cached(cache: Path) -> None:
    """The GitHub copies are the only download; an HTML page in their place is refused."""
    page = (FIXTURES / "challenge.html").read_bytes()
    asked: list[str] = []

    def opener(request: urllib.request.Request) -> io.BytesIO:
        asked.append(request.full_url)
        return io.BytesIO(page)

    with pytest.raises(FetchError) as caught:
        get_election("ge2019-notional", cache_dir=cache, opener=opener)
    assert str(caught.value).count("web page (HTML)") == 2
    assert "results_spreadsheet.ods" in str(caught.value)  # where to get it by hand
    assert asked == [item.mirror_url for item in NOTIONAL.files]
    assert not cache.exists() or not any(cache.iterdir())


def test_get_copies_both_files(raw: Path, cache: Path) -> None:
    fetched = get_election("ge2019-notional", mirror=raw, cache_dir=cache)
    assert [(f.item.name, f.action) for f in fetched] == [(SPREADSHEET, "copied"),
                                                          (GB_FILE, "copied")]
    seats = count_general_election(load_general_election("ge2019-notional", cache_dir=cache))
    assert seats.seats == SEATS["ge2019-notional"]
