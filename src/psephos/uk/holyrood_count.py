"""Counting a Scottish Parliament election: constituency winners, then each region's list seats.

Constituencies by first past the post (`psephos.uk.results.winner`); each region's 7 list
seats by d'Hondt with each party's divisor starting at its constituency seats + 1
(`HolyroodRegion.allocate`, i.e. `psephos.rules.additional_member`), every round's quotients
kept for the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from psephos.count import Count
from psephos.reports.labels import votes as decimal_text
from psephos.rules.highest_averages import seats_won
from psephos.uk.holyrood import HolyroodElection, HolyroodRegion
from psephos.uk.results import winner


@dataclass(frozen=True)
class RegionResult:
    """One region's count as the report shows it."""

    name: str
    constituency_seats: dict[str, int]
    list_votes: dict[str, int]  # contestant -> votes (party code, or label for ind/other)
    list_seats: dict[str, int] | None  # computed by d'Hondt; None without list votes
    reported_list_seats: dict[str, int] | None
    rounds: list[dict[str, Any]] = field(default_factory=list)
    aggregates: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"region": self.name, "constituency_seats": self.constituency_seats,
                "list_votes": self.list_votes, "list_seats": self.list_seats,
                "reported_list_seats": self.reported_list_seats, "rounds": self.rounds,
                "aggregates": self.aggregates}


def rounds(count: Count, *, leave_out: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Each list seat of a region's count: who took it and every contestant's quotient then.

    Quotients are the count's exact averages truncated to its precision, as decimal text;
    a contestant disregarded at that seat (already returned, or its list used up) has
    ``null``, and those in ``leave_out`` (aggregates) are not shown at all.
    """
    names = count.candidates
    limits = count.options.get("limits", {})
    initial = count.options.get("initial_seats", {})
    assert isinstance(limits, dict) and isinstance(initial, dict)
    won: Counter[str] = Counter()
    out: list[dict[str, Any]] = []
    for stage in count.stages:
        quotients: dict[str, str | None] = {}
        for index, name in enumerate(names):
            if name in leave_out:
                continue
            full = name in limits and won[name] >= limits[name]
            quotients[name] = None if full else decimal_text(stage.tallies[index],
                                                            count.precision)
        chosen = names[stage.elected[0]]
        out.append({"seat": stage.number, "elected": chosen,
                    "divisor": int(initial.get(chosen, 0)) + won[chosen] + 1,
                    "quotients": quotients})
        won[chosen] += 1
    return out


def region_result(region: HolyroodRegion) -> RegionResult:
    """Count one region's list seats (if it has list votes) and say what its aggregates
    would have taken had each been one list."""
    reported = (dict(region.reported_list_seats)
                if region.reported_list_seats is not None else None)
    list_votes = {v.contestant: v.votes for v in region.list_votes}
    if not region.list_votes:
        return RegionResult(region.name, dict(region.constituency_seats), list_votes, None,
                            reported)
    count = region.allocate()
    codes = {v.contestant: v.party_code for v in region.list_votes}
    allocated: Counter[str] = Counter()
    for name, won in seats_won(count).items():
        if won:
            allocated[codes[name]] += won
    aggregates: dict[str, dict[str, int]] = {}
    present = tuple(name for name in region.aggregates if name in list_votes)
    if present:
        as_lists = seats_won(region.allocate(aggregates_as_lists=True))
        aggregates = {name: {"votes": list_votes[name], "seats_if_one_list": as_lists[name]}
                      for name in present}
    return RegionResult(region.name, dict(region.constituency_seats), list_votes,
                        dict(allocated.most_common()), reported,
                        rounds(count, leave_out=present), aggregates)


def count_scottish_parliament(election: HolyroodElection) -> dict[str, Any]:
    """Constituency winners, list seats by d'Hondt per region, and totals where counted.

    ``seats`` and ``votes`` (list votes by party code) cover the regions with list votes
    only (``regions_counted``); ``constituency_seats`` and ``list_seats`` split ``seats``.
    """
    regions = [region_result(region) for region in election.regions]
    constituency: Counter[str] = Counter()
    regional: Counter[str] = Counter()
    votes: Counter[str] = Counter()
    for region, result in zip(election.regions, regions, strict=True):
        if result.list_seats is None:
            continue
        constituency.update(region.constituency_seats)
        regional.update(result.list_seats)
        for vote in region.list_votes:
            votes[vote.party_code] += vote.votes
    seats = constituency + regional
    fptp: Counter[str] = Counter()
    differ: list[str] = []
    for seat in election.constituencies:
        party = winner(seat.candidates).party_code
        fptp[party] += 1
        if seat.declared_winner is not None and seat.declared_winner != party:
            differ.append(seat.name)
    order = sorted(set(votes) | set(seats), key=lambda p: (-seats[p], -votes[p], p))
    declared: Counter[str] | None = Counter()
    for region in election.regions:  # as declared: constituency and list seats, all regions
        if region.reported_list_seats is None or declared is None:
            declared = None
            continue
        declared.update(region.constituency_seats)
        declared.update(region.reported_list_seats)
    return {
        "election": election.election,
        "seats": {p: seats[p] for p in order if seats[p]},
        "votes": {p: votes[p] for p in order if p in votes},
        "constituency_seats": {p: constituency[p] for p in order if constituency[p]},
        "list_seats": {p: regional[p] for p in order if regional[p]},
        "regions_counted": [r.name for r in regions if r.list_seats is not None],
        "regions_without_list_votes": [r.name for r in regions if r.list_seats is None],
        "regions": [r.to_json() for r in regions],
        "constituencies_counted": len(election.constituencies),
        "constituency_winners": dict(fptp.most_common()),
        "constituencies_not_as_declared": differ,
        "declared_seats": (dict(sorted(declared.items(), key=lambda kv: (-kv[1], kv[0])))
                           if declared else None),
        "notes": list(election.notes),
    }
