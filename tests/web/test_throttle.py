"""The rate limit on code entry: a few failed codes a minute per client address and
contest, then 429 with Retry-After, on the pages and the API alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.test import TestCase, override_settings

from psephos.contests import throttle
from psephos.contests.models import Ballot
from tests.web.helpers import CORBYN, SLUG, demo_contest, secrets_for

LIMIT = 3
BAD = "AAAA-BBBB-CCCC-DDDD"
START = 1_800_000_000.0  # a minute boundary (divisible by 60)


@contextmanager
def clock(at: float) -> Iterator[None]:
    with mock.patch.object(throttle.time, "time", return_value=at):
        yield


@override_settings(PSEPHOS_FAILED_CODES_PER_MINUTE=LIMIT)
class RateLimit(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        cls.other = demo_contest(slug="other-contest")
        cls.secrets = secrets_for(cls.contest, 3)

    def _cast(self, credential: str, slug: str = SLUG, **extra: Any) -> Any:
        return self.client.post(f"/api/contests/{slug}/ballots",
                                {"credential": credential, "ranking": [CORBYN]},
                                content_type="application/json", **extra)

    def _fail(self, times: int, slug: str = SLUG, **extra: Any) -> None:
        for _ in range(times):
            self.assertEqual(self._cast(BAD, slug, **extra).status_code, 403)

    def assert_limited(self, response: Any, seconds: int) -> None:
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response["Retry-After"], str(seconds))

    def test_api_cast_is_limited_then_allowed_after_the_minute(self) -> None:
        with clock(START + 15):
            self._fail(LIMIT)
            refused = self._cast(self.secrets[0].link_token)  # even a right code waits
            self.assert_limited(refused, 45)
            self.assertEqual(refused.json()["message"],
                             "Too many codes that do not match were tried from your "
                             "connection. Wait 45 seconds and try again")
        self.assertEqual(Ballot.objects.count(), 0)
        with clock(START + 60):
            self.assertEqual(self._cast(self.secrets[0].link_token).status_code, 201)

    def test_other_addresses_and_contests_are_not_limited(self) -> None:
        with clock(START):
            self._fail(LIMIT)
            self.assert_limited(self._cast(BAD), 60)
            other_address = self._cast(self.secrets[0].link_token, REMOTE_ADDR="10.0.0.9")
            self.assertEqual(other_address.status_code, 201)
            self.assertEqual(self._cast(BAD, "other-contest").status_code, 403)

    def test_only_codes_that_match_nothing_count(self) -> None:
        used = self.secrets[1].link_token
        self._cast(used)
        for _ in range(LIMIT + 2):
            self.assertEqual(self._cast(used).status_code, 409)
            bad_ranking = self.client.post(
                f"/api/contests/{SLUG}/ballots",
                {"credential": self.secrets[0].link_token, "ranking": ["Nobody"]},
                content_type="application/json")
            self.assertEqual(bad_ranking.status_code, 400)
        self.assertEqual(self._cast(self.secrets[0].link_token).status_code, 201)

    def test_board_lookups_count_too(self) -> None:
        with clock(START):
            for _ in range(LIMIT):
                missing = self.client.get(f"/api/contests/{SLUG}/board/ABCD-EFGH")
                self.assertEqual(missing.status_code, 404)
            self.assert_limited(self.client.get(f"/api/contests/{SLUG}/board/ABCD-EFGH"), 60)

    def test_link_page(self) -> None:
        with clock(START + 59):
            for _ in range(LIMIT):
                page = self.client.get(f"/vote/{SLUG}/not-a-token/")
                self.assertContains(page, "We do not recognise this code", status_code=403)
            page = self.client.get(f"/vote/{SLUG}/{self.secrets[0].link_token}/")
            self.assert_limited(page, 1)
            self.assertContains(page, "Wait 1 second and try again", status_code=429)
            self.assertIn("no-store", page["Cache-Control"])

    def test_pages_and_api_share_the_count(self) -> None:
        with clock(START):
            self._fail(LIMIT - 1)
            self.client.get(f"/vote/{SLUG}/not-a-token/")
            self.assert_limited(self._cast(BAD), 60)

    def test_typed_code_page(self) -> None:
        with clock(START):
            for _ in range(LIMIT):
                page = self.client.post("/vote/", {"step": "code", "code": BAD})
                self.assertEqual(page.status_code, 403)
            page = self.client.post("/vote/", {"step": "code",
                                               "code": self.secrets[0].postal_code})
            self.assert_limited(page, 60)
            self.assertContains(page, "<h1>Too many attempts</h1>", status_code=429)
            self.assertEqual(self.client.get("/vote/").status_code, 200, "the form still shows")

    @override_settings(PSEPHOS_TRUSTED_PROXIES=1)
    def test_behind_a_proxy_the_forwarded_address_counts(self) -> None:
        proxy = {"REMOTE_ADDR": "10.0.0.1"}
        with clock(START):
            self._fail(LIMIT, HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.5", **proxy)
            self.assert_limited(self._cast(BAD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy),
                                60)
            self.assertEqual(self._cast(BAD, HTTP_X_FORWARDED_FOR="203.0.113.6",
                                        **proxy).status_code, 403)

    def test_without_trusted_proxies_the_forwarded_header_is_ignored(self) -> None:
        with clock(START):
            self._fail(LIMIT, HTTP_X_FORWARDED_FOR="203.0.113.5")
            self.assert_limited(self._cast(BAD, HTTP_X_FORWARDED_FOR="203.0.113.77"), 60)


def test_default_limit(monkeypatch: Any) -> None:
    monkeypatch.delenv("PSEPHOS_FAILED_CODES_PER_MINUTE", raising=False)
    assert throttle.failures_allowed() == throttle.DEFAULT_LIMIT == 10
    monkeypatch.setenv("PSEPHOS_FAILED_CODES_PER_MINUTE", "25")
    assert throttle.failures_allowed() == 25
