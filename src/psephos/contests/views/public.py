"""Pages anyone may read: the contests, a contest's candidates and timetable, the public
board of trackers (where a voter can also find their own ballot from their code), its
signed checkpoints and credential lists, and the declaration with its chart and
downloadable ballots."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from psephos.contests import audit, timetable
from psephos.contests.board import board_document
from psephos.contests.board_summary import recent_checkpoints
from psephos.contests.casting.trackers import board_trackers, format_tracker, tracker_on_board
from psephos.contests.errors import UnknownCredential, status_for
from psephos.contests.models import Contest, Section, TimetableEvent
from psephos.contests.nominations import ballot_candidates
from psephos.contests.own_ballot import find_own_ballot
from psephos.contests.public_credentials import opening_list
from psephos.contests.throttle import TooManyFailures, reserve, settle
from psephos.contests.timekeeper import close_if_due
from psephos.contests.views.declaration import (
    chart_response,
    declaration_context,
    flows_response,
    published_response,
)
from psephos.contests.views.forms import FieldError, SecretForm
from psephos.contests.views.labels import method_name

#: Trackers per page of the board: a page stays small on a phone.
BOARD_PAGE = 500
#: Timetable kinds a member may go to or watch.
MEETINGS = {TimetableEvent.Kind.HUSTINGS, TimetableEvent.Kind.DEBATE}


def _contest(slug: str) -> Contest:
    return get_object_or_404(Contest, slug=slug)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Every contest, open ones first, with a way in for voters holding a paper code."""
    contests = sorted(Contest.objects.order_by("-created_at"),
                      key=lambda c: c.state != Contest.State.OPEN)
    return render(request, "contests/home.html", {"contests": contests})


@require_GET
def contest(request: HttpRequest, slug: str) -> HttpResponse:
    """Who stands, who votes, and when: hustings and debates included; the first request
    after the close time closes the ballot (`timekeeper.close_if_due`)."""
    item = _contest(slug)
    close_if_due(item)
    events = timetable.events(item)
    return render(request, "contests/contest.html", {
        "contest": item,
        "deadline": timetable.deadline(item),
        "method": method_name(item.method),
        "candidates": ballot_candidates(item),
        "sections": list(item.sections.all()),
        "events": events,
        "meetings": [e for e in events if e.kind in MEETINGS],
        "dates": [e for e in events if e.kind not in MEETINGS],
    })


@require_GET
def timetable_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """The timetable as an iCalendar feed, to subscribe to from a calendar app."""
    item = _contest(slug)
    response = HttpResponse(timetable.ical(item), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{item.slug}-timetable.ics"'
    return response


UNKNOWN_SECRET = ("We do not recognise this code or link. Check it against your ballot "
                  "paper or e-mail; if it was replaced by a newer one, use the newest")


@require_http_methods(["GET", "POST"])
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """The public board: look up one tracker, page through every tracker held, see the
    signed checkpoints; or (POST) find one's own ballot from one's code or link."""
    item = _contest(slug)
    if request.method == "POST":
        return _own_ballot(request, item)
    typed = request.GET.get("tracker", "").strip()
    tracker = format_tracker(typed) if typed else ""
    found = bool(tracker) and tracker_on_board(item, tracker)
    return _board_page(request, item, {"typed": typed, "tracker": tracker, "found": found},
                       status=404 if typed and not found else 200)


def _board_page(request: HttpRequest, item: Contest, extra: dict[str, Any], *,
                status: int = 200) -> HttpResponse:
    page = Paginator(board_trackers(item), BOARD_PAGE).get_page(request.GET.get("page"))
    checkpoints, blocks = recent_checkpoints(item)
    return render(request, "contests/board.html", {
        "contest": item, "page": page, "audit_head": audit.current_head(),
        "checkpoints": checkpoints, "blocks": blocks,
        "published": item.state != Contest.State.DRAFT,
        "sections": list(item.sections.order_by("slug")), "errors": [], **extra,
    }, status=status)


def _own_ballot(request: HttpRequest, item: Contest) -> HttpResponse:
    """Find the ballots cast with the typed secret (`psephos.contests.own_ballot`): each
    secret takes one of the client's attempts for this contest, and one that matches no
    credential stays counted as a failure, as when voting. Never cached."""
    try:
        attempt = reserve(request, item.slug)
    except TooManyFailures as error:
        response = render(request, "contests/too_many.html", {"message": str(error)},
                          status=429)
        response["Retry-After"] = str(error.seconds)
        return response
    form = SecretForm(request.POST)
    if not form.is_valid():
        settle(attempt, matched=True)  # nothing was looked at
        errors = [FieldError("secret", str(e)) for e in form.errors["secret"]]
        response = _board_page(request, item, {"errors": errors}, status=400)
    else:
        try:
            lookup = find_own_ballot(item, form.cleaned_data["secret"])
        except BaseException:
            settle(attempt, matched=False)
            raise
        settle(attempt, matched=lookup is not None)
        if lookup is None:
            response = _board_page(request, item, {
                "errors": [FieldError("secret", UNKNOWN_SECRET)]},
                status=status_for(UnknownCredential(UNKNOWN_SECRET)))
        else:
            response = _board_page(request, item, {"own": lookup})
    add_never_cache_headers(response)
    return response


def _published(slug: str) -> Contest:
    """The contest, once its board is published (from the opening on); else 404."""
    item = _contest(slug)
    if item.state == Contest.State.DRAFT:
        raise Http404("the board is published when the ballot opens")
    return item


def _download(document: dict[str, Any], filename: str) -> JsonResponse:
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def board_json(request: HttpRequest, slug: str) -> JsonResponse:
    """``board.json``: the board's key and every signed checkpoint, to check offline."""
    item = _published(slug)
    return _download(board_document(item), "board.json")


@require_GET
def credential_list(request: HttpRequest, slug: str, section: str) -> JsonResponse:
    """``credentials-<section>.json``: the section's list as the opening committed it."""
    item = _published(slug)
    found = get_object_or_404(Section, contest=item, slug=section)
    return _download(opening_list(item, found), f"credentials-{found.slug}.json")


@require_GET
def trackers_txt(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Every tracker on the board, one a line, sorted: to check the board offline."""
    item = _contest(slug)
    trackers = board_trackers(item).iterator(chunk_size=5000)
    response = StreamingHttpResponse((f"{t}\n" for t in trackers),
                                     content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{item.slug}-trackers.txt"'
    return response


@require_GET
def declaration(request: HttpRequest, slug: str) -> HttpResponse:
    """The result: totals and every section's turnout and votes, the rounds and the chart."""
    item = _contest(slug)
    if item.declaration is None:
        return render(request, "contests/not_declared.html", {"contest": item}, status=404)
    return render(request, "contests/declaration.html", declaration_context(item))


@require_GET
def chart_svg(request: HttpRequest, slug: str) -> HttpResponse:
    """The transfer chart of the count, as SVG (its text stays text for screen readers)."""
    item = _contest(slug)
    if item.declaration is None:
        raise Http404("not counted yet")
    return chart_response(item)


@require_GET
def flows_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The count's transfer flows as JSON, drawn on the declaration page by its script."""
    item = _contest(slug)
    if item.declaration is None:
        raise Http404("not counted yet")
    return flows_response(item)


@require_GET
def published_file(request: HttpRequest, slug: str, name: str) -> FileResponse:
    """A file of the published record: ballots shuffled and without trackers, for anyone to
    recount; the trackers; the declaration as JSON."""
    item = _contest(slug)
    if item.declaration is None:
        raise Http404("not counted yet")
    return published_response(item, name)
