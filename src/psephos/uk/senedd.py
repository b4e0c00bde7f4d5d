"""The Senedd 2026 election counted from published vote shares, and how far to trust it.

Each of the 16 constituencies elects six members from closed party lists by d'Hondt
(`psephos.rules.closed_list`). The only machine-readable source we have gives each party's
share of the valid votes to 2 decimal places, not its votes, and has not been checked against
an official source. So:

- votes are estimated as the whole number nearest share x valid votes / 100 (halves up);
  they add to the constituency's valid votes give or take the shares' rounding;
- a share printed as s stands for any true share in [s - 0.005, s + 0.005], so each party's
  votes lie in a known interval (`vote_bounds`). The seats counted are certain whenever the
  smallest figure any winner can have for its last seat (lowest votes / seats) exceeds the
  largest next figure any other party can have (highest votes / (seats + 1)): d'Hondt then
  gives the same seats for every vote count consistent with the shares (`seat_margin`).
- "Other" is every minor party and independent together; if even that total cannot reach a
  seat, none of them could.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor
from pathlib import Path
from typing import Any

from psephos.count import Count
from psephos.rules.closed_list import SENEDD_SEATS, closed_list
from psephos.rules.errors import RuleError
from psephos.rules.highest_averages import seats_won
from psephos.uk.catalogue import entry
from psephos.uk.errors import UKDataError
from psephos.uk.senedd_file import ROUNDING, SeneddConstituency, read_senedd_file


@dataclass(frozen=True)
class SeneddElection:
    """Every constituency of the data file, and the file it was read from."""

    election: str
    title: str
    date: datetime.date
    constituencies: tuple[SeneddConstituency, ...]
    total_valid_votes: int
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SeatMargin:
    """How close a constituency's last seat was, in votes of figure."""

    last_seat: str  # the winner whose last seat had the lowest figure
    next_party: str  # the party with the highest figure for a further seat
    margin: Fraction  # between those figures, on the estimated votes
    worst_case: Fraction  # the least margin over every vote count the shares allow

    @property
    def certain(self) -> bool:
        """Whether every vote count consistent with the 2 dp shares gives the same seats."""
        return self.worst_case > 0


def load_senedd(election: str = "senedd2026", *, mirror: Path | None = None,
                cache_dir: Path | None = None) -> SeneddElection:
    """Senedd 2026 from the cached (or mirrored) results data module."""
    if election != "senedd2026":
        raise UKDataError(f"unknown Senedd election {election!r}; choose senedd2026")
    from psephos.uk.store import find

    item = entry(election)
    path = find(item, "results", mirror=mirror, cache_dir=cache_dir)
    data = read_senedd_file(path)
    return SeneddElection(election, item.title, item.date, data.constituencies,
                          data.total_valid_votes, (str(path),))


def estimated_votes(seat: SeneddConstituency) -> dict[str, int]:
    """Per party, the whole number of votes nearest share x valid votes (halves up)."""
    return {party: floor(Fraction(share) * seat.valid_votes / 100 + Fraction(1, 2))
            for party, share in seat.shares.items()}


def vote_bounds(seat: SeneddConstituency) -> dict[str, tuple[int, int]]:
    """Per party, the fewest and most whole votes whose share rounds to the printed one."""
    half = Fraction(ROUNDING)
    valid = seat.valid_votes
    return {party: (max(0, ceil((Fraction(share) - half) * valid / 100)),
                    min(valid, floor((Fraction(share) + half) * valid / 100)))
            for party, share in seat.shares.items()}


def count_constituency(seat: SeneddConstituency) -> Count:
    """The six seats by closed-list d'Hondt on the estimated votes."""
    try:
        count = closed_list(estimated_votes(seat), SENEDD_SEATS)
    except RuleError as error:  # e.g. a constituency with no votes
        raise UKDataError(f"{seat.name}: {error}") from None
    if seats_won(count).get("other"):
        raise UKDataError(f"{seat.name}: the minor parties' combined figure takes a seat, and "
                          "the file cannot say which of them it would be")
    return count


def seat_margin(seat: SeneddConstituency, won: dict[str, int]) -> SeatMargin:
    """The closest pair (a winner's last seat against another party's next) in ``seat``."""
    votes = estimated_votes(seat)
    bounds = vote_bounds(seat)
    pairs = [(i, j) for i in won if won[i] for j in won if j != i]
    if not pairs:
        raise UKDataError(f"{seat.name}: one party took every seat; no margin to measure")

    def gap(i: str, j: str, low: int, high: int) -> Fraction:
        return Fraction(low, won[i]) - Fraction(high, won[j] + 1)

    last, after = min(pairs, key=lambda p: gap(p[0], p[1], votes[p[0]], votes[p[1]]))
    worst = min(gap(i, j, bounds[i][0], bounds[j][1]) for i, j in pairs)
    return SeatMargin(last, after, gap(last, after, votes[last], votes[after]), worst)


def allocation_rounds(count: Count) -> list[dict[str, Any]]:
    """Each seat of a constituency's count as the rule records it: every party's figure
    (votes / (seats already allocated + 1), truncated to the count's decimal places; null
    for a party that takes no further part) and the party that took the seat."""
    names = count.candidates
    return [{"seat": stage.number,
             "figures": {name: None if tally == 0 else str(tally)
                         for name, tally in zip(names, stage.tallies, strict=True)},
             "winner": names[stage.elected[0]]}
            for stage in count.stages]


def count_senedd(election: SeneddElection) -> dict[str, Any]:
    """Seats and estimated votes by party, each constituency with its margin, as JSON."""
    seats: Counter[str] = Counter()
    votes: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    for seat in election.constituencies:
        count = count_constituency(seat)
        won = seats_won(count)
        estimate = estimated_votes(seat)
        margin = seat_margin(seat, won)
        seats.update(won)
        votes.update(estimate)
        rows.append({
            "constituency": seat.name,
            "valid_votes": seat.valid_votes,
            "rejected_votes": seat.rejected,
            "shares": {p: str(s) for p, s in seat.shares.items()},
            "votes": estimate,
            "vote_bounds": {p: list(b) for p, b in vote_bounds(seat).items()},
            "seats": {p: n for p, n in sorted(won.items(), key=lambda kv: -kv[1]) if n},
            "declared_seats": {p: n for p, n in sorted(seat.declared_seats.items(),
                                                       key=lambda kv: -kv[1]) if n},
            "order_of_seats": count.elected_names,
            "rounds": allocation_rounds(count),
            "closest": {"last_seat": margin.last_seat, "next": margin.next_party,
                        "margin": round(float(margin.margin), 2),
                        "worst_case_margin": round(float(margin.worst_case), 2)},
            "seats_certain": margin.certain,
        })
    order = sorted(votes, key=lambda p: (-seats[p], -votes[p], p))
    return {
        "election": election.election,
        "title": election.title,
        "seats": {p: seats[p] for p in order if seats[p]},
        "votes": {p: votes[p] for p in order},
        "method": "senedd",
        "constituencies": len(election.constituencies),
        "seats_per_constituency": SENEDD_SEATS,
        "valid_votes": election.total_valid_votes,
        "rejected_votes": sum(s.rejected for s in election.constituencies),
        "votes_are_estimates": True,
        "seats_certain": all(r["seats_certain"] for r in rows),
        "constituency_results": rows,
        "notes": [
            "not checked against an official source: the figures come from a third-party "
            "data file that gives vote shares (2 dp), seats, valid and rejected votes",
            "votes are estimates: the whole number nearest share x valid votes / 100; "
            "'seats_certain' is true where every vote count consistent with the shares "
            "gives the same seats",
            "'other' is every minor party and independent together",
        ],
    }
