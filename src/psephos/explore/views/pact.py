"""The pact builder (`/explore/pact`): a form whose GET parameters are the whole scenario.

Without JavaScript, submitting the form draws the totals, the flip list, the map and the
trace of the seat asked for, all on the server; ``static/explore/pact.js`` asks the API
for the same values as the controls move. A bad parameter is answered with status 400
and a message naming it, the form still filled in as sent.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from psephos.explore.api_pact import download_urls
from psephos.explore.pact_map import pact_legend, pact_map
from psephos.explore.pact_params import MAX_WEB_DRAWS
from psephos.explore.pact_run import PactProblem, PactRun, run_query, standing_parties
from psephos.explore.pact_view import SORTS, pact_view
from psephos.model.options import SCOPES
from psephos.model.presets import ALLIANCE
from psephos.model.scenario import STAND_ASIDE_RULES, SWING_LEVELS, SWING_MODELS
from psephos.uk.catalogue import GENERAL_ELECTIONS
from psephos.uk.errors import UKDataError
from psephos.uk.parties import PARTIES, party_label

#: The scenario an address without parameters shows: the issue's GE2019 progressive
#: alliance, best-placed stands, every vote transfers.
DEFAULT = ("election=ge2019&alliance=lab&alliance=ld&alliance=green&alliance=snp"
           "&alliance=pc&stand_aside=best-placed")
#: Shown when the election's parties cannot be read: the parties of Great Britain.
GB_PARTIES = ("con", "lab", "ld", "snp", "pc", "green", "brexit", "reform", "ukip")
#: Parameters the form has no control for, carried through it unchanged.
CARRIED = ("transfer", "preset", "national_sd", "seat_sd", "transfer_sd")


@require_GET
def pact(request: HttpRequest) -> HttpResponse:
    query = request.GET if request.GET else QueryDict(DEFAULT)
    sort = query.get("sort", "margin")
    run: PactRun | None = None
    problem = ""
    status = 200
    try:
        if sort not in SORTS:
            raise PactProblem(f"sort: {sort!r} is not a choice; choose one of "
                              f"{', '.join(SORTS)}")
        run = run_query(query)
    except PactProblem as error:
        problem, status = error.message, error.status
    view = None
    if run is not None:
        view = pact_view(run, page=reverse("explore:pact"), downloads=download_urls(),
                         sort=sort)
    context = {
        "form": _form(query, run),
        "view": view,
        "map": pact_map(run.scenario.election, view["seats"], view["explain_href"])
        if run and view else "",
        "legend": pact_legend(),
        "seat_menu": sorted((s.name, s.id) for s in run.result.seats) if run else [],
        "problem": problem,
        "sort": sort,
        "api": reverse("api:explore_pact"),
    }
    return render(request, "explore/pact.html", context, status=status)


def _form(query: QueryDict, run: PactRun | None) -> dict[str, Any]:
    """The controls, set as the query sets them (from the scenario run, when it ran)."""
    election = query.get("election", "")
    scope = query.get("scope", "gb")
    if run is not None:
        allies = list(run.scenario.alliance)
        rates = {p: run.scenario.transfer_row(p)[ALLIANCE] for p in allies}
    else:
        allies = [p.strip().casefold() for v in query.getlist("alliance") for p in v.split(",")
                  if p.strip()]
        rates = {p: _number(query.get(f"transfer_{p}"), 1.0) for p in allies}
    parties = list(run.parties) if run is not None else list(_parties(election, scope))
    parties += [p for p in allies if p not in parties]
    stand_aside = query.get("stand_aside", "best-placed")
    return {
        "elections": [(e, _election_label(e), e == election) for e in GENERAL_ELECTIONS],
        "ranked_at": [("", "the base election", not query.get("ranked_at"))]
        + [(e, _election_label(e), e == query.get("ranked_at")) for e in GENERAL_ELECTIONS],
        "scopes": [(s, SCOPE_LABELS[s], s == scope) for s in SCOPES],
        "parties": [{
            "code": p, "label": party_label(p),
            "name": PARTIES[p].name if p in PARTIES else p,
            "allied": p in allies, "rate": rates.get(p, 1.0),
            "percent": round(100 * rates.get(p, 1.0)),
        } for p in parties],
        "stand_aside": [(r, RULE_LABELS[r], r == stand_aside) for r in STAND_ASIDE_RULES
                        if r != "listed"]
        + [(p, f"{party_label(p)} stands everywhere", p == stand_aside) for p in allies],
        "swing": [(m, m, m == query.get("swing", "none")) for m in SWING_MODELS],
        "swing_by": [(m, m, m == query.get("swing_by", "national")) for m in SWING_LEVELS],
        "poll": "; ".join(v for v in query.getlist("poll") if v.strip()),
        "draws": query.get("draws", "0"),
        "seed": query.get("seed", "0"),
        "max_draws": MAX_WEB_DRAWS,
        "carried": [(name, query[name]) for name in CARRIED if query.get(name)],
        "explain": query.get("explain", ""),
    }


SCOPE_LABELS = {"gb": "Great Britain (no Northern Ireland, no Speaker)",
                "uk": "the UK (with Northern Ireland)", "all": "every seat (with the Speaker's)"}
RULE_LABELS = {"best-placed": "the best-placed alliance party stands",
               "incumbent": "the sitting alliance party stands, else the best-placed"}


def _parties(election: str, scope: str) -> tuple[str, ...]:
    if election in GENERAL_ELECTIONS and scope in SCOPES:
        try:
            return standing_parties(election, *SCOPES[scope])
        except UKDataError:
            pass
    return GB_PARTIES


def _number(text: str | None, default: float) -> float:
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return min(max(value, 0.0), 1.0)


def _election_label(election: str) -> str:
    """"GE 2019"; a notional result says so: "GE 2019 (notional, 2024 seats)"."""
    year, _, kind = election.removeprefix("ge").partition("-")
    return f"GE {year}" + (" (notional, 2024 seats)" if kind == "notional" else "")
