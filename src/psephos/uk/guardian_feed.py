"""The Guardian's election-night results feed for Holyrood 2016 (``scotland2.json``).

A JSON list of declared results: ``FirstPastThePostResult`` records (one per constituency,
candidates with party abbreviation and votes) and ``TopUpResult`` records (one per region,
list votes and the top-up seats declared). The capture covers 65 of the 73 constituencies
and 3 of the 8 regions; records carry no region for a constituency.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psephos.uk.errors import DataFileError
from psephos.uk.holyrood import REGIONS, HolyroodConstituency, ListVote
from psephos.uk.parties import HOLYROOD_LABELS, party_code
from psephos.uk.tables import Candidate
from psephos.uk.tabular import MAX_COUNT, read_text

#: The feed's region names -> the official ones.
FEED_REGIONS: dict[str, str] = {
    "Glasgow": "Glasgow",
    "Lothian": "Lothian",
    "Scotland Mid & Fife": "Mid Scotland and Fife",
    "Scotland Central": "Central Scotland",
    "Highlands & Islands": "Highlands and Islands",
    "Scotland North East": "North East Scotland",
    "Scotland South": "South Scotland",
    "Scotland West": "West Scotland",
}


@dataclass(frozen=True)
class FeedRegion:
    name: str
    list_votes: tuple[ListVote, ...]
    top_up_seats: dict[str, int]  # party code -> seats, as the feed declared them


@dataclass(frozen=True)
class Feed:
    constituencies: tuple[HolyroodConstituency, ...]
    regions: tuple[FeedRegion, ...]


def read_guardian_feed(path: Path) -> Feed:
    """Read the feed; a record that is not as described raises `DataFileError` (record n)."""
    text = read_text(path)
    try:
        records = json.loads(text)
    except (ValueError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        raise DataFileError(path, f"not JSON ({getattr(error, 'msg', error)})",
                            line=line) from None
    if not isinstance(records, list):
        raise DataFileError(path, "expected a JSON list of results records")
    constituencies: list[HolyroodConstituency] = []
    regions: list[FeedRegion] = []
    for number, record in enumerate(records, start=1):
        where = f"record {number}"
        if not isinstance(record, dict):
            raise DataFileError(path, "expected an object", field=where)
        kind = record.get("type")
        if kind == "FirstPastThePostResult":
            constituencies.append(_constituency(path, where, record))
        elif kind == "TopUpResult":
            regions.append(_region(path, where, record))
    if not constituencies and not regions:
        raise DataFileError(path, "no FirstPastThePostResult or TopUpResult records")
    return Feed(tuple(constituencies), tuple(regions))


def _constituency(path: Path, where: str, record: dict[str, Any]) -> HolyroodConstituency:
    name = _text(path, where, record, "name")
    candidates = tuple(
        Candidate(name=_text(path, where, v, "name"),
                  party_code=party_code(HOLYROOD_LABELS, party), party_name=party,
                  votes=_votes(path, where, v))
        for v in _list(path, where, record, "votes")
        for party in (_text(path, where, v, "party"),))
    if not candidates:
        raise DataFileError(path, f"{name!r} has no candidates", field=where)
    return HolyroodConstituency(name=name, region="", candidates=candidates)


def _region(path: Path, where: str, record: dict[str, Any]) -> FeedRegion:
    label = _text(path, where, record, "name")
    name = FEED_REGIONS.get(label, label)
    if name not in REGIONS:
        raise DataFileError(path, f"unknown region {label!r}"[:200], field=where)
    votes: list[ListVote] = []
    seen: Counter[str] = Counter()
    for item in _list(path, where, record, "votes"):
        party = _text(path, where, item, "party")
        seen[party] += 1
        label_n = party if seen[party] == 1 else f"{party} {seen[party]}"
        votes.append(ListVote(label_n, party_code(HOLYROOD_LABELS, party),
                              _votes(path, where, item)))
    seats: dict[str, int] = {}
    for item in _list(path, where, record, "topupseats", required=False):
        code = party_code(HOLYROOD_LABELS, _text(path, where, item, "party"))
        seats[code] = seats.get(code, 0) + _votes(path, where, item, key="seats")
    return FeedRegion(name, tuple(votes), seats)


def _text(path: Path, where: str, record: object, key: str) -> str:
    value = record.get(key) if isinstance(record, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(path, f"expected a text {key!r}", field=where)
    return value.strip()


def _votes(path: Path, where: str, record: dict[str, Any], key: str = "votes") -> int:
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise DataFileError(path, f"expected a whole number {key!r}, found {value!r}"[:200],
                            field=where)
    return value


def _list(path: Path, where: str, record: dict[str, Any], key: str, *,
          required: bool = True) -> list[dict[str, Any]]:
    value = record.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DataFileError(path, f"expected a list of objects {key!r}", field=where)
    return value
