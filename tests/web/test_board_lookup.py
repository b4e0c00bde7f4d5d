"""The public board: a voter finds their own ballot from their code or link alone (and a
wrong code counts against the rate limit), and the signed checkpoints and credential lists
can be downloaded and checked, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import override_settings

from tests.web.databases import BACKENDS
from tests.web.helpers import (
    CORBYN,
    SLUG,
    SMITH,
    demo_in_fresh_database,
    hashed_tracker,
    secrets_for,
)

BAD = "AAAA-BBBB-CCCC-DDDD"
BOARD = f"/contests/{SLUG}/board"


@pytest.fixture(scope="module", params=BACKENDS)
def contest(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Any]:
    """The demonstration contest (open) in a fresh database of each kind; each test casts
    with voters of its own."""
    with demo_in_fresh_database(request.param, tmp_path_factory.mktemp("board-lookup"),
                                voters=20) as contest:
        yield contest


def _client(**options: Any) -> Any:
    from django.test import Client

    return Client(HTTP_HOST="localhost", raise_request_exception=False, **options)


def _find(secret: str, client: Any = None) -> Any:
    return (client or _client()).post(BOARD, {"secret": secret})


def _checkpoint(contest: Any) -> int:
    from django.db import transaction

    from psephos.contests.board import make_block

    with transaction.atomic():
        block = make_block(contest)
    assert block is not None
    return int(block.number)


def _full_tracker(contest: Any, printed: str) -> str:
    """The full tracker of the ballot printed as ``printed``, hashed from what it stores."""
    from psephos.contests.models import Ballot

    return hashed_tracker(contest, Ballot.objects.get(contest=contest, tracker=printed))


def test_a_voter_finds_the_ballot_cast_by_link_then_sees_it_checkpointed(contest: Any
                                                                        ) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.credentials import vote_url

    mine, other = secrets_for(contest, 2)
    receipt = cast_ballot(contest, mine.link_token, [CORBYN])
    theirs = cast_ballot(contest, other.link_token, [SMITH])

    found = _find(mine.link_token)
    assert found.status_code == 200
    page = found.content.decode()
    assert receipt.tracker in page and _full_tracker(contest, receipt.tracker) in page
    assert "waiting for the next signed checkpoint" in page
    assert theirs.tracker not in page.split('id="trackers"')[0]  # not in the answer
    assert mine.link_token not in page  # the secret is not shown back
    assert "no-cache" in found["Cache-Control"] or "no-store" in found["Cache-Control"]

    number = _checkpoint(contest)
    for typed in (mine.postal_code, vote_url(contest, mine.link_token)):  # either secret
        page = _find(typed).content.decode()
        assert receipt.tracker in page
        assert f"It is in signed checkpoint {number}" in page


def test_a_ballot_cast_by_postal_code_is_found_by_code_and_by_link(contest: Any) -> None:
    from psephos.contests.casting.service import cast_ballot

    [mine] = secrets_for(contest, 1)
    receipt = cast_ballot(contest, mine.postal_code.lower().replace("-", " "), [SMITH],
                          channel="post")
    for typed in (mine.postal_code, mine.link_token):
        found = _find(typed)
        assert found.status_code == 200
        assert receipt.tracker in found.content.decode()


def test_a_credential_that_has_not_voted_says_so(contest: Any) -> None:
    [mine] = secrets_for(contest, 1)
    found = _find(mine.link_token)
    assert found.status_code == 200
    assert "No ballot has been cast with this code or link." in found.content.decode()


def test_a_ballot_removed_by_a_revocation_is_shown_as_removed(contest: Any) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.lifecycle import revoke
    from psephos.contests.models import Ballot, Credential
    from psephos.contests.tokens import link_hash

    [mine] = secrets_for(contest, 1)
    receipt = cast_ballot(contest, mine.link_token, [CORBYN])
    voter = Credential.objects.get(link_hash=link_hash(mine.link_token)).voter
    revoke(voter, actor="ro", reason="suspended")
    assert Ballot.objects.get(tracker=receipt.tracker).removed
    page = _find(mine.postal_code).content.decode()
    assert receipt.tracker in page and "Removed." in page
    assert "removed by a revocation" in page


def test_an_unknown_code_is_refused_and_counted_until_the_limit(contest: Any) -> None:
    from psephos.contests import throttle

    # A clock held still at the start of a minute: the limit's window cannot turn over.
    with override_settings(PSEPHOS_FAILED_CODES_PER_MINUTE=3), \
            mock.patch.object(throttle, "clock", return_value=1_800_000_000.0):
        _refused_then_limited(contest)


def _refused_then_limited(contest: Any) -> None:
    [mine] = secrets_for(contest, 1)
    client = _client()
    for _ in range(2):  # codes that match count nothing
        assert _find(mine.link_token, client).status_code == 200
    empty = _find("  ", client)
    assert empty.status_code == 400 and "Enter the voting code" in empty.content.decode()
    for _ in range(3):
        refused = _find(BAD, client)
        assert refused.status_code == 403
        page = refused.content.decode()
        assert 'class="error-summary"' in page and 'href="#secret"' in page
        assert "We do not recognise this code or link" in page
        assert 'aria-invalid="true"' in page and page.count("<title>Error: ") == 1
    limited = _find(mine.link_token, client)  # even a right one waits out the minute
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert "Too many" in limited.content.decode()
    assert _find(mine.link_token, _client(REMOTE_ADDR="10.0.0.7")).status_code == 200


def test_the_form_needs_its_csrf_token(contest: Any) -> None:
    [mine] = secrets_for(contest, 1)
    assert _find(mine.link_token, _client(enforce_csrf_checks=True)).status_code == 403


def test_board_json_and_the_lists_download_and_check(contest: Any) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.crypto import board, credentials

    [mine] = secrets_for(contest, 1)
    cast_ballot(contest, mine.link_token, [CORBYN])
    _checkpoint(contest)
    page = _client().get(BOARD).content.decode()
    assert f'href="/contests/{SLUG}/board.json"' in page
    assert "Signed checkpoints" in page

    response = _client().get(f"/contests/{SLUG}/board.json")
    assert response.status_code == 200
    assert 'filename="board.json"' in response["Content-Disposition"]
    document = json.loads(response.content)
    key = bytes.fromhex(document["key"])
    previous = ""
    assert len(document["blocks"]) >= 2
    for number, block in enumerate(document["blocks"]):
        board.check_block(block, SLUG, number, previous, key)
        previous = block["hash"]
        assert f"<code class=\"hash\">{block['hash']}</code>" in page

    [opening] = [e for e in document["blocks"][0]["events"] if e["kind"] == "opening"]
    assert opening["lists"]
    for section, commitment in opening["lists"].items():
        assert f'href="/contests/{SLUG}/credentials-{section}.json"' in page
        listed = _client().get(f"/contests/{SLUG}/credentials-{section}.json")
        assert listed.status_code == 200
        entries = credentials.read_list(json.loads(listed.content))
        assert len(entries) == commitment["count"]
        assert json.loads(listed.content)["hash"] == commitment["hash"]
    assert _client().get(f"/contests/{SLUG}/credentials-nowhere.json").status_code == 404


def test_a_draft_publishes_no_board_yet(contest: Any, tmp_path: Any) -> None:
    from tests.contests.helpers import SMALL, small_contest

    small_contest(tmp_path, SMALL.replace('"small"', '"draft-board"'))
    assert _client().get("/contests/draft-board/board.json").status_code == 404
    assert _client().get("/contests/draft-board/credentials-members.json").status_code == 404
    page = _client().get("/contests/draft-board/board")
    assert page.status_code == 200 and "board.json" not in page.content.decode()


def test_the_board_and_its_answers_pass_the_accessibility_check(contest: Any) -> None:
    from psephos.contests.casting.service import cast_ballot
    from tests.web.a11y import problems

    mine, unused = secrets_for(contest, 2)
    cast_ballot(contest, mine.link_token, [CORBYN])
    for response, status in ((_client().get(BOARD), 200), (_find(mine.link_token), 200),
                             (_find(unused.link_token), 200), (_find(BAD), 403),
                             (_find(""), 400)):
        html = response.content.decode()
        assert response.status_code == status
        assert problems(html) == [], html
        assert "<script>" not in html and " style=" not in html  # the strict CSP
