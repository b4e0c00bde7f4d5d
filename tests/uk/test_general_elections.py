"""Westminster 2010-2024 from the publishers' raw files, checked against official figures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from psephos.uk import (
    GENERAL_ELECTIONS,
    NATIONS,
    PARTY_CODES,
    MissingDataError,
    UKDataError,
    count_general_election,
    load_general_election,
    winner,
)
from tests.uk.official import FIRST_PARTY, SEATS, VALID_VOTES


@pytest.mark.parametrize("election", GENERAL_ELECTIONS)
def test_seat_totals_are_the_official_ones(election: str, raw: Path, cache: Path) -> None:
    """Counting all 650 seats by plurality gives the official seats per party.

    Sources: HoC Library CBP-7186 (2015), CBP-7979 (2017), CBP-8749 (2019), CBP-10009 (2024);
    Electoral Commission GE2010 results (2010); totals as listed in ../shared/data/uk/README.md.
    """
    result = count_general_election(load_general_election(election, mirror=raw,
                                                          cache_dir=cache))
    assert result.constituencies == 650
    assert result.seats == SEATS[election]
    assert sum(result.seats.values()) == 650


@pytest.mark.parametrize("election", GENERAL_ELECTIONS)
def test_valid_votes_are_the_publishers_and_equal_the_candidate_votes(
        election: str, raw: Path, cache: Path) -> None:
    """Every seat's published valid votes equal its candidates' votes; the UK totals are the
    published ones (EC flat file 2010; EC CONSTITUENCY.csv 2015, a cross-publisher check
    against the HoC candidate file; HoC constituency files 2017-2024)."""
    loaded = load_general_election(election, mirror=raw, cache_dir=cache)
    for seat in loaded.constituencies:
        assert seat.valid_votes == sum(c.votes for c in seat.candidates), seat.name
        assert seat.nation in NATIONS
        assert all(c.party_code in PARTY_CODES for c in seat.candidates)
        assert 0 < seat.valid_votes < seat.electorate
    assert sum(s.valid_votes for s in loaded.constituencies) == VALID_VOTES[election]
    assert len({s.id for s in loaded.constituencies}) == 650
    nations = [s.nation for s in loaded.constituencies]
    assert nations.count("Northern Ireland") == 18


@pytest.mark.parametrize(("election", "name", "column"), [
    ("ge2017", "HoC-GE2017-constituency-results.csv", "first_party"),
    ("ge2019", "HoC-GE2019-results-by-constituency-csv.csv", "first_party"),
    ("ge2024", "HoC-GE2024-results-by-constituency.csv", "First party"),
])
def test_every_winner_is_the_librarys_first_party(election: str, name: str, column: str,
                                                  raw: Path, cache: Path) -> None:
    """All 650 winners equal the "first party" the HoC Library gives for each seat
    (CBP-7979, CBP-8749, CBP-10009 constituency files)."""
    with (raw / "hocl" / name).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    id_column = "ONS ID" if election == "ge2024" else "ons_id"
    official = {row[id_column]: FIRST_PARTY[row[column]] for row in rows}
    loaded = load_general_election(election, mirror=raw, cache_dir=cache)
    ours = {seat.id: winner(seat.candidates).party_code for seat in loaded.constituencies}
    assert len(official) == 650
    assert ours == official


@pytest.mark.parametrize("election", ["ge2010", "ge2015"])
def test_every_winner_agrees_with_the_1918_2017_file(election: str, raw: Path,
                                                      cache: Path) -> None:
    """All 650 winners and seat totals agree with HoC Library CBP-8647 (1918-2017 results by
    constituency, party groups con/lib/lab/natSW/oth): a Con, LD or Lab winner's votes are its
    group's votes; every winner has at least the votes of each of the 4 single-party groups;
    and each seat's total vote is the same."""
    text = (raw / "hocl" / "1918-2017election_results.csv").read_bytes().decode("cp1252")
    year = election[2:]
    rows = {r["constituency_id"]: r for r in csv.DictReader(io.StringIO(text))
            if r["election"] == year}
    groups = {"con": "con_votes", "ld": "lib_votes ", "lab": "lab_votes"}
    loaded = load_general_election(election, mirror=raw, cache_dir=cache)
    assert len(rows) == 650
    for seat in loaded.constituencies:
        row = rows[seat.id]
        top = winner(seat.candidates)
        assert int(row["total_votes"]) == seat.valid_votes, seat.name
        if top.party_code in groups:
            assert top.votes == int(row[groups[top.party_code]]), seat.name
        singles = ("con_votes", "lib_votes ", "lab_votes", "natSW_votes")
        assert all(top.votes >= int(row[c] or 0) for c in singles), seat.name


def test_ge2019_details(raw: Path, cache: Path) -> None:
    """Spot checks against the HoC Library GE2019 file (CBP-8749): Aberavon, Stephen Kinnock,
    Labour 17,008 of 31,598 valid votes, electorate 50,750; Labour Co-op is `lab`."""
    loaded = load_general_election("ge2019", mirror=raw, cache_dir=cache)
    seat = next(s for s in loaded.constituencies if s.id == "W07000049")
    assert (seat.name, seat.nation, seat.electorate, seat.valid_votes) == (
        "Aberavon", "Wales", 50750, 31598)
    first = seat.candidates[0]
    assert (first.name, first.party_code, first.party_name, first.votes, first.sitting_mp) == (
        "Stephen Kinnock", "lab", "Labour", 17008, True)
    coop = [c for s in loaded.constituencies for c in s.candidates
            if c.party_name == "Labour and Co-operative"]
    assert coop and {c.party_code for c in coop} == {"lab"}
    assert loaded.date.isoformat() == "2019-12-12"


def test_ge2010_party_columns(raw: Path, cache: Path) -> None:
    """EC GE2010 flat file: no candidate names; UCUNF is `uup`, Ind1..Ind5 `ind`, the 2010
    `Reform` column `other` (README mapping); Sylvia Hermon (Ind) won North Down, which the
    file calls "Down North"; the
    Speaker won Buckingham; valid votes per seat are the file's "Votes" column."""
    loaded = load_general_election("ge2010", mirror=raw, cache_dir=cache)
    everyone = [c for s in loaded.constituencies for c in s.candidates]
    assert {c.name for c in everyone} == {""}
    codes = {c.party_name: c.party_code for c in everyone}
    assert codes["UCUNF"] == "uup" and codes["Reform"] == "other" and codes["TUV"] == "other"
    assert {codes[f"Ind{i}"] for i in range(1, 6)} == {"ind"}
    assert len(everyone) == 4150
    down = next(s for s in loaded.constituencies if s.name == "Down North")
    assert winner(down.candidates).party_code == "ind"
    buckingham = next(s for s in loaded.constituencies if s.name == "Buckingham")
    assert winner(buckingham.candidates).party_code == "speaker"
    aberavon = loaded.constituencies[0]
    assert (aberavon.id, aberavon.electorate, aberavon.valid_votes) == ("W07000049", 50838,
                                                                       30958)


def test_ge2024_labels(raw: Path, cache: Path) -> None:
    """HoC Library GE2024 (CBP-10009): Reform UK is `reform`; TUV is `other` and won North
    Antrim, the one `other` seat; "Scottish Green Party" is `green`; 4,515 candidates."""
    loaded = load_general_election("ge2024", mirror=raw, cache_dir=cache)
    everyone = [c for s in loaded.constituencies for c in s.candidates]
    assert len(everyone) == 4515
    codes = {c.party_name: c.party_code for c in everyone}
    assert codes["Reform UK"] == "reform"
    assert codes["Traditional Unionist Voice"] == "other"
    assert codes["Scottish Green Party"] == "green"
    assert codes["Alliance for Democracy and Freedom"] == "other"
    won = [s.name for s in loaded.constituencies if winner(s.candidates).party_code == "other"]
    assert won == ["North Antrim"]


def test_cache_is_read_before_the_mirror(raw: Path, cache: Path) -> None:
    """Once fetched, an election loads from the cache alone (no mirror needed)."""
    from psephos.uk import get_election

    get_election("ge2017", mirror=raw, cache_dir=cache)
    loaded = load_general_election("ge2017", cache_dir=cache)
    assert all(str(cache) in source for source in loaded.sources)
    assert count_general_election(loaded).seats == SEATS["ge2017"]


def test_missing_data_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match="psephos data get ge2019"):
        load_general_election("ge2019", cache_dir=tmp_path)


def test_environment_mirror_is_used(raw: Path, cache: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSEPHOS_MIRROR", str(raw))
    assert len(load_general_election("ge2019", cache_dir=cache).constituencies) == 650


def test_unknown_election_lists_the_choices() -> None:
    with pytest.raises(UKDataError,
                       match="ge2010, ge2015, ge2017, ge2019, ge2019-notional, ge2024"):
        load_general_election("ge2005")
