"""The rate limit's counts in a cache every worker shares (``PSEPHOS_CACHE_URL``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The middle of one counting window for the whole test: no new minute midway."""
    import time

    middle = (time.time() // 60) * 60 + 30
    monkeypatch.setattr("psephos.contests.throttle.clock", lambda: middle)


@pytest.fixture
def database_cache(db: str) -> Iterator[Any]:
    """The database cache several workers share, its table made, empty; emptied after."""
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import override_settings

    from psephos.web.settings import cache_config

    with override_settings(CACHES={"default": cache_config("database")}):
        call_command("createcachetable", verbosity=0)
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


def test_cache_urls_name_a_backend_or_say_what_is_wrong() -> None:
    from psephos.web.settings import CACHE_TABLE, cache_config

    assert cache_config(None)["BACKEND"].endswith("LocMemCache")
    assert cache_config("memory")["BACKEND"].endswith("LocMemCache")
    assert cache_config("database") == {
        "BACKEND": "psephos.web.cache.DatabaseCache", "LOCATION": CACHE_TABLE}
    with pytest.raises(ValueError, match="use memory, database or redis://HOST:PORT/N"):
        cache_config("memcached://127.0.0.1")


def test_failed_codes_counted_by_one_worker_hold_back_another(db: str, one_minute: None) -> None:
    """Two threads with two database connections stand for two worker processes."""
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpRequest
    from django.test import override_settings

    from psephos.contests.throttle import record_failure, retry_after
    from psephos.web.settings import cache_config

    request = HttpRequest()
    request.META = {"REMOTE_ADDR": "203.0.113.9"}
    with override_settings(CACHES={"default": cache_config("database")},
                           PSEPHOS_FAILED_CODES_PER_MINUTE=3):
        call_command("createcachetable", verbosity=0)
        assert retry_after(request, "c") is None

        def other_worker() -> None:
            try:
                for _ in range(3):
                    record_failure(request, "c")
            finally:
                connection.close()

        worker = threading.Thread(target=other_worker)
        worker.start()
        worker.join(30)
        wait: Any = retry_after(request, "c")
        assert wait is not None and 0 < wait <= 60
        other = HttpRequest()
        other.META = {"REMOTE_ADDR": "203.0.113.10"}
        assert retry_after(other, "c") is None  # another address is not held back
        from django.core.cache import cache

        cache.clear()


def test_serve_with_several_workers_counts_in_the_database(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.conf import settings
    from django.core.cache import caches

    from psephos.cli.serve import _shared_cache
    from psephos.web.cache import DatabaseCache

    monkeypatch.delenv("PSEPHOS_CACHE_URL", raising=False)
    previous = settings.CACHES
    try:
        _shared_cache(1)
        assert not isinstance(caches["default"], DatabaseCache)
        _shared_cache(2)
        assert isinstance(caches["default"], DatabaseCache)
        caches["default"].add("k", 1)
        assert caches["default"].incr("k", 2) == 3
    finally:
        settings.CACHES = previous
        caches._settings = None
        caches.__dict__.pop("settings", None)
        from asgiref.local import Local

        caches._connections = Local()


def test_a_count_starts_even_when_the_cache_refuses_an_add_for_a_moment(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Django's database cache ``add`` answers False without writing when the database
    refuses it for a moment (it swallows the error); a thousand concurrent codes on SQLite
    then raised "Key ... not found" from the ``incr`` after it."""
    from django.core.cache import cache, caches
    from django.core.management import call_command
    from django.test import override_settings

    from psephos.contests import throttle
    from psephos.web.settings import cache_config

    with override_settings(CACHES={"default": cache_config("database")}):
        call_command("createcachetable", verbosity=0)
        monkeypatch.setattr(type(caches["default"]), "add", lambda *args, **kwargs: False)
        assert throttle._add("psephos:test:count", 60) == 1
        assert throttle._add("psephos:test:count", 60, 2) == 3
        assert cache.get("psephos:test:count") == 3
        cache.set("psephos:test:old", 7, timeout=-1)  # an expired count starts afresh
        assert throttle._add("psephos:test:old", 60) == 1
        cache.clear()


def test_the_database_cache_commits_without_waiting_for_the_disk(
        db: str, database_cache: Any) -> None:
    """On PostgreSQL the rate limit's counts commit with synchronous_commit off (each cast
    made three or four waits for the disk: p99 2.3 s at 200 casts/s in make reliability),
    but never a caller's transaction, whose durability is its own."""
    if db != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    cache = database_cache
    with CaptureQueriesContext(connection) as queries:
        cache.add("k", 0, timeout=60)
        assert cache.incr("k", 2) == 2
        cache.decr("k")
        cache.delete("k")
    unsynced = [q["sql"] for q in queries.captured_queries
                if "synchronous_commit" in q["sql"]]
    assert len(unsynced) == 4
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # only the cache's own transactions
    with transaction.atomic(), CaptureQueriesContext(connection) as inside:
        cache.add("j", 0, timeout=60)
        cache.incr("j")
    assert not [q for q in inside.captured_queries if "synchronous_commit" in q["sql"]]


def test_on_sqlite_the_counts_commit_without_waiting_for_the_disk(
        db: str, database_cache: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite a change of the counts commits with synchronous=NORMAL, then the
    connection is back at its own level (FULL, for the casts' commits); a caller's
    transaction is left as it is."""
    if db != "sqlite":
        pytest.skip("PRAGMA synchronous is SQLite's")
    from django.db import connection, transaction

    from psephos.web import cache as shared

    def level() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            return int(cursor.fetchone()[0])

    seen: list[int] = []
    write_counts = shared.DatabaseCache._write_counts

    def recording(self: Any, *args: Any) -> None:
        seen.append(level())
        write_counts(self, *args)

    monkeypatch.setattr(shared.DatabaseCache, "_write_counts", recording)
    cache = database_cache
    full = level()
    assert full == 2  # FULL, as psephos.web.settings opens every SQLite connection
    assert cache.count_many({"k": (1, 60)}) == {"k": 1}
    assert (seen, level()) == ([1], full)  # NORMAL for the counts' own commit only
    with transaction.atomic():
        assert cache.count_many({"k": (1, 60)}) == {"k": 2}
    assert (seen, level()) == ([1, full], full)


def test_several_counts_change_in_one_transaction(database_cache: Any) -> None:
    """A batch of casts reserves (and settles) its code attempts with one change of the
    counts: up starts a missing or expired count, down never starts one, zero reads."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache = database_cache
    cache.set("live", 5, timeout=60)
    cache.set("old", 9, timeout=-1)
    with CaptureQueriesContext(connection) as queries:
        after = cache.count_many({"new": (2, 60), "live": (3, 60), "old": (1, 60),
                                  "gone": (-1, 0), "read": (0, 0), "down": (0, 0)})
    assert after == {"new": 2, "live": 8, "old": 1, "gone": 0, "read": 0, "down": 0}
    statements = [q["sql"] for q in queries.captured_queries
                  if q["sql"].split()[0] in ("INSERT", "SELECT", "UPDATE")]
    assert len(statements) == 3, statements
    assert cache.get("new") == 2 and cache.get("live") == 8 and cache.get("old") == 1
    assert cache.get("gone") is None  # a count down never starts a count
    assert cache.count_many({"live": (-2, 0), "new": (-1, 0)}) == {"live": 6, "new": 1}
    assert cache.get("live") == 6


def test_a_batch_takes_the_attempts_one_by_one_would(db: str, one_minute: None) -> None:
    """Reserved together, a client's attempts are the first ones the limit allows, the
    rest refused and given back; settled together, failures stay counted."""
    from django.core.cache import caches
    from django.core.management import call_command
    from django.http import HttpRequest
    from django.test import override_settings

    from psephos.contests import throttle
    from psephos.web.settings import cache_config

    def client(address: str) -> HttpRequest:
        request = HttpRequest()
        request.META = {"REMOTE_ADDR": address}
        return request

    one, two = client("203.0.113.1"), client("203.0.113.2")
    with override_settings(CACHES={"default": cache_config("database")},
                           PSEPHOS_FAILED_CODES_PER_MINUTE=3):
        call_command("createcachetable", verbosity=0)
        caches["default"].clear()
        throttle.record_failure(one, "c")
        outcomes = throttle.reserve_many([(one, "c"), (two, "c"), (one, "c"), (one, "c"),
                                          (one, "d")])
        taken = [isinstance(o, throttle.Attempt) for o in outcomes]
        assert taken == [True, True, True, False, True]  # one has 1 failure + 2 in flight
        refusal = outcomes[3]
        assert isinstance(refusal, throttle.TooManyFailures)
        assert str(refusal) == throttle.BUSY_MESSAGE  # not failures: codes in flight
        attempts = [o for o in outcomes if isinstance(o, throttle.Attempt)]
        in_flight = attempts[0].in_flight
        assert caches["default"].get(in_flight) == 2  # the refused one was given back
        throttle.settle_many([(attempts[0], False), (attempts[1], True), (attempts[2], False),
                              (attempts[3], True)])
        assert caches["default"].get(in_flight) == 0
        assert throttle.retry_after(one, "c") is not None  # 3 failures: the limit
        assert throttle.retry_after(two, "c") is None
        assert throttle.retry_after(one, "d") is None
        again = throttle.reserve_many([(one, "c")])[0]
        assert isinstance(again, throttle.TooManyFailures)
        assert str(again) != throttle.BUSY_MESSAGE
        caches["default"].clear()


def test_a_batch_settles_the_batch_before_in_the_same_change(db: str, one_minute: None) -> None:
    """The attempts of answered casts are settled with the next batch's reservations: one
    change of the counts, in which failures are counted before they are read."""
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpRequest
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    from psephos.contests import throttle
    from psephos.web.settings import cache_config

    client = HttpRequest()
    client.META = {"REMOTE_ADDR": "203.0.113.5"}
    with override_settings(CACHES={"default": cache_config("database")},
                           PSEPHOS_FAILED_CODES_PER_MINUTE=3):
        call_command("createcachetable", verbosity=0)
        cache = caches["default"]
        cache.clear()
        first = throttle.reserve_many([(client, "c"), (client, "c")])
        one, two = (a for a in first if isinstance(a, throttle.Attempt))
        with CaptureQueriesContext(connection) as queries:
            third = throttle.reserve_many([(client, "c")], settling=[(one, False)])[0]
        statements = [q["sql"] for q in queries.captured_queries
                      if q["sql"].split()[0] in ("INSERT", "SELECT", "UPDATE")]
        assert len(statements) == 3, statements
        assert isinstance(third, throttle.Attempt)  # 1 failure + 1 in flight + itself
        assert cache.get(one.failed) == 1 and cache.get(one.in_flight) == 2
        fourth = throttle.reserve_many([(client, "c")], settling=[(two, False)])[0]
        assert isinstance(fourth, throttle.TooManyFailures)  # 2 failures + 1 in flight
        assert str(fourth) == throttle.BUSY_MESSAGE
        assert cache.get(one.failed) == 2 and cache.get(one.in_flight) == 1
        throttle.settle_many([(third, True)])
        assert cache.get(one.in_flight) == 0 and throttle.retry_after(client, "c") is None
        cache.clear()


def test_counts_on_sqlite_take_their_turn_with_the_batches_of_casts(
        db: str, database_cache: Any) -> None:
    """On SQLite a change of the counts waits for the writers' lock file, as each batch of
    casts does, instead of polling for SQLite's writer lock behind another process's
    batch; inside a caller's transaction it takes no turn of its own."""
    import fcntl
    import os
    import time

    from django.db import connection, transaction

    if db != "sqlite":
        pytest.skip("the writers' lock file is SQLite's")
    cache = database_cache
    handle = os.open(str(connection.settings_dict["NAME"]) + "-writers",
                     os.O_RDWR | os.O_CREAT, 0o600)
    changed = threading.Event()

    def count() -> None:
        try:
            cache.count_many({"held": (1, 60)})
            changed.set()
        finally:
            connection.close()

    fcntl.flock(handle, fcntl.LOCK_EX)  # another process's batch, writing
    try:
        counter = threading.Thread(target=count)
        counter.start()
        assert not changed.wait(0.5)  # waits for its turn
    finally:
        os.close(handle)  # the batch is written
    assert changed.wait(30)
    counter.join(30)
    assert cache.get("held") == 1
    with transaction.atomic():  # the caller's own transaction: no second turn
        started = time.monotonic()
        assert cache.count_many({"held": (1, 60)}) == {"held": 2}
        assert time.monotonic() - started < 5
