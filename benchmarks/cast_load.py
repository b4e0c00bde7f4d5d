"""Casting load: ballots per second through the JSON API of the real production server.

    python benchmarks/cast_load.py                      # SQLite (and PostgreSQL, see below)
    python benchmarks/cast_load.py --voters 5000 --clients 50

For each database: make an open contest with voters and their credentials, start `psephos
serve` (Granian, ``--workers`` processes) on loopback, then ``--clients`` concurrent
clients (keep-alive connections on asyncio, spread over ``--client-processes`` processes)
cast one ballot per credential through ``POST /api/contests/<slug>/ballots``, twice: flat
out (``--voters`` casts, each client sending its next ballot when the last is answered: the
most the server takes) and paced (``--rate-casts`` casts due at ``--rate`` per second,
latency counted from when each was due). Prints casts per second, p50/p99 latency and
errors, the paced run's p99 by 5-second window of the casts' due times (where in the run
the slow casts were: a checkpoint shows as one bad window), and checks that the database
holds exactly one ballot per accepted cast. Request bodies are made before the clock
starts. SQLite is a fresh file in a temporary folder; PostgreSQL is used when
``PSEPHOS_TEST_DATABASE_URL`` is set: a fresh database is made beside the one it names and
dropped afterwards (``--keep`` keeps it), so no run measures the dead rows of the last one
(a server with autovacuum off, like this machine's, never clears them).

Each client connects from an address of its own in 127.0.0.0/8 (127.0.1.1 onwards), as
real voters come from many addresses, and the server runs with the default limit on failed
codes: every cast reserves and settles its attempt in the rate limit's cache, ``--cache``
(default: `psephos serve`'s own choice, its memory with one worker and the database with
more; ``memory`` with several workers is what earlier runs measured: each worker then
counts apart). ``--one-address`` sends everything from 127.0.0.1 instead, with the limit
raised out of reach (one address standing for thousands of voters, whose casts then all
count in one row of the cache). The load generator runs on the same machine as the server
and takes CPU from it; each run's line gives the load average at its end, and the
machine's pace just before and after it (`machine_pace`): on a shared virtual machine the
same work takes up to twice as long in a slow spell, and every figure of a run moves with it.

The goal is >= 1,000 casts/s with p99 < 100 ms. This is a benchmark, not a test: it
sends traffic only to 127.0.0.1, every loop is bounded by the credentials it was given
and by ``--max-seconds``, and it stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

CANDIDATES = ("Jeremy Corbyn", "Owen Smith")
GOAL_RATE, GOAL_P99_MS = 1000.0, 100.0


def make_contest(database_url: str, voters: int, slug: str, signed_by_client: bool = False
                 ) -> list[str]:
    """A Labour 2016 shaped contest, opened, with ``voters`` voters; their link tokens, or
    with ``signed_by_client`` each voter's whole request body: a ballot sealed and signed
    as the voter's browser would (made here, before the clock starts)."""
    from psephos.web import setup

    setup(database_url)

    from psephos.contests.credentials import issue_credentials
    from psephos.contests.definition import create_contest, parse_definition
    from psephos.contests.demo import definition_closing_later
    from psephos.contests.electorate import import_rows
    from psephos.contests.lifecycle import open_contest
    from psephos.contests.trustees import run_local_ceremony

    data = definition_closing_later()
    data["contest"]["slug"] = slug
    contest = create_contest(parse_definition(data, "labour-2016.toml"), actor="bench")
    members = contest.sections.get(slug="members")
    rows = ((i + 2, {"member_number": f"B{i:08d}", "email": f"bench{i}@example.org",
                     "name": f"Voter {i}", "joined": date(2010, 1, 1) + timedelta(days=i % 2000),
                     "arrears_paid": True}) for i in range(voters))
    import_rows(contest, members, rows)
    tokens: list[str] = []
    issue_credentials(contest, sink=lambda voter, secret: tokens.append(secret.link_token),
                      actor="bench")
    run_local_ceremony(contest, 3, 2, Path(tempfile.mkdtemp(prefix="psephos-trustees-")),
                       actor="bench")
    open_contest(contest, actor="bench")
    return signed_bodies(contest, tokens) if signed_by_client else tokens


def signed_bodies(contest: Any, tokens: list[str]) -> list[str]:
    """For each link token, the JSON body of a ballot sealed and signed by the voter."""
    from psephos.contests import sealing
    from psephos.contests.casting.paper import ballot_paper
    from psephos.crypto import credentials, elgamal
    from psephos.crypto.ballot_signatures import prove_randomness, sign_ballot
    from psephos.crypto.group import base_mult, random_scalar

    paper = ballot_paper(contest)
    key = sealing.election_key(contest)
    assert key is not None
    rng = random.Random(7)
    bodies = []
    for token in tokens:
        names = list(CANDIDATES) if rng.random() < 0.6 else list(reversed(CANDIDATES))
        slots = [paper.names.index(name) for name in names]
        scalars = [random_scalar() for _ in paper.pks]
        sealed = elgamal.encrypt_ranking_with(key, slots, len(paper.pks), scalars)
        private = credentials.private_credential(credentials.LINK, token, contest.slug)
        public = base_mult(private)
        bodies.append(json.dumps({
            "credential": token, "ranking": names, "sealed": sealed.hex(),
            "signed_by": public.hex(),
            "signature": sign_ballot(private, contest.slug, sealed).hex(),
            "proof": prove_randomness(contest.slug, public, sealed, scalars).hex()}))
    return bodies


def count_ballots(slug: str) -> int:
    from psephos.contests.models import Ballot

    return Ballot.objects.filter(contest__slug=slug).count()


def count_checkpoints(slug: str) -> tuple[int, int, int]:
    """(the board's checkpoints, the ballots they list, the most one lists) for the
    contest: a ballot is labelled with its block when cast, so only the labels of stored
    blocks count."""
    from django.db.models import Count

    from psephos.contests.models import Ballot, BoardBlock

    numbers = list(BoardBlock.objects.filter(contest__slug=slug)
                   .values_list("number", flat=True))
    sizes = list(Ballot.objects.filter(contest__slug=slug, block__in=numbers)
                 .values("block").annotate(n=Count("pk")).values_list("n", flat=True))
    return len(numbers), sum(sizes), max(sizes, default=0)


@contextmanager
def fresh_postgres(url: str, keep: bool) -> Iterator[str]:
    """The URL of a new, empty database on the server ``url`` names; dropped after."""
    import psycopg

    name = f"psephos_cast_load_{os.getpid()}_{random.randrange(10**6)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept the database {name}")
        else:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) used so far by the server process ``pid`` and every
    process under it (its workers), from /proc; 0 where /proc is not there."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        process = int(stat.parent.name)
        parents[process] = int(fields[1])
        used[process] = (int(fields[11]) + int(fields[12])) / tick
    ours = {pid}
    for _ in range(4):  # the server, its workers and any of theirs
        ours |= {child for child, parent in parents.items() if parent in ours}
    return sum(used.get(process, 0.0) for process in ours)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(database_url: str, port: int, workers: int | None, folder: Path,
                 cache: str, one_address: bool = False) -> subprocess.Popen[str]:
    """`psephos serve` on ``port``; ``workers`` None: its own default for the database;
    ``cache``: its ``PSEPHOS_CACHE_URL`` ("serve": unset, so `psephos serve` chooses).

    With ``one_address`` every client is 127.0.0.1, one address standing for thousands of
    voters, so the limit on failed codes per address (which also bounds one address's
    codes in evaluation at once) is raised out of reach: otherwise all but a few casts at a
    time would be told to retry."""
    env = {**os.environ, "PSEPHOS_DATA_DIR": str(folder), "PYTHONUNBUFFERED": "1"}
    if one_address:
        env["PSEPHOS_FAILED_CODES_PER_MINUTE"] = "1000000"
    env.pop("PSEPHOS_CACHE_URL", None)
    if cache != "serve":
        env["PSEPHOS_CACHE_URL"] = cache
    command = [sys.executable, "-m", "psephos", "serve", "--database", database_url,
               "--port", str(port)] + (["--workers", str(workers)] if workers else [])
    with open(folder / f"server-{port}.log", "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"psephos serve exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contests", timeout=5):
                return process
        except OSError:
            time.sleep(0.25)
    process.kill()
    raise RuntimeError("psephos serve did not answer within 120 s")


def stop_server(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams, for JSON POSTs.

    A load generator on the server's own two cores takes CPU from the server; this one
    spends far less per request than a general client library (aiohttp took over 0.4 ms),
    and the benchmark reports what it used. Bodies are read by their Content-Length, or to
    the end of the connection, which is then opened again.
    """

    def __init__(self, host: str, port: int, source: str | None = None) -> None:
        self.host, self.port, self.source = host, port, source
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                self.host, self.port,
                local_addr=(self.source, 0) if self.source is not None else None)
        assert self.reader is not None
        self.writer.write(f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          f"Content-Type: application/json\r\n"
                          f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            if not error.partial:
                raise ConnectionError("the server closed the connection") from None
            raise
        status_line, *lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        length, close = -1, False
        for line in lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
            elif name.strip().lower() == "connection" and "close" in value.lower():
                close = True
        content = await (self.reader.readexactly(length) if length >= 0 else self.reader.read())
        if close or length < 0:
            self.close()
        return status, content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def source_address(index: int) -> str:
    """The loopback address the ``index``-th client connects from (127.0.1.1 onwards)."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def request_bodies(credentials: list[str], seed: int) -> list[bytes]:
    """The body of each credential's cast, made before the clock starts: a ranking of the
    two candidates (60% in the order named), or the whole body a voter signed."""
    rng = random.Random(seed)
    return [credential.encode() if credential.startswith("{")  # signed by the voter
            else json.dumps({"credential": credential, "ranking": list(
                CANDIDATES if rng.random() < 0.6 else reversed(CANDIDATES))}).encode()
            for credential in credentials]


async def _cast_all(url: str, bodies: list[bytes], clients: int, rate: float,
                    deadline: float, first_client: int | None
                    ) -> tuple[list[tuple[float, float]], dict[str, int]]:
    """Send each body once from ``clients`` concurrent connections: each cast's (seconds
    from the start to when it was due, latency), and the answers' statuses.

    ``rate`` 0: each client sends its next ballot as soon as the last is answered (the most
    the server can take). Otherwise ballots are due at ``rate`` per second whatever the
    server does, and latency counts from when a ballot was due, so time spent queueing for
    a free client is not hidden.
    """
    parts = urllib.parse.urlsplit(url)
    queue = iter(bodies)
    due = itertools.count()
    latencies: list[tuple[float, float]] = []
    outcomes: dict[str, int] = {}
    start = time.perf_counter()

    async def client(number: int) -> None:
        source = None if first_client is None else source_address(first_client + number)
        connection = Connection(parts.hostname or "127.0.0.1", parts.port or 80, source)
        for body in queue:
            if time.monotonic() > deadline:
                break
            scheduled = start + next(due) / rate if rate else time.perf_counter()
            if (wait := scheduled - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            try:
                async with asyncio.timeout(60):
                    status, _ = await connection.post(parts.path, body)
                key = str(status)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    ValueError) as error:
                key = type(error).__name__
                connection.close()
            latencies.append((scheduled - start, time.perf_counter() - scheduled))
            outcomes[key] = outcomes.get(key, 0) + 1
        connection.close()

    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, outcomes


def _client_process(args: tuple[str, list[str], int, float, float, int, int | None, Any]
                    ) -> tuple[list[tuple[float, float]], dict[str, int], float]:
    """One client process's latencies and answers, and the CPU seconds it used casting."""
    url, credentials, clients, rate, max_seconds, seed, first_client, barrier = args
    bodies = request_bodies(credentials, seed)
    barrier.wait()
    before = resource.getrusage(resource.RUSAGE_SELF)
    latencies, outcomes = asyncio.run(_cast_all(url, bodies, clients, rate,
                                                time.monotonic() + max_seconds, first_client))
    after = resource.getrusage(resource.RUSAGE_SELF)
    return latencies, outcomes, (after.ru_utime + after.ru_stime
                                 - before.ru_utime - before.ru_stime)


def run_load(url: str, credentials: list[str], clients: int, processes: int,
             max_seconds: float, rate: float = 0.0, one_address: bool = False) -> Phase:
    """Cast every credential once, from ``processes`` client processes (each client from
    its own loopback address, or all from 127.0.0.1 with ``one_address``)."""
    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    barrier = manager.Barrier(processes + 1)
    shares = [credentials[i::processes] for i in range(processes)]
    per_process = [clients // processes + (1 if i < clients % processes else 0)
                   for i in range(processes)]
    with context.Pool(processes) as pool:
        pending = pool.map_async(_client_process, [
            (url, share, n, rate / processes, max_seconds, i,
             None if one_address else sum(per_process[:i]), barrier)
            for i, (share, n) in enumerate(zip(shares, per_process, strict=True))])
        barrier.wait()
        started = time.perf_counter()
        results = pending.get(timeout=max_seconds + 120)
        wall = time.perf_counter() - started
    manager.shutdown()
    outcomes: dict[str, int] = {}
    for _, counts, _ in results:
        for key, n in counts.items():
            outcomes[key] = outcomes.get(key, 0) + n
    timeline = sorted(x for latencies, _, _ in results for x in latencies)
    return Phase(wall, [latency for _, latency in timeline], outcomes, os.getloadavg()[0],
                 client_cpu=sum(cpu for _, _, cpu in results), timeline=timeline)


@dataclass
class Phase:
    """One run of casts: how long it took, each cast's latency, and the answers' statuses."""

    seconds: float
    latencies: list[float]
    outcomes: dict[str, int]
    load: float  # the machine's load average over the last minute, at the end
    #: CPU seconds psephos's server processes used meanwhile (not the database server's).
    server_cpu: float = 0.0
    #: CPU seconds the load generator's client processes used casting.
    client_cpu: float = 0.0
    #: The machine's pace (`machine_pace`, µs) just before and just after the run.
    pace: tuple[float, float] = (float("nan"), float("nan"))
    #: Each cast's (seconds from the start to when it was due, latency), in that order.
    timeline: list[tuple[float, float]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.outcomes.get("201", 0)

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0

    def ms(self, p: float) -> float:
        return 1000 * percentile(self.latencies, p) if self.latencies else float("nan")

    def windows(self, seconds: float) -> list[tuple[float, int, float]]:
        """Each ``seconds``-long window's start, casts due in it and their p99 (ms): where
        in the run the slow casts were, steady queueing or a burst."""
        grouped: dict[int, list[float]] = {}
        for due, latency in self.timeline:
            grouped.setdefault(int(due // seconds), []).append(latency)
        return [(n * seconds, len(values), 1000 * percentile(values, 99))
                for n, values in sorted(grouped.items())]

    @property
    def errors(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in self.outcomes.items() if k != "201") or "none"


def served_workers(folder: Path, port: int) -> int:
    """The worker processes `psephos serve` said it runs with, from its log."""
    logged = (folder / f"server-{port}.log").read_text(encoding="utf-8", errors="replace")
    found = re.search(r"serving \S+ with (\d+) workers?\b", logged)
    if found is None:
        raise RuntimeError("psephos serve did not say how many workers it runs")
    return int(found[1])


def machine_pace(rounds: int = 5, per_round: int = 1000) -> float:
    """Microseconds a ristretto255 base multiplication (libsodium) takes now, the median of
    ``rounds``: measured while the server idles, just before and after each run, it says
    how fast this machine was then. A shared virtual machine's speed drifts: within an
    hour the same call took from 19 to 70 µs. It times one core alone, so it says little
    of the two cores under load."""
    from psephos.crypto import group

    scalar = group.random_scalar()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(per_round):
            group.base_mult(scalar)
        times.append((time.perf_counter() - started) / per_round * 1e6)
    return sorted(times)[rounds // 2]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench(label: str, database_url: str, args: argparse.Namespace,
          folder: Path) -> list[tuple[str, Phase, bool]]:
    """Both runs on one database: as fast as it goes, then at ``--rate`` per second."""
    slug = f"load-{int(time.time())}-{random.randrange(10**6)}"
    total = args.warmup + args.voters + args.rate_casts
    print(f"{label}: making a contest of {total:,} voters ...", flush=True)
    credentials = make_contest(database_url, total, slug, args.signed_by_client)
    from django.db import connections

    connections.close_all()
    warm = credentials[:args.warmup]
    flat_out = credentials[args.warmup:args.warmup + args.voters]
    paced = credentials[args.warmup + args.voters:]
    port = free_port()
    server = start_server(database_url, port, args.workers, folder, args.cache,
                          args.one_address)
    phases: list[tuple[str, Phase]] = []
    try:
        url = f"http://127.0.0.1:{port}/api/contests/{slug}/ballots"
        run_load(url, warm, min(args.clients, len(warm) or 1), 1, args.max_seconds,
                 one_address=args.one_address)
        print(f"{label}: {len(flat_out):,} casts from {args.clients} clients as fast as "
              f"they are answered ({served_workers(folder, port)} server "
              "workers) ...", flush=True)
        pace, before = machine_pace(), server_cpu_seconds(server.pid)
        phases.append(("flat out", run_load(url, flat_out, args.clients,
                                            args.client_processes, args.max_seconds,
                                            one_address=args.one_address)))
        phases[-1][1].server_cpu = server_cpu_seconds(server.pid) - before
        phases[-1][1].pace = (pace, machine_pace())
        if paced and args.rate:
            print(f"{label}: {len(paced):,} casts due at {args.rate:,.0f}/s from "
                  f"{args.clients} clients ...", flush=True)
            pace, before = machine_pace(), server_cpu_seconds(server.pid)
            phases.append((f"at {args.rate:,.0f}/s", run_load(
                url, paced, args.clients, args.client_processes, args.max_seconds,
                rate=args.rate, one_address=args.one_address)))
            phases[-1][1].server_cpu = server_cpu_seconds(server.pid) - before
            phases[-1][1].pace = (pace, machine_pace())
    finally:
        stop_server(server)
        logged = (folder / f"server-{port}.log").read_text(encoding="utf-8", errors="replace")
        errors = [line for line in logged.splitlines() if "Error" in line]
        if errors:  # why casts failed, from the server's own log
            print(f"{label}: the server logged {len(errors):,} error lines; the last: "
                  f"{errors[-1][:300]}", flush=True)
    accepted = sum(phase.accepted for _, phase in phases)
    consistent = count_ballots(slug) - len(warm) == accepted
    blocks, listed, largest = count_checkpoints(slug)
    print(f"{label}: the board made {blocks} signed checkpoints, the opening's among them "
          f"(interval {args.board_interval:g} s), listing {listed:,} of the ballots, "
          f"{largest:,} in the largest", flush=True)
    workers = served_workers(folder, port)
    cache = args.cache if args.cache != "serve" else "memory" if workers == 1 else "database"
    where = f"{label} ({workers} worker{'s' if workers != 1 else ''}, {cache} cache)"
    return [(f"{where}, {name}", phase, consistent) for name, phase in phases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=20_000,
                        help="casts in the flat-out run")
    parser.add_argument("--rate", type=float, default=GOAL_RATE,
                        help="casts per second offered in the paced run (0: no paced run)")
    parser.add_argument("--rate-casts", type=int, default=10_000,
                        help="casts in the paced run")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--client-processes", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None,
                        help="server worker processes (default: psephos serve's own, one "
                             "per core, at most two on SQLite)")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--cache", default="serve",
                        help="the server's PSEPHOS_CACHE_URL, where every cast's attempt is "
                             "counted: memory, database, redis://...; default: psephos "
                             "serve's own choice (memory with one worker, the database with "
                             "more)")
    parser.add_argument("--one-address", action="store_true",
                        help="every client from 127.0.0.1, the code limit raised out of reach")
    parser.add_argument("--signed-by-client", action="store_true",
                        help="each ballot sealed and signed by the client beforehand, as a "
                             "voter's browser does: the server checks the signature and the "
                             "credential instead of sealing and signing")
    parser.add_argument("--postal-iterations", type=int, default=20_000,
                        help="PBKDF2 iterations of the contest's postal credentials (issuing "
                             "derives one a voter; the casts here are by link, whose "
                             "derivation has 1)")
    parser.add_argument("--board-interval", type=float, default=60.0,
                        help="seconds between the board's signed checkpoints while the load "
                             "runs (the server's PSEPHOS_BOARD_INTERVAL; each checkpoint "
                             "takes every ballot stored since the last)")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()

    rows: list[tuple[str, Phase, bool]] = []
    with tempfile.TemporaryDirectory(prefix="psephos-cast-load-") as tmp:
        folder = Path(tmp)
        os.environ["PSEPHOS_DATA_DIR"] = str(folder)
        os.environ["PSEPHOS_POSTAL_ITERATIONS"] = str(args.postal_iterations)
        os.environ["PSEPHOS_BOARD_INTERVAL"] = str(args.board_interval)
        if not args.postgres_only:
            rows += bench("SQLite", f"sqlite:///{folder / 'load.sqlite3'}", args, folder)
        postgres = os.environ.get("PSEPHOS_TEST_DATABASE_URL")
        if postgres and not args.sqlite_only:
            with fresh_postgres(postgres, args.keep) as url:
                rows += bench("PostgreSQL", url, args, folder)
    print()
    print("| database, run | casts | casts/s | p50 ms | p99 ms | server CPU ms a cast "
          "| client CPU ms a cast | errors | stored = accepted | load "
          "| µs a base mult, before/after |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|")
    for name, phase, consistent in rows:
        cpu = 1000 * phase.server_cpu / phase.accepted if phase.accepted else float("nan")
        client = 1000 * phase.client_cpu / phase.accepted if phase.accepted else float("nan")
        print(f"| {name} | {phase.accepted:,} | {phase.rate:,.0f} | {phase.ms(50):.1f} | "
              f"{phase.ms(99):.1f} | {cpu:.2f} | {client:.2f} | {phase.errors} | "
              f"{'yes' if consistent else 'NO'} | {phase.load:.2f} | "
              f"{phase.pace[0]:.1f} / {phase.pace[1]:.1f} |")
    print(f"\ngoal: >= {GOAL_RATE:,.0f} casts/s with p99 < {GOAL_P99_MS:.0f} ms. With "
          f"{args.clients} clients each waiting for its answer, mean latency is "
          f"{args.clients} / rate (Little's law), so p99 < {GOAL_P99_MS:.0f} ms flat out needs "
          f"> {args.clients / GOAL_P99_MS * 1000:,.0f} casts/s; the paced run shows latency "
          "at a load the server can carry. The last column is the machine's pace: how long one "
          "libsodium base multiplication took just before and after the run, while the "
          "server idled (lower is faster).")
    for name, phase, _ in rows:
        if name.endswith("flat out"):
            verdict = "met" if phase.rate >= GOAL_RATE else "not met"
            print(f"  {name}: {phase.rate:,.0f} casts/s: rate goal {verdict}")
        else:
            verdict = "met" if phase.ms(99) < GOAL_P99_MS else "not met"
            print(f"  {name}: p99 {phase.ms(99):.0f} ms: latency goal {verdict} at this rate")
            print("    p99 ms by 5 s window (casts due in it): " + ", ".join(
                f"{start:.0f}s {p99:.0f} ({n:,})" for start, n, p99 in phase.windows(5.0)))

if __name__ == "__main__":
    main()
