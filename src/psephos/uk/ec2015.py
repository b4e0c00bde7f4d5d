"""Electoral Commission GE2015 constituency sheet (``CONSTITUENCY.csv``, cp1252).

It gives each seat's electorate and valid votes for 2015 (the Library's 2015 file has
candidates only), and its Press Association number (PANO), the key of the EC's 2010 flat
file: the 2010 and 2015 elections were fought on the same 650 seats.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from psephos.uk.errors import DataFileError
from psephos.uk.hocl import Seat, nation, seat_id
from psephos.uk.tabular import check_total, read_table, split_totals

COLUMNS = ("PANO", "Constituency Name", "Constituency ID", "Electorate", "Valid Votes",
           "Region", "Country")


@dataclass(frozen=True)
class Ec2015Seats:
    """The sheet's seats, by ONS id and by Press Association number."""

    by_id: dict[str, Seat]
    by_pano: dict[int, Seat]


def read_ec2015(path: Path) -> Ec2015Seats:
    """Read the sheet; its closing totals row must equal the sum of the seats above it."""
    _, rows = read_table(path, COLUMNS, encoding="cp1252",
                         what="Electoral Commission GE2015 CONSTITUENCY.csv")
    by_id: dict[str, Seat] = {}
    by_pano: dict[int, Seat] = {}
    data, totals = split_totals(rows, ("PANO", "Constituency ID"))
    for row in data:
        pano = row.count("PANO")
        seat = Seat(id=seat_id(row, "Constituency ID"), name=row.text("Constituency Name"),
                    nation=nation(row, "Country"), region=row.text("Region"),
                    electorate=row.count("Electorate"), valid_votes=row.count("Valid Votes"),
                    line=row.line)
        if seat.id in by_id:
            raise row.error(f"{seat.id} appears twice (first on line {by_id[seat.id].line})",
                            "Constituency ID")
        if pano in by_pano:
            raise row.error(f"{pano} appears twice (first on line {by_pano[pano].line})", "PANO")
        by_id[seat.id] = seat
        by_pano[pano] = seat
    check_total(totals, "Electorate", sum(seat.electorate for seat in by_id.values()))
    check_total(totals, "Valid Votes", sum(seat.valid_votes for seat in by_id.values()))
    if not by_id:
        raise DataFileError(path, "no constituencies")
    return Ec2015Seats(by_id, by_pano)
