"""Scottish Parliament results in principalfish's ``pf-results-v4`` JSON (2016, 2021, 2026).

``{"schema": "pf-results-v4", "seats": [{"n": name, "r": region id, "w": winning party id,
"p": [[party id, votes(, candidate)], ...]}, ...]}``: one entry per constituency, and per
region seven entries "<Region> List k" that each repeat the region's list votes and name the
party that won that list seat. Party 15 ("Others") is every minor party and independent
summed into one figure. A seat that is not of this shape raises `DataFileError` naming the
file, the seat (``seats[i]``, with its name) and the field, e.g. ``seats[14].p[2]``.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psephos.uk.errors import DataFileError
from psephos.uk.holyrood import (
    LIST_SEATS,
    REGIONS,
    REGIONS_2026,
    HolyroodConstituency,
    HolyroodElection,
    HolyroodRegion,
    ListVote,
)
from psephos.uk.tables import Candidate
from psephos.uk.tabular import MAX_COUNT, read_text

SCHEMA = "pf-results-v4"
CONSTITUENCIES = 73

#: The file's party ids -> (party code, label). Alba has no code of its own, so it is
#: ``other`` under its own label; "Others" is the aggregate of everyone else.
PARTY_IDS: dict[int, tuple[str, str]] = {
    1: ("lab", "Scottish Labour"),
    2: ("reform", "Reform UK"),
    4: ("con", "Scottish Conservatives"),
    5: ("ld", "Scottish Liberal Democrats"),
    8: ("snp", "Scottish National Party"),
    15: ("other", "Others"),
    16: ("other", "Alba"),
    17: ("green", "Scottish Greens"),
}
#: The party id whose figure sums many lists and candidates.
OTHERS = 15

#: The file's region ids -> region names, by the boundaries in force.
REGIONS_2011_IDS: dict[int, str] = dict(zip(range(59, 67), REGIONS, strict=True))
REGIONS_2026_IDS: dict[int, str] = dict(zip(range(67, 75), REGIONS_2026, strict=True))

#: Constituencies the 2016 and 2021 files place in the wrong region, and the region they are
#: in (the declared seats by region: Lothian returned 6 SNP constituency members, West
#: Scotland 8). The correction is applied only where the file has the wrong region.
REGION_CORRECTIONS: dict[str, tuple[str, str]] = {
    "Paisley": ("South Scotland", "West Scotland"),
    "Midlothian South, Tweeddale and Lauderdale": ("Lothian", "South Scotland"),
}


@dataclass(frozen=True)
class PrincipalfishFile:
    """What `read_principalfish` needs to know about one election's file."""

    election: str
    date: datetime.date
    region_ids: dict[int, str]
    gss: dict[str, str]  # region name -> GSS code, where known
    corrections: dict[str, tuple[str, str]]


def read_principalfish(path: Path, spec: PrincipalfishFile) -> HolyroodElection:
    """Every constituency and region of ``spec.election`` from ``path``.

    Regions come with their list votes and declared list seats; their constituency seats are
    left empty for the caller to count (`psephos.uk.scottish_parliament`).
    """
    document = _document(path)
    constituencies: list[HolyroodConstituency] = []
    lists: dict[str, list[tuple[int, str, tuple[ListVote, ...]]]] = {}
    notes: list[str] = []
    for index, seat in enumerate(document["seats"]):
        reader = _Seat(path, index, seat)
        region = reader.region(spec.region_ids)
        name = reader.name
        if " List " in name:
            stem, _, number = name.rpartition(" List ")
            if stem != region or not (number.isascii() and number.isdigit()):
                raise reader.error("n", f"expected '{region} List k' for region {seat['r']}")
            lists.setdefault(region, []).append((index, number, reader.list_votes()))
            continue
        wrong, right = spec.corrections.get(name, ("", ""))
        if region == wrong:
            notes.append(f"the file places {name} in {wrong}; counted in {right}, its region")
            region = right
        constituencies.append(HolyroodConstituency(
            name=name, region=region, candidates=reader.candidates(),
            declared_winner=reader.winner_code()))
    _check_counts(path, spec, constituencies, lists)
    regions = []
    for name in spec.region_ids.values():
        entries = lists[name]
        first, _, votes = entries[0]
        reported: Counter[str] = Counter()
        for index, _, seat_votes in entries:
            if seat_votes != votes:
                raise DataFileError(path, f"the list votes differ from those of seats[{first}], "
                                    f"the same region's; expected the same in all {LIST_SEATS}",
                                    field=f"seats[{index}].p")
            reported[_list_winner(path, index, document["seats"][index])] += 1
        regions.append(HolyroodRegion(
            name=name, id=spec.gss.get(name, ""), constituency_seats={},
            list_votes=votes, reported_list_seats=dict(reported.most_common()),
            sources=(str(path),),
            aggregates=(PARTY_IDS[OTHERS][1],)))
    return HolyroodElection(
        election=spec.election, date=spec.date,
        regions=tuple(regions), constituencies=tuple(constituencies), sources=(str(path),),
        notes=tuple(notes))


def _document(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise DataFileError(path, f"not JSON ({getattr(error, 'msg', error)})",
                            line=getattr(error, "lineno", None)) from None
    if not isinstance(document, dict):
        raise DataFileError(path, f"expected a JSON object with 'schema' {SCHEMA!r} and "
                            "'seats'", field="(top level)")
    if document.get("schema") != SCHEMA:
        raise DataFileError(path, f"expected {SCHEMA!r}, found "
                            f"{_shown(document.get('schema'))}", field="schema")
    if not isinstance(document.get("seats"), list):
        raise DataFileError(path, "expected a list of seats", field="seats")
    return document


class _Seat:
    """One entry of ``seats``, checked field by field as it is read."""

    def __init__(self, path: Path, index: int, seat: object) -> None:
        self.path = path
        self.index = index
        self.name = ""
        if not isinstance(seat, dict):
            raise self.error("", "expected an object with 'n', 'r', 'w' and 'p'")
        self.seat = seat
        name = seat.get("n")
        if not isinstance(name, str) or not name.strip():
            raise self.error("n", f"expected the seat's name, found {_shown(name)}")
        self.name = name.strip()

    def error(self, field: str, message: str) -> DataFileError:
        where = f"seats[{self.index}]"
        if self.name:
            where += f" ({self.name[:60]})"
        return DataFileError(self.path, message, field=f"{where}.{field}" if field else where)

    def region(self, ids: dict[int, str]) -> str:
        value = self.seat.get("r")
        if not _is_int(value) or value not in ids:
            raise self.error("r", f"expected a region id {min(ids)}-{max(ids)}, found "
                             f"{_shown(value)}")
        return ids[value]

    def winner_code(self) -> str:
        value = self.seat.get("w")
        if not _is_int(value) or value not in PARTY_IDS:
            raise self.error("w", f"expected a party id ({_party_ids()}), found {_shown(value)}")
        if value not in {entry[0] for entry in self._entries()}:
            raise self.error("w", f"party {value} won but has no votes in 'p'")
        return PARTY_IDS[value][0]

    def candidates(self) -> tuple[Candidate, ...]:
        return tuple(Candidate(name=name, party_code=PARTY_IDS[party][0],
                               party_name=PARTY_IDS[party][1], votes=votes)
                     for party, votes, name in self._entries())

    def list_votes(self) -> tuple[ListVote, ...]:
        return tuple(ListVote(PARTY_IDS[party][1], PARTY_IDS[party][0], votes)
                     for party, votes, _ in self._entries())

    def _entries(self) -> list[tuple[int, int, str]]:
        entries = self.seat.get("p")
        if not isinstance(entries, list) or not entries:
            raise self.error("p", "expected a list of [party id, votes] entries")
        out: list[tuple[int, int, str]] = []
        for number, entry in enumerate(entries):
            field = f"p[{number}]"
            if not isinstance(entry, list) or len(entry) not in (2, 3):
                raise self.error(field, "expected [party id, votes] or [party id, votes, "
                                 f"candidate], found {_shown(entry)}")
            party, votes, *rest = entry
            if not _is_int(party) or party not in PARTY_IDS:
                raise self.error(f"{field}[0]", f"expected a party id ({_party_ids()}), found "
                                 f"{_shown(party)}")
            if not _is_int(votes) or not 0 <= votes <= MAX_COUNT:
                raise self.error(f"{field}[1]", f"expected a whole number of votes, found "
                                 f"{_shown(votes)}")
            name = rest[0] if rest else ""
            if not isinstance(name, str):
                raise self.error(f"{field}[2]", f"expected a candidate's name, found "
                                 f"{_shown(name)}")
            if any(party == seen for seen, _, _ in out):
                raise self.error(f"{field}[0]", f"party {party} appears twice")
            out.append((party, votes, name.strip()))
        return out


def _list_winner(path: Path, index: int, seat: dict[str, Any]) -> str:
    return _Seat(path, index, seat).winner_code()


def _check_counts(path: Path, spec: PrincipalfishFile,
                  constituencies: list[HolyroodConstituency],
                  lists: dict[str, list[tuple[int, str, tuple[ListVote, ...]]]]) -> None:
    if len(constituencies) != CONSTITUENCIES:
        raise DataFileError(path, f"expected {CONSTITUENCIES} constituencies, found "
                            f"{len(constituencies)}", field="seats")
    names = Counter(seat.name for seat in constituencies)
    twice = sorted(name for name, n in names.items() if n > 1)
    if twice:
        raise DataFileError(path, f"{twice[0]!r} appears twice"[:200], field="seats")
    for region in spec.region_ids.values():
        numbers = sorted(int(number) for _, number, _ in lists.get(region, []))
        if numbers != list(range(1, LIST_SEATS + 1)):
            raise DataFileError(path, f"expected {region} List 1 to List {LIST_SEATS}, found "
                                f"{len(numbers)} list seats {numbers}"[:200], field="seats")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _party_ids() -> str:
    return ", ".join(str(i) for i in PARTY_IDS)


def _shown(value: object, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not None else "nothing"
    return text if len(text) <= limit else f"{text[:limit - 3]}..."
