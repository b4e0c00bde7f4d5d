"""Every voter page says when voting closes, in UK time; the first request after the close
time closes the ballot; a revoked voter is told their vote was withdrawn, on every channel.
The clock is stopped (`tests.contests.clock`)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.contests.clock import CLOSE, CLOSE_WORDS, stop_clock, timed_draft, timed_open, uk
from tests.contests.helpers import run_cli

CLOSES = f"Voting closes at {CLOSE_WORDS}"
#: The instant in the page's <time> element: noon BST is 11:00 UTC.
CLOSE_ISO = 'datetime="2016-09-21T11:00:00+00:00"'


@pytest.fixture
def client() -> Any:
    from django.core.cache import cache
    from django.test import Client

    cache.clear()  # the rate limit on failed codes starts at nothing
    return Client(HTTP_HOST="localhost")


def _text(response: Any) -> str:
    """The page's words, as read: tags dropped, spaces folded."""
    words = re.sub(r"<[^>]+>", "", response.content.decode())
    return html.unescape(re.sub(r"\s+", " ", words))


def test_every_voter_page_shows_the_deadline(db: str, tmp_path: Path, client: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _, secrets, _ = timed_open(tmp_path, monkeypatch)
    link = f"/vote/small/{secrets['M1'].link_token}/"
    pages = {
        "contest page": client.get("/contests/small/"),
        "code entry": client.get("/vote/"),
        "ballot": client.get(link),
        "ballot by code": client.post("/vote/", {"step": "code",
                                                 "code": secrets["M2"].postal_code}),
        "confirm": client.post(link, {"step": "review", "pref-1": "Alice"}),
    }
    cast = client.post(link, {"step": "cast", "pref-1": "Alice"})
    assert cast.status_code == 302
    pages["receipt"] = client.get(cast["Location"])
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert CLOSES in _text(page), name
        assert CLOSE_ISO in page.content.decode(), name
    assert f"Small ballot: {CLOSES}" in _text(pages["code entry"])


def test_a_draft_page_says_when_voting_opens_and_closes(db: str, tmp_path: Path, client: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    stop_clock(monkeypatch, uk(2016, 8, 1, 9, 0))
    timed_draft(tmp_path)
    page = _text(client.get("/contests/small/"))
    assert ("Voting opens at 09:00 on Monday 22 August 2016 (UK time) and closes at "
            f"{CLOSE_WORDS}") in page


def test_the_first_request_after_the_close_time_closes_the_ballot(
        db: str, tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.contests.models import AuditEntry, Contest

    contest, secrets, clock = timed_open(tmp_path, monkeypatch)
    clock.set(uk(2016, 9, 21, 12, 0, 1))
    page = client.get("/contests/small/")
    assert f"Voting closed at {CLOSE_WORDS}" in _text(page)
    assert Contest.objects.get(pk=contest.pk).state == Contest.State.CLOSED
    assert AuditEntry.objects.get(action="contest.close").actor == "timetable"
    refused = client.get(f"/vote/small/{secrets['M1'].link_token}/")
    assert refused.status_code == 409
    assert "Voting in Small ballot has closed" in _text(refused)
    assert f"Voting closed at {CLOSE_WORDS}" in _text(refused)


def test_a_cast_after_the_close_time_is_refused_on_every_channel(
        db: str, db_url: str, tmp_path: Path, client: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Nobody closed the ballot by hand: a cast on a link's form (whose request closes
    it), through the API or from the command line is refused, and no ballot is stored."""
    from psephos.contests.models import Ballot

    _, secrets, clock = timed_open(tmp_path, monkeypatch)
    link = f"/vote/small/{secrets['M1'].link_token}/"
    form = client.post(link, {"step": "review", "pref-1": "Alice"})
    assert form.status_code == 200
    clock.set(CLOSE)
    cast = client.post(link, {"step": "cast", "pref-1": "Alice"})
    assert cast.status_code == 409 and f"closed at {CLOSE_WORDS}" in _text(cast)
    api = client.post("/api/contests/small/ballots", json.dumps(
        {"credential": secrets["M2"].link_token, "ranking": ["Bob"]}),
        content_type="application/json")
    assert api.status_code == 409 and CLOSE_WORDS in api.json()["message"]
    cli = run_cli(db_url, "vote", "small", "--credential", secrets["M3"].postal_code,
                  "--ranking", "Carol")
    assert cli.exit_code == 2 and CLOSE_WORDS in cli.stderr
    assert Ballot.objects.count() == 0


def test_a_revoked_voter_is_told_their_vote_was_withdrawn(db: str, db_url: str,
                                                          tmp_path: Path, client: Any,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.lifecycle import revoke

    contest, secrets, _ = timed_open(tmp_path, monkeypatch)
    cast_ballot(contest, secrets["M1"].link_token, ["Alice"])
    for number in ("M1", "M2"):  # one who had voted, one who had not
        revoke(contest.voters.get(member_number=number), actor="ro", reason="suspended")
        secret = secrets[number]
        by_link = client.get(f"/vote/small/{secret.link_token}/")
        typed = client.post("/vote/", {"step": "code", "code": secret.postal_code})
        for page in (by_link, typed):
            assert page.status_code == 403
            text = _text(page)
            assert "Your vote in this ballot was withdrawn" in text
            assert "We do not recognise this code" not in text
        api = client.post("/api/contests/small/ballots", json.dumps(
            {"credential": secret.link_token, "ranking": ["Bob"]}),
            content_type="application/json")
        assert api.status_code == 403
        assert api.json()["message"] == "this voter's entitlement to vote was withdrawn"
        cli = run_cli(db_url, "vote", "small", "--credential", secret.postal_code,
                      "--ranking", "Bob")
        assert cli.exit_code == 2 and "entitlement to vote was withdrawn" in cli.stderr
    # A genuine credential that was withdrawn is not a guess: trying it again and again
    # never counts towards the limit on codes that match nothing (10 a minute).
    again = [client.get(f"/vote/small/{secrets['M1'].link_token}/").status_code
             for _ in range(12)]
    assert set(again) == {403}
