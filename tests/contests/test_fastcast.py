"""The server's fast path for API casts (`psephos.web.fastcast`) and the one batcher under it.

The fast path must answer exactly as the API view does (checked against Django's own answer
for the same kind of request), hand anything else to Django, store each ballot once however
many casts race, and share transactions between casts (else it is not a group commit).
Runs on SQLite and on PostgreSQL, with real commits: the casting thread has its own
connection, so nothing may hide in an open test transaction.
"""

from __future__ import annotations

import asyncio
import gc
import json
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.contests.helpers import open_with_voters

Answer = tuple[int, dict[str, str], dict[str, Any]]


@pytest.fixture
def app(db: str) -> Iterator[Any]:
    """The whole ASGI application `psephos serve` runs, with a casting thread of its own."""
    from psephos.web import asgi

    yield asgi._application()


def _call(app: Any, path: str, body: bytes, *, content_type: str = "application/json",
          host: str = "127.0.0.1") -> Answer:
    return asyncio.run(_calls(app, [(path, body, content_type, host)]))[0]


async def _calls(app: Any, requests: list[tuple[str, bytes, str, str]]) -> list[Answer]:
    """Send the requests at once, as concurrent clients would."""

    async def one(path: str, body: bytes, content_type: str, host: str) -> Answer:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": b"", "root_path": "", "client": ("127.0.0.1", 40000),
                 "server": ("127.0.0.1", 8000),
                 "headers": [(b"host", host.encode()), (b"content-type", content_type.encode()),
                             (b"content-length", str(len(body)).encode())]}
        sent = False
        messages: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(60)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        await app(scope, receive, send)
        start = next(m for m in messages if m["type"] == "http.response.start")
        content = b"".join(m.get("body", b"") for m in messages
                           if m["type"] == "http.response.body")
        headers = {bytes(k).decode().lower(): bytes(v).decode() for k, v in start["headers"]}
        if "json" not in headers.get("content-type", ""):
            return start["status"], headers, {"page": content.decode()}
        return start["status"], headers, json.loads(content)

    return list(await asyncio.gather(*(one(*request) for request in requests)))


def _ballot(credential: str, ranking: list[str]) -> bytes:
    return json.dumps({"credential": credential, "ranking": ranking}).encode()


def _django(path: str, body: bytes, content_type: str = "application/json") -> Answer:
    """The API view's answer to the same request, through Django's whole stack."""
    from django.test import Client

    response = Client(HTTP_HOST="127.0.0.1").post(path, body, content_type=content_type)
    headers = {k.lower(): v for k, v in response.headers.items()}
    return response.status_code, headers, response.json()


def test_fast_path_answers_as_the_api_view_does(app: Any, tmp_path: Path) -> None:
    from psephos.contests.lifecycle import close_contest
    from psephos.contests.models import Ballot

    contest, secrets = open_with_voters(tmp_path, members=6, supporters=0)
    path = f"/api/contests/{contest.slug}/ballots"
    fast = _call(app, path, _ballot(secrets["M1"].link_token, ["Alice", "Bob"]))
    slow = _django(path, _ballot(secrets["M2"].link_token, ["Alice", "Bob"]))
    assert fast[0] == slow[0] == 201
    assert fast[2]["contest"] == slow[2]["contest"] == contest.slug
    assert len(fast[2]["tracker"]) == len(slow[2]["tracker"]) == 24
    assert _call(app, path, _ballot(secrets["M3"].postal_code, ["Carol"]))[0] == 201
    cases = [
        (_ballot(secrets["M1"].link_token, ["Bob"]), _ballot(secrets["M2"].link_token, ["Bob"])),
        (_ballot("no-such-credential", ["Bob"]), _ballot("no-such-credential", ["Bob"])),
        (_ballot(secrets["M4"].link_token, ["Zed"]), _ballot(secrets["M5"].link_token, ["Zed"])),
    ]
    for fast_body, slow_body in cases:
        fast, slow = _call(app, path, fast_body), _django(path, slow_body)
        if fast[0] == 409:  # a used credential: each is told its own ballot's tracker
            fast[2]["message"] = re.sub(r"ballot is \S+:", "", fast[2]["message"])
            slow[2]["message"] = re.sub(r"ballot is \S+:", "", slow[2]["message"])
        assert (fast[0], fast[2]) == (slow[0], slow[2]), (fast, slow)
        assert fast[0] in (403, 409, 400), fast
    missing = "/api/contests/no-such-contest/ballots"
    fast, slow = _call(app, missing, _ballot("x", ["Bob"])), _django(missing, _ballot("x", ["Bob"]))
    assert (fast[0], fast[2]) == (slow[0], slow[2]) == (404, {"message":
                                                               "no contest 'no-such-contest'"})
    close_contest(contest, actor="test")
    fast = _call(app, path, _ballot(secrets["M6"].link_token, ["Bob"]))
    slow = _django(path, _ballot(secrets["M6"].link_token, ["Bob"]))
    assert (fast[0], fast[2]) == (slow[0], slow[2]) and fast[0] == 409
    assert Ballot.objects.filter(contest=contest).count() == 3


def test_fast_path_answers_carry_the_security_headers(app: Any, tmp_path: Path) -> None:
    contest, secrets = open_with_voters(tmp_path, members=1, supporters=0)
    status, headers, _ = _call(app, f"/api/contests/{contest.slug}/ballots",
                               _ballot(secrets["M1"].link_token, ["Alice"]))
    assert status == 201
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_the_rate_limit_holds_on_the_fast_path(app: Any, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from django.core.cache import cache

    monkeypatch.setenv("PSEPHOS_FAILED_CODES_PER_MINUTE", "3")
    middle = (time.time() // 60) * 60 + 30  # one counting window: not a new minute midway
    monkeypatch.setattr("psephos.contests.throttle.clock", lambda: middle)
    cache.clear()
    contest, secrets = open_with_voters(tmp_path, members=1, supporters=0)
    path = f"/api/contests/{contest.slug}/ballots"
    statuses = [_call(app, path, _ballot(f"guess-{i}", ["Alice"]))[0] for i in range(3)]
    assert statuses == [403, 403, 403]
    status, headers, body = _call(app, path, _ballot(secrets["M1"].link_token, ["Alice"]))
    assert status == 429 and int(headers["retry-after"]) > 0
    assert body["message"].startswith("Too many codes that do not match were tried")
    slow = _django(path, _ballot(secrets["M1"].link_token, ["Alice"]))  # the same address
    assert slow[0] == 429 and slow[2]["message"].startswith("Too many codes")
    cache.clear()


@pytest.mark.parametrize("cache_url", ["memory", "database"])
def test_a_batch_of_guesses_evaluates_no_more_than_the_limit(
        app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_url: str) -> None:
    """Casts arriving together reserve their code attempts together (one change of the
    counts a batch, which also settles the batch before's) and are answered before their
    attempts are settled: still no more than the limit evaluated, and nothing left
    counted in flight once the last batch is settled."""
    import time

    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import override_settings

    from psephos.contests.casting import service
    from psephos.web.settings import cache_config

    reserved: list[int] = []
    real = service.reserve_many

    def counted(wanted: Any, settling: Any = ()) -> Any:
        reserved.append(len(wanted))
        return real(wanted, settling)

    monkeypatch.setattr(service, "reserve_many", counted)
    middle = (time.time() // 60) * 60 + 30  # one counting window for the whole test
    monkeypatch.setattr("psephos.contests.throttle.clock", lambda: middle)
    contest, secrets = open_with_voters(tmp_path, members=1, supporters=0)
    path = f"/api/contests/{contest.slug}/ballots"
    with override_settings(CACHES={"default": cache_config(cache_url)},
                           PSEPHOS_FAILED_CODES_PER_MINUTE=3):
        if cache_url == "database":
            call_command("createcachetable", verbosity=0)
        cache.clear()
        guesses = [(path, _ballot(f"guess-{i}", ["Alice"]), "application/json", "127.0.0.1")
                   for i in range(40)]
        statuses = sorted(status for status, _, _ in asyncio.run(_calls(app, guesses)))
        assert statuses == [403] * 3 + [429] * 37
        assert len(reserved) < 40 and sum(reserved) == 40, reserved  # batches, not casts
        deadline = time.monotonic() + 10  # settled on the batcher's thread after answering
        keys = _throttle_keys(cache)
        in_flight = [key for key in keys if key.endswith(":in-flight")]
        assert in_flight
        while time.monotonic() < deadline and any(cache.get(k) for k in in_flight):
            time.sleep(0.05)
        assert [cache.get(k) for k in in_flight] == [0] * len(in_flight)
        assert [cache.get(key) for key in keys if key not in in_flight] == [3]
        status, _, _ = _call(app, path, _ballot(secrets["M1"].link_token, ["Alice"]))
        assert status == 429  # 3 failures this minute: a right code is held back too
        cache.clear()


def _throttle_keys(cache: Any) -> list[str]:
    """The rate limit's keys of this minute, for any client of the tests (127.0.0.1)."""
    from django.http import HttpRequest

    from psephos.contests.throttle import IN_FLIGHT, _key

    request = HttpRequest()
    request.META = {"REMOTE_ADDR": "127.0.0.1"}
    return [key + suffix for slug in _slugs() for key in [_key(request, slug)[0]]
            for suffix in ("", IN_FLIGHT)]


def _slugs() -> list[str]:
    from psephos.contests.models import Contest

    return list(Contest.objects.values_list("slug", flat=True))


def test_requests_not_of_the_documented_shape_get_djangos_answer(app: Any,
                                                                 tmp_path: Path) -> None:
    from psephos.contests.api import NOT_JSON

    contest, secrets = open_with_voters(tmp_path, members=1, supporters=0)
    path = f"/api/contests/{contest.slug}/ballots"
    assert _call(app, path, b"{not json") == (400, _call(app, path, b"{not json")[1],
                                              {"message": NOT_JSON})
    status, _, body = _call(app, path, b'{"credential": "abc"}')
    assert status == 400 and body["message"].startswith("invalid request: ranking")
    assert body == _django(path, b'{"credential": "abc"}')[2]
    status, _, _ = _call(app, path, _ballot(secrets["M1"].link_token, ["Alice"]),
                         host="evil.example")
    assert status == 400  # Django's DisallowedHost
    status, _, body = _call(app, path, _ballot(secrets["M1"].link_token, ["Alice"]))
    assert status == 201, body  # none of the above cast anything


def test_racing_casts_are_each_counted_once_in_shared_transactions(
        app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.contests.casting import groupcommit
    from psephos.contests.casting.service import CASTS
    from psephos.contests.models import Ballot, VotedMark

    transactions = []
    real = groupcommit.GroupCommit._transaction

    def counted(self: Any, items: Any) -> Any:
        transactions.append(len(items))
        return real(self, items)

    monkeypatch.setattr(groupcommit.GroupCommit, "_transaction", counted)
    # 120 codes from one address at once: more in flight than the rate limit's default.
    monkeypatch.setenv("PSEPHOS_FAILED_CODES_PER_MINUTE", "1000")
    contest, secrets = open_with_voters(tmp_path, members=60, supporters=0)
    path = f"/api/contests/{contest.slug}/ballots"
    requests = [(path, _ballot(secret.link_token if twice else secret.postal_code, ["Bob"]),
                 "application/json", "127.0.0.1")
                for secret in secrets.values() for twice in (False, True)]
    answers = asyncio.run(_calls(app, requests))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [201] * 60 + [409] * 60
    assert Ballot.objects.filter(contest=contest).count() == 60
    assert VotedMark.objects.filter(contest=contest).count() == 60
    assert sum(transactions) == 120 and len(transactions) < 120, transactions
    # one batcher: the fast path hands its casts to the group commit's own thread
    assert CASTS._thread is not None and CASTS._thread.is_alive()


def _sealed_body(contest: Any, secret: str, ranking: list[str], *,
                 signature: str | None = None, proof_of: Any = None,
                 width: int | None = None) -> bytes:
    """The API body a voter's own software sends: the ballot sealed and signed under the
    link secret's credential; ``signature``, ``proof_of`` (another body) or a ``width``
    other than the paper's spoil it."""
    from psephos.contests import sealing
    from psephos.contests.casting.paper import ballot_paper
    from psephos.crypto import credentials, elgamal, group
    from psephos.crypto.ballot_signatures import prove_randomness, sign_ballot

    paper = ballot_paper(contest)
    width = width or len(paper.pks)
    key = sealing.election_key(contest)
    assert key is not None
    scalars = [group.random_scalar() for _ in range(width)]
    sealed = elgamal.encrypt_ranking_with(key, [paper.names.index(n) for n in ranking], width,
                                          scalars)
    x = credentials.private_credential(credentials.LINK, secret, contest.slug)
    public = group.base_mult(x)
    body = {"credential": secret, "ranking": ranking, "sealed": sealed.hex(),
            "signed_by": public.hex(),
            "signature": signature or sign_ballot(x, contest.slug, sealed).hex(),
            "proof": prove_randomness(contest.slug, public, sealed, scalars).hex()}
    if proof_of is not None:
        body["proof"] = json.loads(proof_of)["proof"]
    return json.dumps(body).encode()


def test_ballots_sealed_by_voters_are_checked_ahead_in_batches(
        app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Racing casts of ballots voters' devices sealed: their batches check signatures and
    proofs on threads, and each cast is answered as the API view answers it alone."""
    from psephos.contests.casting import signing
    from psephos.contests.casting.paper import ballot_paper
    from psephos.contests.models import Ballot

    checked: list[int] = []
    real = signing.check_ahead

    def counted(ballots: Any, workers: int = 2) -> Any:
        checked.append(len(ballots))
        return real(ballots, workers)

    monkeypatch.setattr("psephos.contests.casting.service.check_ahead", counted)
    proved: list[int] = []  # the width of each ballot whose proof was checked
    verify_randomness = signing.verify_randomness

    def measured(contest: str, public: bytes, ballot: bytes, proof: bytes) -> bool:
        proved.append(len(ballot) // 64)
        return verify_randomness(contest, public, ballot, proof)

    monkeypatch.setattr(signing, "verify_randomness", measured)
    monkeypatch.setenv("PSEPHOS_FAILED_CODES_PER_MINUTE", "1000")
    contest, secrets = open_with_voters(tmp_path, members=44, supporters=0)
    path = f"/api/contests/{contest.slug}/ballots"
    tokens = [secret.link_token for secret in secrets.values()]
    honest = [_sealed_body(contest, token, ["Bob", "Alice"]) for token in tokens[:40]]
    spoiled = {  # body sent fast, its twin sent to the API view: the answers must match
        "bad signature": [_sealed_body(contest, tokens[i], ["Alice"], signature="00" * 64)
                          for i in (40, 41)],
        "copied proof": [_sealed_body(contest, tokens[i], ["Alice"], proof_of=honest[0])
                         for i in (42, 43)],
        "another's credential": [_sealed_body(contest, tokens[0], ["Alice"]) for _ in range(2)],
    }
    spoiled["wider than the paper"] = [  # proved and signed by the sender, but refused
        _sealed_body(contest, tokens[i], ["Alice"], width=40) for i in (41, 43)]
    spoiled["another's credential"] = [
        json.dumps({**json.loads(body), "credential": tokens[i]}).encode()
        for body, i in zip(spoiled["another's credential"], (40, 42), strict=True)]
    fast = asyncio.run(_calls(app, [(path, body, "application/json", "127.0.0.1")
                                    for body in [*honest, *(b[0] for b in spoiled.values())]]))
    assert [status for status, _, _ in fast[:40]] == [201] * 40
    for (status, _, body), (kind, (_, twin)) in zip(fast[40:], spoiled.items(), strict=True):
        slow = _django(path, twin)
        assert (status, body) == (slow[0], slow[2]) and status in (400, 403), (kind, body)
    assert Ballot.objects.filter(contest=contest).count() == 40
    assert max(checked) >= 2, checked  # at least one batch checked several at once
    paper = len(ballot_paper(contest).pks)
    assert proved and set(proved) == {paper}  # no work on a ballot wider than the paper


def test_lifespan_tunes_each_worker(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.web import asgi
    from psephos.web.asgi import GC_THRESHOLD, SWITCH_INTERVAL

    warmed: list[bool] = []
    real_warm_up = asgi.warm_up
    monkeypatch.setattr(asgi, "warm_up", lambda: warmed.append(True) or real_warm_up())

    threshold, interval = gc.get_threshold(), sys.getswitchinterval()
    inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    outbox: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return inbox.pop(0)

    async def send(message: dict[str, Any]) -> None:
        outbox.append(message)

    try:
        asyncio.run(app({"type": "lifespan"}, receive, send))
        assert [m["type"] for m in outbox] == ["lifespan.startup.complete",
                                               "lifespan.shutdown.complete"]
        assert gc.get_threshold()[0] == GC_THRESHOLD
        assert sys.getswitchinterval() == SWITCH_INTERVAL
        assert warmed == [True]  # Django's first request made before any casts wait on it
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        sys.setswitchinterval(interval)


def test_group_commit_writes_an_item_that_fails_alone_without_failing_the_rest(
        db: str) -> None:
    from psephos.contests.casting.groupcommit import GroupCommit

    batches: list[list[int]] = []

    def write(items: Any) -> list[Any]:
        batches.append(list(items))
        if 13 in items and len(items) > 1:
            raise ValueError("a clash in the batch")
        return [ValueError("thirteen") if item == 13 else item * 2 for item in items]

    group: GroupCommit[int, int] = GroupCommit(write)
    assert group.commit([1, 13, 5]) [0] == 2
    outcomes = group.commit([1, 13, 5])
    assert outcomes[0] == 2 and outcomes[2] == 10 and str(outcomes[1]) == "thirteen"
    assert batches[-3:] == [[1], [13], [5]]  # the batch, then each alone

    gate = threading.Event()
    results: dict[int, Any] = {}

    def caller(n: int) -> None:
        gate.wait(10)
        try:
            results[n] = group.run(n)
        except ValueError as error:
            results[n] = str(error)
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(30)
    assert results == {n: "thirteen" if n == 13 else 2 * n for n in range(20)}
