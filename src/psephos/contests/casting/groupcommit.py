"""Group commit: casts that arrive together share one transaction and one flush to disk.

A receipt must mean the ballot is on disk, so every cast waits for a commit, and a commit
waits for the disk (an fsync: about a millisecond here). One commit per cast caps a server
at about a thousand casts a second whatever its CPUs, and on SQLite, where one writer
holds the database at a time, the others poll for the lock with growing sleeps. Here the
casts waiting at the same moment in one process are written by one thread, together, and
committed together; each caller gets its own answer only after that commit. Nothing changes
for a caller but the wait.

This is the one batcher of casts. A caller that waits (`GroupCommit.run`: a page, the API
view, the CLI) leads when it finds no batch under way: it writes the batch on its own
database connection, and when its own item is done it hands the lead to the oldest caller
still waiting. A caller that must not wait (`GroupCommit.submit`: the server's event loop)
hands its item in with a function to call with the outcome; when nobody leads, the
batcher's own thread takes the lead and writes until nothing is waiting. On SQLite the
leaders of different server processes also take turns through a lock file beside the
database, which wakes the next one as soon as it is free instead of SQLite's
sleep-and-retry.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import close_old_connections, connection, transaction

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")

#: The most casts one transaction holds, so a commit never waits on a long batch.
MAX_BATCH = 256
#: How often the batcher's own thread lets Django close a connection that is too old or
#: broken (and so, on PostgreSQL, check it with a query): not before every batch.
REFRESH_SECONDS = 1.0

log = logging.getLogger("django.request")


@dataclass(eq=False)
class _Ticket(Generic[Item]):
    """One caller's item, and where its outcome goes."""

    item: Item
    done: Callable[[Any], None] | None = None  # for a caller that does not wait
    wake: threading.Event = field(default_factory=threading.Event)
    finished: bool = False
    outcome: Any = None

    def finish(self, outcome: Any) -> None:
        self.outcome, self.finished = outcome, True
        if self.done is None:
            self.wake.set()
            return
        try:
            self.done(outcome)
        except Exception:  # the others in the batch still get their answers
            log.exception("answering a batched item failed")


@dataclass(eq=False)
class GroupCommit(Generic[Item, Outcome]):
    """Writes the items callers hand in, a batch per transaction, with ``write``.

    ``prepare(items)``, when given, runs first, outside the transaction and any writer's
    lock (the work a batch needs that is not writing: checks, encryption): it returns each
    item ready to write, or the exception that is its outcome. ``write(items)`` runs
    inside the transaction and returns one outcome per item, in order: a value for the
    caller, or an exception for the caller to raise (only that item's writes must then be
    undone, e.g. with a savepoint). ``after(items, outcomes, more)``, when given, runs
    once a batch's callers have their outcomes, before the next batch; ``more``: whether
    items are waiting for one (what the items held can then be given back together,
    without keeping anyone waiting); a failure there is logged.

    If ``write`` raises, or the commit fails, the whole batch is undone and each item is
    written again alone, so one item that cannot be written does not fail the others; an
    item that fails alone gets its failure, as ``failed`` turns it into the caller's
    answer.
    """

    write: Callable[[Sequence[Item]], Sequence[Outcome | Exception]]
    failed: Callable[[Exception], Outcome | Exception] = lambda error: error
    prepare: Callable[[Sequence[Item]], Sequence[Item | Exception]] | None = None
    after: Callable[[Sequence[Item], Sequence[Outcome | Exception], bool], None] | None = None
    max_batch: int = MAX_BATCH
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _waiting: list[_Ticket[Item]] = field(default_factory=list)
    _leading: bool = False
    _thread: threading.Thread | None = None
    _thread_wake: threading.Event = field(default_factory=threading.Event)

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
            _lend_back_connection()
            ticket.wake.wait()  # woken with its outcome, or to take the lead
        if not ticket.finished:
            self._lead(ticket)
        return _raise_or_return(ticket.outcome)

    def submit(self, item: Item, done: Callable[[Outcome | Exception], None]) -> None:
        """Hand in ``item`` without waiting: ``done`` gets its outcome (a value, or an
        exception for the caller to report), on the batcher's thread, once the transaction
        holding it has committed. ``done`` must be quick and must not block."""
        ticket: _Ticket[Item] = _Ticket(item, done)
        with self._lock:
            self._waiting.append(ticket)
            lead = not self._leading
            self._leading = True
        if lead:
            self._wake_thread()

    def _wake_thread(self) -> None:
        """Start the batcher's own thread if it is not running, and give it the lead."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name="psephos-casts",
                                                daemon=True)
                self._thread.start()
        self._thread_wake.set()

    def _serve(self) -> None:
        """The batcher's thread: each time it is given the lead, write until nothing waits."""
        checked = 0.0
        while True:
            self._thread_wake.wait()
            self._thread_wake.clear()
            if time.monotonic() - checked > REFRESH_SECONDS:
                close_old_connections()  # what Django does around each request
                checked = time.monotonic()
            try:
                self._lead(None)
            except Exception:  # every ticket of the batch got the error
                log.exception("writing a batch failed")

    def _lead(self, mine: _Ticket[Item] | None) -> None:
        """Write batches until this caller's own item is done (the batcher's thread: until
        nothing is waiting), then hand the lead on."""
        try:
            while mine is None or not mine.finished:
                with self._lock:
                    batch = self._waiting[:self.max_batch]
                    del self._waiting[:self.max_batch]
                if not batch:
                    break
                items = [ticket.item for ticket in batch]
                try:
                    outcomes = self.commit(items)
                except BaseException as error:  # an interrupt: nobody may wait for ever
                    for ticket in batch:
                        ticket.finish(error)
                    raise
                for ticket, outcome in zip(batch, outcomes, strict=True):
                    ticket.finish(outcome)
                self._after(items, outcomes)
        finally:
            self._hand_on()

    def _after(self, items: Sequence[Item], outcomes: Sequence[Outcome | Exception]) -> None:
        if self.after is None:
            return
        with self._lock:
            more = bool(self._waiting)
        try:
            self.after(items, outcomes, more)
        except Exception:  # answered already: the next batch must still be written
            log.exception("finishing a batch failed")

    def _hand_on(self) -> None:
        """Give the lead to the oldest item waiting: its caller, or the batcher's thread
        when that caller does not wait; with nothing waiting, nobody leads."""
        with self._lock:
            if not self._waiting:
                self._leading = False
                return
            first = self._waiting[0]
        if first.done is None:
            first.wake.set()  # not finished, so it leads
        else:
            self._wake_thread()

    def commit(self, items: Sequence[Item]) -> list[Outcome | Exception]:
        """Prepare these items, then write the ready ones in one transaction now; their
        outcomes once it has committed."""
        if self.prepare is None:
            return self._commit_ready(items)
        prepared = list(self.prepare(items))
        if len(prepared) != len(items):
            raise RuntimeError(f"{len(items)} items prepared, {len(prepared)} came back")
        ready = [item for item in prepared if not isinstance(item, Exception)]
        written = iter(self._commit_ready(ready) if ready else [])
        return [item if isinstance(item, Exception) else next(written) for item in prepared]

    def _commit_ready(self, items: Sequence[Item]) -> list[Outcome | Exception]:
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
        with writer_turn(), transaction.atomic():
            outcomes = list(self.write(items))
            if len(outcomes) != len(items):
                raise RuntimeError(f"{len(items)} items written, {len(outcomes)} outcomes")
        return outcomes


def _lend_back_connection() -> None:
    """A caller about to wait for the leader gives its pooled connection back first (it
    opens one again if it is handed the lead): callers waiting with connections in hand
    could leave the leader none from a bounded pool (PostgreSQL, `psephos.web.settings`)."""
    if getattr(connection, "pool", None) is not None and connection.connection is not None:
        connection.close()


def _raise_or_return(outcome: Any) -> Any:
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


@contextmanager
def writer_turn(database: Any = None) -> Iterator[None]:
    """On SQLite, hold the lock file beside the database while writing (see the module).
    The rate limit's counts in the database cache take their turn here too
    (`psephos.web.cache`), rather than SQLite's sleep-and-retry behind a batch of casts.
    ``database``: the connection that writes (default: Django's default one). Not to be
    nested: a second turn taken by the thread holding one waits for ever."""
    database = database or connection
    name = str(database.settings_dict.get("NAME") or "")
    if database.vendor != "sqlite" or not name or name == ":memory:" or \
            name.startswith("file:"):
        yield
        return
    handle = os.open(name + "-writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
