"""Small hand-built elections for the model's tests."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from psephos.uk.tables import Candidate, Constituency, GeneralElection

Seat = Sequence[tuple[str, int]]


def election(seats: Mapping[str, Seat], *, name: str = "test",
             nations: Mapping[str, str] | None = None,
             regions: Mapping[str, str] | None = None) -> GeneralElection:
    """One constituency per ``seats`` entry (name -> [(party, votes), ...]), ids S1, S2, ..."""
    nations = nations or {}
    regions = regions or {}
    constituencies = []
    for i, (seat_name, candidates) in enumerate(seats.items(), start=1):
        people = tuple(Candidate(name=f"{party.upper()} {seat_name} {j}", party_code=party,
                                 party_name=party, votes=votes)
                       for j, (party, votes) in enumerate(candidates))
        nation = nations.get(seat_name, "England")
        constituencies.append(Constituency(
            id=f"S{i}", name=seat_name, nation=nation,
            region=regions.get(seat_name, nation if nation != "England" else "North"),
            electorate=2 * sum(v for _, v in candidates) + 1,
            valid_votes=sum(v for _, v in candidates), candidates=people))
    return GeneralElection(election=name, date=datetime.date(2020, 1, 1),
                           constituencies=tuple(constituencies))
