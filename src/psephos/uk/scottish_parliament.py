"""Loading a Scottish Parliament election from whichever sources are at hand.

- ``sp2016``: the Electoral Commission's constituency and regional sheets, if both were added
  (``psephos data add``); otherwise principalfish's results file (every constituency and
  region). ``sp2021``, ``sp2026``: principalfish's results files.
- ``sp2016-feed``: the Guardian election-night feed (65 constituencies, list votes for 3
  regions), the transcribed list votes (5 regions) and the transcribed seats by region (all
  8: constituency seats, and list seats as declared).

Each region's constituency seats are counted from its constituencies wherever a source gives
them all (`psephos.uk.results.winner`); the counting is `psephos.uk.holyrood_count`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import replace
from pathlib import Path

from psephos.uk.catalogue import SCOTTISH_PARLIAMENT, ElectionEntry, entry
from psephos.uk.ec_holyrood import read_ec_constituencies, read_ec_regions
from psephos.uk.errors import MissingDataError, UKDataError
from psephos.uk.guardian_feed import read_guardian_feed
from psephos.uk.holyrood import REGIONS, HolyroodElection, HolyroodRegion, ListVote
from psephos.uk.holyrood_count import count_scottish_parliament
from psephos.uk.holyrood_transcribed import read_list_votes, read_seats
from psephos.uk.principalfish import (
    REGION_CORRECTIONS,
    REGIONS_2011_IDS,
    REGIONS_2026_IDS,
    PrincipalfishFile,
    read_principalfish,
)
from psephos.uk.results import winner
from psephos.uk.store import find

__all__ = ["count_scottish_parliament", "load_scottish_parliament"]


def load_scottish_parliament(election: str = "sp2016", *, mirror: Path | None = None,
                             cache_dir: Path | None = None) -> HolyroodElection:
    """The regions and constituencies of ``election`` (one of `SCOTTISH_PARLIAMENT`)."""
    if election not in SCOTTISH_PARLIAMENT:
        raise UKDataError(f"unknown Scottish Parliament election {election!r}; choose one of "
                          f"{', '.join(SCOTTISH_PARLIAMENT)}")
    item = entry(election)
    if election == "sp2016-feed":
        return _from_feed(item, mirror, cache_dir)
    if election == "sp2016":
        constituency_sheet = _optional(election, "ec_constituency", mirror, cache_dir)
        regional_sheet = _optional(election, "ec_regional", mirror, cache_dir)
        if constituency_sheet is not None and regional_sheet is not None:
            return _from_ec(election, item.date, constituency_sheet, regional_sheet)
        if constituency_sheet is not None or regional_sheet is not None:
            raise MissingDataError("the Electoral Commission's Scottish Parliament results need "
                                   "both the constituency and the regional sheet; add the other "
                                   "with `psephos data add FILE`")
    return _from_principalfish(item, mirror, cache_dir)


def _from_principalfish(item: ElectionEntry, mirror: Path | None,
                        cache_dir: Path | None) -> HolyroodElection:
    path = find(item, "results", mirror=mirror, cache_dir=cache_dir)
    new_regions = item.date.year >= 2026
    spec = PrincipalfishFile(
        election=item.election, date=item.date,
        region_ids=REGIONS_2026_IDS if new_regions else REGIONS_2011_IDS,
        gss={} if new_regions else dict(REGIONS),
        corrections={} if new_regions else REGION_CORRECTIONS)
    election = _count_constituency_seats(read_principalfish(path, spec))
    notes = [*election.notes,
             "'Others' is one figure for every minor party and independent: it is no list, so "
             "it takes no list seat (its votes stay in the region's total)"]
    if new_regions:
        notes.append("these 2026 figures have not been checked against an official source")
    return replace(election, notes=tuple(notes))


def _count_constituency_seats(election: HolyroodElection) -> HolyroodElection:
    """Each region's constituency seats, by counting each of its constituencies (plurality)."""
    won: dict[str, Counter[str]] = {region.name: Counter() for region in election.regions}
    for seat in election.constituencies:
        won[seat.region][winner(seat.candidates).party_code] += 1
    return replace(election, regions=tuple(
        replace(region, constituency_seats=dict(won[region.name].most_common()))
        for region in election.regions))


def _from_feed(item: ElectionEntry, mirror: Path | None,
               cache_dir: Path | None) -> HolyroodElection:
    election = item.election
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


def _from_ec(election: str, date: datetime.date, constituency_path: Path,
             regional_path: Path) -> HolyroodElection:
    constituencies = read_ec_constituencies(constituency_path)
    list_votes = read_ec_regions(regional_path)
    regions = tuple(HolyroodRegion(name=name, id=gss, constituency_seats={},
                                   list_votes=list_votes.get(name, ()),
                                   sources=(str(constituency_path), str(regional_path)))
                    for name, gss in REGIONS.items())
    return _count_constituency_seats(HolyroodElection(
        election=election, date=date, regions=regions, constituencies=constituencies,
        sources=(str(constituency_path), str(regional_path))))


def _optional(election: str, role: str, mirror: Path | None,
              cache_dir: Path | None) -> Path | None:
    try:
        return find(entry(election), role, mirror=mirror, cache_dir=cache_dir)
    except MissingDataError:
        return None
