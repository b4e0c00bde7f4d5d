"""``/api/explore/count``: count a ballot file (multipart upload, or an example by name).

The same form, limits and errors as the count page (`psephos.explore.views.count`); the
answer is the count as ``psephos count --json`` writes it and the chart's flows
(`psephos.reports.flows`), or, with ``output`` set, that download's bytes.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema

from psephos.ballots.readers import READERS
from psephos.explore.count_form import RESPONSES, CountForm
from psephos.explore.count_http import download, run_form, too_large
from psephos.explore.counting import OUTPUTS, CountProblem, examples
from psephos.reports.flows import count_flows
from psephos.reports.json import count_to_dict
from psephos.rules.registry import RULES

router = Router(tags=["explorer"])


class CountMessage(Schema):
    message: str


class RuleOut(Schema):
    name: str
    label: str
    seats: str
    statute: str
    options: list[str]


class ChoicesOut(Schema):
    rules: list[RuleOut]
    formats: list[str]
    examples: list[str]
    outputs: list[str]


_FORM_FIELDS = {
    "file": {"type": "string", "format": "binary",
             "description": "The ballot file (give this or example)."},
    "example": {"type": "string", "description": "A shipped example's name (see /choices)."},
    "format": {"type": "string", "enum": list(READERS),
               "description": "Input format; default: told from the file."},
    "method": {"type": "string", "enum": list(RULES),
               "description": "Counting rule; default av for one seat, stv-scotland for more."},
    "seats": {"type": "integer", "minimum": 1,
              "description": "Seats; default as the file declares, else 1."},
    "seed": {"type": "integer", "minimum": 0, "description": "Seed for any decision by lot."},
    "lot_order": {"type": "string",
                  "description": "Candidate names, one a line, in the order lots were drawn."},
    "options": {"type": "string", "description": "The rule's KEY=VALUE options, one a line."},
    "output": {"type": "string", "enum": list(RESPONSES),
               "description": "page (default): this JSON; json, csv or rctab: that file, "
                              "as psephos count writes it."},
}


@router.get("/choices", response=ChoicesOut, summary="What the count endpoint takes")
def count_choices(request: HttpRequest) -> dict[str, Any]:
    """The rules (from the registry), input formats, example files and outputs."""
    return {"rules": [{"name": e.name, "label": e.label, "seats": e.seats,
                       "statute": e.statute, "options": list(e.options)}
                      for e in RULES.values()],
            "formats": list(READERS), "examples": examples(), "outputs": list(OUTPUTS)}


@router.post(
    "", summary="Count a ballot file",
    response={200: dict[str, Any], 400: CountMessage, 413: CountMessage},
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "properties": _FORM_FIELDS}}}}},
)
def count_file(request: HttpRequest) -> HttpResponse:
    """Count an uploaded ballot file (or an example) by a rule: the count as
    ``psephos count --json`` gives it and the transfer chart's flows. Nothing is stored.
    Errors: 400 with ``{"message": "FILE:LINE: FIELD: what was expected"}``, 413 for a file
    over the size limit."""
    problem = too_large(request)
    if problem is not None:
        return JsonResponse({"message": problem}, status=413)
    form = CountForm(request.POST, request.FILES)
    if not form.is_valid():
        message = "; ".join(f"{name}: {text}" for name, texts in form.errors.items()
                            for text in texts)
        return JsonResponse({"message": message}, status=400)
    try:
        counted = run_form(form)
    except CountProblem as error:
        return JsonResponse({"message": str(error)}, status=400)
    kind = form.response_kind()
    if kind in OUTPUTS:
        return download(counted, kind)
    return JsonResponse({"name": counted.name, "count": count_to_dict(counted.count),
                         "flows": count_flows(counted.count)},
                        json_dumps_params={"ensure_ascii": False})
