"""Official results pages: every election ``psephos results`` knows, each one's seats, map and
regions, and each constituency's declaration. Numbers come from `psephos.uk` unchanged."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from html import escape
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from psephos.explore import official_results
from psephos.explore.charts import seats_chart
from psephos.explore.hexmap import HexSeat, mark_legend, render_hexmap
from psephos.explore.official_results import (
    ElectionResults,
    Seat,
    UnknownElection,
    catalogue,
    election_results,
    list_allocations,
)
from psephos.explore.views.results_parts import (
    allocation_tables,
    chart_label,
    mayor_table,
    party_rows,
    seat_list,
)
from psephos.explore.views.results_senedd_london import (
    london_context,
    senedd_constituency_page,
    senedd_context,
)
from psephos.uk.catalogue import ELECTIONS
from psephos.uk.errors import UKDataError
from psephos.uk.hexmaps import load_hex_layout
from psephos.uk.official import election_kind
from psephos.uk.parties import PARTIES, UNKNOWN, party_colour, party_label

KIND_LABELS = {
    "general": "House of Commons, 650 seats by first past the post",
    "holyrood": "Scottish Parliament, additional member system (constituencies and regional "
                "lists by d'Hondt)",
    "assembly": "London Assembly, additional member system (constituencies and a London-wide "
                "list by d'Hondt)",
    "mayor": "Mayor of London, supplementary vote",
    "senedd": "Senedd, 16 constituencies of six members from closed party lists by d'Hondt "
              "(votes estimated from shares; not checked against an official source)",
    "london": "Mayor of London by supplementary vote, and London Assembly by the additional "
              "member system",
}


@require_GET
def results_index(request: HttpRequest) -> HttpResponse:
    elections = [{"entry": e, "kind": KIND_LABELS[election_kind(e.election)]} for e in catalogue()]
    return render(request, "explore/results_index.html", {"elections": elections})


@require_GET
def election_page(request: HttpRequest, election: str) -> HttpResponse:
    results = _results(request, election)
    if isinstance(results, HttpResponse):
        return results
    wanted = request.GET.get("constituency", "").strip()
    if wanted:  # the page's "open a constituency" form
        try:
            seat = results.seat(wanted)
        except UnknownElection:
            raise Http404(f"no constituency {wanted!r} in {election}") from None
        return redirect("explore:results_constituency", election, seat.code)
    context: dict[str, Any] = {"results": results, "entry": results.entry,
                               "report": results.report}
    if results.kind == "mayor":
        context.update(mayor_table(results.report))
    else:
        context.update(ELECTION_CONTEXT[results.kind](results.election))
    return render(request, f"explore/results_{results.kind}.html", context)


@require_GET
def constituency_page(request: HttpRequest, election: str, constituency: str) -> HttpResponse:
    results = _results(request, election)
    if isinstance(results, HttpResponse):
        return results
    if results.kind == "senedd":
        return senedd_constituency_page(request, results, constituency)
    try:
        seat = results.seat(constituency)
    except UnknownElection:
        raise Http404(f"no constituency {constituency!r} in {election}") from None
    rows = [{"name": c.name or c.party_name, "party": party_label(c.party_code),
             "party_name": c.party_name, "colour": party_colour(c.party_code),
             "votes": c.votes, "share": 100 * c.share, "elected": i == 0}
            for i, c in enumerate(seat.result.candidates)]
    return render(request, "explore/results_constituency.html", {
        "results": results, "entry": results.entry, "seat": seat, "rows": rows,
        "outcome": _outcome(results, seat),
        "majority_share": (100 * seat.result.majority / seat.result.valid_votes
                           if seat.result.valid_votes else 0),
        "turnout": 100 * seat.result.turnout if seat.result.turnout is not None else None,
    })


def _results(request: HttpRequest, election: str) -> ElectionResults | HttpResponse:
    try:
        return election_results(election)
    except UnknownElection:
        raise Http404(f"no election {election!r}") from None
    except UKDataError as error:
        return render(request, "explore/results_unavailable.html",
                      {"entry": ELECTIONS[election], "message": str(error)}, status=503)


def _outcome(results: ElectionResults, seat: Seat) -> str:
    """"Conservative gain from Labour", "Labour hold", or the winning party where the seat
    has no earlier result on the same boundaries."""
    party = PARTIES.get(seat.result.winner.party_code, UNKNOWN).name
    if seat.gain_from is not None:
        return f"{party} gain from {PARTIES.get(seat.gain_from, UNKNOWN).name}"
    if results.previous is not None:
        return f"{party} hold"
    return f"{party} win"


@cache
def _general_context(election: str) -> dict[str, Any]:
    """What the page shows beyond the report, drawn once per process (the map is the bulk)."""
    results = election_results(election)
    report = results.report
    previous = election_results(results.previous).report["seats"] if results.previous else None
    parties = party_rows(report["seats"], report["votes"], previous)
    seats = {
        seat.code: HexSeat(
            fill=party_colour(seat.result.winner.party_code),
            title=f"{seat.name}: {_outcome(results, seat)}, majority {seat.result.majority:,}",
            href=reverse("explore:results_constituency", args=[results.election, seat.code]),
            marks=frozenset({"flipped"}) if seat.gain_from else frozenset())
        for seat in results.seats}
    layout = load_hex_layout(results.election)
    title = results.entry.title
    hexmap = render_hexmap(layout, seats, label=f"Map of the {len(seats)} constituencies, "
                                               f"{title}: one hexagon per seat, coloured by "
                                               "the winning party")
    winners = [p for p in parties if p["seats"]]
    gained = sum(1 for s in results.seats if s.gain_from)
    return {
        "parties": parties,
        "chart": mark_safe(seats_chart(  # built from escaped parts
            report["seats"], total=results.total_seats, majority=results.majority,
            label=chart_label(report["seats"], results.majority))),
        "hexmap": mark_safe(hexmap),  # built from escaped parts
        "map_parties": winners,
        "mark_key": mark_safe(mark_legend(  # built from escaped parts
            ["flipped"], {"flipped": f"hatched: gained from another party since "
                                     f"{ELECTIONS[results.previous].date.year}"}))
        if results.previous and gained else "",
        "gained": gained,
        "seat_options": mark_safe("".join(  # escaped here, drawn once per process
            f'<option value="{escape(s.code)}">{escape(s.name)}</option>'
            for s in sorted(results.seats, key=lambda s: s.name))),
        "publishers": list(dict.fromkeys(f.publisher for f in results.entry.files)),
        "previous_entry": ELECTIONS[results.previous] if results.previous else None,
        "turnout": (100 * report["valid_votes"] / report["electorate"]
                    if report["electorate"] else None),
    }


@cache
def _holyrood_context(election: str) -> dict[str, Any]:
    results = election_results(election)
    report = results.report
    declared = report.get("declared_seats")
    chart_seats = declared or report["seats"]
    complete = declared is not None or not report["regions_without_list_votes"]
    regions = [{**region,
                "constituency": seat_list(region["constituency_seats"]),
                "counted": seat_list(region["list_seats"]) if region["list_seats"] is not None
                else None,
                "declared": seat_list(region["reported_list_seats"] or {})}
               for region in report["regions"]]
    seats = [{"seat": s, "winner": party_label(s.result.winner.party_code),
              "winner_name": PARTIES.get(s.result.winner.party_code, UNKNOWN).name}
             for s in sorted(results.seats, key=lambda s: (s.region, s.name))]
    return {
        "parties": party_rows(chart_seats, report["votes"] if not declared else {}),
        "counted_parties": party_rows(report["seats"], report["votes"]),
        "declared": declared is not None,
        "chart": mark_safe(seats_chart(  # built from escaped parts
            chart_seats, total=results.total_seats,
            majority=results.majority if complete else None,
            label=chart_label(chart_seats, results.majority if complete else None))),
        "regions": regions,
        "allocations": _allocations(election),
        "constituencies": seats,
    }


@cache
def _assembly_context(election: str) -> dict[str, Any]:
    results = election_results(election)
    report = results.report
    parties = party_rows(report["seats"], report["votes"])
    for party in parties:
        party["constituency"] = report["constituency_seats"].get(party["code"], 0)
        party["london"] = report["list_seats"].get(party["code"], 0)
    seats = [{"seat": s, "winner_name": PARTIES.get(s.result.winner.party_code, UNKNOWN).name}
             for s in sorted(results.seats, key=lambda s: s.name)]
    return {
        "parties": parties,
        "chart": mark_safe(seats_chart(  # built from escaped parts
            report["seats"], total=results.total_seats, majority=results.majority,
            label=chart_label(report["seats"], results.majority))),
        "allocations": _allocations(election),
        "constituencies": seats,
        "below": report["below_threshold"],
    }


def _allocations(election: str) -> list[dict[str, Any]]:
    return allocation_tables(list_allocations(election))


def clear() -> None:
    """Forget the drawn pages and the loaded elections (tests that change the data do)."""
    _general_context.cache_clear()
    _holyrood_context.cache_clear()
    _assembly_context.cache_clear()
    senedd_context.cache_clear()
    london_context.cache_clear()
    official_results.clear()


#: What each kind of election's page shows beyond its report (the Mayor's: `mayor_table`);
#: its template is ``explore/results_<kind>.html``.
ELECTION_CONTEXT: dict[str, Callable[[str], dict[str, Any]]] = {
    "general": _general_context,
    "holyrood": _holyrood_context,
    "assembly": _assembly_context,
    "senedd": senedd_context,
    "london": london_context,
}
