"""The declared result shaped for its page, its transfer chart, and its published files.

The page reads the declaration stored at the count (`Contest.declaration`). The chart and
the published ballot files are made once per declaration (keyed by its digest) and reused,
so every visitor downloads the same shuffled file, and the count is not rerun per request.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib as mpl
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse

from psephos.contests.counting import export_contest, percent, recount
from psephos.contests.models import Contest
from psephos.contests.views.labels import method_name
from psephos.reports.chart import count_figure

ACTIONS = {"first": "First preferences", "exclude": "Exclusion", "surplus": "Surplus",
           "elect": "Election", "allocate": "Allocation"}


def digest(contest: Contest) -> str:
    """A fingerprint of the stored declaration: a recount that changes it gets new files."""
    text = json.dumps(contest.declaration, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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


@lru_cache(maxsize=8)
def _chart(contest_id: int, key: str) -> bytes:
    contest = Contest.objects.get(pk=contest_id)
    figure = count_figure(recount(contest), title=contest.name)  # the stored ballots again
    out = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "psephos"}):
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def chart_response(contest: Contest) -> HttpResponse:
    """The transfer chart as SVG, drawn once per declaration and process."""
    response = HttpResponse(_chart(contest.pk, digest(contest)), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


def published_folder(contest: Contest) -> Path:
    """The exported record of this declaration, written once (atomically) and then reused,
    under ``PSEPHOS_PUBLISHED_DIR`` (default ``<data folder>/published``)."""
    folder = Path(settings.PSEPHOS_PUBLISHED_DIR) / contest.slug / digest(contest)
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".partial-"))
    try:
        export_contest(contest, partial)
        partial.rename(folder)
    except OSError:  # another worker published it first
        shutil.rmtree(partial, ignore_errors=True)
        if not folder.is_dir():
            raise
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def published_names(contest: Contest) -> list[str]:
    """The files of the published record: all ballots, each section's, trackers, declaration."""
    return ["ballots.csv", *(f"ballots-{s['slug']}.csv" for s in contest.declaration["sections"]),
            "trackers.txt", "declaration.json"] if contest.declaration else []


def published_response(contest: Contest, name: str) -> FileResponse:
    if name not in published_names(contest):
        raise Http404("no such file")
    path = published_folder(contest) / name
    kind = "application/json" if name.endswith(".json") else (
        "text/csv" if name.endswith(".csv") else "text/plain")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{contest.slug}-{name}",
                        content_type=f"{kind}; charset=utf-8")
