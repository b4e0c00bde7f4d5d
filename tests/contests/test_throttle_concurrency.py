"""1,000 unknown codes at once from one client: no more than the limit are evaluated
(each reserves an attempt before it is looked at), in each process's memory and in the
database cache that several workers share."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.contests.helpers import open_with_voters

GUESSES = 1_000
LIMIT = 10


def _guess(contest_slug: str, code: str, gate: threading.Event) -> str:
    from django.db import connection
    from django.http import HttpRequest

    from psephos.contests.casting.api import cast_for
    from psephos.contests.errors import ContestError
    from psephos.contests.throttle import TooManyFailures

    request = HttpRequest()
    request.META = {"REMOTE_ADDR": "198.51.100.7"}
    try:
        gate.wait(timeout=60)
        cast_for(request, contest_slug, code, ["Alice"])
        return "cast"
    except TooManyFailures:
        return "TooManyFailures"
    except ContestError as error:
        return type(error).__name__
    finally:
        connection.close()


@pytest.mark.parametrize("cache_url", ["memory", "database"])
def test_concurrent_unknown_codes_evaluated_no_more_than_the_limit(
        db: str, tmp_path: Path, cache_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import override_settings

    from psephos.web.settings import cache_config

    contest, secrets = open_with_voters(tmp_path, members=2, supporters=0)
    # One counting window for the whole run: under load the thousand guesses can take longer
    # than what is left of the minute, and a new minute rightly allows the limit again.
    middle = (time.time() // 60) * 60 + 30
    monkeypatch.setattr("psephos.contests.throttle.clock", lambda: middle)
    with override_settings(CACHES={"default": cache_config(cache_url)},
                           PSEPHOS_FAILED_CODES_PER_MINUTE=LIMIT):
        if cache_url == "database":
            call_command("createcachetable", verbosity=0)
        cache.clear()
        gate = threading.Event()
        with ThreadPoolExecutor(max_workers=24 if db == "postgresql" else 32) as pool:
            futures = [pool.submit(_guess, contest.slug, f"NOPE-{i:04d}-XXXX-YYYY", gate)
                       for i in range(GUESSES)]
            gate.set()
            outcomes = Counter(f.result() for f in futures)
        # A right code from the same client is held back too, for the rest of the minute.
        held = _guess(contest.slug, secrets["M1"].link_token, gate)
        cache.clear()
    assert outcomes == {"UnknownCredential": LIMIT, "TooManyFailures": GUESSES - LIMIT}, \
        outcomes
    assert held == "TooManyFailures"
