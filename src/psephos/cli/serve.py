"""`psephos serve`: run the ballot website and API under a production server.

Before serving: bring the database schema up to date, optionally make the demonstration
contest and an admin account, collect the static files, and open and close whatever the
timetables say is due (again every 30 seconds while serving, on a thread). Then Granian
(a Rust HTTP server) runs the ASGI application (`psephos.web.asgi`) in ``--workers``
processes, in the foreground, until Ctrl-C. Django's ``runserver`` is never used: it is
single-process and not for production.
"""

from __future__ import annotations

import os
import secrets
import socket
import sys
import threading
import time
from typing import Annotated

import typer

from psephos.cli.output import fail

DEMO_SLUG = "labour-2016-demo"
DEMO_ADMIN = "admin"
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def serve_command(
    database: Annotated[str | None, typer.Option(
        "--database", metavar="URL",
        help="sqlite:///PATH or postgresql://USER@HOST:PORT/NAME "
             "(default: $PSEPHOS_DATABASE_URL, else SQLite in the data folder).")] = None,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Create the Labour 2016 demonstration contest and an admin account "
                       "if missing, and print a voting link.")] = False,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Server processes (default: one per CPU core, at most two on "
                          "SQLite, which has one writer).")] = None,
) -> None:
    """Run the ballot website and JSON API until Ctrl-C.

    Example: psephos serve --demo
    """
    if not 0 < port < 65536:
        fail(f"--port must be between 1 and 65535, not {port}")
    if workers is not None and workers < 1:
        fail(f"--workers must be at least 1, not {workers}")
    url = _url(host, port)
    _check_port_free(host, port)
    _configure_environment(host, url)
    _prepare(database)
    from psephos.cli.contest import warn_if_links_are_local

    warn_if_links_are_local()  # the links in ballot e-mails take the address served here
    processes = workers if workers is not None else _default_workers()
    _shared_cache(processes)
    if demo:
        for line in _demo(url):
            typer.echo(line)
    _collect_static()
    typer.echo(f"psephos: serving {url} with {processes} worker"
               f"{'s' if processes != 1 else ''} (Ctrl-C to stop)")
    _run(host, port, processes)


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _check_port_free(host: str, port: int) -> None:
    """Refuse early, in one line, rather than let the server fail in every worker."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")


def _configure_environment(host: str, url: str) -> None:
    """Settings the worker processes inherit: the host they answer to and the links' base."""
    if "PSEPHOS_ALLOWED_HOSTS" not in os.environ:
        names = ["localhost", "127.0.0.1", "[::1]"]
        if host in WILDCARD_HOSTS:
            names += [socket.gethostname(), socket.getfqdn()]
            typer.echo("psephos: listening on every address; set PSEPHOS_ALLOWED_HOSTS to the "
                       "names voters will use", err=True)
        else:
            names.append(host)
        os.environ["PSEPHOS_ALLOWED_HOSTS"] = ",".join(dict.fromkeys(names))
    os.environ.setdefault("PSEPHOS_PUBLIC_URL", url.rstrip("/"))


def _prepare(database: str | None) -> None:
    from django.db import DatabaseError

    from psephos.web import setup

    try:
        setup(database)
        _cache_table()
    except ValueError as error:
        fail(str(error))
    except DatabaseError as error:
        fail(f"cannot use the database: {str(error).strip().splitlines()[0]}")


def _shared_cache(processes: int) -> None:
    """With more than one worker, the rate limit on codes counts in the database cache
    unless ``PSEPHOS_CACHE_URL`` names one: each process's own memory would give a
    client the limit once per worker (`psephos.contests.throttle`)."""
    if processes < 2:
        return
    if os.environ.get("PSEPHOS_CACHE_URL"):
        if os.environ["PSEPHOS_CACHE_URL"] == "memory":
            typer.echo(f"psephos: PSEPHOS_CACHE_URL=memory with {processes} workers: each "
                       "counts failed codes apart, so a client gets the limit once per "
                       "worker", err=True)
        return
    os.environ["PSEPHOS_CACHE_URL"] = "database"
    from asgiref.local import Local
    from django.conf import settings
    from django.core.cache import caches

    from psephos.web.settings import cache_config

    settings.CACHES = {"default": cache_config("database")}
    caches._settings = None  # read afresh from the settings, by this process and its workers
    caches.__dict__.pop("settings", None)
    caches._connections = Local()
    _cache_table()
    typer.echo(f"psephos: {processes} workers share the rate limit's counts through the "
               "database (PSEPHOS_CACHE_URL=database; set it to redis://... for Redis)",
               err=True)


def _cache_table() -> None:
    """Make the database cache's table if ``PSEPHOS_CACHE_URL=database`` (a no-op if it is
    there or another cache is set)."""
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)


def _demo(url: str) -> list[str]:
    """Make the demonstration contest and admin account if missing; what to tell the user."""
    from django.contrib.auth import get_user_model

    from psephos.contests.credentials import reissue
    from psephos.contests.demo import create_demo
    from psephos.contests.models import Contest, Voter

    lines = []
    contest = Contest.objects.filter(slug=DEMO_SLUG).first()
    if contest is None:
        typer.echo("psephos: creating the demonstration contest ...")
        contest = create_demo(slug=DEMO_SLUG)
    users = get_user_model()
    if not users.objects.filter(username=DEMO_ADMIN).exists():
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser(DEMO_ADMIN, "", password)
        lines.append(f"psephos: admin account {DEMO_ADMIN!r}, password {password} "
                     "(shown this once)")
    else:
        lines.append(f"psephos: admin account {DEMO_ADMIN!r} exists (its password was shown "
                     "when it was made)")
    lines.append(f"psephos: demonstration contest {url}contests/{contest.slug}/")
    if contest.state == Contest.State.OPEN:
        voter = (Voter.objects.filter(contest=contest, status=Voter.Status.ELIGIBLE,
                                      voted__isnull=True).order_by("pk").first())
        if voter is not None:
            secret = reissue(voter, actor="demo")
            lines.append(f"psephos: vote as {voter.name} ({voter.section.name}): "
                         f"{url}vote/{contest.slug}/{secret.link_token}/ "
                         f"or code {secret.postal_code} at {url}vote/")
    return lines


def _collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def _run(host: str, port: int, processes: int) -> None:
    """Serve in the foreground; Granian stops its workers cleanly on Ctrl-C or SIGTERM."""
    from granian import Granian
    from granian.constants import Interfaces

    release_connections()  # the workers are forked: none may share this process's sockets
    _start_timetable()  # its first tick releases its connections again
    Granian("psephos.web.asgi:application", address=host, port=port,
            interface=Interfaces.ASGI, workers=processes, backlog=2048,
            log_access=False).serve()


def release_connections() -> None:
    """Close every database connection of this process, the pool's too: Granian forks
    its workers, and a connection open here would be one socket in several processes, each
    reading the others' answers (on PostgreSQL, ``close_all`` alone hands connections back
    to psycopg's pool, which keeps them open)."""
    from django.db import connections

    connections.close_all()
    for connection in connections.all():
        # Django makes a pool on first asking for one: ask only when there is one.
        if connection.alias in getattr(connection, "_connection_pools", {}):
            connection.close_pool()


def _tick_once() -> None:
    """One tick of the timetable (`psephos.contests.timekeeper.tick`); its connections
    are released after it, so none is open when Granian forks a worker."""
    from psephos.contests.timekeeper import log, tick

    try:
        for item in tick():
            typer.echo(f"psephos: timetable: {item}", err=True)
    except Exception:  # the next tick tries again; serving goes on meanwhile
        log.exception("the timetable's tick failed")
    finally:
        release_connections()


def _start_timetable() -> threading.Thread:
    """Open and close contests on time, and checkpoint their boards, while serving: a tick
    now, then one every ``TICK_SECONDS`` (or ``PSEPHOS_BOARD_INTERVAL``, if shorter) on a
    daemon thread of this (the workers' parent) process."""
    from django.conf import settings

    from psephos.contests.timekeeper import TICK_SECONDS

    every = max(1.0, min(float(TICK_SECONDS), float(settings.PSEPHOS_BOARD_INTERVAL)))
    _tick_once()

    def run() -> None:
        _yield_to_casts()
        while True:
            time.sleep(every)
            _tick_once()

    thread = threading.Thread(target=run, name="psephos-timetable", daemon=True)
    thread.start()
    return thread


#: The timetable thread's niceness (Linux schedules each thread on its own): a checkpoint
#: of a minute's ballots takes a core for a second or two, and voters' casts come first.
TIMETABLE_NICENESS = 10


def _yield_to_casts() -> None:
    """Lower the calling thread's CPU priority to `TIMETABLE_NICENESS` (never raise it),
    where the system schedules threads apart (Linux); elsewhere, leave it."""
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    try:
        niceness = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, max(niceness, TIMETABLE_NICENESS))
    except OSError:  # not permitted here: the timetable still runs, at its priority
        pass


def _default_workers() -> int:
    """One process per core, at most two on SQLite: it takes one writer at a time, and the
    processes' casting threads take turns to write. Measured with benchmarks/cast_load.py
    on two cores, at 1,000 signed casts/s across a checkpoint of about 60,000 ballots, four
    pairs of runs side by side: p99 139-160 ms with two workers against 253-343 ms with one,
    whose one interpreter (one thread writing every batch) was then at its limit."""
    from django.db import connection

    cores = os.cpu_count() or 1
    return min(2, cores) if connection.vendor == "sqlite" else cores
