"""Django middleware for two things every route needs, so no view has to remember them.

- `HeadAsGet`: HEAD answered on every route that answers GET (RFC 9110, section 9.3.2:
  the same headers as GET, no body), pages, API and admin alike; a view only ever sees
  GET. A route without GET still refuses HEAD (405).
- `RefuseBadParameters`: a NUL character, or a value too long to name anything, in the
  path or the query string is refused with 400 before any view runs. PostgreSQL cannot
  hold NUL in text, so such a value used to reach a query as a 500; the API's refusal is
  its usual ``{"message": ...}``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

#: The longest path served (a voting link is about 100 characters).
MAX_PATH = 2000
#: The longest value of one query-string parameter (a search, a tracker, a page number).
MAX_QUERY_VALUE = 1000
API_PREFIX = "/api/"

Handler = Callable[[HttpRequest], HttpResponseBase]


class HeadAsGet:
    """Answer HEAD as GET, without the body (its ``Content-Length`` is the GET's)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        request.method = "HEAD"
        if response.streaming:  # nothing of it is read; a file is closed with the response
            response.streaming_content = iter(())
        elif isinstance(response, HttpResponse):
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


def parameter_problem(request: HttpRequest) -> str | None:
    """What is wrong with the request's path or query string, if anything."""
    if "\x00" in request.path:
        return "the address contains a NUL character"
    if len(request.path) > MAX_PATH:
        return f"the address is longer than {MAX_PATH} characters"
    for name, values in request.GET.lists():
        for value in (name, *values):
            if "\x00" in value:
                return f"the query parameter {name[:40]!r} contains a NUL character"
            if len(value) > MAX_QUERY_VALUE:
                return (f"the query parameter {name[:40]!r} is longer than "
                        f"{MAX_QUERY_VALUE} characters")
    return None


class RefuseBadParameters:
    """400 for a NUL or an over-long value in the path or query (`parameter_problem`)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        problem = parameter_problem(request)
        if problem is None:
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"message": problem}, status=400)
        return HttpResponse(f"Bad request: {problem}.\n", status=400,
                            content_type="text/plain; charset=utf-8")
