"""Loading and counting a Scottish Parliament election from whichever sources are at hand.

With the Electoral Commission's constituency and regional sheets (``psephos data add``),
every constituency and region comes from them. Otherwise: the Guardian election-night feed
(65 constituencies, list votes for 3 regions), the transcribed list votes (5 regions) and the
transcribed seats by region (all 8: constituency seats, and list seats as declared).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psephos.uk.catalogue import entry
from psephos.uk.ec_holyrood import read_ec_constituencies, read_ec_regions
from psephos.uk.errors import MissingDataError, UKDataError
from psephos.uk.guardian_feed import read_guardian_feed
from psephos.uk.holyrood import REGIONS, HolyroodElection, HolyroodRegion, ListVote
from psephos.uk.holyrood_transcribed import read_list_votes, read_seats
from psephos.uk.results import winner
from psephos.uk.store import find


def load_scottish_parliament(election: str = "sp2016", *, mirror: Path | None = None,
                             cache_dir: Path | None = None) -> HolyroodElection:
    """The regions and constituencies of ``election`` (only ``sp2016`` so far)."""
    if election != "sp2016":
        raise UKDataError(f"unknown Scottish Parliament election {election!r}; choose sp2016")
    item = entry(election)
    constituency_sheet = _optional(election, "ec_constituency", mirror, cache_dir)
    regional_sheet = _optional(election, "ec_regional", mirror, cache_dir)
    if constituency_sheet is not None and regional_sheet is not None:
        return _from_ec(item.date, constituency_sheet, regional_sheet)
    if constituency_sheet is not None or regional_sheet is not None:
        raise MissingDataError("the Electoral Commission's Scottish Parliament results need both "
                               "the constituency and the regional sheet; add the other with "
                               "`psephos data add FILE`")
    feed_path = find(item, "feed", mirror=mirror, cache_dir=cache_dir)
    votes_path = find(item, "list_votes", mirror=mirror, cache_dir=cache_dir)
    seats_path = find(item, "seats", mirror=mirror, cache_dir=cache_dir)
    feed = read_guardian_feed(feed_path)
    transcribed = read_list_votes(votes_path)
    seats = read_seats(seats_path)
    fed = {r.name: r for r in feed.regions}
    regions = []
    for name, gss in REGIONS.items():
        constituency, reported = seats.get(name, ({}, {}))
        votes: tuple[ListVote, ...] = ()
        sources = [str(seats_path)]
        if name in fed:
            votes = fed[name].list_votes
            sources.append(str(feed_path))
        elif name in transcribed:
            votes = transcribed[name]
            sources.append(str(votes_path))
        regions.append(HolyroodRegion(
            name=name, id=gss, constituency_seats={p: s for p, s in constituency.items() if s},
            list_votes=votes, reported_list_seats={p: s for p, s in reported.items() if s},
            sources=tuple(sources)))
    return HolyroodElection(
        election=election, date=item.date, regions=tuple(regions),
        constituencies=feed.constituencies,
        sources=(str(feed_path), str(votes_path), str(seats_path)),
        notes=("constituency seats by region and the declared list seats are the transcribed "
               "official figures; list votes are missing for "
               + ", ".join(r.name for r in regions if not r.list_votes),
               f"the election-night feed has {len(feed.constituencies)} of 73 constituencies"))


def _from_ec(date: datetime.date, constituency_path: Path, regional_path: Path) -> HolyroodElection:
    constituencies = read_ec_constituencies(constituency_path)
    list_votes = read_ec_regions(regional_path)
    won: dict[str, Counter[str]] = {name: Counter() for name in REGIONS}
    for seat in constituencies:
        won[seat.region][winner(seat.candidates).party_code] += 1
    regions = tuple(HolyroodRegion(name=name, id=gss, constituency_seats=dict(won[name]),
                                   list_votes=list_votes.get(name, ()),
                                   sources=(str(constituency_path), str(regional_path)))
                    for name, gss in REGIONS.items())
    return HolyroodElection(election="sp2016", date=date, regions=regions,
                            constituencies=constituencies,
                            sources=(str(constituency_path), str(regional_path)))


def _optional(election: str, role: str, mirror: Path | None,
              cache_dir: Path | None) -> Path | None:
    try:
        return find(entry(election), role, mirror=mirror, cache_dir=cache_dir)
    except MissingDataError:
        return None


@dataclass(frozen=True)
class RegionResult:
    name: str
    constituency_seats: dict[str, int]
    list_votes: dict[str, int]  # contestant -> votes (party code, or label for ind/other)
    list_seats: dict[str, int] | None  # computed by d'Hondt; None without list votes
    reported_list_seats: dict[str, int] | None

    def to_json(self) -> dict[str, Any]:
        return {"region": self.name, "constituency_seats": self.constituency_seats,
                "list_votes": self.list_votes, "list_seats": self.list_seats,
                "reported_list_seats": self.reported_list_seats}


def count_scottish_parliament(election: HolyroodElection) -> dict[str, Any]:
    """Constituency winners, list seats by d'Hondt per region, and totals where counted.

    ``seats`` and ``votes`` cover the regions with list votes only (``regions_counted``).
    """
    regions: list[RegionResult] = []
    seats: Counter[str] = Counter()
    votes: Counter[str] = Counter()
    for region in election.regions:
        allocated = region.list_seats() if region.list_votes else None
        regions.append(RegionResult(
            name=region.name, constituency_seats=dict(region.constituency_seats),
            list_votes={v.contestant: v.votes for v in region.list_votes},
            list_seats=allocated,
            reported_list_seats=(dict(region.reported_list_seats)
                                 if region.reported_list_seats is not None else None)))
        if allocated is not None:
            seats.update(region.constituency_seats)
            seats.update(allocated)
            for vote in region.list_votes:
                votes[vote.party_code] += vote.votes
    fptp: Counter[str] = Counter(winner(c.candidates).party_code
                                 for c in election.constituencies)
    order = sorted(votes, key=lambda p: (-seats[p], -votes[p], p))
    counted = [r.name for r in regions if r.list_seats is not None]
    declared: Counter[str] | None = Counter()
    for region in election.regions:
        if region.reported_list_seats is None or declared is None:
            declared = None
            continue
        declared.update(region.constituency_seats)
        declared.update(region.reported_list_seats)
    return {
        "election": election.election,
        "seats": {p: seats[p] for p in order if seats[p]},
        "votes": {p: votes[p] for p in order},
        "regions_counted": counted,
        "regions_without_list_votes": [r.name for r in regions if r.list_seats is None],
        "regions": [r.to_json() for r in regions],
        "declared_seats": (dict(sorted(declared.items(), key=lambda kv: (-kv[1], kv[0])))
                           if declared else None),
        "constituencies_counted": len(election.constituencies),
        "constituency_winners": dict(fptp.most_common()),
        "notes": list(election.notes),
    }
