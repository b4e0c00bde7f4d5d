"""The JSON API at /api/ (OpenAPI docs at /api/docs), for integrations and other channels.

Casting goes through the same service as the web ballot (`psephos.contests.casting.api`).
The API keeps no session and reads no cookie (the voter's credential is in the request
body), so there is nothing for a cross-site request to borrow and CSRF checks do not
apply. Every error is
``{"message": ...}`` with 400 (bad input), 403 (bad credential), 404 (no such thing),
409 (already voted, or the contest is not in a state that allows it) or 429 (too many
codes that match nothing from one address: `psephos.contests.throttle`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.responses import Status

from psephos.contests import timetable
from psephos.contests.casting.api import BallotIn, cast_for
from psephos.contests.casting.lookup import get_contest
from psephos.contests.casting.trackers import format_tracker, tracker_on_board
from psephos.contests.errors import ContestError, ContestNotFound, status_for
from psephos.contests.models import Contest
from psephos.contests.nominations import ballot_candidates
from psephos.contests.opened_ballot import check_opened_ballot
from psephos.contests.throttle import TooManyFailures, reserve, settle

api = NinjaAPI(title="psephos members' ballot", version="1",
               description="Contests, candidates, timetable, casting a ballot, the public "
                           "board of trackers and the declaration.",
               urls_namespace="api")


class Message(Schema):
    message: str


class SectionOut(Schema):
    slug: str
    name: str


class ContestOut(Schema):
    slug: str
    name: str
    description: str
    method: str
    seats: int
    state: str
    sections: list[SectionOut]


class CandidateOut(Schema):
    name: str
    incumbent: bool


class EventOut(Schema):
    kind: str
    title: str
    place: str
    start: datetime
    end: datetime | None
    notes: str


class ReceiptOut(Schema):
    contest: str
    tracker: str


class TrackerOut(Schema):
    tracker: str
    on_board: bool


class OpeningIn(Schema):
    sealed: str
    slots: list[int]
    scalars: list[str]


class OpeningCheckOut(Schema):
    matches: bool
    ranking: list[str]


ERRORS: dict[int, type[Schema]] = {400: Message, 403: Message, 404: Message, 409: Message,
                                   429: Message}
#: What a ballot without a usable body is told: ninja's own words name no field and no fix.
BODY_HINT = ('send {"credential": "...", "ranking": ["name", ...]} with content-type '
             "application/json")
NOT_JSON = f"the request body is not valid JSON: {BODY_HINT}"
NO_BODY = f"the request has no body: {BODY_HINT}"


@api.exception_handler(ContestError)
def _contest_error(request: HttpRequest, error: ContestError) -> HttpResponse:
    return api.create_response(request, {"message": error.message}, status=status_for(error))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    if any(len(e.get("loc", ())) == 2 and e["loc"][0] == "body" for e in error.errors):
        message = NO_BODY  # the whole body is missing
    else:
        message = "invalid request: " + "; ".join(
            f"{_where(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in error.errors)
    return api.create_response(request, {"message": message, "errors": error.errors},
                               status=400)


def _where(loc: tuple[object, ...] | list[object]) -> str:
    """A field's place in the body as a client wrote it: ``ranking.0``, not
    ``body.ballot.ranking.0`` (``body`` and the parameter's name are ninja's)."""
    parts = [str(p) for p in loc]
    return ".".join(parts[2:] if parts[:1] == ["body"] else parts)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    message = str(error)
    if error.status_code == 400 and message.startswith("Cannot parse request body"):
        message = NOT_JSON
    return api.create_response(request, {"message": message}, status=error.status_code)


@api.exception_handler(TooManyFailures)
def _too_many(request: HttpRequest, error: TooManyFailures) -> HttpResponse:
    response = api.create_response(request, {"message": str(error)}, status=429)
    response["Retry-After"] = str(error.seconds)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, {"message": str(error) or "not found"}, status=404)


def _contest(slug: str) -> Contest:
    try:
        return get_contest(slug)
    except ContestNotFound:
        raise ContestNotFound(f"no contest {slug!r}") from None


def _contest_out(contest: Contest) -> dict[str, Any]:
    return {"slug": contest.slug, "name": contest.name, "description": contest.description,
            "method": contest.method, "seats": contest.seats, "state": contest.state,
            "sections": [{"slug": s.slug, "name": s.name} for s in contest.sections.all()]}


@api.get("/contests", response=list[ContestOut], tags=["contests"])
def list_contests(request: HttpRequest) -> list[dict[str, Any]]:
    """Every contest, newest first."""
    contests = Contest.objects.order_by("-created_at").prefetch_related("sections")
    return [_contest_out(c) for c in contests]


@api.get("/contests/{slug}", response={200: ContestOut, **ERRORS}, tags=["contests"])
def contest_info(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A contest: its method, seats, state and sections."""
    return _contest_out(_contest(slug))


@api.get("/contests/{slug}/candidates", response={200: list[CandidateOut], **ERRORS},
         tags=["contests"])
def candidates(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The candidates on the ballot, in ballot order."""
    return [{"name": c.name, "incumbent": c.incumbent}
            for c in ballot_candidates(_contest(slug))]


@api.get("/contests/{slug}/timetable", response={200: list[EventOut], **ERRORS},
         tags=["contests"])
def contest_timetable(request: HttpRequest, slug: str) -> list[Any]:
    """The timetable in time order: dates, hustings and debates."""
    return timetable.events(_contest(slug))


@api.post("/contests/{slug}/ballots", response={201: ReceiptOut, **ERRORS}, tags=["voting"])
def cast(request: HttpRequest, slug: str, ballot: BallotIn) -> Status[dict[str, str]]:
    """Cast a ballot: ``ranking`` lists candidate names, most preferred first.

    The receipt's tracker appears on the public board once the ballot is stored.
    """
    return Status(201, cast_for(request, slug, ballot.credential, ballot.ranking,
                                ballot.browser()))


@api.get("/contests/{slug}/board/{tracker}", response={200: TrackerOut, **ERRORS},
         tags=["voting"])
def board_lookup(request: HttpRequest, slug: str, tracker: str) -> Status[dict[str, Any]]:
    """Whether a ballot with this tracker is on the public board (404 if not)."""
    contest = _contest(slug)
    attempt = reserve(request, contest.slug)
    found = tracker_on_board(contest, tracker)
    settle(attempt, matched=found)
    if not found:
        return Status(404, {"message": "no ballot on the board has this tracker"})
    return Status(200, {"tracker": format_tracker(tracker), "on_board": True})


@api.post("/contests/{slug}/opened-ballot", response={200: OpeningCheckOut, **ERRORS},
          tags=["voting"])
def opened_ballot(request: HttpRequest, slug: str, opening: OpeningIn) -> dict[str, Any]:
    """Check a ballot opened instead of cast (Benaloh's cast-or-challenge): whether
    re-encrypting ``slots`` (the ranked candidates' places on the paper, 0 first, most
    preferred first) with ``scalars`` (the randomness of each slot, hex) gives exactly
    ``sealed`` (hex) under the election key, and the candidates the slots name.

    An opened ballot can never be cast; nothing is stored.
    """
    check = check_opened_ballot(_contest(slug), opening.sealed, opening.slots,
                                opening.scalars)
    return {"matches": check.matches, "ranking": check.ranking}


@api.get("/contests/{slug}/declaration", response={200: dict[str, Any], **ERRORS},
         tags=["results"])
def declaration(request: HttpRequest, slug: str) -> Status[dict[str, Any]]:
    """The declared result: totals, each section, every round, and the full count."""
    contest = _contest(slug)
    if contest.declaration is None:
        return Status(409, {"message": f"{contest.name} has not been counted yet "
                                       f"({contest.state})"})
    return Status(200, contest.declaration)
