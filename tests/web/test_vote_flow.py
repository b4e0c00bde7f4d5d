"""The ballot without JavaScript: link or typed code -> ranking -> confirm -> receipt -> board."""

from __future__ import annotations

import re

from django.test import Client, TestCase

from psephos.contests.lifecycle import close_contest
from psephos.contests.models import Ballot
from tests.web.helpers import CORBYN, SLUG, SMITH, demo_contest, demo_rankings, secrets_for

LINK = "/vote/{slug}/{token}/"


class VoteByLink(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        cls.secrets = secrets_for(cls.contest, 3)

    def setUp(self) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.link = LINK.format(slug=SLUG, token=self.secrets[0].link_token)

    def _post(self, url: str, data: dict[str, str], form: str | None = None) -> object:
        page = self.client.get(form or url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        assert token, "every form carries a CSRF token"
        return self.client.post(url, {**data, "csrfmiddlewaretoken": token.group(1)})

    def test_ballot_has_one_labelled_select_per_preference(self) -> None:
        page = self.client.get(self.link)
        html = page.content.decode()
        self.assertEqual(page.status_code, 200)
        self.assertIn("<legend>Rank the candidates in order of preference</legend>", html)
        self.assertIn('<label for="pref-1">1st preference</label>', html)
        self.assertIn('<label for="pref-2">2nd preference</label>', html)
        self.assertIn(f'<option value="{CORBYN}">{CORBYN}</option>', html)
        self.assertIn("no-store", page["Cache-Control"])

    def test_rank_confirm_cast_receipt_and_board(self) -> None:
        confirm = self._post(self.link, {"step": "review", "pref-1": SMITH, "pref-2": CORBYN})
        html = confirm.content.decode()
        self.assertEqual(confirm.status_code, 200)
        self.assertIn("Check your ballot before you cast it", html)
        self.assertLess(html.index(SMITH), html.index(CORBYN))
        self.assertEqual(Ballot.objects.count(), 0, "nothing is cast before the confirmation")

        cast = self._post(self.link, {"step": "cast", "pref-1": SMITH, "pref-2": CORBYN})
        self.assertEqual(cast.status_code, 302)
        receipt = self.client.get(cast["Location"])
        tracker = Ballot.objects.get().tracker
        self.assertContains(receipt, tracker)
        self.assertContains(receipt, "Your vote has been cast")
        self.assertNotContains(receipt, SMITH)

        board = self.client.get(f"/contests/{SLUG}/board", {"tracker": tracker.lower()})
        self.assertContains(board, "Found.")
        self.assertContains(board, f"<li>{tracker}</li>")
        self.assertEqual(demo_rankings(self.contest),
                         [[c.pk for c in (self.contest.candidates.get(name=n)
                                         for n in (SMITH, CORBYN))]])

    def test_change_my_ranking_goes_back_with_choices_kept(self) -> None:
        page = self._post(self.link, {"step": "change", "pref-1": SMITH, "pref-2": ""})
        self.assertContains(page, f'<option value="{SMITH}" selected>')
        self.assertNotContains(page, "There is a problem")

    def test_a_used_link_cannot_vote_again(self) -> None:
        self._post(self.link, {"step": "cast", "pref-1": CORBYN})
        again = self.client.get(self.link)
        self.assertEqual(again.status_code, 409)
        self.assertContains(again, "already been used", status_code=409)
        replay = self._post(self.link, {"step": "cast", "pref-1": SMITH}, form="/vote/")
        self.assertEqual(replay.status_code, 409)
        self.assertEqual(Ballot.objects.count(), 1)

    def test_unknown_link_is_refused_without_saying_whose(self) -> None:
        page = self.client.get(LINK.format(slug=SLUG, token="not-a-real-token"))
        self.assertContains(page, "We do not recognise this code", status_code=403)

    def test_closed_contest_refuses(self) -> None:
        close_contest(self.contest, actor="test")
        page = self.client.get(self.link)
        self.assertContains(page, "has closed", status_code=409)

    def test_unknown_contest_is_404(self) -> None:
        page = self.client.get(LINK.format(slug="nope", token=self.secrets[0].link_token))
        self.assertEqual(page.status_code, 404)


class BallotErrors(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        cls.link = LINK.format(slug=SLUG, token=secrets_for(cls.contest, 1)[0].link_token)

    def _review(self, **prefs: str) -> str:
        page = self.client.post(self.link, {"step": "review", **prefs})
        self.assertEqual(page.status_code, 400)
        return page.content.decode()

    def test_no_preference(self) -> None:
        html = self._review(**{"pref-1": "", "pref-2": ""})
        self.assertIn('<a href="#pref-1">Choose at least your 1st preference', html)
        self.assertIn('aria-describedby="pref-1-error"', html)
        self.assertIn("<title>Error: ", html)

    def test_same_candidate_twice(self) -> None:
        html = self._review(**{"pref-1": CORBYN, "pref-2": CORBYN})
        self.assertIn('<a href="#pref-2">You chose Jeremy Corbyn as your 1st and 2nd', html)

    def test_gap_in_preferences(self) -> None:
        html = self._review(**{"pref-1": "", "pref-2": SMITH})
        self.assertIn('<a href="#pref-1">Your 1st preference is blank but your 2nd', html)

    def test_unknown_candidate(self) -> None:
        html = self._review(**{"pref-1": "Tony Blair"})
        self.assertIn('href="#pref-1"', html)
        self.assertEqual(Ballot.objects.count(), 0)

    def test_forms_need_csrf(self) -> None:
        strict = Client(enforce_csrf_checks=True)
        page = strict.post(self.link, {"step": "cast", "pref-1": CORBYN})
        self.assertEqual(page.status_code, 403)
        self.assertEqual(Ballot.objects.count(), 0)
        page = strict.post("/vote/", {"step": "code", "code": "ABCD"})
        self.assertEqual(page.status_code, 403)


class VoteByTypedCode(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        cls.code = secrets_for(cls.contest, 1)[0].postal_code

    def test_code_page(self) -> None:
        page = self.client.get("/vote/")
        self.assertContains(page, '<label for="code">Your voting code</label>')

    def test_typed_code_votes(self) -> None:
        typed = self.code.lower().replace("-", " ")
        ballot = self.client.post("/vote/", {"step": "code", "code": typed})
        self.assertContains(ballot, '<label for="pref-1">1st preference</label>')
        self.assertContains(ballot, 'name="code"')
        confirm = self.client.post("/vote/", {"step": "review", "code": typed,
                                              "pref-1": CORBYN})
        self.assertContains(confirm, "Cast my vote")
        cast = self.client.post("/vote/", {"step": "cast", "code": typed, "pref-1": CORBYN})
        self.assertEqual(cast.status_code, 302)
        self.assertRegex(cast["Location"], rf"^/contests/{SLUG}/receipt/[0-9A-Z-]+/$")
        used = self.client.post("/vote/", {"step": "code", "code": typed})
        self.assertContains(used, "already been used", status_code=409)
        self.assertContains(used, '<a href="#code">', status_code=409)

    def test_empty_and_unknown_codes(self) -> None:
        empty = self.client.post("/vote/", {"step": "code", "code": "  "})
        self.assertContains(empty, '<a href="#code">Enter the voting code', status_code=400)
        unknown = self.client.post("/vote/", {"step": "code", "code": "AAAA-BBBB-CCCC-DDDD"})
        self.assertContains(unknown, "We do not recognise this code", status_code=403)
        self.assertContains(unknown, 'aria-invalid="true"', status_code=403)

    def test_receipt_of_unknown_tracker_is_404(self) -> None:
        self.assertEqual(self.client.get(f"/contests/{SLUG}/receipt/AAAA/").status_code, 404)
