"""House of Commons Library general-election CSVs (briefings CBP-7186, 7979, 8749, 10009).

Each election comes as a file with one row per candidate and (2017 onwards) a file with
one row per constituency holding the electorate and valid votes. The Library renamed its
columns for 2024 ("ONS ID" for "ons_id" and so on); `HocColumns` holds each spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from psephos.uk.errors import DataFileError
from psephos.uk.parties import HOC_PARTY_NAMES, party_code
from psephos.uk.tables import NATIONS, Candidate, Constituency
from psephos.uk.tabular import Row, read_table


@dataclass(frozen=True)
class HocColumns:
    """The Library's column names in one release."""

    id: str
    name: str
    region: str
    country: str
    party: str
    first_name: str
    surname: str
    sitting: str
    votes: str
    electorate: str
    valid_votes: str

    def candidate_columns(self) -> tuple[str, ...]:
        return (self.id, self.name, self.region, self.country, self.party, self.first_name,
                self.surname, self.sitting, self.votes)

    def constituency_columns(self) -> tuple[str, ...]:
        return (self.id, self.name, self.region, self.country, self.electorate, self.valid_votes)


#: 2015, 2017 and 2019 releases.
SNAKE_CASE = HocColumns(
    id="ons_id", name="constituency_name", region="region_name", country="country_name",
    party="party_name", first_name="firstname", surname="surname", sitting="sitting_mp",
    votes="votes", electorate="electorate", valid_votes="valid_votes",
)
#: 2024 release.
TITLE_CASE = HocColumns(
    id="ONS ID", name="Constituency name", region="Region name", country="Country name",
    party="Party name", first_name="Candidate first name", surname="Candidate surname",
    sitting="Sitting MP", votes="Votes", electorate="Electorate", valid_votes="Valid votes",
)


@dataclass
class Candidates:
    """One constituency's candidates, and the line (and id column) where the first one is."""

    line: int
    column: str
    items: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class Seat:
    """A constituency's own figures: where it is, its electorate and valid votes."""

    id: str
    name: str
    nation: str
    region: str
    electorate: int
    valid_votes: int
    line: int


def read_candidates(path: Path, columns: HocColumns) -> dict[str, Candidates]:
    """Candidates per constituency id, in the order the file lists them."""
    _, rows = read_table(path, columns.candidate_columns(),
                         what="House of Commons Library results-by-candidate CSV")
    seats: dict[str, Candidates] = {}
    for row in rows:
        key = seat_id(row, columns.id)
        party = row.text(columns.party)
        name = " ".join(p for p in (row.text(columns.first_name), row.text(columns.surname)) if p)
        candidate = Candidate(name=name, party_code=party_code(HOC_PARTY_NAMES, party),
                              party_name=party, votes=row.count(columns.votes),
                              sitting_mp=_yes_no(row, columns.sitting))
        seats.setdefault(key, Candidates(row.line, columns.id)).items.append(candidate)
    if not seats:
        raise DataFileError(path, "no candidates")
    return seats


def read_seats(path: Path, columns: HocColumns) -> dict[str, Seat]:
    """The Library's one-row-per-constituency file, by constituency id."""
    _, rows = read_table(path, columns.constituency_columns(),
                         what="House of Commons Library results-by-constituency CSV")
    seats: dict[str, Seat] = {}
    for row in rows:
        seat = Seat(id=seat_id(row, columns.id), name=row.text(columns.name),
                    nation=nation(row, columns.country), region=row.text(columns.region),
                    electorate=row.count(columns.electorate),
                    valid_votes=row.count(columns.valid_votes), line=row.line)
        if seat.id in seats:
            raise row.error(f"constituency {seat.id} appears twice (first on line "
                            f"{seats[seat.id].line})", columns.id)
        seats[seat.id] = seat
    return seats


def join(seats: dict[str, Seat], candidates: dict[str, Candidates],
         seats_path: Path, candidates_path: Path) -> tuple[Constituency, ...]:
    """Constituencies in the order of ``seats``, each with its candidates; both files must agree."""
    extra = [key for key in candidates if key not in seats]
    if extra:
        first = candidates[extra[0]]
        raise DataFileError(candidates_path, f"constituency {extra[0]} is not in "
                            f"{seats_path.name}", line=first.line, field=first.column)
    out = []
    for seat in seats.values():
        if seat.id not in candidates:
            raise DataFileError(seats_path, f"constituency {seat.id} has no candidates in "
                                f"{candidates_path.name}", line=seat.line)
        out.append(Constituency(id=seat.id, name=seat.name, nation=seat.nation,
                                region=seat.region, electorate=seat.electorate,
                                valid_votes=seat.valid_votes,
                                candidates=tuple(candidates[seat.id].items)))
    return tuple(out)


def read_hocl(candidates_path: Path, seats_path: Path,
              columns: HocColumns) -> tuple[Constituency, ...]:
    """A 2017-2024 election: the Library's candidate file joined to its constituency file."""
    return join(read_seats(seats_path, columns), read_candidates(candidates_path, columns),
                seats_path, candidates_path)


def nation(row: Row, column: str) -> str:
    value = row.text(column)
    if value not in NATIONS:
        raise row.error(f"expected one of {', '.join(NATIONS)}, found {value!r}"[:200], column)
    return value


def seat_id(row: Row, column: str) -> str:
    value = row.text(column)
    if not (len(value) == 9 and value[0] in "ENSW" and value[1:].isascii()
            and value[1:].isdigit()):
        raise row.error(f"expected an ONS constituency code such as E14000530, found "
                        f"{value!r}"[:200], column)
    return value


def _yes_no(row: Row, column: str) -> bool | None:
    value = row.text(column)
    if value in ("Yes", "No"):
        return value == "Yes"
    if not value:
        return None
    raise row.error(f"expected Yes or No, found {value!r}"[:200], column)


