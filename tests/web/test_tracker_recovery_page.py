"""The vote page, followed again with a used link, tells the voter their tracker."""

from __future__ import annotations

from django.test import TestCase

from psephos.contests.casting.service import cast_ballot
from tests.web.helpers import CORBYN, SLUG, demo_contest, secrets_for


class UsedLink(TestCase):
    def test_a_used_link_shows_the_tracker(self) -> None:
        contest = demo_contest()
        secret = secrets_for(contest, 1)[0]
        receipt = cast_ballot(contest, secret.link_token, [CORBYN])  # the answer was lost
        page = self.client.get(f"/vote/{SLUG}/{secret.link_token}/")
        self.assertEqual(page.status_code, 409)
        self.assertContains(page, "You have already voted", status_code=409)
        self.assertContains(page, f"Your tracker is {receipt.tracker}", status_code=409)
        api = self.client.post(f"/api/contests/{SLUG}/ballots",
                               {"credential": secret.link_token, "ranking": [CORBYN]},
                               content_type="application/json")
        self.assertEqual(api.status_code, 409)
        self.assertIn(receipt.tracker, api.json()["message"])
