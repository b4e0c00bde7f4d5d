"""Ceremonies shared by the crypto tests (made once a session: each costs milliseconds, but
the tests tamper with copies)."""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from psephos.crypto import ceremony


@lru_cache(maxsize=8)
def _ceremony(n: int, k: int) -> tuple[Any, ...]:
    return ceremony.local_ceremony(f"test {k} of {n}", n, k)


def ceremony_of(n: int, k: int) -> tuple[dict[str, Any], list[dict[str, Any]],
                                         list[dict[str, Any]], list[dict[str, Any]]]:
    """A fresh copy of a whole k-of-n ceremony: (ceremony, round 1, round 2, privates)."""
    return copy.deepcopy(_ceremony(n, k))  # type: ignore[no-any-return]
