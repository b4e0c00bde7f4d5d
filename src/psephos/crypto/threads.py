"""Group operations on threads: libsodium's calls (through ctypes) release the GIL, so the
many independent multiplications of a shuffle, a share check or a combination run on
several cores at once."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Threads for the server's own group operations after the close (shuffle, checking and
#: combining shares): one a core, at most 4.
WORKERS = min(4, os.cpu_count() or 1)


def in_chunks(work: Callable[[Sequence[T]], list[R]], items: Sequence[T],
              workers: int) -> list[R]:
    """``work(items)``, split into ``workers`` chunks run on threads when ``workers`` > 1;
    the results in the order of ``items``."""
    if workers <= 1 or len(items) < 2 * workers:
        return work(items)
    size = -(-len(items) // workers)
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(work, [items[at:at + size] for at in range(0, len(items), size)])
        return [result for part in parts for result in part]
