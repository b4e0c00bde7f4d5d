"""Bad submissions to the ballot pages and the API: the right status, a message that says
what is wrong, and nothing stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import TestCase

from psephos.contests.casting.service import cast_ballot
from psephos.contests.lifecycle import close_contest
from psephos.contests.models import Ballot, Credential, VotedMark
from psephos.contests.tokens import link_hash
from tests.web.helpers import CORBYN, SLUG, SMITH, demo_contest, secrets_for

FRESH, USED, FRESH_CODE, USED_CODE = "<fresh>", "<used>", "<fresh code>", "<used code>"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Case:
    what: str
    body: Any  # JSON to send, or bytes sent as they are
    status: int
    says: str
    content_type: str = JSON


API_CASES = [
    Case("duplicate preference", {"credential": FRESH, "ranking": [CORBYN, CORBYN.upper()]},
         400, "'JEREMY CORBYN' is ranked more than once"),
    Case("empty ballot", {"credential": FRESH, "ranking": []}, 400,
         "the ballot ranks no candidate; rank at least one"),
    Case("only blank preferences", {"credential": FRESH, "ranking": ["", "  "]}, 400,
         "the ballot ranks no candidate"),
    Case("unknown candidate", {"credential": FRESH, "ranking": [SMITH, "Tony Blair"]}, 400,
         "'Tony Blair' is not a candidate on this ballot; the candidates are Jeremy Corbyn, "
         "Owen Smith"),
    Case("unknown credential", {"credential": "AAAA-BBBB-CCCC-DDDD", "ranking": [CORBYN]},
         403, "that credential is not valid for this ballot"),
    Case("used credential", {"credential": USED, "ranking": [CORBYN]}, 409,
         "already been used"),
    Case("used postal code", {"credential": USED_CODE, "ranking": [CORBYN]}, 409,
         "already been used"),
    Case("malformed JSON", b'{"credential": "x", "ranking": [', 400,
         "the request body is not valid JSON"),
    Case("a form post, not JSON", b"credential=x&ranking=y", 400,
         "the request body is not valid JSON", content_type=FORM),
    Case("credential a number", {"credential": 12345, "ranking": [CORBYN]}, 400,
         "invalid request: credential: Input should be a valid string"),
    Case("ranking a string", {"credential": FRESH, "ranking": CORBYN}, 400,
         "invalid request: ranking: Input should be a valid list"),
    Case("ranking of numbers", {"credential": FRESH, "ranking": [1, 2]}, 400,
         "invalid request: ranking.0: Input should be a valid string; ranking.1: "),
    Case("a null preference", {"credential": FRESH, "ranking": [CORBYN, None]}, 400,
         "invalid request: ranking.1: Input should be a valid string"),
    Case("missing ranking", {"credential": FRESH}, 400,
         "invalid request: ranking: Field required"),
    Case("a list, not an object", [FRESH, CORBYN], 400, "credential: Field required"),
    Case("no body", b"", 400, "the request has no body: send {"),
]

FORM_CASES = [
    # (what, where, form fields, status, what the page says)
    ("duplicate preference", FRESH, {"step": "cast", "pref-1": CORBYN, "pref-2": CORBYN},
     400, "You chose Jeremy Corbyn as your 1st and 2nd preference"),
    ("empty ballot", FRESH, {"step": "cast", "pref-1": "", "pref-2": ""}, 400,
     "Choose at least your 1st preference"),
    ("a gap", FRESH, {"step": "review", "pref-1": "", "pref-2": SMITH}, 400,
     "Your 1st preference is blank but your 2nd is not"),
    ("unknown candidate", FRESH, {"step": "cast", "pref-1": "Tony Blair"}, 400,
     "Select a valid choice. Tony Blair is not one of the available choices"),
    ("used link", USED, {"step": "cast", "pref-1": CORBYN}, 409, "already been used"),
    ("unknown link", "not-a-real-token", {"step": "cast", "pref-1": CORBYN}, 403,
     "We do not recognise this code"),
    ("typed code: empty", None, {"step": "code", "code": " "}, 400,
     "Enter the voting code from your ballot paper or email"),
    ("typed code: unknown", None, {"step": "cast", "code": "AAAA-BBBB-CCCC-DDDD",
                                   "pref-1": CORBYN}, 403, "We do not recognise this code"),
    ("typed code: used", None, {"step": "cast", "code": USED_CODE, "pref-1": CORBYN}, 409,
     "already been used"),
    ("typed code: duplicate preference", None,
     {"step": "cast", "code": FRESH_CODE, "pref-1": SMITH, "pref-2": SMITH}, 400,
     "You chose Owen Smith as your 1st and 2nd preference"),
]


class BadInput(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        fresh, used = secrets_for(cls.contest, 2)
        cast_ballot(cls.contest, used.link_token, [SMITH])
        cls.values = {FRESH: fresh.link_token, USED: used.link_token,
                      FRESH_CODE: fresh.postal_code, USED_CODE: used.postal_code}

    def _fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.values.get(value, value)
        if isinstance(value, list):
            return [self._fill(v) for v in value]
        if isinstance(value, dict):
            return {k: self._fill(v) for k, v in value.items()}
        return value

    def _nothing_stored(self) -> None:
        self.assertEqual(Ballot.objects.count(), 1, "only the ballot cast before the test")
        self.assertEqual(VotedMark.objects.count(), 1)
        fresh = Credential.objects.get(link_hash=link_hash(self.values[FRESH]))
        self.assertEqual(fresh.status, Credential.Status.ACTIVE, "the fresh code still works")

    def test_api(self) -> None:
        for case in API_CASES:
            with self.subTest(case.what):
                body = case.body if isinstance(case.body, bytes) else json.dumps(
                    self._fill(case.body))
                response = self.client.post(f"/api/contests/{SLUG}/ballots", body,
                                            content_type=case.content_type)
                self.assertEqual(response.status_code, case.status, response.content)
                self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
                self.assertIn(case.says, response.json()["message"])
                self._nothing_stored()

    def test_api_closed_contest(self) -> None:
        close_contest(self.contest, actor="test")
        response = self.client.post(f"/api/contests/{SLUG}/ballots",
                                    {"credential": self.values[FRESH], "ranking": [CORBYN]},
                                    content_type=JSON)
        self.assertEqual(response.status_code, 409)
        self.assertIn(" closed at ", response.json()["message"])
        self._nothing_stored()

    def test_api_unknown_contest(self) -> None:
        response = self.client.post("/api/contests/nope/ballots",
                                    {"credential": self.values[FRESH], "ranking": [CORBYN]},
                                    content_type=JSON)
        self.assertEqual((response.status_code, response.json()),
                         (404, {"message": "no contest 'nope'"}))
        self._nothing_stored()

    def test_forms(self) -> None:
        for what, where, fields, status, says in FORM_CASES:
            with self.subTest(what):
                url = "/vote/" if where is None else f"/vote/{SLUG}/{self._fill(where)}/"
                response = self.client.post(url, self._fill(fields))
                self.assertContains(response, says, status_code=status)
                self._nothing_stored()

    def test_forms_closed_contest(self) -> None:
        close_contest(self.contest, actor="test")
        link = self.client.post(f"/vote/{SLUG}/{self.values[FRESH]}/",
                                {"step": "cast", "pref-1": CORBYN})
        self.assertContains(link, "has closed", status_code=409)
        typed = self.client.post("/vote/", {"step": "cast", "code": self.values[FRESH_CODE],
                                            "pref-1": CORBYN})
        self.assertContains(typed, "has closed", status_code=409)
        self._nothing_stored()

    def test_forms_unknown_contest(self) -> None:
        response = self.client.post(f"/vote/nope/{self.values[FRESH]}/",
                                    {"step": "cast", "pref-1": CORBYN})
        self.assertEqual(response.status_code, 404)
        self._nothing_stored()
