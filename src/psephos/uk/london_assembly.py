"""The London Assembly 2016, counted by the additional member system from the 2016 results.

Greater London Authority Act 1999 s.2 and Sch. 2: 14 constituency members by first past the
post, then 11 London members from party lists by d'Hondt over the London-wide list votes,
each party's divisor starting at its constituency seats + 1, and any party or individual
under 5% of the London votes disregarded (`psephos.rules.additional_member.london_assembly`).

The votes are the London Elects ward workbook's, summed per constituency and London-wide in
psephos's shared data (``london_assembly2016_constituency_votes.csv``,
``london_assembly2016_list_votes.csv``); the seats are counted here, not read.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psephos.count import Count
from psephos.rules.additional_member import london_assembly
from psephos.rules.highest_averages import seats_won
from psephos.uk.catalogue import entry
from psephos.uk.errors import DataFileError, UKDataError
from psephos.uk.holyrood import ListVote
from psephos.uk.results import winner
from psephos.uk.store import find
from psephos.uk.tables import PARTY_CODES, Candidate
from psephos.uk.tabular import Row, read_table

CONSTITUENCY_COLUMNS = ("constituency", "candidate", "party_name", "party_code", "votes")
LIST_COLUMNS = ("party_name", "party_code", "votes")
#: Sch. 2: the Assembly's 14 constituency members and 11 London members.
CONSTITUENCY_SEATS = 14
LONDON_SEATS = 11


@dataclass(frozen=True)
class AssemblyConstituency:
    name: str
    candidates: tuple[Candidate, ...]  # in the file's order


@dataclass(frozen=True)
class LondonAssemblyElection:
    election: str
    date: datetime.date
    constituencies: tuple[AssemblyConstituency, ...]
    list_votes: tuple[ListVote, ...]  # London-wide, every party list and individual
    sources: tuple[str, ...] = ()

    def constituency_seats(self) -> dict[str, int]:
        """Constituency members won per list contestant (party code), by `winner`."""
        won = Counter(winner(c.candidates).party_code for c in self.constituencies)
        return dict(won)

    def allocate(self) -> Count:
        """The 11 London members by d'Hondt after the constituency seats, 5% threshold."""
        votes = {v.contestant: v.votes for v in self.list_votes}
        individuals = [v.contestant for v in self.list_votes if v.party_code == "ind"]
        return london_assembly(self.constituency_seats(), votes, list_seats=LONDON_SEATS,
                               individuals=individuals)


def load_london_assembly(election: str = "la2016", *, mirror: Path | None = None,
                         cache_dir: Path | None = None) -> LondonAssemblyElection:
    """The 14 constituencies and the London-wide list votes of ``election`` (la2016)."""
    if election != "la2016":
        raise UKDataError(f"unknown London Assembly election {election!r}; choose la2016")
    item = entry(election)
    seats_path = find(item, "constituencies", mirror=mirror, cache_dir=cache_dir)
    list_path = find(item, "list_votes", mirror=mirror, cache_dir=cache_dir)
    return LondonAssemblyElection(election, item.date, _constituencies(seats_path),
                                  _list_votes(list_path), (str(seats_path), str(list_path)))


def _constituencies(path: Path) -> tuple[AssemblyConstituency, ...]:
    _, rows = read_table(path, CONSTITUENCY_COLUMNS,
                         what="london_assembly2016_constituency_votes.csv")
    seats: dict[str, list[Candidate]] = {}
    for row in rows:
        name = row.text("constituency")
        if not name:
            raise row.error("expected a constituency name", "constituency")
        seats.setdefault(name, []).append(Candidate(
            name=row.text("candidate"), party_code=_code(row), party_name=row.text("party_name"),
            votes=row.count("votes")))
    if len(seats) != CONSTITUENCY_SEATS:
        raise DataFileError(path, f"{len(seats)} constituencies; the Assembly has "
                                  f"{CONSTITUENCY_SEATS}")
    return tuple(AssemblyConstituency(name, tuple(c)) for name, c in seats.items())


def _list_votes(path: Path) -> tuple[ListVote, ...]:
    _, rows = read_table(path, LIST_COLUMNS, what="london_assembly2016_list_votes.csv")
    votes: list[ListVote] = []
    for row in rows:
        vote = ListVote(row.text("party_name"), _code(row), row.count("votes"))
        if any(v.contestant == vote.contestant for v in votes):
            raise row.error(f"{vote.contestant!r} appears twice"[:200], "party_name")
        votes.append(vote)
    if not votes:
        raise DataFileError(path, "no list votes")
    return tuple(votes)


def _code(row: Row) -> str:
    code = row.text("party_code")
    if code not in PARTY_CODES:
        raise row.error(f"{code!r} is not a party code"[:200], "party_code")
    return code


def count_london_assembly(election: LondonAssemblyElection) -> dict[str, Any]:
    """Constituency winners, the London members by d'Hondt, and the Assembly's seats."""
    constituency = election.constituency_seats()
    count = election.allocate()
    codes = {v.contestant: v.party_code for v in election.list_votes}
    listed: Counter[str] = Counter()
    for name, won in seats_won(count).items():
        if won:
            listed[codes[name]] += won
    seats = Counter(constituency) + listed
    votes: Counter[str] = Counter()
    for vote in election.list_votes:
        votes[vote.party_code] += vote.votes
    order = sorted(votes, key=lambda p: (-seats[p], -votes[p], p))
    below = count.options.get("below_threshold", [])
    return {
        "election": election.election,
        "seats": {p: seats[p] for p in order if seats[p]},
        "votes": {p: votes[p] for p in order},
        "constituency_seats": dict(sorted(constituency.items(), key=lambda kv: -kv[1])),
        "list_seats": {p: listed[p] for p in order if listed[p]},
        "list_votes": {v.contestant: v.votes for v in election.list_votes},
        "below_threshold": [str(n) for n in below] if isinstance(below, list) else [],
        "valid_list_votes": int(count.valid),
        "constituencies": len(election.constituencies),
    }
