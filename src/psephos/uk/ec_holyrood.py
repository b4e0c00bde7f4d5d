"""Electoral Commission Scottish Parliament results sheets, saved as CSV.

The Commission's results workbooks put one candidate (or regional list) on each row, in its
own column style ("Constituency Name", "Forename", "Surname", "Party Name", "Votes"; compare
its GE2015 RESULTS sheet). psephos reads two sheets saved as UTF-8 CSV:

- constituency results: ``Constituency Name``, ``Region Name``, ``Forename``, ``Surname``,
  ``Party Name``, ``Votes`` (other columns, such as shares, are ignored);
- regional list results: ``Region Name``, ``Party Name``, ``Votes``; an individual regional
  candidate has ``Party Name`` "Independent" and, if the sheet has them, ``Forename`` and
  ``Surname``.

With both, every constituency and every region is counted.
"""

from __future__ import annotations

from pathlib import Path

from psephos.uk.catalogue import EC_SP_CONSTITUENCY_HEADER, EC_SP_REGIONAL_HEADER
from psephos.uk.errors import DataFileError
from psephos.uk.holyrood import REGIONS, HolyroodConstituency, ListVote
from psephos.uk.parties import HOLYROOD_LABELS, party_code
from psephos.uk.tables import Candidate
from psephos.uk.tabular import Row, read_table


def read_ec_constituencies(path: Path) -> tuple[HolyroodConstituency, ...]:
    """Every constituency, candidates in the sheet's order."""
    _, rows = read_table(path, EC_SP_CONSTITUENCY_HEADER,
                         what="Electoral Commission Scottish Parliament constituency sheet")
    seats: dict[str, tuple[str, list[Candidate]]] = {}
    for row in rows:
        if row.is_blank():
            continue
        name = row.text("Constituency Name")
        if not name:
            raise row.error("no constituency name", "Constituency Name")
        region = _region(row)
        party = row.text("Party Name")
        candidate = Candidate(name=_person(row), party_code=party_code(HOLYROOD_LABELS, party),
                              party_name=party, votes=row.count("Votes"))
        known, candidates = seats.setdefault(name, (region, []))
        if known != region:
            raise row.error(f"{name!r} was in {known} on an earlier row"[:200], "Region Name")
        candidates.append(candidate)
    if not seats:
        raise DataFileError(path, "no constituencies")
    return tuple(HolyroodConstituency(name, region, tuple(candidates))
                 for name, (region, candidates) in seats.items())


def read_ec_regions(path: Path) -> dict[str, tuple[ListVote, ...]]:
    """List votes per region, in the sheet's order."""
    header, rows = read_table(path, EC_SP_REGIONAL_HEADER,
                              what="Electoral Commission Scottish Parliament regional sheet")
    named = "Surname" in header
    out: dict[str, list[ListVote]] = {}
    for row in rows:
        if row.is_blank():
            continue
        region = _region(row)
        party = row.text("Party Name")
        if not party:
            raise row.error("no party name", "Party Name")
        code = party_code(HOLYROOD_LABELS, party)
        label = f"{party} ({_person(row)})" if code == "ind" and named and _person(row) else party
        votes = out.setdefault(region, [])
        if any(v.party_name == label for v in votes):
            raise row.error(f"{label!r} appears twice in {region}"[:200], "Party Name")
        votes.append(ListVote(label, code, row.count("Votes")))
    if not out:
        raise DataFileError(path, "no list votes")
    return {region: tuple(votes) for region, votes in out.items()}


def _region(row: Row) -> str:
    region = row.text("Region Name")
    if region not in REGIONS:
        raise row.error(f"expected one of {', '.join(REGIONS)}, found {region!r}"[:300],
                        "Region Name")
    return region


def _person(row: Row) -> str:
    parts = [row.cells.get(c, "").strip() for c in ("Forename", "Surname")]
    return " ".join(p for p in parts if p)
