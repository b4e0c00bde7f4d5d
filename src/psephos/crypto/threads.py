"""Group operations on threads: libsodium's calls (through ctypes) release the GIL, so the
many independent multiplications of a shuffle, a share check or a combination run on
several cores at once."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Threads for the server's own group operations after the close (shuffle, checking and
#: combining shares): one a core, at most 4.
WORKERS = min(4, os.cpu_count() or 1)


def in_chunks(work: Callable[[Sequence[T]], list[R]], items: Sequence[T],
              workers: int, pool: Executor | None = None) -> list[R]:
    """``work(items)``, split into ``workers`` chunks run on threads when ``workers`` > 1;
    the results in the order of ``items``. ``pool``: threads kept for such work (a server
    splitting many small batches), else threads made for this call."""
    if workers <= 1 or len(items) < 2 * workers:
        return work(items)
    size = -(-len(items) // workers)
    chunks = [items[at:at + size] for at in range(0, len(items), size)]
    if pool is not None:
        return [result for part in pool.map(work, chunks) for result in part]
    with ThreadPoolExecutor(workers) as made:
        return [result for part in made.map(work, chunks) for result in part]


class KeptThreads:
    """A thread pool made on first use and kept for the process's life."""

    def __init__(self, workers: int, name: str) -> None:
        self.workers, self.name = workers, name
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix=self.name)
            return self._pool
