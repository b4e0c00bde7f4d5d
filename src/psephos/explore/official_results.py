"""Official results as the explorer shows them, loaded once per process and kept.

Everything here is read and counted by `psephos.uk` (the code behind ``psephos results``);
this module only gathers it per election and per seat for the pages and the endpoints, and
keeps it (`functools.cache`), so a second request reads no file and counts nothing.
Files come from the cache or the mirror the server was started with (``PSEPHOS_CACHE``,
``PSEPHOS_MIRROR``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.utils.text import slugify

from psephos.count import Count
from psephos.rules.highest_averages import seats_won
from psephos.uk.catalogue import ELECTIONS, ElectionEntry, previous_on_same_boundaries
from psephos.uk.errors import UKDataError
from psephos.uk.general import load_general_election
from psephos.uk.holyrood import PARLIAMENT_SEATS, HolyroodElection
from psephos.uk.london2021 import GLAElection2021, load_london2021
from psephos.uk.london_assembly import (
    CONSTITUENCY_SEATS,
    LONDON_SEATS,
    LondonAssemblyElection,
    load_london_assembly,
)
from psephos.uk.official import Kind, election_kind, results_report
from psephos.uk.results import (
    SeatResult,
    SeatsAndVotes,
    count_general_election,
    gains,
    seat_result,
)
from psephos.uk.scottish_parliament import load_scottish_parliament


class UnknownElection(LookupError):
    """No such election (or no such constituency in it): the page answers 404."""


@dataclass(frozen=True)
class Seat:
    """One constituency: who it is, where, and its declaration."""

    code: str  # ONS/GSS code; for Holyrood (no codes in the sources) the name's slug
    slug: str
    name: str
    region: str
    result: SeatResult
    gain_from: str | None = None  # party code that held it at the previous election


@dataclass(frozen=True)
class ElectionResults:
    """One election as ``psephos results`` counts it, and its seats."""

    entry: ElectionEntry
    kind: Kind
    report: dict[str, Any]  # exactly ``psephos results ELECTION --json``
    seats: tuple[Seat, ...]
    previous: str | None = None  # the election gains are measured against
    total_seats: int = 0  # members elected (the majority line is half of it, plus one)

    @property
    def election(self) -> str:
        return self.entry.election

    @property
    def majority(self) -> int:
        return self.total_seats // 2 + 1

    def seat(self, key: str) -> Seat:
        """The seat with this code or slug, else `UnknownElection`."""
        for seat in self.seats:
            if key in (seat.code, seat.slug):
                return seat
        raise UnknownElection(f"no constituency {key!r} in {self.election}")


#: The kinds of election these pages can show.
SHOWN: tuple[Kind, ...] = ("general", "holyrood", "assembly", "mayor", "senedd", "london")


def catalogue() -> list[ElectionEntry]:
    """Every election ``psephos results`` knows that these pages can show, newest first."""
    return sorted((e for e in ELECTIONS.values() if election_kind(e.election) in SHOWN),
                  key=lambda e: e.date, reverse=True)


def election_results(election: str) -> ElectionResults:
    """The results of ``election`` (`UnknownElection` if there is no such election; a
    `UKDataError` if its files are missing or bad)."""
    if election not in ELECTIONS or election_kind(election) not in SHOWN:
        raise UnknownElection(f"no election {election!r}")
    return _load(election)


@cache
def _load(election: str) -> ElectionResults:
    kind = election_kind(election)
    report = results_report(election)
    if kind == "general":
        return _general(election, report)
    if kind == "holyrood":
        return _holyrood(election, report)
    if kind == "assembly":
        return _assembly(election, report)
    if kind == "senedd":  # six members a constituency: no single winner, so no `Seat`s
        return ElectionResults(ELECTIONS[election], kind, report, (),
                               total_seats=report["constituencies"]
                               * report["seats_per_constituency"])
    if kind == "london":
        return _london(election, report)
    return ElectionResults(ELECTIONS[election], kind, report, (), total_seats=1)


@cache
def general_counted(election: str) -> SeatsAndVotes:
    """Seats, votes and each seat's winner, as `count_general_election` gives them."""
    return count_general_election(load_general_election(election), ELECTIONS[election].title)


def _general(election: str, report: dict[str, Any]) -> ElectionResults:
    previous = previous_on_same_boundaries(election)
    gained = gains(general_counted(election), general_counted(previous)) if previous else {}
    seats = tuple(
        Seat(code=c.id, slug=slugify(c.name), name=c.name, region=c.region,
             result=seat_result(c.candidates, valid_votes=c.valid_votes,
                                electorate=c.electorate),
             gain_from=gained.get(c.id))
        for c in load_general_election(election).constituencies)
    return ElectionResults(ELECTIONS[election], "general", report, seats, previous,
                           total_seats=len(seats))


def _holyrood(election: str, report: dict[str, Any]) -> ElectionResults:
    seats = tuple(
        Seat(code=slugify(c.name), slug=slugify(c.name), name=c.name, region=c.region,
             result=seat_result(c.candidates))
        for c in holyrood_election(election).constituencies)
    return ElectionResults(ELECTIONS[election], "holyrood", report, seats,
                           total_seats=PARLIAMENT_SEATS)


def _assembly(election: str, report: dict[str, Any]) -> ElectionResults:
    seats = tuple(
        Seat(code=slugify(c.name), slug=slugify(c.name), name=c.name, region="London",
             result=seat_result(c.candidates))
        for c in assembly_election(election).constituencies)
    return ElectionResults(ELECTIONS[election], "assembly", report, seats,
                           total_seats=CONSTITUENCY_SEATS + LONDON_SEATS)


def _london(election: str, report: dict[str, Any]) -> ElectionResults:
    seats = tuple(
        Seat(code=slugify(c.name), slug=slugify(c.name), name=c.name, region="London",
             result=seat_result(c.candidates, valid_votes=c.valid_votes,
                                electorate=c.electorate))
        for c in london2021_election(election).tables.constituencies)
    return ElectionResults(ELECTIONS[election], "london", report, seats,
                           total_seats=CONSTITUENCY_SEATS + LONDON_SEATS)


@cache
def london2021_election(election: str) -> GLAElection2021:
    """The loaded 2021 GLA tables (Mayor and Assembly)."""
    return load_london2021(election)


@cache
def assembly_election(election: str) -> LondonAssemblyElection:
    """The loaded `LondonAssemblyElection` (constituencies and London-wide list votes)."""
    return load_london_assembly(election)


@cache
def holyrood_election(election: str) -> HolyroodElection:
    """The loaded `HolyroodElection` (regions, list votes, constituencies)."""
    return load_scottish_parliament(election)


@dataclass(frozen=True)
class ListRound:
    """One list seat of a region: each contestant's average then, and who took the seat."""

    number: int
    averages: tuple[str, ...]  # per contestant, as the count records it ("" if disregarded)
    winner: str


@dataclass(frozen=True)
class ListAllocation:
    """A region's list seats round by round, from the `additional_member` count."""

    region: str
    contestants: tuple[str, ...]  # party codes, or labels of individuals and minor lists
    votes: tuple[int, ...]
    constituency_seats: tuple[int, ...]  # seats each already held (d'Hondt divisor - 1)
    list_seats: tuple[int, ...]
    rounds: tuple[ListRound, ...]


@cache
def list_allocations(election: str) -> tuple[ListAllocation, ...]:
    """The list seats of ``election`` round by round: each Holyrood region with list votes
    (`HolyroodRegion.allocate`), or London (`LondonAssemblyElection.allocate`, or for 2021
    `GLAElection2021.assembly_count`)."""
    if election_kind(election) == "assembly":
        london = assembly_election(election)
        return (_allocation("London", london.allocate(),
                            {v.contestant: v.votes for v in london.list_votes},
                            london.constituency_seats()),)
    if election_kind(election) == "london":
        gla = london2021_election(election)
        return (_allocation("London", gla.assembly_count(), gla.tables.list_votes,
                            gla.assembly_constituency_seats()),)
    return tuple(_allocation(region.name, region.allocate(),
                             {v.contestant: v.votes for v in region.list_votes},
                             region.constituency_seats)
                 for region in holyrood_election(election).regions if region.list_votes)


def _allocation(area: str, count: Count, votes: Mapping[str, int],
                held: Mapping[str, int]) -> ListAllocation:
    won = seats_won(count)
    names = count.candidates
    rounds = tuple(ListRound(stage.number, tuple(average(t) for t in stage.tallies),
                             names[stage.elected[0]])
                   for stage in count.stages)
    return ListAllocation(region=area, contestants=names, votes=tuple(votes[n] for n in names),
                          constituency_seats=tuple(held.get(n, 0) for n in names),
                          list_seats=tuple(won[n] for n in names), rounds=rounds)


def average(tally: Decimal) -> str:
    """A d'Hondt average as the count records it, to 2 places (whole numbers without);
    "" for a contestant disregarded."""
    if tally == 0:
        return ""
    return f"{tally:,.0f}" if tally == tally.to_integral_value() else f"{tally:,.2f}"


def clear() -> None:
    """Forget every loaded election (tests that change the data folder call this)."""
    for cached in (_load, general_counted, holyrood_election, assembly_election,
                   london2021_election, list_allocations):
        cached.cache_clear()


__all__ = ["ElectionResults", "ListAllocation", "ListRound", "Seat", "UKDataError",
           "UnknownElection", "average", "catalogue", "clear", "election_results",
           "list_allocations"]
