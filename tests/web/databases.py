"""Databases for tests that run the real server and command line: a SQLite file, and a
fresh PostgreSQL database when ``PSEPHOS_TEST_DATABASE_URL`` names a server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PG_URL = os.environ.get("PSEPHOS_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of kind ``backend``; a PostgreSQL one is dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'ballot.sqlite3'}"
        return
    import psycopg

    name = f"psephos_web_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(PG_URL)._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def using_database(url: str) -> Iterator[None]:
    """Point this process's Django at ``url`` for a while, then back (for service calls
    the command line has no command for)."""
    from django.conf import settings
    from django.db import connections

    from psephos.web import use_database, use_database_config

    previous = dict(settings.DATABASES["default"])
    use_database(url)
    try:
        yield
    finally:
        connections.close_all()
        use_database_config(previous)
