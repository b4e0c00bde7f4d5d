"""Scottish Parliament elections: regions, their list votes, and constituency seats.

The Scotland Act 1998 ss.6-8 elects 73 constituency members by first past the post and 56
regional members, 7 in each of 8 regions, by d'Hondt with each party's divisor starting at
its constituency seats in the region + 1 (`psephos.rules.additional_member`).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from psephos.count import Count
from psephos.rules.additional_member import scottish_parliament_region
from psephos.rules.highest_averages import seats_won
from psephos.uk.tables import Candidate

LIST_SEATS = 7
#: Members of the Scottish Parliament: 73 for constituencies, 7 for each of the 8 regions.
PARLIAMENT_SEATS = 129

#: The 8 regions of 2011-2021 and their GSS codes.
REGIONS: dict[str, str] = {
    "Central Scotland": "S17000009",
    "Glasgow": "S17000010",
    "Highlands and Islands": "S17000011",
    "Lothian": "S17000012",
    "Mid Scotland and Fife": "S17000013",
    "North East Scotland": "S17000014",
    "South Scotland": "S17000015",
    "West Scotland": "S17000016",
}


@dataclass(frozen=True)
class ListVote:
    """One regional list (or individual regional candidate) and its votes."""

    party_name: str  # the source's label
    party_code: str  # one of PARTY_CODES
    votes: int

    @property
    def contestant(self) -> str:
        """The name it stands under in the allocation: its code, or its label if ind/other."""
        return self.party_name if self.party_code in ("ind", "other") else self.party_code


@dataclass(frozen=True)
class HolyroodConstituency:
    """One constituency's first-past-the-post result."""

    name: str
    region: str  # "" where the source does not say
    candidates: tuple[Candidate, ...]

    @property
    def valid_votes(self) -> int:
        return sum(c.votes for c in self.candidates)


@dataclass(frozen=True)
class HolyroodRegion:
    """One electoral region: constituency seats won, list votes, list seats reported."""

    name: str
    id: str  # GSS code
    constituency_seats: Mapping[str, int]  # party code -> seats won in its constituencies
    list_votes: tuple[ListVote, ...] = ()  # empty where no source gives them
    reported_list_seats: Mapping[str, int] | None = None  # as declared, where a source says
    sources: tuple[str, ...] = ()

    def allocate(self) -> Count:
        """The 7 list seats by d'Hondt after the constituency seats (Scotland Act 1998 s.7-8)."""
        votes = {v.contestant: v.votes for v in self.list_votes}
        individuals = [v.contestant for v in self.list_votes if v.party_code == "ind"]
        return scottish_parliament_region(dict(self.constituency_seats), votes,
                                          list_seats=LIST_SEATS, individuals=individuals)

    def list_seats(self) -> dict[str, int]:
        """List seats won per party code (non-zero only), from `allocate`."""
        codes = {v.contestant: v.party_code for v in self.list_votes}
        out: Counter[str] = Counter()
        for name, won in seats_won(self.allocate()).items():
            if won:
                out[codes[name]] += won
        return dict(out)


@dataclass(frozen=True)
class HolyroodElection:
    """A Scottish Parliament election as far as its sources go."""

    election: str
    date: datetime.date
    regions: tuple[HolyroodRegion, ...]
    constituencies: tuple[HolyroodConstituency, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def region(self, name: str) -> HolyroodRegion:
        for region in self.regions:
            if region.name == name:
                return region
        raise KeyError(name)
