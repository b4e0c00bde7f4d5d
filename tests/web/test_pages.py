"""The public pages: contest, timetable and its iCalendar feed, board, declaration, files."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from typing import Any

from django.test import TestCase, override_settings

from psephos.contests.casting.service import cast_ballot
from psephos.contests.counting import count_contest
from psephos.contests.lifecycle import close_contest
from psephos.contests.models import Ballot
from psephos.crypto.shuffle_file import check_shuffle_document, read_sealed_list
from tests.web.helpers import CORBYN, SLUG, SMITH, decrypt_demo, demo_contest, secrets_for


class ContestPages(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()

    def test_home_lists_contests(self) -> None:
        page = self.client.get("/")
        self.assertContains(page, f'href="/contests/{SLUG}/"')
        self.assertContains(page, 'href="/vote/"')

    def test_contest_page(self) -> None:
        page = self.client.get(f"/contests/{SLUG}/")
        for text in (CORBYN, SMITH, "Members", "Registered supporters", "Affiliated supporters",
                     "Hustings and debates", "the alternative vote",
                     f'href="/contests/{SLUG}/timetable.ics"', "voting is open"):
            self.assertContains(page, text)
        self.assertContains(page, "<td>The Glasgow debate</td><td>Debate</td><td>Glasgow</td>",
                            html=True)
        self.assertContains(page, "<td>Hustings</td>", html=True)

    def test_timetable_ics(self) -> None:
        feed = self.client.get(f"/contests/{SLUG}/timetable.ics")
        self.assertEqual(feed["Content-Type"], "text/calendar; charset=utf-8")
        text = feed.content.decode()
        self.assertTrue(text.startswith("BEGIN:VCALENDAR"))
        self.assertEqual(text.count("BEGIN:VEVENT"), self.contest.events.count())

    def test_unknown_contest(self) -> None:
        page = self.client.get("/contests/nope/")
        self.assertContains(page, "Page not found", status_code=404)
        self.assertEqual(self.client.get("/contests/nope/board").status_code, 404)

    def test_board_lookup_and_listing(self) -> None:
        secret = secrets_for(self.contest, 1)[0]
        tracker = cast_ballot(self.contest, secret.link_token, [CORBYN]).tracker
        board = self.client.get(f"/contests/{SLUG}/board")
        self.assertContains(board, "1 ballot on the board")
        self.assertContains(board, f"<li>{tracker}</li>")
        typed = tracker.replace("-", " ").lower()
        self.assertContains(self.client.get(f"/contests/{SLUG}/board", {"tracker": typed}),
                            "Found.")
        missing = self.client.get(f"/contests/{SLUG}/board", {"tracker": "AAAA-AAAA"})
        self.assertContains(missing, "Not found.", status_code=404)
        listing = self.client.get(f"/contests/{SLUG}/trackers.txt")
        self.assertEqual(b"".join(listing.streaming_content).decode(), f"{tracker}\n")

    def test_declaration_before_count(self) -> None:
        page = self.client.get(f"/contests/{SLUG}/declaration")
        self.assertContains(page, "No result yet", status_code=404)
        self.assertEqual(self.client.get(f"/contests/{SLUG}/declaration/chart.svg").status_code,
                         404)
        self.assertEqual(
            self.client.get(f"/contests/{SLUG}/published/ballots.csv").status_code, 404)


class Declaration(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest(voters=30)
        secrets = secrets_for(cls.contest, 7)
        rankings = [[CORBYN], [CORBYN, SMITH], [SMITH], [SMITH, CORBYN], [CORBYN], [SMITH],
                    [CORBYN]]
        for secret, ranking in zip(secrets, rankings, strict=True):
            cast_ballot(cls.contest, secret.postal_code, ranking)
        close_contest(cls.contest, actor="test")
        decrypt_demo(cls.contest)
        count_contest(cls.contest)

    def test_declaration_page(self) -> None:
        page = self.client.get(f"/contests/{SLUG}/declaration")
        html = page.content.decode()
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"Elected: {CORBYN}", html)
        for text in ("Electorate", "Ballots returned", "Turnout", "Members",
                     "Registered supporters", "Affiliated supporters", "Round 1",
                     f'src="/contests/{SLUG}/declaration/chart.svg"', "ballots.csv",
                     "ballots-members.csv", "trackers.txt", "declaration.json"):
            self.assertIn(text, html)
        self.assertIn("<dt>Electorate</dt><dd>30</dd>", html)
        self.assertIn("<dt>Ballots returned</dt><dd>7</dd>", html)

    def test_chart(self) -> None:
        chart = self.client.get(f"/contests/{SLUG}/declaration/chart.svg")
        self.assertEqual(chart["Content-Type"], "image/svg+xml")
        self.assertIn(CORBYN, chart.content.decode())

    def test_published_files(self) -> None:
        with tempfile.TemporaryDirectory() as folder, \
                override_settings(PSEPHOS_PUBLISHED_DIR=folder):
            response = self.client.get(f"/contests/{SLUG}/published/ballots.csv")
            text = b"".join(response.streaming_content).decode()
            again = self.client.get(f"/contests/{SLUG}/published/ballots.csv")
            self.assertEqual(b"".join(again.streaming_content).decode(), text,
                             "everyone downloads the same shuffled file")
            rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
            self.assertEqual(len(rows) - 1, 7)
            self.assertIn("attachment", response["Content-Disposition"])
            trackers = self.client.get(f"/contests/{SLUG}/published/trackers.txt")
            listed = b"".join(trackers.streaming_content).decode().split()
            self.assertEqual(sorted(Ballot.objects.values_list("tracker", flat=True)), listed)
            self.assertEqual(
                self.client.get(f"/contests/{SLUG}/published/secret.txt").status_code, 404)
            mixed = self.client.get(f"/contests/{SLUG}/published/mixed-members.json")
            document = json.loads(b"".join(mixed.streaming_content))
            self.assertEqual(document["format"], "psephos-mixed-ballots/1")
            # The proof of the members' mix holds against the published sealed list.
            def served(name: str) -> Any:
                got = self.client.get(f"/contests/{SLUG}/published/{name}")
                return json.loads(b"".join(got.streaming_content))

            outputs = check_shuffle_document(served("shuffle-members.json"),
                                             read_sealed_list(served("sealed-members.json")))
            self.assertEqual([b.hex() for b in outputs], document["ballots"])
            shares = self.client.get(
                f"/contests/{SLUG}/published/shares-members-trustee-1.json")
            self.assertEqual(shares.status_code, 200)
