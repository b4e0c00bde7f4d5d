"""JSON endpoints of official results, under ``/api/explore/results/``.

The same numbers as the results pages and ``psephos results --json``: seats and votes by party,
each constituency's winner and majority, and one constituency's candidates. The per-seat
shape (`ConstituencyOut`) is the one other explorer tools reuse for a seat's result.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.text import slugify
from ninja import Router, Schema
from ninja.errors import HttpError

from psephos.explore.official_results import (
    ElectionResults,
    Seat,
    UnknownElection,
    average,
    catalogue,
    election_results,
    list_allocations,
)
from psephos.uk.errors import UKDataError
from psephos.uk.official import election_kind

router = Router(tags=["explorer"])


class Message(Schema):
    message: str


class ElectionOut(Schema):
    election: str
    title: str
    date: datetime.date
    kind: str  # "general", "holyrood", "assembly", "mayor", "senedd" or "london" (lm2021)


class SeatCandidateOut(Schema):
    name: str  # "" where the publisher gives none (GE2010)
    party_code: str
    party_name: str
    votes: int
    share: float  # of the seat's valid votes, 0..1


class SeatSummaryOut(Schema):
    code: str  # ONS/GSS code (Holyrood: the name's slug, the sources carry no codes)
    slug: str
    name: str
    region: str
    winner: str  # the winning candidate (or the party label where no name is given)
    winner_party: str  # party code
    runner_up_party: str | None
    majority: int
    valid_votes: int
    electorate: int | None
    turnout: float | None  # valid votes / electorate, 0..1
    gain_from: str | None  # party code that held the seat at the previous election


class ConstituencyOut(SeatSummaryOut):
    election: str
    candidates: list[SeatCandidateOut]  # most votes first


class ListRoundOut(Schema):
    number: int
    winner: str
    averages: dict[str, str]  # contestant -> d'Hondt average (truncated to 5 places, 2 shown)


class MarginOut(Schema):
    """A Senedd constituency's closest seat, in votes of figure (`psephos.uk.senedd`)."""

    last_seat: str  # the party whose last seat had the lowest figure
    next: str  # the party with the highest figure for a further seat
    margin: float  # on the estimated votes
    worst_case_margin: float  # least over every vote count the 2 dp shares allow
    seats_certain: bool  # worst_case_margin > 0: no rounding of the shares changes a seat


class RegionOut(Schema):
    region: str
    slug: str | None = None  # Senedd: the constituency's page
    constituency_seats: dict[str, int]
    list_votes: dict[str, int]  # Senedd: estimated votes
    list_seats: dict[str, int] | None  # counted by d'Hondt; None without list votes
    reported_list_seats: dict[str, int] | None  # Holyrood and Senedd: as declared
    rounds: list[ListRoundOut]
    closest: MarginOut | None = None  # Senedd only


class MayorRoundOut(Schema):
    round: int
    votes: dict[str, int]
    second_preferences_added: dict[str, int] | None = None
    non_transferable: int | None = None


class ElectionResultsOut(ElectionOut):
    total_seats: int
    majority: int  # seats needed for a majority
    seats: dict[str, int]  # party code -> seats (Holyrood: regions counted here)
    votes: dict[str, int]
    valid_votes: int | None
    electorate: int | None
    declared_seats: dict[str, int] | None  # Holyrood: as declared, all regions
    previous: str | None  # the election gains are measured against
    constituencies: list[SeatSummaryOut]  # single-member seats (none for the Senedd)
    #: Holyrood: its 8 regions; London Assembly: London; Senedd: its 16 six-member
    #: constituencies, each allocated like a region
    regions: list[RegionOut]
    rounds: list[MayorRoundOut]  # the Mayor's (Mayor, and lm2021)
    elected: str | None = None  # the Mayor elected (Mayor, and lm2021)
    votes_are_estimates: bool = False  # Senedd: votes estimated from 2 dp shares
    notes: list[str]  # the report's notes (unverified sources, estimates)


ERRORS: dict[int, type[Schema]] = {404: Message, 503: Message}


@router.get("/", response=list[ElectionOut])
def elections(request: HttpRequest) -> list[dict[str, Any]]:
    """Every election ``psephos results`` knows, newest first."""
    return [{"election": e.election, "title": e.title, "date": e.date,
             "kind": election_kind(e.election)} for e in catalogue()]


@router.get("/{election}", response={200: ElectionResultsOut, **ERRORS})
def election(request: HttpRequest, election: str) -> dict[str, Any]:
    """Seats and votes by party, and every constituency's winner and majority."""
    results = _results(election)
    report = results.report
    if results.kind == "senedd":
        return _senedd(results)
    mayor = report
    if results.kind == "london":  # the Mayor and the Assembly in one report
        mayor, report = report["mayor"], report["assembly"]
    allocations = {a.region: a for a in list_allocations(election)} \
        if results.kind in ("holyrood", "assembly", "london") else {}
    areas = report.get("regions", [])
    if results.kind in ("assembly", "london"):
        areas = [{"region": "London", "constituency_seats": report["constituency_seats"],
                  "list_votes": report["list_votes"], "list_seats": report["list_seats"],
                  "reported_list_seats": None}]
    regions = []
    for region in areas:
        allocation = allocations.get(region["region"])
        rounds = [] if allocation is None else [
            {"number": r.number, "winner": r.winner,
             "averages": dict(zip(allocation.contestants, r.averages, strict=True))}
            for r in allocation.rounds]
        regions.append({**region, "rounds": rounds})
    return {
        "election": election, "title": results.entry.title, "date": results.entry.date,
        "kind": results.kind, "total_seats": results.total_seats, "majority": results.majority,
        "seats": report["seats"], "votes": report["votes"],
        "valid_votes": report.get("valid_votes", report.get("valid_first_choices",
                                                            report.get("valid_list_votes"))),
        "electorate": report.get("electorate"),
        "declared_seats": report.get("declared_seats"), "previous": results.previous,
        "constituencies": [seat_summary(s) for s in results.seats],
        "regions": regions, "rounds": mayor.get("rounds", []), "elected": mayor.get("elected"),
        "notes": results.report.get("notes", []),
    }


def _senedd(results: ElectionResults) -> dict[str, Any]:
    """The Senedd report with each constituency as a region: its rounds and closest seat."""
    report = results.report
    regions = [{
        "region": row["constituency"], "slug": slugify(row["constituency"]),
        "constituency_seats": {}, "list_votes": row["votes"], "list_seats": row["seats"],
        "reported_list_seats": row["declared_seats"],
        "rounds": [{"number": r["seat"], "winner": r["winner"],
                    "averages": {p: "" if f is None else average(Decimal(f))
                                 for p, f in r["figures"].items()}}
                   for r in row["rounds"]],
        "closest": {**row["closest"], "seats_certain": row["seats_certain"]},
    } for row in report["constituency_results"]]
    return {
        "election": results.election, "title": results.entry.title, "date": results.entry.date,
        "kind": results.kind, "total_seats": results.total_seats, "majority": results.majority,
        "seats": report["seats"], "votes": report["votes"], "valid_votes": report["valid_votes"],
        "electorate": None, "declared_seats": None, "previous": None, "constituencies": [],
        "regions": regions, "rounds": [], "votes_are_estimates": report["votes_are_estimates"],
        "notes": report["notes"],
    }


@router.get("/{election}/{constituency}", response={200: ConstituencyOut, **ERRORS})
def constituency(request: HttpRequest, election: str, constituency: str) -> dict[str, Any]:
    """One constituency's candidates, votes, shares, majority and turnout (by code or slug)."""
    results = _results(election)
    if results.kind == "senedd":
        raise Http404(f"{election} constituencies elect six members each, with no single "
                      f"winner: see 'regions' in /api/explore/results/{election}")
    try:
        seat = results.seat(constituency)
    except UnknownElection as error:
        raise Http404(str(error)) from None
    return {**seat_summary(seat), "election": election,
            "candidates": [{"name": c.name, "party_code": c.party_code,
                            "party_name": c.party_name, "votes": c.votes, "share": c.share}
                           for c in seat.result.candidates]}


def seat_summary(seat: Seat) -> dict[str, Any]:
    """A seat as `SeatSummaryOut`: its winner, majority, turnout and any gain."""
    result = seat.result
    return {"code": seat.code, "slug": seat.slug, "name": seat.name, "region": seat.region,
            "winner": result.winner.name or result.winner.party_name,
            "winner_party": result.winner.party_code,
            "runner_up_party": result.runner_up.party_code if result.runner_up else None,
            "majority": result.majority, "valid_votes": result.valid_votes,
            "electorate": result.electorate, "turnout": result.turnout,
            "gain_from": seat.gain_from}


def _results(election: str) -> ElectionResults:
    try:
        return election_results(election)
    except UnknownElection as error:
        raise Http404(str(error)) from None
    except UKDataError as error:
        raise HttpError(503, str(error)) from None
