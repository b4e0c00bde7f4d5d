"""Every page passes the accessibility smoke check: labels, headings in order, lang, skip link."""

from __future__ import annotations

from django.test import Client, TestCase

from psephos.contests.casting.service import cast_ballot
from psephos.contests.counting import count_contest
from psephos.contests.lifecycle import close_contest
from tests.web.a11y import problems
from tests.web.helpers import CORBYN, SLUG, SMITH, decrypt_demo, demo_contest, secrets_for


class Accessibility(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        cls.secrets = secrets_for(cls.contest, 2)

    def check(self, response: object, status: int = 200) -> None:
        self.assertEqual(response.status_code, status)  # type: ignore[attr-defined]
        html = response.content.decode()  # type: ignore[attr-defined]
        self.assertEqual(problems(html), [], html)

    def test_checker_finds_problems(self) -> None:
        bad = ('<html><body><a href="/">x</a><h2>a</h2><h1>b</h1><h1>c</h1>'
               '<input name="q"><img src="x.png"><span aria-describedby="gone"></span>'
               '<form method="post"></form></body></html>')
        self.assertEqual(len(problems(bad)), 7)

    def test_public_pages(self) -> None:
        client = Client()
        for url in ("/", f"/contests/{SLUG}/", f"/contests/{SLUG}/board",
                    f"/contests/{SLUG}/board?tracker=ABCD", "/vote/",
                    f"/contests/{SLUG}/declaration", "/no-such-page/"):
            with self.subTest(url=url):
                status = 404 if ("tracker=" in url or "declaration" in url
                                 or "no-such" in url) else 200
                self.check(client.get(url), status)

    def test_ballot_steps(self) -> None:
        link = f"/vote/{SLUG}/{self.secrets[0].link_token}/"
        self.check(self.client.get(link))
        self.check(self.client.post(link, {"step": "review", "pref-2": CORBYN}), 400)
        self.check(self.client.post(link, {"step": "review", "pref-1": SMITH}))
        cast = self.client.post(link, {"step": "cast", "pref-1": SMITH})
        self.check(self.client.get(cast["Location"]))
        self.check(self.client.get(link), 409)
        self.check(self.client.post("/vote/", {"step": "code", "code": "x"}), 403)
        self.check(self.client.post("/vote/", {"step": "code",
                                               "code": self.secrets[1].postal_code}))

    def test_declaration(self) -> None:
        cast_ballot(self.contest, self.secrets[0].link_token, [CORBYN])
        close_contest(self.contest, actor="test")
        decrypt_demo(self.contest)
        count_contest(self.contest)
        self.check(self.client.get(f"/contests/{SLUG}/declaration"))
