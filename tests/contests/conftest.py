"""A real database for the contest services: SQLite always, PostgreSQL too when
``PSEPHOS_TEST_DATABASE_URL`` names a server (a fresh database is made and dropped).

Each test that asks for ``db`` gets the database empty (flushed afterwards, so the tests
may commit, as the concurrency tests must), and the default connection is put back
afterwards for other test folders that use Django.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

_FOLDER = tempfile.mkdtemp(prefix="psephos-contest-tests-")
os.environ.setdefault("PSEPHOS_DATA_DIR", _FOLDER)
os.environ.setdefault("PSEPHOS_SECRET_KEY", "contest-tests-" + uuid.uuid4().hex)
os.environ.setdefault("PSEPHOS_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

PG_URL = os.environ.get("PSEPHOS_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _fresh_postgres(url: str) -> tuple[str, str]:
    """Create an empty database beside the one ``url`` names; (its URL, its name)."""
    import psycopg

    name = f"psephos_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """A migrated database of one kind, for the whole session; yields its DATABASES entry."""
    from psephos.web import setup, use_database_config
    from psephos.web.settings import database_config

    _unblock(request)
    dropped: tuple[str, str] | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{Path(_FOLDER) / 'contests.sqlite3'}"
    else:
        url, name = _fresh_postgres(PG_URL)
        dropped = (PG_URL, name)
    previous = _current()
    setup(url)
    config = database_config(url)
    config["TEST_URL"] = url
    if previous is not None:
        use_database_config(previous)
    try:
        yield config
    finally:
        from django.db import connections

        connections.close_all()
        if dropped:
            _drop_postgres(*dropped)


def _current() -> dict[str, Any] | None:
    from django.apps import apps

    if not apps.ready:
        return None
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def _unblock(request: pytest.FixtureRequest) -> None:
    """Let these tests reach the database if pytest-django is installed and blocking it."""
    try:
        blocker = request.getfixturevalue("django_db_blocker")
    except pytest.FixtureLookupError:
        return
    blocker.unblock()
    request.addfinalizer(blocker.restore)


@pytest.fixture
def db(backend: dict[str, Any], request: pytest.FixtureRequest) -> Iterator[str]:
    """The database, empty; yields the backend's name ('sqlite' or 'postgresql')."""
    from django.core.management import call_command
    from django.db import connections

    from psephos.web import use_database_config

    _unblock(request)
    previous = _current()
    use_database_config({k: v for k, v in backend.items() if k != "TEST_URL"})
    try:
        yield "postgresql" if "postgresql" in backend["ENGINE"] else "sqlite"
    finally:
        connections.close_all()
        call_command("flush", interactive=False, verbosity=0)
        connections.close_all()
        if previous is not None:
            use_database_config(previous)


@pytest.fixture
def db_url(backend: dict[str, Any], db: str) -> str:
    """The URL of the test database, for `psephos contest --database`."""
    return str(backend["TEST_URL"])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_FOLDER, ignore_errors=True)
