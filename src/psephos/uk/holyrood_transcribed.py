"""psephos's transcribed Holyrood 2016 tables (../shared/data/uk/holyrood2016_*.csv).

Official figures read from results pages (BBC, ballotbox.scot and others, each row naming its
source): list votes for 5 of the 8 regions, and constituency and list seats per party for all 8.
"""

from __future__ import annotations

from pathlib import Path

from psephos.uk.errors import DataFileError
from psephos.uk.holyrood import REGIONS, ListVote
from psephos.uk.tables import PARTY_CODES
from psephos.uk.tabular import Row, read_table

VOTES_COLUMNS = ("election", "region", "party_name", "party_code", "votes")
SEATS_COLUMNS = ("election", "region", "party_code", "constituency_seats", "list_seats")


def read_list_votes(path: Path) -> dict[str, tuple[ListVote, ...]]:
    """List votes per region, in the file's order."""
    _, rows = read_table(path, VOTES_COLUMNS, what="holyrood2016_regional_list_votes.csv")
    out: dict[str, list[ListVote]] = {}
    for row in rows:
        region = _region(row)
        votes = out.setdefault(region, [])
        label = row.text("party_name")
        if any(v.party_name == label for v in votes):
            raise row.error(f"{label!r} appears twice in {region}"[:200], "party_name")
        votes.append(ListVote(label, _code(row), row.count("votes")))
    if not out:
        raise DataFileError(path, "no list votes")
    return {region: tuple(votes) for region, votes in out.items()}


def read_seats(path: Path) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    """Per region: constituency seats and list seats by party code, as declared."""
    _, rows = read_table(path, SEATS_COLUMNS, what="holyrood2016_seats_by_region.csv")
    out: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
    for row in rows:
        region = _region(row)
        code = _code(row)
        constituency, regional = out.setdefault(region, ({}, {}))
        if code in constituency:
            raise row.error(f"{code} appears twice in {region}", "party_code")
        constituency[code] = row.count("constituency_seats")
        regional[code] = row.count("list_seats")
    if not out:
        raise DataFileError(path, "no seats")
    return out


def _region(row: Row) -> str:
    region = row.text("region")
    if region not in REGIONS:
        raise row.error(f"expected one of {', '.join(REGIONS)}, found {region!r}"[:300], "region")
    return region


def _code(row: Row) -> str:
    code = row.text("party_code")
    if code not in PARTY_CODES:
        raise row.error(f"{code!r} is not a party code"[:200], "party_code")
    return code
