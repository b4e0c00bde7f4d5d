"""The casting package (`psephos.contests.casting`): one batcher for callers that wait and
callers that do not, each secret hashed once per request, bounded caches, one tracker form."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.contests.helpers import open_with_voters


def test_one_batcher_serves_waiting_and_not_waiting_callers_together(db: str) -> None:
    from django.db import connection

    from psephos.contests.casting.groupcommit import GroupCommit

    batches: list[list[int]] = []

    def write(items: Any) -> list[Any]:
        batches.append(list(items))
        return [ValueError("thirteen") if item == 13 else item * 2 for item in items]

    group: GroupCommit[int, int] = GroupCommit(write)
    gate = threading.Event()
    answered: dict[int, Any] = {}
    all_in = threading.Event()

    def done(n: int) -> Any:
        def record(outcome: Any) -> None:
            answered[n] = str(outcome) if isinstance(outcome, Exception) else outcome
            if len(answered) == 40:
                all_in.set()
        return record

    def waiting(n: int) -> None:
        gate.wait(10)
        try:
            done(n)(group.run(n))
        except ValueError as error:
            done(n)(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=waiting, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    gate.set()
    for n in range(20, 40):
        group.submit(n, done(n))  # returns at once; the batcher's own thread may write
    for thread in threads:
        thread.join(30)
    assert all_in.wait(30)
    assert answered == {n: "thirteen" if n == 13 else 2 * n for n in range(40)}
    assert sorted(n for batch in batches for n in batch if n != 13) == \
        [n for n in range(40) if n != 13]
    assert len(batches) < 40  # shared transactions, not one each


def test_a_secret_is_hashed_once_per_cast(db: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    from psephos.contests import tokens
    from psephos.contests.models import Ballot

    contest, secrets = open_with_voters(tmp_path, members=3, supporters=0)
    calls: list[str] = []
    real = tokens.credential_hashes

    def counted(secret: str) -> tuple[str, str]:
        calls.append(secret)
        return real(secret)

    monkeypatch.setattr(tokens, "credential_hashes", counted)
    client = Client(HTTP_HOST="127.0.0.1")
    link = f"/vote/{contest.slug}/{secrets['M1'].link_token}/"
    client.get(link)
    page = client.get(link)
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    calls.clear()
    cast = client.post(link, {"step": "cast", "pref-1": "Alice", "csrfmiddlewaretoken": token})
    assert cast.status_code == 302, cast.content.decode()[:500]
    assert len(calls) == 1, calls
    calls.clear()
    answer = client.post(f"/api/contests/{contest.slug}/ballots",
                         {"credential": secrets["M2"].postal_code, "ranking": ["Bob"]},
                         content_type="application/json")
    assert answer.status_code == 201 and len(calls) == 1, calls
    calls.clear()
    refused = client.post(f"/api/contests/{contest.slug}/ballots",
                          {"credential": secrets["M2"].postal_code, "ranking": ["Bob"]},
                          content_type="application/json")
    assert refused.status_code == 409 and len(calls) == 1, calls  # the refusal's look-up too
    assert Ballot.objects.filter(contest=contest).count() == 2


def test_bounded_cache_keeps_the_most_recently_used() -> None:
    from psephos.contests.casting.cache import BoundedCache

    cache: BoundedCache[int, str] = BoundedCache(3)
    for n in range(3):
        cache.put(n, str(n))
    assert cache.get(0) == "0"  # used: 1 is now the oldest
    cache.put(3, "3")
    assert len(cache) == 3 and cache.get(1) is None
    assert [cache.get(n) for n in (0, 2, 3)] == ["0", "2", "3"]


def test_the_casting_caches_are_bounded() -> None:
    from psephos.contests.casting import lookup, paper

    assert lookup._TEMPLATES.limit == paper._PAPERS.limit == 1000


def test_trackers_are_printed_and_read_one_way() -> None:
    from psephos.contests.casting.trackers import format_tracker
    from psephos.crypto.ballot_signatures import printed_tracker

    tracker = printed_tracker(bytes(range(32)))
    assert len(tracker) == 24 and tracker.count("-") == 4
    assert format_tracker(tracker.lower().replace("-", " ")) == tracker
    assert format_tracker("o0il-abcd") == "0011-ABCD"
