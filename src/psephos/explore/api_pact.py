"""The pact builder's endpoints: a scenario's seats, and its downloads (TOML, JSON, CSV).

Every endpoint takes the page's own parameters (`PactParams`), so the page's address,
the API's query and the downloads describe one scenario. The JSON and CSV downloads are
`psephos.model.report`'s, byte for byte what ``psephos pact --json`` / ``--csv`` write
for the same scenario; the TOML is a file ``psephos pact --scenario`` reads.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status

from psephos.explore.pact_params import openapi_parameters
from psephos.explore.pact_run import PactProblem, PactRun, run_query
from psephos.explore.pact_view import pact_view
from psephos.model.report import result_to_dict, write_csv
from psephos.model.scenario_file import scenario_to_toml

router = Router(tags=["pact builder"])


class ProblemOut(Schema):
    message: str


class PartySeatsOut(Schema):
    party: str
    label: str
    name: str
    colour: str
    base: int
    before: int  # after the swing, without the pact
    after: int  # with the pact
    change: int
    low: int | None  # 5th percentile of the draws
    high: int | None  # 95th percentile
    median: int | None


class FlipOut(Schema):
    id: str
    constituency: str
    nation: str
    before: str
    before_label: str
    after: str
    after_label: str
    standing: str | None
    standing_label: str | None
    margin_before: int  # votes, winner over runner-up, without the pact
    margin_after: int
    points_before: float  # the same in percentage points of the votes cast
    points_after: float
    href: str  # the page explaining this seat


class SeatOut(Schema):
    id: str
    after: str
    fill: str
    ink: str  # dark or light: the mark's colour on this fill (hexmap's #hex-flipped-<ink>)
    flipped: bool
    title: str


class DrawsOut(Schema):
    n: int
    seed: int
    majority_line: int
    majority: dict[str, float]


class TraceRowOut(Schema):
    name: str
    party: str
    label: str
    base: int
    swung: int
    kept: int
    received: int
    after: int
    stood_down: bool
    added: bool


class TransferToOut(Schema):
    to: str
    label: str
    votes: int


class TransferOut(Schema):
    name: str
    party: str
    label: str
    votes: int
    to: list[TransferToOut]
    abstained: int


class TraceOut(Schema):
    id: str
    name: str
    nation: str
    region: str
    in_scope: bool
    swing: str
    standing: str | None
    standing_label: str | None
    rows: list[TraceRowOut]
    transfers: list[TransferOut]
    before: str
    before_label: str
    after: str
    after_label: str
    winner: str
    margin_before: int
    margin_after: int
    win: dict[str, float] | None
    win_text: str | None  # the same, as the page says it
    out_of_scope: str | None


class DownloadsOut(Schema):
    scenario_toml: str
    result_json: str
    result_csv: str


class PactOut(Schema):
    title: str
    flips_title: str
    query: str  # the scenario as the page's query string
    page: str  # the page showing this scenario
    parties: list[PartySeatsOut]
    flips: list[FlipOut]  # closest pre-pact margin first
    seats: list[SeatOut]  # every constituency, for the map
    explain_href: str  # a seat's explanation is this followed by its id
    draws_text: str  # what the draws say, as the page says it
    draws: DrawsOut | None
    explain: TraceOut | None
    downloads: DownloadsOut


ANSWERS: dict[int, type[Schema]] = {400: ProblemOut, 503: ProblemOut}
#: The parameters are read by `run_query`, as the page reads them, so the page and
#: the API word a mistake alike; this documents them.
PARAMETERS = {"parameters": openapi_parameters()}


@router.get("/pact", response={200: PactOut, **ANSWERS}, url_name="explore_pact",
            openapi_extra=PARAMETERS)
def pact(request: HttpRequest) -> Any:
    """Seat totals (with 5-95 % intervals when draws > 0), the seats that change hands with
    their margins, every seat's winner and, with ``explain``, one seat's trace."""
    try:
        run = run_query(request.GET)
    except PactProblem as problem:
        return Status(problem.status, {"message": problem.message})
    view = pact_view(run, page=reverse("explore:pact"), downloads=download_urls())
    # Sent as made: `PactOut` documents it (the tests check it against the schema), and
    # validating 650 seats again on every slider move would double the answer's time.
    return JsonResponse(view, json_dumps_params={"ensure_ascii": False})


@router.get("/pact/scenario.toml", response=ANSWERS, url_name="explore_pact_toml",
            openapi_extra=PARAMETERS)
def scenario_toml(request: HttpRequest) -> Any:
    """The scenario as a TOML file: ``psephos pact --scenario FILE`` runs it."""
    return _download(request, lambda run: (scenario_to_toml(run.scenario),
                                           "application/toml", "scenario.toml"))


@router.get("/pact/result.json", response=ANSWERS, url_name="explore_pact_json",
            openapi_extra=PARAMETERS)
def result_json(request: HttpRequest) -> Any:
    """The result as ``psephos pact --json`` writes it (with ``explain``: ``--explain``)."""
    return _download(request, lambda run: (result_json_text(run), "application/json",
                                           "pact.json"))


@router.get("/pact/result.csv", response=ANSWERS, url_name="explore_pact_csv",
            openapi_extra=PARAMETERS)
def result_csv(request: HttpRequest) -> Any:
    """One row per constituency, as ``psephos pact --csv`` writes it."""
    def text(run: PactRun) -> tuple[str, str, str]:
        stream = io.StringIO()
        write_csv(run.result, stream)
        return stream.getvalue(), "text/csv", "pact.csv"

    return _download(request, text)


def result_json_text(run: PactRun) -> str:
    """``psephos pact --json``'s output for the run."""
    return json.dumps(result_to_dict(run.result, run.trace), indent=2, ensure_ascii=False) + "\n"


def download_urls() -> dict[str, str]:
    return {"scenario_toml": reverse("api:explore_pact_toml"),
            "result_json": reverse("api:explore_pact_json"),
            "result_csv": reverse("api:explore_pact_csv")}


def _download(request: HttpRequest, make: Any) -> Any:
    try:
        run = run_query(request.GET)
    except PactProblem as problem:
        return Status(problem.status, {"message": problem.message})
    text, content_type, name = make(run)
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{run.scenario.election}-{name}"'
    return response
