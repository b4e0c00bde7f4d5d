"""Rallings & Thrasher's notional 2019 results on the 2024 boundaries (the BBC's spreadsheet).

The 2019 votes re-counted on the 650 seats first fought in 2024, so 2024 can be measured
against 2019 seat by seat. The spreadsheet has one row per new seat and one column of votes
per party ("Conv", "Labv", ..., some 55 minor parties, "IND1v" ... "IND6v"); as with the
GE2010 flat file, each non-zero cell is one candidate, named by its column (the "v" for
votes dropped) and without a person's name: in a notional seat a column may add up the
candidates of several old seats.

Two quirks of the spreadsheet, handled here and named in docs/results.md:

* The Speaker's votes (Chorley, `SPEAKER_SEAT`) are in no party column, only in the
  summary columns "TotOthv" (all others) and "MaxOthv" (the largest other): they are
  taken as "TotOthv" less the named minor columns. Anywhere else "TotOthv" must equal the
  named minor columns exactly.
* Five Scottish seats carry ONS codes that were re-issued before 2024; the corrected
  codes come from ``clean_notionals.csv`` (the same notionals for Great Britain), joined
  by Press Association number, after checking that both files give the seat the same name,
  electorate and votes.

The party columns are the votes counted; "total_votes" is a check each row must pass.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from psephos.uk.errors import DataFileError
from psephos.uk.hocl import nation, seat_id
from psephos.uk.parties import NOTIONAL_COLUMNS, party_code
from psephos.uk.tables import Candidate, Constituency
from psephos.uk.tabular import Row, read_table

#: Chorley, the Speaker's seat in 2019 (Sir Lindsay Hoyle), whose Speaker's votes the
#: spreadsheet holds only in its "TotOthv" and "MaxOthv" summary columns.
SPEAKER_SEAT = "E14001170"
#: The main parties' columns; "TotOthv" adds up all the others (UKIP, independents, ...).
MAIN_PARTIES = ("Conv", "Labv", "LDv", "Grnv", "Brxv", "SNPv", "PCv", "APNIv", "DUPv", "SDLPv",
                "SFv", "UUPv")
#: Summary columns: all minor parties together, and the largest of them (not candidates).
ALL_OTHERS, LARGEST_OTHER = "TotOthv", "MaxOthv"
CODE, PANO, NAME, TOTAL = "ONS code", "PANO", "Boundary Comm name", "total_votes"
COLUMNS = (CODE, PANO, NAME, "country_name", "region_name", "electorate", TOTAL, ALL_OTHERS,
           *MAIN_PARTIES)
#: The spreadsheet's region abbreviations, as the House of Commons Library names the regions.
REGIONS: dict[str, str] = {
    "EE": "East of England", "EM": "East Midlands", "GL": "London", "NE": "North East",
    "NI": "Northern Ireland", "NW": "North West", "SC": "Scotland", "SE": "South East",
    "SW": "South West", "WA": "Wales", "WM": "West Midlands", "YH": "Yorkshire and The Humber",
}
#: The columns of ``clean_notionals.csv`` read to join it to the spreadsheet.
GB_COLUMNS = ("pano", "ONSConstID", "ConstituencyName", "Electorate19", "TotalVote19")


@dataclass(frozen=True)
class GbCode:
    """One row of ``clean_notionals.csv``: a seat's code and the figures checked against."""

    code: str
    name: str
    electorate: int
    total: int
    line: int


def read_notionals(path: Path, gb_path: Path) -> tuple[Constituency, ...]:
    """Every seat of the spreadsheet at ``path``, in its order, with the ONS codes of
    ``gb_path`` for the seats of Great Britain."""
    header, rows = read_table(path, COLUMNS, what="Rallings & Thrasher notional results CSV "
                              "(results_spreadsheet_for_distribution.csv)")
    parties = [c for c in header if c.endswith("v") and c not in (ALL_OTHERS, LARGEST_OTHER)]
    minor = [c for c in parties if c not in MAIN_PARTIES]
    gb = read_gb_codes(gb_path)
    out: list[Constituency] = []
    lines: dict[str, int] = {}
    used: set[int] = set()
    for row in rows:
        seat = _seat(row, parties, minor)
        pano = row.count(PANO)
        if seat.nation != "Northern Ireland":
            seat = _recoded(row, seat, pano, gb, gb_path)
            used.add(pano)
        if seat.id in lines:
            raise row.error(f"constituency {seat.id} appears twice (first on line "
                            f"{lines[seat.id]})", CODE)
        lines[seat.id] = row.line
        out.append(seat)
    if not out:
        raise DataFileError(path, "no constituencies")
    extra = sorted(set(gb) - used)
    if extra:
        raise DataFileError(gb_path, f"PANO {extra[0]} is not a seat of Great Britain in "
                            f"{path.name}", line=gb[extra[0]].line, field="pano")
    return tuple(out)


def read_gb_codes(path: Path) -> dict[int, GbCode]:
    """``clean_notionals.csv`` by Press Association number."""
    _, rows = read_table(path, GB_COLUMNS, what="GB notional results with corrected codes "
                         "(clean_notionals.csv)")
    out: dict[int, GbCode] = {}
    for row in rows:
        pano = row.count("pano")
        if pano in out:
            raise row.error(f"{pano} appears twice (first on line {out[pano].line})", "pano")
        out[pano] = GbCode(seat_id(row, "ONSConstID"), row.text("ConstituencyName"),
                           row.count("Electorate19"), row.count("TotalVote19"), row.line)
    if not out:
        raise DataFileError(path, "no constituencies")
    return out


def _seat(row: Row, parties: list[str], minor: list[str]) -> Constituency:
    """One row as a constituency: a candidate per non-zero party cell, in column order."""
    votes = {c: row.count(c, blank=0, thousands=True) for c in parties}
    code = seat_id(row, CODE)
    unnamed = row.count(ALL_OTHERS, blank=0, thousands=True) - sum(votes[c] for c in minor)
    if code == SPEAKER_SEAT:
        if unnamed <= 0:
            raise row.error("expected the Speaker's votes here beyond the named minor "
                            f"columns, found {unnamed:,}", ALL_OTHERS)
    elif unnamed:
        raise row.error(f"expected the sum of the minor parties' columns, "
                        f"{sum(votes[c] for c in minor):,}, found "
                        f"{row.count(ALL_OTHERS, blank=0, thousands=True):,}", ALL_OTHERS)
    candidates = [Candidate(name="", party_code=party_code(NOTIONAL_COLUMNS, c[:-1]),
                            party_name=c[:-1], votes=n) for c, n in votes.items() if n]
    if code == SPEAKER_SEAT:
        candidates.append(Candidate(name="", party_code="speaker", party_name="Speaker",
                                    votes=unnamed))
    total = row.count(TOTAL, thousands=True)
    if sum(c.votes for c in candidates) != total:
        raise row.error(f"expected the sum of the party columns, "
                        f"{sum(c.votes for c in candidates):,}, found {total:,}", TOTAL)
    if not candidates:
        raise row.error("no candidate has any votes")
    abbreviation = row.text("region_name")
    region = REGIONS.get(abbreviation)
    if region is None:
        raise row.error(f"expected one of {', '.join(REGIONS)}, found {abbreviation!r}"[:200],
                        "region_name")
    return Constituency(id=code, name=row.text(NAME), nation=nation(row, "country_name"),
                        region=region, electorate=row.count("electorate", thousands=True),
                        valid_votes=total, candidates=tuple(candidates))


def _recoded(row: Row, seat: Constituency, pano: int, gb: dict[int, GbCode],
             gb_path: Path) -> Constituency:
    """``seat`` with the code ``clean_notionals.csv`` gives it, once both files agree on it."""
    other = gb.get(pano)
    if other is None:
        raise row.error(f"seat {seat.name} (PANO {pano}) is not in {gb_path.name}", PANO)
    for what, ours, theirs in (("name", seat.name, other.name),
                               ("electorate", seat.electorate, other.electorate),
                               ("total votes", seat.valid_votes, other.total)):
        if ours != theirs:
            raise DataFileError(gb_path, f"PANO {pano}: {what} {theirs!r}, but {ours!r} in "
                                f"{row.path.name} line {row.line}", line=other.line)
    return seat if other.code == seat.id else replace(seat, id=other.code)
