"""Reliability figures of the members' ballot, on SQLite and PostgreSQL, as one table.

    python reliability/run.py --out RELIABILITY.md     # everything (about 10-15 minutes)
    python reliability/run.py --quick                  # smaller runs (about 7 minutes)
    python reliability/run.py --only crash,races --sqlite-only

Each check is a function of its own (see ``CHECKS``); one that fails to run gives a row
"not measured" with the reason, and the others go on. PostgreSQL is, by default, a throwaway
cluster of the harness's own (``initdb`` and ``pg_ctl``, a temporary folder, its own
port): some checks exhaust the server's connections, which on a shared server would
refuse everyone else's. ``--postgres URL`` uses that server instead (a fresh database is
made for the run and dropped after). The kill -9 of PostgreSQL itself always runs on a
cluster of its own. Everything listens on
127.0.0.1 only, and every loop is bounded.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from harness import Database, postgres_database, sqlite_database
from report import Row, summary, table


@dataclass(frozen=True)
class Sizes:
    """How big each check's run is: full (`make reliability`) or ``--quick``."""

    crash_runs: int
    crash_voters: int
    crash_clients: int
    racers: int
    race_voters: int
    linkage_voters: int
    schemathesis_examples: int
    unknown_codes: int
    wrong_passwords: int
    latency_casts: int


FULL = Sizes(crash_runs=3, crash_voters=3000, crash_clients=100, racers=200, race_voters=300,
             linkage_voters=300, schemathesis_examples=200, unknown_codes=1000,
             wrong_passwords=30, latency_casts=3000)
QUICK = Sizes(crash_runs=1, crash_voters=600, crash_clients=50, racers=200, race_voters=60,
              linkage_voters=100, schemathesis_examples=5, unknown_codes=1000,
              wrong_passwords=12, latency_casts=200)

Check = Callable[[Database, Sizes], list[Row]]


def _crash(db: Database, sizes: Sizes) -> list[Row]:
    from crash import server_kill

    return server_kill(db, runs=sizes.crash_runs, voters=sizes.crash_voters,
                       clients=sizes.crash_clients)


def _postgres_kill(db: Database, sizes: Sizes) -> list[Row]:
    from pgkill import postgres_kill

    return postgres_kill(db, voters=sizes.crash_voters, clients=sizes.crash_clients)


def _races(db: Database, sizes: Sizes) -> list[Row]:
    from races import races

    return races(db, racers=sizes.racers, voters=sizes.race_voters)


def _linkage(db: Database, sizes: Sizes) -> list[Row]:
    from linkage import linkage

    return linkage(db, voters=sizes.linkage_voters)


def _codes(db: Database, sizes: Sizes) -> list[Row]:
    from codes import unknown_codes

    return unknown_codes(db, guesses=sizes.unknown_codes)


def _schemathesis(db: Database, sizes: Sizes) -> list[Row]:
    from fuzz import schemathesis_run

    return schemathesis_run(db, examples=sizes.schemathesis_examples)


def _tamper(db: Database, sizes: Sizes) -> list[Row]:
    from tamper import tamper

    return tamper(db)


def _passwords(db: Database, sizes: Sizes) -> list[Row]:
    from passwords import password_guessing

    return password_guessing(db, wrong=sizes.wrong_passwords, casts=sizes.latency_casts)


CHECKS: dict[str, tuple[str, Check]] = {
    "crash": ("kill -9 of the server mid-load", _crash),
    "races": ("races", _races),
    "linkage": ("linkage attack", _linkage),
    "codes": ("concurrent unknown codes", _codes),
    "schemathesis": ("schemathesis", _schemathesis),
    "tamper": ("tamper tests", _tamper),
    "passwords": ("admin password guessing", _passwords),
    "pgkill": ("kill -9 of PostgreSQL mid-load", _postgres_kill),
}


def run_checks(db: Database, names: list[str], sizes: Sizes) -> list[Row]:
    rows: list[Row] = []
    for name in names:
        if name == "pgkill" and db.is_sqlite:
            continue
        title, check = CHECKS[name]
        started = time.monotonic()
        print(f"{db.label}: {title} ...", flush=True)
        try:
            found = check(db, sizes)
        except Exception as error:  # one check failing to run must not stop the others
            traceback.print_exc()
            found = [Row(title, db.label, "runs", f"could not run: {type(error).__name__}: "
                         f"{str(error).strip().splitlines()[0] if str(error).strip() else ''}",
                         None)]
        for row in found:
            print(f"  {row.check}: {row.measured} -> {row.verdict}", flush=True)
        print(f"  ({time.monotonic() - started:.0f} s)", flush=True)
        rows += found
    return rows


@contextmanager
def postgres_server(choice: str) -> Iterator[str]:
    """The URL of the PostgreSQL server to use: ``choice``, or a throwaway cluster."""
    if choice != "own":
        yield choice
        return
    from cluster import throwaway_cluster

    with throwaway_cluster() as cluster:
        yield f"{cluster.url}/postgres"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (about 7 minutes)")
    parser.add_argument("--only", default="", help="comma-separated checks: " + ", ".join(CHECKS))
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--postgres", default="own", metavar="URL",
                        help="a PostgreSQL server to make the run's database on (default "
                             "'own': a throwaway cluster; the connections' exhaustion some "
                             "checks cause would refuse the other users of a shared server)")
    parser.add_argument("--out", type=Path, help="write RELIABILITY.md here")
    args = parser.parse_args()
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(CHECKS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        parser.error(f"unknown check(s) {', '.join(unknown)}; choose from {', '.join(CHECKS)}")
    sizes = QUICK if args.quick else FULL
    started = time.monotonic()
    load_at_start = os.getloadavg()[0]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="psephos-reliability-") as tmp:
        folder = Path(tmp)
        os.environ["PSEPHOS_DATA_DIR"] = str(folder)  # one secret key for harness and server
        os.environ.setdefault("PSEPHOS_STATIC_ROOT", str(folder / "static"))
        if not args.postgres_only:
            with sqlite_database(folder) as db:
                rows += run_checks(db, names, sizes)
        if not args.sqlite_only:
            with postgres_server(args.postgres) as server, \
                    postgres_database(server, folder) as db:
                rows += run_checks(db, names, sizes)
        rows = [replace(r, measured=r.measured.replace(tmp, "<run folder>")) for r in rows]
    minutes = (time.monotonic() - started) / 60
    print()
    print(table(rows))
    print(f"\n{summary(rows)} ({minutes:.1f} minutes)")
    if args.out:
        from document import write_document

        write_document(args.out, rows, quick=args.quick, minutes=minutes,
                       load_at_start=load_at_start)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
