"""`/explore/count`: count an uploaded ballot file, or an example, and show every stage.

Without JavaScript the form posts here and the answer is a page: the stage table, the quota,
every lot, and the downloads (JSON, CSV, RCTab summary) as links carrying their own bytes,
so nothing is kept on the server between requests. A form posted with ``output`` set to a
download's name answers with that file instead. With JavaScript, ``transfers.js`` draws
the transfer chart from the flows the page carries.
"""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from psephos.explore.count_form import CountForm
from psephos.explore.count_http import download, limit_mb, run_form, too_large
from psephos.explore.counting import OUTPUTS, Counted, CountProblem
from psephos.reports.flows import count_flows
from psephos.reports.json import count_to_dict
from psephos.rules.registry import RULES

TEMPLATE = "explore/count.html"


# Django's pattern for checking an upload before anything reads it: exempt the outer view
# from CsrfViewMiddleware (which reads the whole body for its token), refuse an upload over
# the limit unread, then check the CSRF token in the inner view.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def count_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        problem = too_large(request)
        if problem is not None:
            return _page(request, CountForm(), errors=[_error(problem, "file")], status=413)
    return _count_page(request)


@csrf_protect
def _count_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, CountForm())
    form = CountForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [_error(str(message), name)
                  for name, messages in form.errors.items() for message in messages]
        return _page(request, form, errors=errors, status=400)
    try:
        counted = run_form(form)
    except CountProblem as error:
        return _page(request, form, errors=[_error(str(error), "file")], status=400)
    kind = form.response_kind()
    if kind in OUTPUTS:
        return download(counted, kind)
    return _page(request, form, result=result_context(counted))


def result_context(counted: Counted) -> dict[str, Any]:
    """The count as the result page shows it: the same figures as ``psephos count --json``."""
    document = count_to_dict(counted.count)
    names = document["candidates"]
    stages = document["stages"]
    return {
        "name": counted.name,
        "document": document,
        "rule": RULES[counted.count.method].label if counted.count.method in RULES else "",
        "stages": stages,
        "rows": [{"name": name, "cells": [stage["tallies"][name] for stage in stages],
                  "elected": name in document["elected"]} for name in names],
        "exhausted": [stage["exhausted"] for stage in stages],
        "lost": [stage["lost"] for stage in stages],
        "thresholds": [stage["threshold"] for stage in stages],
        "has_thresholds": any(stage["threshold"] is not None for stage in stages),
        "flows": count_flows(counted.count),
        "downloads": [{"kind": kind, "filename": counted.filename(kind),
                       "label": _DOWNLOAD_LABELS[kind],
                       "href": _data_url(counted.output(kind), OUTPUTS[kind][1])}
                      for kind in OUTPUTS],
    }


_DOWNLOAD_LABELS = {"json": "Count as JSON (psephos count --json)",
                    "csv": "Stage table as CSV (psephos count --csv)",
                    "rctab": "RCTab summary JSON (psephos count --rctab-summary)"}


def _data_url(text: str, media_type: str) -> str:
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"data:{media_type};charset=utf-8;base64,{encoded}"


def _error(message: str, field: str) -> dict[str, str]:
    return {"message": message, "field": f"id_{field}"}


def _page(request: HttpRequest, form: CountForm, *, result: dict[str, Any] | None = None,
          errors: list[dict[str, str]] | None = None, status: int = 200) -> HttpResponse:
    context = {"form": form, "result": result, "errors": errors or [],
               "limit_mb": limit_mb()}
    return render(request, TEMPLATE, context, status=status)
