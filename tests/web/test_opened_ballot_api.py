"""The server's check of an opened ballot (Benaloh's cast-or-challenge) through the API:
an honest opening matches and names the ranked candidates, any change does not, and input
of the wrong form is refused with 400 and a message saying what is wrong."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from psephos.contests.casting.paper import ballot_paper
from psephos.contests.models import Ballot
from psephos.contests.sealing import election_key
from psephos.crypto import elgamal, group
from tests.web.helpers import CORBYN, SLUG, SMITH, demo_contest

URL = f"/api/contests/{SLUG}/opened-ballot"


def _scalars(width: int, seed: int) -> list[bytes]:
    return [group.hash_to_scalar("test/opened-ballot", bytes([seed, slot]))
            for slot in range(width)]


class OpenedBallotApi(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        paper = ballot_paper(cls.contest)
        cls.width = len(paper.pks)
        cls.slots = [paper.names.index(SMITH), paper.names.index(CORBYN)]
        key = election_key(cls.contest)
        assert key is not None
        cls.key = key
        cls.scalars = _scalars(cls.width, 1)
        cls.sealed = elgamal.encrypt_ranking_with(key, cls.slots, cls.width, cls.scalars)

    def _check(self, sealed: Any = None, slots: Any = None, scalars: Any = None,
               *, slug: str = SLUG) -> Any:
        body = {"sealed": self.sealed.hex() if sealed is None else sealed,
                "slots": self.slots if slots is None else slots,
                "scalars": [s.hex() for s in self.scalars] if scalars is None else scalars}
        return self.client.post(f"/api/contests/{slug}/opened-ballot", body,
                                content_type="application/json")

    def test_an_honest_opening_matches_and_names_the_candidates(self) -> None:
        answer = self._check()
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json(), {"matches": True, "ranking": [SMITH, CORBYN]})
        self.assertEqual(Ballot.objects.count(), 0)  # an opened ballot is never cast

    def test_a_changed_opening_does_not_match(self) -> None:
        tampered = bytearray(self.sealed)
        tampered[40] ^= 1
        other = [s.hex() for s in _scalars(self.width, 2)]
        cases = {
            "other ranking": self._check(slots=self.slots[::-1]),
            "shorter ranking": self._check(slots=self.slots[:1]),
            "other randomness": self._check(scalars=other),
            "swapped randomness": self._check(scalars=[s.hex() for s in self.scalars[::-1]]),
            "changed ballot": self._check(sealed=bytes(tampered).hex()),
            "scalar not below the order": self._check(scalars=["ff" * 32] * self.width),
        }
        for name, answer in cases.items():
            self.assertEqual(answer.status_code, 200, name)
            self.assertFalse(answer.json()["matches"], name)
        self.assertEqual(cases["other ranking"].json()["ranking"], [CORBYN, SMITH])

    def test_malformed_openings_are_refused_with_a_message(self) -> None:
        scalars = [s.hex() for s in self.scalars]
        cases = {
            "not hex": (self._check(sealed="zz" * 64 * self.width), "the sealed ballot is not hex"),
            "short ballot": (self._check(sealed=self.sealed[:-1].hex()),
                             f"the sealed ballot is {64 * self.width} bytes"),
            "too few scalars": (self._check(scalars=scalars[:1]),
                                f"has {self.width} scalars, one a slot, not 1"),
            "short scalar": (self._check(scalars=[scalars[0][:-2], scalars[1]]),
                             "scalar 1 is 32 bytes"),
            "slot off the paper": (self._check(slots=[0, self.width]),
                                   f"{self.width} is not a candidate position"),
            "slot twice": (self._check(slots=[1, 1]), "a candidate is ranked twice"),
            "slots not numbers": (self._check(slots=["Smith"]), "slots.0"),
        }
        for name, (answer, message) in cases.items():
            self.assertEqual(answer.status_code, 400, name)
            self.assertIn(message, answer.json()["message"], name)
        no_body = self.client.post(URL, "", content_type="application/json")
        self.assertEqual(no_body.status_code, 400)
        self.assertIn("message", no_body.json())

    def test_an_unknown_contest_is_404(self) -> None:
        answer = self._check(slug="nope")
        self.assertEqual(answer.status_code, 404)
        self.assertEqual(answer.json()["message"], "no contest 'nope'")
