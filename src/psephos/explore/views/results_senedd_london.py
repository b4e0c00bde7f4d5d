"""The Senedd 2026 and London 2021 results pages: each a `psephos results` report laid out.

The Senedd report gives, per constituency, the seats, the declared seats, the margins and the
d'Hondt rounds as `psephos.uk.senedd` counted them; the London 2021 report gives the Mayor's
two rounds and the Assembly's seats, and the London members' rounds come from the same count
(`GLAElection2021.assembly_count`). Nothing here counts.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from psephos.explore.official_results import (
    ElectionResults,
    average,
    election_results,
    list_allocations,
)
from psephos.explore.views.results_parts import (
    allocation_tables,
    contestant,
    mayor_table,
    party_rows,
    seat_list,
    seats_figure,
)
from psephos.uk.parties import PARTIES, UNKNOWN, party_colour, party_label


@cache
def senedd_context(election: str) -> dict[str, Any]:
    """Seats by party against the majority line, the 16 constituencies, and their rounds."""
    results = election_results(election)
    report = results.report
    parties = party_rows(report["seats"], report["votes"])
    for party in parties:  # share of the valid votes, as `psephos results` prints it
        party["share"] = 100 * party["votes"] / (report["valid_votes"] or 1)
    return {
        "parties": parties,
        "chart": seats_figure(report["seats"], total=results.total_seats,
                              majority=results.majority),
        "constituencies": [_constituency_row(row) for row in report["constituency_results"]],
        "allocations": [_rounds_table(row) for row in report["constituency_results"]],
    }


def _constituency_row(row: dict[str, Any]) -> dict[str, Any]:
    closest = row["closest"]
    return {"name": row["constituency"], "slug": slugify(row["constituency"]),
            "seats": seat_list(row["seats"]), "declared": seat_list(row["declared_seats"]),
            "as_declared": row["seats"] == row["declared_seats"],
            "closest": f"{contestant(closest['last_seat'])} v {contestant(closest['next'])}",
            "margin": f"{closest['margin']:,.2f}",
            "worst_case": f"{closest['worst_case_margin']:,.2f}",
            "certain": row["seats_certain"]}


def _rounds_table(row: dict[str, Any]) -> dict[str, Any]:
    """A constituency's rounds in the shape of `allocation_tables` (no constituency seats)."""
    rounds = row["rounds"]
    parties = list(row["votes"])
    return {
        "region": row["constituency"],
        "rows": [{"name": contestant(p), "votes": row["votes"][p], "won": row["seats"].get(p, 0),
                  "cells": [{"average": _figure(r["figures"].get(p)), "won": r["winner"] == p}
                            for r in rounds]}
                 for p in parties],
        "rounds": [{"number": r["seat"], "winner": contestant(r["winner"])} for r in rounds],
        "held_column": False,
    }


def _figure(figure: str | None) -> str:
    """A recorded figure ("15530.00000") as the other rounds tables show averages."""
    return "" if figure is None else average(Decimal(figure))


def senedd_constituency_page(request: HttpRequest, results: ElectionResults,
                             key: str) -> HttpResponse:
    """One Senedd constituency: each party's printed share, estimated votes and their
    bounds, the seats counted and declared, the rounds, and the closest margins."""
    report = results.report
    row = next((r for r in report["constituency_results"] if slugify(r["constituency"]) == key),
               None)
    if row is None:
        raise Http404(f"no constituency {key!r} in {results.election}")
    bounds = row["vote_bounds"]
    parties = [{"code": p, "name": PARTIES.get(p, UNKNOWN).name, "colour": party_colour(p),
                "share": row["shares"][p], "votes": votes, "low": bounds[p][0],
                "high": bounds[p][1], "seats": row["seats"].get(p, 0),
                "declared": row["declared_seats"].get(p, 0)}
               for p, votes in sorted(row["votes"].items(), key=lambda kv: -kv[1])]
    closest = row["closest"]
    return render(request, "explore/results_senedd_constituency.html", {
        "results": results, "entry": results.entry, "report": report, "row": row,
        "parties": parties, "summary": _constituency_row(row),
        "allocation": _rounds_table(row),
        "last_seat": PARTIES.get(closest["last_seat"], UNKNOWN).name,
        "next_party": PARTIES.get(closest["next"], UNKNOWN).name,
    })


@cache
def london_context(election: str) -> dict[str, Any]:
    """The Mayor's two rounds, then the Assembly as the London Assembly pages show it."""
    results = election_results(election)
    assembly = results.report["assembly"]
    parties = party_rows(assembly["seats"], assembly["votes"])
    for party in parties:
        party["constituency"] = assembly["constituency_seats"].get(party["code"], 0)
        party["london"] = assembly["list_seats"].get(party["code"], 0)
    won = {c["constituency"]: c for c in assembly["constituencies"]}
    seats = [{"seat": s, "winner_name": PARTIES.get(won[s.name]["party"], UNKNOWN).name,
              "winner_label": party_label(won[s.name]["party"]), "elected": won[s.name]["elected"],
              "majority": won[s.name]["majority"]}
             for s in sorted(results.seats, key=lambda s: s.name)]
    return {
        **mayor_table(results.report["mayor"]),
        "assembly": assembly,
        "parties": parties,
        "chart": seats_figure(assembly["seats"], total=results.total_seats,
                              majority=results.majority),
        "allocations": allocation_tables(list_allocations(election)),
        "constituencies": seats,
        "below": assembly["below_threshold"],
    }
