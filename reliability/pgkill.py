"""kill -9 of PostgreSQL itself mid-load, on a throwaway cluster of the harness's own.

A shared server is never killed: a cluster of its own (`cluster.throwaway_cluster`) is
made for this check, and deleted after it. Mid-load its postmaster
gets SIGKILL (its backends then exit by themselves, as after a crash); the clients stop
sending, the cluster is started again (crash recovery replays its WAL), and the same
figures as for the server's kill are taken through the still-running `psephos serve`,
which must reconnect on its own.
"""

from __future__ import annotations

import random
import threading
import time

from client import describe, tally
from cluster import Cluster, throwaway_cluster
from crash import GOAL, figures, verdict
from harness import Database, Server, Voter, close_connections, counts, make_contest
from load import cast_votes
from report import Row


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
