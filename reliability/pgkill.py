"""kill -9 of PostgreSQL itself mid-load, on a throwaway cluster of the harness's own.

The shared server named by ``PSEPHOS_TEST_DATABASE_URL`` is never touched: ``initdb``
makes a cluster in a temporary folder (as the ``postgres`` system user when the harness
runs as root, which initdb refuses), ``pg_ctl`` starts it on a free port of 127.0.0.1
with ``fsync`` on, and after the run it is stopped and deleted. Mid-load its postmaster
gets SIGKILL (its backends then exit by themselves, as after a crash); the clients stop
sending, the cluster is started again (crash recovery replays its WAL), and the same
figures as for the server's kill are taken through the still-running `psephos serve`,
which must reconnect on its own.
"""

from __future__ import annotations

import os
import pwd
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from client import describe, tally
from crash import GOAL, figures, verdict
from harness import Database, Server, Voter, close_connections, counts, free_port, make_contest
from load import cast_votes
from report import Row

BIN = Path(shutil.which("pg_ctl") or "/usr/local/bin/pg_ctl").parent


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on its own port."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.data = folder, folder / "data"
        self.port = free_port()
        self.log = folder / "postgres.log"

    def _as_owner(self, *command: str) -> list[str]:
        if os.geteuid() != 0:
            return list(command)
        return ["runuser", "-u", "postgres", "--", *command]

    def init(self) -> None:
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        subprocess.run(self._as_owner(str(BIN / "initdb"), "-D", str(self.data), "-A", "trust",
                                      "-U", "postgres", "--no-sync", "-E", "UTF8"),
                       check=True, capture_output=True, timeout=120)

    def start(self, attempts: int = 20) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=on -c synchronous_commit=on -c max_connections=200")
        for _ in range(attempts):
            result = subprocess.run(self._as_owner(
                str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
                "-w", "-t", "60", "start"), capture_output=True, text=True, timeout=90)
            if result.returncode == 0:
                return
            time.sleep(0.5)  # a killed postmaster's backends may still hold its memory
        raise RuntimeError(f"pg_ctl start failed: {result.stderr.strip() or result.stdout}")

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def kill(self) -> None:
        """kill -9 of the postmaster (its backends notice and exit)."""
        os.kill(self.postmaster(), signal.SIGKILL)

    def stop(self) -> None:
        subprocess.run(self._as_owner(str(BIN / "pg_ctl"), "-D", str(self.data), "-m",
                                      "immediate", "-w", "stop"),
                       capture_output=True, timeout=60, check=False)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="psephos-reliability-pg-"))
    cluster = Cluster(folder)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def postgres_kill(db: Database, *, voters: int, clients: int) -> list[Row]:
    with throwaway_cluster() as cluster:
        import psycopg

        with psycopg.connect(f"{cluster.url}/postgres", autocommit=True) as conn:
            conn.execute('CREATE DATABASE "psephos"')
        own = Database("PostgreSQL", f"{cluster.url}/psephos", db.folder)
        slug, roll = make_contest(own, voters)
        audit_before = counts(own, slug)["audit"]
        own_rows = _run(own, cluster, slug, roll, audit_before, clients)
        close_connections()
        db.use()
        return own_rows


def _run(db: Database, cluster: Cluster, slug: str, roll: list[Voter], audit_before: int,
         clients: int) -> list[Row]:
    server = Server(db).start()
    rng = random.Random(3)
    kill_at = rng.randint(len(roll) // 3, len(roll) // 2)
    stop = threading.Event()

    def kill() -> None:
        cluster.kill()
        stop.set()

    timer = threading.Timer(rng.uniform(0.0, 0.05), kill)

    def kill_when(receipts: int) -> bool:
        if receipts >= kill_at and not timer.is_alive() and not timer.finished.is_set():
            timer.start()
        return False

    try:
        casts = cast_votes(server.base, slug, roll[:-50], clients=clients, seed=3,
                           after_receipt=kill_when, stop=stop)
        if timer.is_alive():
            timer.join()
        time.sleep(1.0)
        cluster.start()
        result = figures(db, server.base, slug, roll[:-50], casts, audit_before)
        later = cast_votes(server.base, slug, roll[-50:], clients=5, seed=4)
    finally:
        server.stop()
    refused = describe(tally([s for s in casts.status.values() if s != "201"]))
    accepted_after = sum(1 for s in later.status.values() if s == "201")
    return [Row("kill -9 PostgreSQL mid-load, 1 run", db.label,
                GOAL + "; casts accepted again after its restart",
                f"{len(roll) - 50} voters, {clients} clients, postmaster killed 0-50 ms after "
                f"receipt {kill_at}: {result.text()}; casts not accepted while it was down: "
                f"{refused}; after the restart {accepted_after} of 50 new casts "
                "accepted", verdict(result) and accepted_after == 50)]
