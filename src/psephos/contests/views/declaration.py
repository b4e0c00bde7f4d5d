"""The declared result shaped for its page, and the responses for its transfer chart and
its published files (made by `psephos.contests.published`).

The page reads the declaration stored at the count (`Contest.declaration`).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpResponse

from psephos.contests.counting import percent
from psephos.contests.models import Contest
from psephos.contests.published import chart_svg, flows_json, published_folder, published_names
from psephos.contests.views.labels import method_name

ACTIONS = {"first": "First preferences", "exclude": "Exclusion", "surplus": "Surplus",
           "elect": "Election", "allocate": "Allocation"}


def number(value: object) -> str:
    """A vote count as printed in a declaration: 506,438 (exact fractions left as they are)."""
    return f"{value:,}" if isinstance(value, int) else str(value)


def _round_table(candidates: list[str], rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds as a table: a row per candidate, a column per stage, exhausted last."""
    return {
        "stages": [{"number": r["stage"], "action": ACTIONS.get(r["action"], r["action"]),
                    "elected": r["elected"], "excluded": r["excluded"]} for r in rounds],
        "rows": [{"name": name, "cells": [number(r["tallies"].get(name, "")) for r in rounds]}
                 for name in candidates],
        "exhausted": [number(r["exhausted"]) for r in rounds],
    }


def declaration_context(contest: Contest) -> dict[str, Any]:
    """Everything the declaration page shows, from the stored declaration."""
    declared: dict[str, Any] = contest.declaration or {}
    candidates = list(declared["candidates"])
    sections = [{
        "slug": section["slug"], "name": section["name"], "turnout": section["turnout"],
        "electorate": number(section["electorate"]), "ballots": number(section["ballots"]),
        "table": _round_table(candidates, section["rounds"]) if section["rounds"] else None,
    } for section in declared["sections"]]
    by_candidate = [{
        "name": name,
        "cells": [number(section["votes"].get(name, 0)) for section in declared["sections"]],
        "total": number(declared["votes"].get(name, 0)),
        "share": percent(declared["votes"].get(name, 0), sum(declared["votes"].values())),
    } for name in candidates]
    return {
        "contest": contest,
        "method": method_name(contest.method),
        "declared": declared,
        "electorate": number(declared["electorate"]),
        "ballots": number(declared["ballots"]),
        "sections": sections,
        "by_candidate": by_candidate,
        "rounds": _round_table(candidates, declared["rounds"]),
        "files": published_names(contest),
    }


def chart_response(contest: Contest) -> HttpResponse:
    """The transfer chart as SVG (`chart_svg`), cacheable for five minutes."""
    response = HttpResponse(chart_svg(contest), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


def flows_response(contest: Contest) -> HttpResponse:
    """The transfer chart's flows as JSON (`flows_json`), cacheable for five minutes."""
    response = HttpResponse(flows_json(contest), content_type="application/json")
    response["Cache-Control"] = "public, max-age=300"
    return response


def published_response(contest: Contest, name: str) -> FileResponse:
    if name not in published_names(contest):
        raise Http404("no such file")
    path = published_folder(contest) / name
    kind = "application/json" if name.endswith(".json") else (
        "text/csv" if name.endswith(".csv") else "text/plain")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{contest.slug}-{name}",
                        content_type=f"{kind}; charset=utf-8")
