"""Slowing down code guessing: a few failed codes a minute per client address and contest.

A link token (128 bits) or postal code (80 bits) cannot be guessed, but without a limit a
script may try as fast as the server answers, and each refusal costs a database query.
After ``PSEPHOS_FAILED_CODES_PER_MINUTE`` codes that match nothing (default 10) from one
address for one contest, every code entry from that address for that contest gets 429
with ``Retry-After`` until the minute is over; right codes too, or the limit would still
let a lucky guess through. Trackers looked up on the API's board count the same way.

Every code is counted before it is looked at, not after it failed: `reserve` counts it in
flight atomically (the cache's ``incr``) and refuses it if the failures of the minute and
the codes in flight would pass the limit; `settle` then counts it as a failure, or not.
So however many codes arrive at once, no more than the limit are ever evaluated in a
minute (counted afterwards, 250 guesses sent together were all evaluated before the first
failure was recorded). The price: one address may have no more than the limit's number
of codes being evaluated at the same moment; the next is asked to retry in a second.

The counts live in Django's cache. The default cache is each worker process's memory,
which only one process sees: `psephos serve` with more than one worker therefore counts in
the database cache unless ``PSEPHOS_CACHE_URL`` names a shared one (Redis, or
``database``, whose ``incr`` is made atomic by `psephos.web.cache`); several servers behind
a balancer need the same. Behind a reverse proxy, set
``PSEPHOS_TRUSTED_PROXIES`` to the number of proxies so that the client's own address is
read from ``X-Forwarded-For``; otherwise every voter shares the proxy's address.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

#: The length of a counting window, in seconds.
WINDOW = 60
DEFAULT_LIMIT = 10
#: The scope of the code page, where the contest is not known until a code matches.
ANY_CONTEST = "*"
#: The suffix of the key counting a client's codes being evaluated now.
IN_FLIGHT = ":in-flight"


def _setting(name: str, default: int) -> int:
    """A whole-number setting: Django's settings first, then the environment."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return int(value)


def failures_allowed() -> int:
    return _setting("PSEPHOS_FAILED_CODES_PER_MINUTE", DEFAULT_LIMIT)


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind N trusted proxies the address the
    outermost of them saw (the N-th entry of ``X-Forwarded-For`` from the right)."""
    proxies = _setting("PSEPHOS_TRUSTED_PROXIES", 0)
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in
                 str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def clock() -> float:
    """Now, in seconds since the epoch: the windows' clock (a test may hold it still)."""
    return time.time()


def _key(request: HttpRequest, contest: str) -> tuple[str, int]:
    """The cache key of this client, contest and minute, and the seconds left in it."""
    now = clock()
    window = int(now // WINDOW)
    who = hashlib.sha256(f"{contest}\0{client_address(request)}".encode()).hexdigest()[:32]
    return f"psephos:failed-codes:{who}:{window}", max(1, WINDOW - int(now % WINDOW))


def retry_after(request: HttpRequest, contest: str) -> int | None:
    """Seconds this client must wait before entering a code for ``contest``, or None."""
    key, left = _key(request, contest)
    return left if cache.get(key, 0) >= failures_allowed() else None


@dataclass(frozen=True)
class Attempt:
    """A reserved attempt: the cache keys of its window's failures and codes in flight."""

    failed: str
    in_flight: str


def _add(key: str, left: int, delta: int = 1) -> int:
    """``delta`` more in this window's count at ``key``, atomically; the count after it."""
    return _change({key: (delta, left + 1)})[key]


def _change(changes: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Counts changed by (delta, timeout), as `psephos.web.cache.DatabaseCache.count_many`
    does them: in one transaction of the shared database cache, or one by one (each
    atomic) in another cache. The count at each key after it."""
    count_many = getattr(cache, "count_many", None)
    if count_many is not None:  # the shared database cache (`psephos.web.cache`)
        return {key: int(count) for key, count in count_many(changes).items()}
    totals = {}
    for key, (delta, timeout) in changes.items():
        if delta > 0:
            cache.add(key, 0, timeout=timeout)
            try:
                totals[key] = int(cache.incr(key, delta))
            except ValueError:  # expired between add and incr: start the new count
                cache.add(key, 0, timeout=timeout)
                totals[key] = int(cache.incr(key, delta))
        elif delta < 0:
            try:
                totals[key] = int(cache.decr(key, -delta))
            except ValueError:  # its window is over, and its count with it
                totals[key] = 0
        else:
            totals[key] = int(cache.get(key, 0))
    return totals


def reserve(request: HttpRequest, contest: str) -> Attempt:
    """One of this client's attempts for ``contest``, taken before a code is evaluated,
    to be `settle`d once it has been. Refused (`TooManyFailures`, nothing taken) when the
    codes that failed this minute reach the limit, or when they and the codes being
    evaluated now would pass it (then for a second only: it may be a busy shared address).

    The count in flight goes up before the failures are read, and a failure is counted
    before it leaves the count in flight, so the sum read is never too low."""
    outcome = reserve_many([(request, contest)])[0]
    if isinstance(outcome, TooManyFailures):
        raise outcome
    return outcome


def reserve_many(wanted: Sequence[tuple[HttpRequest, str]],
                 settling: Sequence[tuple[Attempt, bool]] = ()
                 ) -> list[Attempt | TooManyFailures]:
    """`reserve` for several attempts at once (a batch of casts), in one change of the
    counts: each attempt, or its refusal. Attempts of one client and contest are taken
    in order, as one by one: each counted in flight, refused ones given back, so the
    first ones the limit allows are taken and the rest refused. ``settling``: attempts
    to `settle` in the same change, first (those of the batch before)."""
    keyed = [_key(request, contest) for request, contest in wanted]
    asked: dict[str, int] = {}
    left_of: dict[str, int] = {}
    for key, left in keyed:
        asked[key] = asked.get(key, 0) + 1
        left_of[key] = left
    changes = _settling(settling)
    for key, n in asked.items():
        for name, delta, timeout in ((key + IN_FLIGHT, n, left_of[key] + 1), (key, 0, 0)):
            before, most = changes.get(name, (0, 0))
            changes[name] = (before + delta, max(most, timeout))
    counts = _change(changes)
    limit = failures_allowed()
    taken: dict[str, int] = dict.fromkeys(asked, 0)
    refused: dict[str, int] = {}
    outcomes: list[Attempt | TooManyFailures] = []
    for key, left in keyed:
        failed = counts[key]
        before = max(0, counts[key + IN_FLIGHT] - asked[key])  # in flight before the batch
        if failed + before + taken[key] + 1 <= limit:
            taken[key] += 1
            outcomes.append(Attempt(key, key + IN_FLIGHT))
        else:
            refused[key] = refused.get(key, 0) + 1
            outcomes.append(TooManyFailures(left) if failed >= limit
                            else TooManyFailures(1, busy=True))
    if refused:
        _change({key + IN_FLIGHT: (-n, 0) for key, n in refused.items()})
    return outcomes


def settle(attempt: Attempt, *, matched: bool) -> None:
    """The end of an attempt: a code that matched nothing stays counted as a failure."""
    settle_many([(attempt, matched)])


def settle_many(attempts: Sequence[tuple[Attempt, bool]]) -> None:
    """`settle` for several attempts, (attempt, matched) each, in one change of the counts:
    the failures counted and the attempts taken out of flight together."""
    if attempts:
        _change(_settling(attempts))


def _settling(attempts: Sequence[tuple[Attempt, bool]]) -> dict[str, tuple[int, int]]:
    """The changes that settle ``attempts``: failures up, counts in flight down."""
    changes: dict[str, tuple[int, int]] = {}
    for attempt, matched in attempts:
        if not matched:
            delta, _ = changes.get(attempt.failed, (0, 0))
            changes[attempt.failed] = (delta + 1, WINDOW + 1)
        delta, timeout = changes.get(attempt.in_flight, (0, 0))
        changes[attempt.in_flight] = (delta - 1, timeout)
    return changes


def record_failure(request: HttpRequest, contest: str) -> None:
    """Count one code (or tracker) from this client that matched nothing, unreserved."""
    key, left = _key(request, contest)
    _add(key, left)


def too_many_message(seconds: int) -> str:
    return (f"Too many codes that do not match were tried from your connection. Wait "
            f"{seconds} second{'s' if seconds != 1 else ''} and try again")


class TooManyFailures(Exception):
    """Raised (by the API) for a client over the limit; ``seconds`` until it may retry.
    ``busy``: not failures but too many of its codes being evaluated at this moment."""

    def __init__(self, seconds: int, *, busy: bool = False) -> None:
        super().__init__(BUSY_MESSAGE if busy else too_many_message(seconds))
        self.seconds = seconds


BUSY_MESSAGE = ("Too many codes are being checked from your connection at this moment. "
                "Wait a second and try again")


def check(request: HttpRequest, contest: str) -> None:
    """`TooManyFailures` if this client may not enter a code for ``contest`` now."""
    wait = retry_after(request, contest)
    if wait is not None:
        raise TooManyFailures(wait)
