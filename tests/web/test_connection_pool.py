"""PostgreSQL under the real ASGI server: connections come from a bounded pool, so
hundreds of Django-served requests never hold more than the pool's size (with
``CONN_MAX_AGE=60`` each request leaked one, until PostgreSQL refused everyone)."""

from __future__ import annotations

import os
import secrets
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.web.databases import PG_URL, fresh_database
from tests.web.live import serve

REQUESTS = 400
POOL = 4


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _connections(database: str) -> int:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                           [database]).fetchone()
    return int(row[0]) if row else 0


@pytest.mark.skipif(not PG_URL, reason="needs PSEPHOS_TEST_DATABASE_URL (PostgreSQL)")
def test_django_requests_under_asgi_stay_within_the_pool(tmp_path: Path) -> None:
    with fresh_database("postgresql", tmp_path) as database:
        name = database.rsplit("/", 1)[1]
        env = {k: v for k, v in os.environ.items() if k != "PSEPHOS_DATABASE_URL"}
        env.update(PSEPHOS_DATA_DIR=str(tmp_path / "data"), PSEPHOS_DB_POOL_SIZE=str(POOL),
                   PSEPHOS_SECRET_KEY="pool-" + secrets.token_hex(16))
        with serve(database, env, workers=1, demo=True) as live:
            pages = [live.url, f"{live.url}contests/labour-2016-demo/",
                     live.vote_link, f"{live.url}vote/labour-2016-demo/not-a-token/",
                     f"{live.url}api/contests/labour-2016-demo"]
            seen: list[int] = []
            with ThreadPoolExecutor(max_workers=24) as pool:
                for start in range(0, REQUESTS, 50):
                    statuses = list(pool.map(_status, [pages[i % len(pages)] for i in
                                                       range(start, start + 50)]))
                    assert not [s for s in statuses if s >= 500], statuses
                    seen.append(_connections(name))
        # The pool's connections, and nothing left over by requests that have ended.
        assert max(seen) <= POOL + 1, seen


@pytest.mark.skipif(not PG_URL, reason="needs PSEPHOS_TEST_DATABASE_URL (PostgreSQL)")
def test_no_pooled_connection_is_open_when_the_workers_are_forked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Granian forks its workers: a connection psycopg's pool kept open in the parent was
    one socket in every worker, each reading the others' answers (a cast's query got the
    rate limit's cache row, IndexError and IntegrityError, 500s under load)."""
    import granian
    from django.db import connections

    from psephos.cli import serve
    from tests.web.databases import using_database

    pools_at_fork: list[list[str]] = []

    class Forking:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def serve(self) -> None:
            pools = getattr(connections["default"], "_connection_pools", {})
            pools_at_fork.append(sorted(pools))

    monkeypatch.setattr(granian, "Granian", Forking)
    monkeypatch.setattr(serve, "_start_timetable", serve._tick_once)  # a tick, no thread
    with fresh_database("postgresql", tmp_path) as database, using_database(database):
        from psephos.web import migrate_quietly

        migrate_quietly()  # serve's preparation, which leaves a pooled connection open
        serve._run("127.0.0.1", 0, 2)
    assert pools_at_fork == [[]]
