"""Group commit: casts that arrive together share one transaction and one flush to disk.

A receipt must mean the ballot is on disk, so every cast waits for a commit, and a commit
waits for the disk (an fsync: about a millisecond here). One commit per cast caps a server
at about a thousand casts a second whatever its CPUs, and on SQLite, where one writer
holds the database at a time, the others poll for the lock with growing sleeps. Here the
casts waiting at the same moment in one process are written by one thread, together, and
committed together; each caller gets its own answer only after that commit. Nothing changes
for a caller but the wait.

There is no background thread: the first caller to find no batch under way becomes the
leader and writes the batch on its own database connection; when it is done it hands the
lead to the oldest caller still waiting. On SQLite the leaders of different server
processes also take turns through a lock file beside the database, which wakes the next
one as soon as it is free instead of SQLite's sleep-and-retry.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import connection, transaction

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")

#: The most casts one transaction holds, so a commit never waits on a long batch.
MAX_BATCH = 64


@dataclass(eq=False)
class _Ticket(Generic[Item]):
    """One caller's item, and where its outcome goes."""

    item: Item
    wake: threading.Event = field(default_factory=threading.Event)
    finished: bool = False
    outcome: Any = None

    def finish(self, outcome: Any) -> None:
        self.outcome, self.finished = outcome, True
        self.wake.set()


@dataclass(eq=False)
class GroupCommit(Generic[Item, Outcome]):
    """Writes the items callers hand in, a batch per transaction, with ``write``.

    ``write(items)`` runs inside the transaction and returns one outcome per item, in
    order: a value for the caller, or an exception for the caller to raise (only that
    item's writes must then be undone, e.g. with a savepoint). If ``write`` raises, or the
    commit fails, the whole batch is undone and each item is written again alone, so one
    item that cannot be written does not fail the others; an item that fails alone gets
    its failure, as ``failed`` turns it into the caller's answer.
    """

    write: Callable[[Sequence[Item]], Sequence[Outcome | Exception]]
    failed: Callable[[Exception], Outcome | Exception] = lambda error: error
    max_batch: int = MAX_BATCH
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _waiting: list[_Ticket[Item]] = field(default_factory=list)
    _leading: bool = False

    def run(self, item: Item) -> Outcome:
        """The outcome of writing ``item``, once the transaction holding it has committed.

        Inside a transaction of the caller's own, the item is written there and then,
        alone: its commit is the caller's, so it cannot be shared.
        """
        if connection.in_atomic_block:
            try:
                with transaction.atomic():
                    return _raise_or_return(self.write([item])[0])
            except Exception as error:
                return _raise_or_return(self.failed(error))
        ticket: _Ticket[Item] = _Ticket(item)
        with self._lock:
            self._waiting.append(ticket)
            lead = not self._leading
            self._leading = True
        if not lead:
            ticket.wake.wait()  # woken with its outcome, or to take the lead
        if not ticket.finished:
            self._lead(ticket)
        return _raise_or_return(ticket.outcome)

    def _lead(self, mine: _Ticket[Item]) -> None:
        """Write batches until this caller's own item is done, then hand the lead on."""
        try:
            while not mine.finished:
                with self._lock:
                    batch = self._waiting[:self.max_batch]
                    del self._waiting[:self.max_batch]
                try:
                    outcomes = self.commit([ticket.item for ticket in batch])
                except BaseException as error:  # an interrupt: nobody may wait for ever
                    for ticket in batch:
                        ticket.finish(error)
                    raise
                for ticket, outcome in zip(batch, outcomes, strict=True):
                    ticket.finish(outcome)
        finally:
            with self._lock:
                if self._waiting:
                    self._waiting[0].wake.set()  # not finished, so it leads
                else:
                    self._leading = False

    def commit(self, items: Sequence[Item]) -> list[Outcome | Exception]:
        """Write these items in one transaction now; their outcomes once it has committed.

        For a caller that gathers its own batches (the server's casting thread).
        """
        try:
            return self._transaction(items)
        except Exception as error:  # nothing in the batch is stored
            if len(items) == 1:
                return [self.failed(error)]
        outcomes: list[Outcome | Exception] = []
        for item in items:
            try:
                outcomes += self._transaction([item])
            except Exception as error:
                outcomes.append(self.failed(error))
        return outcomes

    def _transaction(self, items: Sequence[Item]) -> list[Outcome | Exception]:
        with _writer_turn(), transaction.atomic():
            outcomes = list(self.write(items))
            if len(outcomes) != len(items):
                raise RuntimeError(f"{len(items)} items written, {len(outcomes)} outcomes")
        return outcomes


def _raise_or_return(outcome: Any) -> Any:
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


@contextmanager
def _writer_turn() -> Iterator[None]:
    """On SQLite, hold the lock file beside the database while writing (see the module)."""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or not name or name == ":memory:" or \
            name.startswith("file:"):
        yield
        return
    handle = os.open(name + "-writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
