"""Admin password guessing: is the account locked out, and does guessing slow casting?

An admin account is made with a known password. Then the admin login form
(``/admin/login/``, with its CSRF token, as a browser sends it) gets N wrong passwords and
then the right one: with a lockout configured (django-axes' ``AXES_FAILURE_LIMIT``), the
right password after the limit must be refused. Second, casts are paced at a steady rate
through the API, once alone and once beside 8 clients guessing the admin's password as
fast as they are answered; the goal is that the cast p99 latency is not more than doubled
(plus 10 ms of noise on a shared two-core machine).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import re
import secrets
import urllib.parse
from typing import Any

from client import Connection, describe, outcome, tally
from harness import Database, Server, make_contest, percentile
from load import Casts, cast_votes
from report import Row

ADMIN = "reliability-admin"
GUESSERS = 8
#: Rounds of casting alone and beside the guessers, alternately.
ROUNDS = 3
RATE = 200.0
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _make_admin(db: Database) -> str:
    db.use()
    from django.contrib.auth import get_user_model

    password = secrets.token_urlsafe(16)
    users = get_user_model()
    users.objects.filter(username=ADMIN).delete()
    users.objects.create_superuser(ADMIN, "", password)
    return password


def configured_limit(db: Database) -> int | None:
    db.use()
    from django.conf import settings

    if "axes" not in settings.INSTALLED_APPS:
        return None
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 3)
    return int(limit) if isinstance(limit, int) else None


class Login:
    """One browser at the admin login form: its CSRF cookie and token."""

    def __init__(self, base: str) -> None:
        self.connection = Connection(base, timeout=60)
        self.cookie = self.token = ""

    async def prepare(self) -> None:
        response = await self.connection.get("/admin/login/")
        cookie = response.headers.get("set-cookie", "")
        self.cookie = cookie.split(";")[0]
        found = TOKEN.search(response.body)
        self.token = found.group(1).decode() if found else ""

    async def attempt(self, password: str) -> str:
        """The answer's status; a 302 to the admin's index is a login."""
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, "username": ADMIN,
                                       "password": password, "next": "/admin/"}).encode()
        status, response = await outcome(
            self.connection, "POST", "/admin/login/?next=/admin/", body,
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie})
        if status == "302" and response is not None:
            return "302 logged in" if "/admin/" in response.headers.get("location", "") \
                and "login" not in response.headers.get("location", "") else "302"
        return status


async def _lockout(base: str, password: str, wrong: int) -> tuple[dict[str, int], str]:
    login = Login(base)
    await login.prepare()
    answers = [await login.attempt(f"wrong-{i}-{secrets.token_hex(4)}") for i in range(wrong)]
    right = await login.attempt(password)
    login.connection.close()
    return tally(answers), right


def lockout(db: Database, server: Server, wrong: int) -> Row:
    password = _make_admin(db)
    limit = configured_limit(db)
    tries = max(wrong, (limit or 0) + 1)
    answers, right = asyncio.run(_lockout(server.base, password, tries))
    logged_in = right == "302 logged in"
    configured = f"limit {limit}" if limit else "no lockout configured"
    return Row("admin password guessing: lockout", db.label,
               "the right password refused after the configured number of wrong ones",
               f"{configured}; {tries} wrong passwords answered {describe(answers)}; then the "
               f"right one: {'logged in' if logged_in else 'refused (' + right + ')'}",
               bool(limit) and not logged_in)


def _guess_until(base: str, stop: Any, answers: Any) -> None:
    """The guessers, in a process of their own (as on other machines): in the harness's
    own process their thread took the interpreter from the cast clients' event loop, and
    the casts' latency measured the harness as much as the server."""
    async def guesser() -> None:
        login = Login(base)
        await login.prepare()
        while not stop.is_set():
            answers.put(await login.attempt(secrets.token_urlsafe(12)))
        login.connection.close()

    async def main() -> None:
        await asyncio.gather(*(guesser() for _ in range(GUESSERS)))

    asyncio.run(main())


def latency(db: Database, server: Server, casts: int) -> Row:
    """Casts alone and beside the guessers in `ROUNDS` alternating rounds, each way's
    latencies pooled: on a machine shared with other work, the background load drifts
    over a run, and one round of each, one after the other, measured the drift."""
    _make_admin(db)
    slug, roll = make_contest(db, 2 * casts)
    per_round = casts // ROUNDS
    alone, beside = Casts(), Casts()
    answers: list[str] = []
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    for round_ in range(ROUNDS):
        first = 2 * round_ * per_round
        _pool(alone, cast_votes(server.base, slug, roll[first:first + per_round],
                                clients=50, rate=RATE, seed=2 * round_))
        stop = context.Event()
        guessing = context.Process(target=_guess_until, args=(server.base, stop, queue))
        guessing.start()
        # Bounded: at three times the round's length, the casts not yet sent are not sent.
        _pool(beside, cast_votes(server.base, slug,
                                 roll[first + per_round:first + 2 * per_round], clients=50,
                                 rate=RATE, seed=2 * round_ + 1,
                                 max_seconds=3 * per_round / RATE + 10))
        stop.set()
        guessing.join(60)
        while not queue.empty():
            answers.append(queue.get())
    each = per_round * ROUNDS
    p99_alone = 1000 * percentile(alone.latency, 99)
    p99_beside = 1000 * percentile(beside.latency, 99)
    answers_alone, answers_beside = tally(list(alone.status.values())), \
        tally(list(beside.status.values()))
    accepted = answers_alone.get("201", 0) + answers_beside.get("201", 0)
    sent = len(alone.status) + len(beside.status)
    return Row("admin password guessing: cast p99", db.label,
               "cast p99 with 8 guessers <= 2 x p99 without + 10 ms",
               f"{each} casts due at {RATE:.0f}/s each way, in {ROUNDS} rounds of "
               f"{per_round} alone then {per_round} beside the guessers ({accepted} of "
               f"{2 * each} accepted"
               f"{', the rest not sent in time' if sent < 2 * each else ''}; "
               f"alone {describe(answers_alone)}, beside {describe(answers_beside)}): "
               f"p99 {p99_alone:.1f} ms alone, {p99_beside:.1f} ms beside {GUESSERS} "
               f"guessers ({len(answers)} guesses answered {describe(tally(answers))})",
               p99_beside <= 2 * p99_alone + 10)


def _pool(into: Casts, casts: Casts) -> None:
    into.status.update(casts.status)
    into.latency += casts.latency


def password_guessing(db: Database, *, wrong: int, casts: int) -> list[Row]:
    with Server(db) as server:
        rows = [lockout(db, server, wrong)]
    with Server(db) as server:  # a fresh server: no lockout left from the first test
        rows.append(latency(db, server, casts))
    return rows
