"""Slowing down code guessing: a few failed codes a minute per client address and contest.

A link token (128 bits) or postal code (80 bits) cannot be guessed, but without a limit a
script may try as fast as the server answers, and each refusal costs a database query.
After ``PSEPHOS_FAILED_CODES_PER_MINUTE`` codes that match nothing (default 10) from one
address for one contest, every code entry from that address for that contest gets 429
with ``Retry-After`` until the minute is over; right codes too, or the limit would still
let a lucky guess through. Trackers looked up on the API's board count the same way.

The counts live in Django's cache. The default cache is each worker process's memory, so
with ``--workers N`` a client gets up to N times the limit, and several servers behind a
balancer each keep their own: such a deployment needs a shared cache (Redis, Memcached or
Django's database cache) in ``CACHES``. Behind a reverse proxy, set
``PSEPHOS_TRUSTED_PROXIES`` to the number of proxies so that the client's own address is
read from ``X-Forwarded-For``; otherwise every voter shares the proxy's address.
"""

from __future__ import annotations

import hashlib
import os
import time

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


def _key(request: HttpRequest, contest: str) -> tuple[str, int]:
    """The cache key of this client, contest and minute, and the seconds left in it."""
    now = time.time()
    window = int(now // WINDOW)
    who = hashlib.sha256(f"{contest}\0{client_address(request)}".encode()).hexdigest()[:32]
    return f"psephos:failed-codes:{who}:{window}", max(1, WINDOW - int(now % WINDOW))


def retry_after(request: HttpRequest, contest: str) -> int | None:
    """Seconds this client must wait before entering a code for ``contest``, or None."""
    key, left = _key(request, contest)
    return left if cache.get(key, 0) >= failures_allowed() else None


def record_failure(request: HttpRequest, contest: str) -> None:
    """Count one code (or tracker) from this client that matched nothing."""
    key, left = _key(request, contest)
    cache.add(key, 0, timeout=left + 1)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: start the new window's count
        cache.add(key, 1, timeout=WINDOW + 1)


def too_many_message(seconds: int) -> str:
    return (f"Too many codes that do not match were tried from your connection. Wait "
            f"{seconds} second{'s' if seconds != 1 else ''} and try again")


class TooManyFailures(Exception):
    """Raised (by the API) for a client over the limit; ``seconds`` until it may retry."""

    def __init__(self, seconds: int) -> None:
        super().__init__(too_many_message(seconds))
        self.seconds = seconds


def check(request: HttpRequest, contest: str) -> None:
    """`TooManyFailures` if this client may not enter a code for ``contest`` now."""
    wait = retry_after(request, contest)
    if wait is not None:
        raise TooManyFailures(wait)
