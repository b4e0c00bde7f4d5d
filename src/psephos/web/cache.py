"""Django's database cache with an atomic ``incr`` and ``count_up``, for the rate limit on
codes.

Django's ``DatabaseCache.incr`` reads the value and writes the sum in two statements, so
two workers counting at once can both read 3 and both write 4. The rate limit reserves an
attempt with ``incr`` before it evaluates a code (`psephos.contests.throttle`), so the
count must be exact: here the row is locked for the read (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` holds the whole database) until the sum is
written, in one transaction.

Every cast reserves and settles an attempt, so on PostgreSQL each cast made three or
four of these small transactions on the casting thread, each waiting for its commit to
reach the disk: at 200 casts a second, p99 went from 0.2 to 2.3 s (make reliability).
A rate limit's counts need no such durability (after a crash, a client gets a few more
tries at worst), so the cache's own transactions commit with ``synchronous_commit``
off (https://www.postgresql.org/docs/current/wal-async-commit.html), and on SQLite with
``PRAGMA synchronous=NORMAL`` (https://www.sqlite.org/pragma.html#pragma_synchronous);
never one it is called inside of, whose durability is its caller's.
"""

from __future__ import annotations

import base64
import contextlib
import pickle
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils import timezone

from psephos.contests.casting.groupcommit import writer_turn


class DatabaseCache(DjangoDatabaseCache):
    """`DjangoDatabaseCache` whose ``incr`` (and so ``decr``) is atomic across processes,
    and whose writes do not wait for the disk on PostgreSQL."""

    def _base_set(self, mode: str, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT
                  ) -> Any:
        with self._transaction(only_postgresql=True):
            return super()._base_set(mode, key, value, timeout)

    def delete(self, key: Any, version: int | None = None) -> Any:
        with self._transaction(only_postgresql=True):
            return super().delete(key, version=version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        made = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with self._transaction(), connection.cursor() as cursor:
            cursor.execute(f"SELECT value, expires FROM {table} WHERE cache_key = %s{lock}",
                           [made])
            row = cursor.fetchone()
            if row is None or _expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(str(row[0]).encode()))
            total = value + delta
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s",
                           [self._pickled(total), made])
        return total

    def count_up(self, key: Any, delta: int, timeout: int) -> int:
        """Add ``delta`` to the count at ``key``, starting it (expiring in ``timeout``
        seconds) when it is missing or expired; the count after it, in one transaction.

        ``add`` then ``incr`` cannot do this: Django's ``add`` returns False without a row
        when the database refuses its write for a moment (it swallows ``DatabaseError``,
        e.g. SQLite busy under a thousand concurrent codes), and ``incr`` then finds
        nothing."""
        made = self.make_and_validate_key(key)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        expires = connection.ops.adapt_datetimefield_value(
            timezone.now() + timedelta(seconds=timeout))
        with self._transaction(), connection.cursor() as cursor:
            # Two first counts at once: one inserts, the other waits for it and inserts
            # nothing (both databases know ON CONFLICT); then the row is locked and summed.
            cursor.execute(f"INSERT INTO {table} (cache_key, value, expires) VALUES "
                           "(%s, %s, %s) ON CONFLICT (cache_key) DO NOTHING",
                           [made, self._pickled(0), expires])
            cursor.execute(f"SELECT value, expires FROM {table} WHERE cache_key = %s{lock}",
                           [made])
            value, old_expiry = cursor.fetchone()
            if _expired(connection, old_expiry):
                total = delta
                cursor.execute(f"UPDATE {table} SET value = %s, expires = %s "
                               "WHERE cache_key = %s", [self._pickled(total), expires, made])
            else:
                total = pickle.loads(base64.b64decode(str(value).encode())) + delta
                cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s",
                               [self._pickled(total), made])
        return int(total)

    def count_many(self, changes: Mapping[str, tuple[int, int]]) -> dict[str, int]:
        """Change several counts in one transaction: ``changes`` maps a key to (delta,
        timeout in seconds). A positive delta counts up as `count_up` does (starting a
        missing or expired count); a negative one counts down a live count only (a count
        whose window is over is gone, not started below zero); zero just reads. The count
        at each key after it (0 for none).

        A batch of casts reserves and settles its attempts with one of these each, not
        with several transactions a cast (`psephos.contests.throttle.reserve_many`). Three
        statements whatever the number of keys, which are locked in key order, so two
        batches at once wait for each other and never deadlock."""
        if not changes:
            return {}
        made = {self.make_and_validate_key(key): key for key in changes}
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = timezone.now()
        expiries: dict[int, Any] = {}  # a batch's keys share a few timeouts
        pickled: dict[int, str] = {}  # and a few counts

        def expiry(seconds: int) -> Any:
            if seconds not in expiries:
                expiries[seconds] = connection.ops.adapt_datetimefield_value(
                    now + timedelta(seconds=seconds))
            return expiries[seconds]

        def stored(count: int) -> str:
            if count not in pickled:
                pickled[count] = self._pickled(count)
            return pickled[count]

        ordered = sorted(made)
        marks = ", ".join(["%s"] * len(ordered))
        totals: dict[str, int] = {}
        updates: list[tuple[str, str, Any]] = []
        with self._transaction(), connection.cursor() as cursor:
            # A row for every key, so that the SELECT below locks it: a count another
            # transaction is inserting now makes this INSERT wait for its commit, after
            # which the SELECT (a statement of its own) sees it. Without it a count
            # read here could miss a failure counted at that moment (PostgreSQL: 11
            # codes of 1,000 evaluated under a limit of 10). A key only read or counted
            # down gets an expired row, which reads as no count at all.
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(ordered))
                + " ON CONFLICT (cache_key) DO NOTHING",
                [part for key in ordered for part in
                 (key, stored(0), expiry(changes[made[key]][1]
                                                if changes[made[key]][0] > 0 else -1))])
            cursor.execute(f"SELECT cache_key, value, expires >= %s FROM {table} WHERE "
                           f"cache_key IN ({marks}) ORDER BY cache_key{lock}",
                           [connection.ops.adapt_datetimefield_value(now), *ordered])
            rows = {key: (value, bool(live)) for key, value, live in cursor.fetchall()}
            for key in ordered:
                delta, timeout = changes[made[key]]
                value, live = rows.get(key, (None, False))
                count = int(pickle.loads(base64.b64decode(str(value).encode()))) if live else 0
                if delta > 0 or (delta < 0 and live):
                    count += delta
                    updates.append((key, stored(count), None if live else expiry(timeout)))
                totals[made[key]] = count
            if updates:
                self._write_counts(cursor, table, updates)
        return totals

    def _write_counts(self, cursor: Any, table: str, updates: list[tuple[str, str, Any]]
                      ) -> None:
        """One UPDATE for several counts: (key, count as the table stores it, new expiry
        or None to keep it)."""
        values = " ".join(["WHEN %s THEN %s"] * len(updates))
        expiries = [(key, when) for key, _, when in updates if when is not None]
        parameters: list[Any] = [part for key, value, _ in updates for part in (key, value)]
        sql = f"UPDATE {table} SET value = CASE cache_key {values} END"
        if expiries:
            sql += (" , expires = CASE cache_key "
                    + " ".join(["WHEN %s THEN %s"] * len(expiries)) + " ELSE expires END")
            parameters += [part for pair in expiries for part in pair]
        sql += " WHERE cache_key IN (" + ", ".join(["%s"] * len(updates)) + ")"
        cursor.execute(sql, [*parameters, *(key for key, _, _ in updates)])

    def _pickled(self, value: Any) -> str:
        """A value as Django's database cache stores it."""
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    @contextlib.contextmanager
    def _transaction(self, *, only_postgresql: bool = False) -> Iterator[None]:
        """A transaction of the cache's own, committed without waiting for the disk,
        unless it is part of a caller's transaction; on SQLite it also takes its turn with
        the batches of casts of every server process (`writer_turn`) instead of polling
        for the writer's lock. ``only_postgresql``: on another database, none (Django's
        own statements as they were)."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if only_postgresql and connection.vendor != "postgresql":
            yield
            return
        if connection.in_atomic_block:  # the caller's: its durability, its turn
            with transaction.atomic(using=db):
                yield
            return
        with writer_turn(connection), _sqlite_commits_not_waiting(connection), \
                transaction.atomic(using=db):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            yield


@contextlib.contextmanager
def _sqlite_commits_not_waiting(connection: Any) -> Iterator[None]:
    """On SQLite, the connection's commits do not wait for the disk meanwhile (``PRAGMA
    synchronous=NORMAL``, then its own level again), as the cache's commits on PostgreSQL
    do not: in WAL mode a crash of the machine may lose the last counts, never the
    database's consistency, and the next commit that waits (a batch of casts') writes
    them to disk too. Measured with benchmarks/cast_load.py at 1,000 casts/s on two
    workers, two pairs side by side: p99 88 and 68 ms against 138 and 112."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        (level,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={int(level)}")


def _expired(connection: Any, expires: Any) -> bool:
    """Whether a cache row's ``expires``, as the database returned it, is past (converted
    as Django's own cache converts it)."""
    expression = models.Expression(output_field=models.DateTimeField())
    for converter in (connection.ops.get_db_converters(expression)
                      + expression.get_db_converters(connection)):
        expires = converter(expires, expression, connection)
    return bool(expires < timezone.now())
