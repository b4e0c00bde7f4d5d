"""HEAD is answered wherever GET is (RFC 9110, section 9.3.2): the same status and
headers, no body; pages, API and admin alike. It used to be 405 on every page and API
route."""

from __future__ import annotations

from django.test import TestCase

from psephos.contests.casting.service import cast_ballot
from tests.web.helpers import CORBYN, SLUG, demo_contest, secrets_for


class HeadAnswered(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        [cls.secret, voted] = secrets_for(cls.contest, 2)
        cls.tracker = cast_ballot(cls.contest, voted.link_token, [CORBYN]).tracker

    def _same_as_get(self, path: str) -> None:
        got = self.client.get(path)
        head = self.client.head(path)
        self.assertNotEqual(head.status_code, 405, path)
        self.assertEqual(head.status_code, got.status_code, path)
        self.assertEqual(head.get("Content-Type"), got.get("Content-Type"), path)
        self.assertEqual(b"".join(head.streaming_content) if head.streaming else head.content,
                         b"", path)

    def test_every_page(self) -> None:
        for path in ("/", "/vote/", f"/vote/{SLUG}/{self.secret.link_token}/",
                     f"/contests/{SLUG}/", f"/contests/{SLUG}/timetable.ics",
                     f"/contests/{SLUG}/board", f"/contests/{SLUG}/board?tracker={self.tracker}",
                     f"/contests/{SLUG}/trackers.txt", f"/contests/{SLUG}/receipt/{self.tracker}/",
                     f"/contests/{SLUG}/declaration", "/admin/login/"):
            with self.subTest(path=path):
                self._same_as_get(path)

    def test_every_get_route_of_the_api(self) -> None:
        schema = self.client.get("/api/openapi.json").json()
        paths = [p for p, operations in schema["paths"].items() if "get" in operations]
        self.assertGreaterEqual(len(paths), 6)
        for template in ["/api/openapi.json", "/api/docs", *paths]:
            path = template.replace("{slug}", SLUG).replace("{tracker}", self.tracker)
            with self.subTest(path=path):
                self._same_as_get(path)

    def test_head_of_a_page_keeps_the_length_get_would_send(self) -> None:
        got = self.client.get("/vote/")
        head = self.client.head("/vote/")
        self.assertEqual(head["Content-Length"], str(len(got.content)))

    def test_no_head_where_there_is_no_get(self) -> None:
        self.assertEqual(self.client.head(f"/api/contests/{SLUG}/ballots").status_code, 405)
