"""Pages anyone may read: the contests, a contest's candidates and timetable, the public
board of trackers, and the declaration with its chart and downloadable ballots."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from psephos.contests import audit, timetable
from psephos.contests.casting.trackers import board_trackers, format_tracker, tracker_on_board
from psephos.contests.models import Contest, TimetableEvent
from psephos.contests.nominations import ballot_candidates
from psephos.contests.timekeeper import close_if_due
from psephos.contests.views.declaration import (
    chart_response,
    declaration_context,
    flows_response,
    published_response,
)
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


@require_GET
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """The public board: look up one tracker, or page through every tracker held."""
    item = _contest(slug)
    typed = request.GET.get("tracker", "").strip()
    tracker = format_tracker(typed) if typed else ""
    found = bool(tracker) and tracker_on_board(item, tracker)
    page = Paginator(board_trackers(item), BOARD_PAGE).get_page(request.GET.get("page"))
    return render(request, "contests/board.html", {
        "contest": item, "typed": typed, "tracker": tracker, "found": found, "page": page,
        "audit_head": audit.current_head(),
    }, status=404 if typed and not found else 200)


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
