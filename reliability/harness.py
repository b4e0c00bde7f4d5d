"""The harness's plumbing: databases, `psephos serve` started and killed, demo contests.

Every server listens on 127.0.0.1 on a free port; every database is made for the run (a
SQLite file in a temporary folder, or a fresh database on the PostgreSQL server named by
``PSEPHOS_TEST_DATABASE_URL``) and thrown away after it. The harness process itself talks
to the same database through Django (`psephos.web.setup`), to count rows and to play the
attacker who can read and write the tables.
"""

from __future__ import annotations

import atexit
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

#: Candidates of the harness's contests: five, so that rankings are many and chance small.
CANDIDATES = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra",
              "Barbara Liskov")
SERVER_START_SECONDS = 120


@dataclass
class Database:
    """One database under test: its label in the table, its URL, and the run's folder."""

    label: str
    url: str
    folder: Path
    #: Created by the harness on a shared server: the URL of its maintenance database.
    admin_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def use(self) -> None:
        """Point this process's Django at the database (schema brought up to date), without
        the server's connection pool: the harness's threads end without handing their
        connections back, and a pool of ten would soon lend none (PoolTimeout)."""
        from psephos.web import migrate_quietly, setup, use_database_config
        from psephos.web.settings import database_config

        setup(migrate=False)
        config = database_config(self.url)
        config["OPTIONS"] = {k: v for k, v in config.get("OPTIONS", {}).items()
                             if k != "pool"}
        use_database_config(config)
        migrate_quietly()


def close_connections() -> None:
    """Close this process's Django connections (if Django is set up at all)."""
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()


def _with_path(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def create_postgres_database(server_url: str, prefix: str = "psephos_reliability") -> str:
    """A new, empty database on the server ``server_url`` names; its URL."""
    import psycopg

    name = f"{prefix}_{os.getpid()}_{random.randrange(10**6)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_path(server_url, name)


def drop_postgres_database(url: str) -> None:
    import psycopg

    close_connections()
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    with psycopg.connect(_with_path(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite_database(folder: Path, name: str = "reliability") -> Iterator[Database]:
    path = folder / f"{name}.sqlite3"
    yield Database("SQLite", f"sqlite:///{path}", folder)


@contextmanager
def postgres_database(server_url: str, folder: Path) -> Iterator[Database]:
    url = create_postgres_database(server_url)
    try:
        yield Database("PostgreSQL", url, folder, admin_url=server_url)
    finally:
        drop_postgres_database(url)


def copy_database(db: Database, name: str) -> Database:
    """A copy of ``db`` (every table, as it stands) for a test that damages it."""
    close_connections()
    if db.is_sqlite:
        source = Path(urllib.parse.urlsplit(db.url).path)
        target = db.folder / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
        return Database(db.label, f"sqlite:///{target}", db.folder)
    import psycopg

    source_name = urllib.parse.urlsplit(db.url).path.lstrip("/")
    target_name = f"{source_name}_{name}"[:63]
    with psycopg.connect(_with_path(db.url, "postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (source_name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target_name}" TEMPLATE "{source_name}"')
    return Database(db.label, _with_path(db.url, target_name), db.folder,
                    admin_url=db.admin_url)


def discard_copy(copy: Database) -> None:
    if not copy.is_sqlite:
        drop_postgres_database(copy.url)


def definition(slug: str) -> dict[str, Any]:
    """A one-section contest of `CANDIDATES` counted by AV, with no timetable (so that a
    timetable which runs the ballot never closes it under the harness)."""
    return {
        "contest": {"slug": slug, "name": f"Reliability {slug}", "method": "av", "seats": 1,
                    "dedupe_by": "email"},
        "sections": [{"slug": "members", "name": "Members", "priority": 0}],
        "candidates": [{"name": name, "consented": True, "incumbent": True}
                       for name in CANDIDATES],
        "nominations": {"incumbent_bypass": True},
    }


@dataclass(frozen=True)
class Voter:
    member_number: str
    link_token: str
    postal_code: str


def make_contest(db: Database, voters: int, slug: str | None = None
                 ) -> tuple[str, list[Voter]]:
    """An open contest with ``voters`` voters in ``db``; its slug and the voters' secrets
    in roll order."""
    db.use()
    from sealed import run_ceremony

    from psephos.contests.credentials import issue_credentials
    from psephos.contests.definition import create_contest, parse_definition
    from psephos.contests.electorate import import_rows
    from psephos.contests.lifecycle import open_contest

    slug = slug or f"rel-{random.randrange(16**8):08x}"
    contest = create_contest(parse_definition(definition(slug), f"{slug}.toml"),
                             actor="reliability")
    members = contest.sections.get(slug="members")
    rows = ((i + 2, {"member_number": f"R{i:08d}", "email": f"voter{i}@example.org",
                     "name": f"Voter {i}", "joined": date(2010, 1, 1) + timedelta(days=i % 2000),
                     "arrears_paid": True}) for i in range(voters))
    import_rows(contest, members, rows)
    secrets: dict[str, tuple[str, str]] = {}
    issue_credentials(contest, sink=lambda voter, secret: secrets.__setitem__(
        voter.member_number, (secret.link_token, secret.postal_code)), actor="reliability")
    run_ceremony(contest, db.folder)  # sealed ballots: a key first (a no-op otherwise)
    open_contest(contest, actor="reliability")
    close_connections()
    return slug, [Voter(number, *secrets[number]) for number in sorted(secrets)]


def counts(db: Database, slug: str) -> dict[str, int]:
    """Ballots, voted marks and audit entries now in the database."""
    db.use()
    from psephos.contests.models import AuditEntry, Ballot, VotedMark

    return {"ballots": Ballot.objects.filter(contest__slug=slug).count(),
            "marks": VotedMark.objects.filter(contest__slug=slug).count(),
            "audit": AuditEntry.objects.count()}


def trackers(db: Database, slug: str) -> set[str]:
    db.use()
    from psephos.contests.models import Ballot

    return set(Ballot.objects.filter(contest__slug=slug).values_list("tracker", flat=True))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


#: Every server process group started and not yet stopped, killed at exit (Ctrl-C too).
RUNNING: set[int] = set()


@atexit.register
def _kill_leftovers() -> None:
    for group in list(RUNNING):
        with suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)


class Server:
    """`psephos serve` on loopback, in its own process group so kill -9 takes every worker."""

    def __init__(self, db: Database, *, workers: int | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.db, self.workers, self.env = db, workers, env or {}
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = db.folder / "server.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        close_connections()
        self.port = free_port()
        env = {**os.environ, "PSEPHOS_DATA_DIR": str(self.db.folder),
               "PSEPHOS_STATIC_ROOT": str(self.db.folder / "static"), **self.env}
        command = [sys.executable, "-m", "psephos", "serve", "--database", self.db.url,
                   "--port", str(self.port)]
        if self.workers:
            command += ["--workers", str(self.workers)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log,
                                            start_new_session=True)
        RUNNING.add(self.process.pid)
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"psephos serve exited with status {self.process.returncode}"
                                   f": {self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/contests", timeout=5):
                    return self
            except OSError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError("psephos serve did not answer within "
                           f"{SERVER_START_SECONDS} s: {self.tail()}")

    def tail(self) -> str:
        try:
            return " | ".join(self.log.read_text(errors="replace").strip().splitlines()[-3:])
        except OSError:
            return ""

    def kill(self) -> None:
        """kill -9 of the whole server: the main process and every worker."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        RUNNING.discard(self.process.pid)
        self.process = None

    def stop(self) -> None:
        """Ctrl-C, as an operator stops it; whatever of its group is left then gets kill -9."""
        if self.process is None:
            return
        group = self.process.pid
        try:
            os.killpg(group, signal.SIGINT)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            pass
        with suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.process.wait()
        RUNNING.discard(group)
        self.process = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def psephos(db: Database, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """A `psephos contest ...` command on ``db``, as an operator would run it."""
    env = {**os.environ, "PSEPHOS_DATA_DIR": str(db.folder)}
    return subprocess.run([sys.executable, "-m", "psephos", "contest", "--database", db.url,
                           *args], env=env, capture_output=True, text=True, timeout=timeout)


def command_exists(db: Database, *args: str) -> bool:
    """Whether `psephos contest ARGS --help` is a command of this tree."""
    return psephos(db, *args, "--help").returncode == 0


HEX64 = re.compile(r"\b[0-9a-f]{64}\b")
TRACKER = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
