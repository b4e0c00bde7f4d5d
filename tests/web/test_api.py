"""The JSON API: the same services as the pages, errors as {"message"} with a fitting status."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from psephos.contests.counting import count_contest
from psephos.contests.lifecycle import close_contest
from psephos.contests.models import Ballot
from tests.web.helpers import CORBYN, SLUG, SMITH, decrypt_demo, demo_contest, secrets_for

API = f"/api/contests/{SLUG}"


class Api(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        cls.secrets = secrets_for(cls.contest, 3)

    def _cast(self, credential: str, ranking: list[str]) -> Any:
        return self.client.post(f"{API}/ballots", {"credential": credential, "ranking": ranking},
                                content_type="application/json")

    def test_contest_info(self) -> None:
        body = self.client.get(API).json()
        self.assertEqual((body["slug"], body["method"], body["seats"], body["state"]),
                         (SLUG, "av", 1, "open"))
        self.assertEqual([s["slug"] for s in body["sections"]],
                         ["members", "registered-supporters", "affiliated-supporters"])
        self.assertIn(SLUG, [c["slug"] for c in self.client.get("/api/contests").json()])

    def test_candidates_and_timetable(self) -> None:
        names = [c["name"] for c in self.client.get(f"{API}/candidates").json()]
        self.assertEqual(names, [CORBYN, SMITH])
        events = self.client.get(f"{API}/timetable").json()
        self.assertIn("hustings", {e["kind"] for e in events})
        self.assertIn("debate", {e["kind"] for e in events})
        self.assertEqual(sorted(e["start"] for e in events), [e["start"] for e in events])

    def test_cast_then_find_tracker_then_cannot_cast_again(self) -> None:
        cast = self._cast(self.secrets[0].link_token, [SMITH, CORBYN])
        self.assertEqual(cast.status_code, 201)
        tracker = cast.json()["tracker"]
        self.assertEqual(Ballot.objects.get().tracker, tracker)
        found = self.client.get(f"{API}/board/{tracker}")
        self.assertEqual(found.json(), {"tracker": tracker, "on_board": True})
        again = self._cast(self.secrets[0].link_token, [CORBYN])
        self.assertEqual(again.status_code, 409)
        self.assertIn("already", again.json()["message"])

    def test_postal_code_casts_too(self) -> None:
        self.assertEqual(self._cast(self.secrets[1].postal_code, [CORBYN]).status_code, 201)

    def test_errors(self) -> None:
        unknown = self._cast("nope", [CORBYN])
        self.assertEqual(unknown.status_code, 403)
        self.assertIn("message", unknown.json())
        bad = self._cast(self.secrets[2].link_token, ["Tony Blair"])
        self.assertEqual(bad.status_code, 400)
        self.assertIn("Tony Blair", bad.json()["message"])
        empty = self._cast(self.secrets[2].link_token, [])
        self.assertEqual(empty.status_code, 400)
        malformed = self.client.post(f"{API}/ballots", {"ranking": "x"},
                                     content_type="application/json")
        self.assertEqual(malformed.status_code, 400)
        self.assertIn("credential", malformed.json()["message"])
        self.assertEqual(self.client.get("/api/contests/nope").status_code, 404)
        self.assertEqual(self.client.get("/api/contests/nope").json()["message"],
                         "no contest 'nope'")
        self.assertEqual(self.client.get(f"{API}/board/AAAA-BBBB").status_code, 404)
        self.assertEqual(Ballot.objects.count(), 0)

    def test_closed_contest_refuses_with_409(self) -> None:
        close_contest(self.contest, actor="test")
        refused = self._cast(self.secrets[2].link_token, [CORBYN])
        self.assertEqual(refused.status_code, 409)
        self.assertIn("not open", refused.json()["message"])

    def test_declaration_after_count(self) -> None:
        self.assertEqual(self.client.get(f"{API}/declaration").status_code, 409)
        self._cast(self.secrets[0].link_token, [SMITH])
        self._cast(self.secrets[1].link_token, [CORBYN, SMITH])
        close_contest(self.contest, actor="test")
        decrypt_demo(self.contest)
        count_contest(self.contest)
        body = self.client.get(f"{API}/declaration").json()
        self.assertEqual(body["ballots"], 2)
        self.assertEqual(body["votes"], {CORBYN: 1, SMITH: 1})
        self.assertEqual(len(body["sections"]), 3)

    def test_openapi_docs(self) -> None:
        self.assertEqual(self.client.get("/api/docs").status_code, 200)
        schema = self.client.get("/api/openapi.json").json()
        self.assertIn("/api/contests/{slug}/ballots", schema["paths"])
