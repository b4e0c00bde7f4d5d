"""A NUL character or an over-long value in a path or query parameter is refused (400, or
404 for a slug nothing could have), never answered 500: PostgreSQL refuses NUL in text,
so such a value used to fail inside a query there (``/api/contests/%00`` gave 500)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.databases import BACKENDS
from tests.web.helpers import SLUG, demo_in_fresh_database, secrets_for

LONG = "a" * 5000


@pytest.fixture(scope="module", params=BACKENDS)
def contest(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Any]:
    """The demonstration contest in a fresh database of each kind (nothing here writes)."""
    folder = tmp_path_factory.mktemp("bad-parameters")
    with demo_in_fresh_database(request.param, folder) as contest:
        yield contest


def _client() -> Any:
    from django.test import Client

    return Client(HTTP_HOST="localhost", raise_request_exception=False)


@pytest.mark.parametrize("path", [
    "/api/contests/%00", f"/api/contests/{SLUG}%00", "/api/contests/%00/candidates",
    "/api/contests/%00/timetable", "/api/contests/%00/declaration",
    f"/api/contests/{SLUG}/board/%00", f"/api/contests/{SLUG}/board/AB%00CD",
    "/api/contests?x=%00", f"/api/contests/{SLUG}?q={LONG}", f"/api/contests/{LONG}",
])
def test_api_refuses_nul_and_over_long_values_with_a_json_message(contest: Any,
                                                                  path: str) -> None:
    response = _client().get(path)
    assert response.status_code in (400, 404), response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"]


def test_an_over_long_slug_is_simply_not_found(contest: Any) -> None:
    response = _client().get("/api/contests/" + "a" * 81)
    assert response.status_code == 404
    assert response.json()["message"].startswith("no contest")


def test_a_cast_naming_a_nul_slug_is_refused(contest: Any) -> None:
    [secret] = secrets_for(contest, 1)
    response = _client().post("/api/contests/x%00y/ballots",
                              {"credential": secret.link_token, "ranking": ["Owen Smith"]},
                              content_type="application/json")
    assert response.status_code in (400, 404) and response.json()["message"]
    assert contest.ballots.count() == 0


@pytest.mark.parametrize("path", [
    f"/contests/{SLUG}/receipt/%00/", f"/contests/{SLUG}/board?tracker=%00",
    f"/contests/{SLUG}/board?page=%00", f"/contests/{SLUG}/published/%00",
    f"/vote/{SLUG}/%00/", f"/contests/{SLUG}/board?tracker={LONG}", "/" + "a" * 2500,
])
def test_pages_refuse_them_too(contest: Any, path: str) -> None:
    response = _client().get(path)
    assert response.status_code in (400, 404), response.content[:300]


def test_the_services_never_query_with_a_nul_slug(contest: Any) -> None:
    from psephos.contests.casting.lookup import contest_to_cast, get_contest
    from psephos.contests.errors import ContestNotFound

    for slug in ("\x00", SLUG + "\x00", LONG):
        with pytest.raises(ContestNotFound):
            get_contest(slug)
        with pytest.raises(ContestNotFound):
            contest_to_cast(slug)
