"""Casting load: many clients each casting voters' ballots through the JSON API.

Used by the crash checks (the server or the database killed mid-load) and by the latency
check beside the password guessers. Each voter casts a ranking chosen at random (known to
the harness), and the harness keeps, per voter, what the client was answered.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from client import JSON, NO_ANSWER, Connection, cast_body, outcome, voter_address
from harness import CANDIDATES, Voter


def random_ranking(rng: random.Random) -> list[str]:
    """A ranking of one to five of the candidates, in a random order."""
    names = list(CANDIDATES)
    rng.shuffle(names)
    return names[:rng.randint(1, len(names))]


@dataclass
class Casts:
    """What each voter was answered: status text, tracker (on 201), latency in seconds."""

    status: dict[str, str] = field(default_factory=dict)
    tracker: dict[str, str] = field(default_factory=dict)
    ranking: dict[str, list[str]] = field(default_factory=dict)
    latency: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def receipts(self) -> int:
        return len(self.tracker)

    def unanswered(self) -> list[str]:
        return [number for number, status in self.status.items() if status == NO_ANSWER]


async def _cast_all(base: str, slug: str, voters: list[Voter], clients: int,
                    rankings: dict[str, list[str]], casts: Casts,
                    after_receipt: Callable[[int], bool] | None, rate: float,
                    max_seconds: float, stop: threading.Event | None) -> None:
    queue = iter(voters)
    path = f"/api/contests/{slug}/ballots"
    stopped = asyncio.Event()
    due = itertools.count()
    start = time.perf_counter()
    deadline = time.monotonic() + max_seconds

    async def client(index: int) -> None:
        # Each client its own address, as voters are: from one address, more than the
        # limit's number of casts in flight at once are answered 429 (a busy shared
        # address, `psephos.contests.throttle`), which is not what a crash or latency
        # run measures.
        connection = Connection(base, timeout=30, source=voter_address(index))
        for voter in queue:
            if stopped.is_set() or time.monotonic() > deadline or (stop and stop.is_set()):
                break
            scheduled = start + next(due) / rate if rate else time.perf_counter()
            if (wait := scheduled - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            status, response = await outcome(connection, "POST", path,
                                             cast_body(voter.link_token,
                                                       rankings[voter.member_number]), JSON)
            casts.latency.append(time.perf_counter() - scheduled)
            casts.status[voter.member_number] = status
            if status == "201" and response is not None:
                body = response.json()
                if isinstance(body, dict) and "tracker" in body:
                    casts.tracker[voter.member_number] = str(body["tracker"])
                if after_receipt is not None and after_receipt(casts.receipts):
                    stopped.set()
            if status == NO_ANSWER:
                break  # the server is gone: this client stops, as a browser would
        connection.close()

    await asyncio.gather(*(client(index) for index in range(clients)))
    casts.seconds = time.perf_counter() - start


def cast_votes(base: str, slug: str, voters: list[Voter], *, clients: int, seed: int = 0,
               after_receipt: Callable[[int], bool] | None = None, rate: float = 0.0,
               max_seconds: float = 120.0, rankings: dict[str, list[str]] | None = None,
               stop: threading.Event | None = None) -> Casts:
    """Cast every voter's ballot from ``clients`` concurrent connections (stopping early
    when ``after_receipt`` returns True, or after ``max_seconds``). ``rate`` 0: as fast as
    answered; otherwise casts are due at ``rate`` a second and latency counts from then.
    ``stop``: once set (from another thread), no client sends another cast."""
    rng = random.Random(seed)
    chosen = rankings or {v.member_number: random_ranking(rng) for v in voters}
    casts = Casts(ranking=chosen)
    asyncio.run(_cast_all(base, slug, voters, clients, chosen, casts, after_receipt, rate,
                          max_seconds, stop))
    return casts
