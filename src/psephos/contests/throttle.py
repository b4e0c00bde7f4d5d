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

import contextlib
import hashlib
import os
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

#: The length of a counting window, in seconds.
WINDOW = 60
DEFAULT_LIMIT = 10
#: The scope of the code page, where the contest is not known until a code matches.
ANY_CONTEST = "*"


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
    count_up = getattr(cache, "count_up", None)
    if count_up is not None:  # the shared database cache (`psephos.web.cache`)
        return int(count_up(key, delta, left + 1))
    cache.add(key, 0, timeout=left + 1)
    try:
        return int(cache.incr(key, delta))
    except ValueError:  # expired between add and incr: start the new window's count
        cache.add(key, 0, timeout=WINDOW + 1)
        return int(cache.incr(key, delta))


def reserve(request: HttpRequest, contest: str) -> Attempt:
    """One of this client's attempts for ``contest``, taken before a code is evaluated,
    to be `settle`d once it has been. Refused (`TooManyFailures`, nothing taken) when the
    codes that failed this minute reach the limit, or when they and the codes being
    evaluated now would pass it (then for a second only: it may be a busy shared address).

    The count in flight goes up before the failures are read, and a failure is counted
    before it leaves the count in flight, so the sum read is never too low."""
    key, left = _key(request, contest)
    attempt = Attempt(key, key + ":in-flight")
    in_flight = _add(attempt.in_flight, left)
    failed = int(cache.get(attempt.failed, 0))
    limit = failures_allowed()
    if failed + in_flight <= limit:
        return attempt
    _release(attempt.in_flight)
    raise TooManyFailures(left) if failed >= limit else TooManyFailures(1, busy=True)


def settle(attempt: Attempt, *, matched: bool) -> None:
    """The end of an attempt: a code that matched nothing stays counted as a failure."""
    if not matched:
        _add(attempt.failed, WINDOW)
    _release(attempt.in_flight)


def _release(key: str) -> None:
    with contextlib.suppress(ValueError):  # its window is over, and its count with it
        cache.decr(key)


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
