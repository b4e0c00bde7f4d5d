"""Electoral Commission GE2010 results flat file (tab-separated, cp1252, one column per party).

Each non-empty party cell is one candidate's votes; the file names no candidates, so
`Candidate.name` is "" and `Candidate.party_name` is the column header. Seats are keyed by
Press Association number, mapped to ONS codes (and nation and region) through the EC's
GE2015 constituency sheet: the 2010 and 2015 elections were fought on the same 650 seats.
"""

from __future__ import annotations

from pathlib import Path

from psephos.uk.ec2015 import Ec2015Seats
from psephos.uk.errors import DataFileError
from psephos.uk.parties import EC2010_COLUMNS, party_code
from psephos.uk.tables import Candidate, Constituency
from psephos.uk.tabular import check_total, read_table, split_totals

PANO = "Press Association Reference"
FIXED = (PANO, "Constituency Name", "Region", "Election Year", "Electorate", "Votes")


def read_ec2010(path: Path, seats_2015: Ec2015Seats) -> tuple[Constituency, ...]:
    """Every seat, candidates in the file's column order (its parties, alphabetically).

    The file's closing totals row must equal the sum of the valid votes above it; each
    seat's nation by its 2010 region must match the nation the 2015 sheet gives its PANO.
    """
    header, rows = read_table(path, FIXED, encoding="cp1252", delimiter="\t",
                              what="Electoral Commission GE2010 results flat file")
    parties = [column for column in header if column not in FIXED]
    out: list[Constituency] = []
    seen: dict[int, int] = {}
    data, totals = split_totals(rows, (PANO, "Constituency Name"))
    for row in data:
        pano = row.count(PANO)
        if pano in seen:
            raise row.error(f"{pano} appears twice (first on line {seen[pano]})", PANO)
        seen[pano] = row.line
        seat = seats_2015.by_pano.get(pano)
        if seat is None:
            raise row.error(f"no constituency has Press Association number {pano} in the "
                            "GE2015 CONSTITUENCY.csv", PANO)
        region = row.text("Region")
        nation = region if region in ("Scotland", "Wales", "Northern Ireland") else "England"
        if nation != seat.nation:
            raise row.error(f"region {region!r} is not in {seat.nation}, where the GE2015 sheet "
                            f"puts PANO {pano} ({seat.name})"[:300], "Region")
        candidates = tuple(
            Candidate(name="", party_code=party_code(EC2010_COLUMNS, party), party_name=party,
                      votes=row.count(party))
            for party in parties if row.text(party))
        if not candidates:
            raise row.error("no candidate has any votes")
        out.append(Constituency(id=seat.id, name=row.text("Constituency Name"),
                                nation=seat.nation, region=seat.region,
                                electorate=row.count("Electorate"),
                                valid_votes=row.count("Votes"), candidates=candidates))
    check_total(totals, "Votes", sum(seat.valid_votes for seat in out))
    if not out:
        raise DataFileError(path, "no constituencies")
    return tuple(out)
