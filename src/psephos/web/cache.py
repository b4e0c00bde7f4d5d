"""Django's database cache with an atomic ``incr`` and ``count_up``, for the rate limit on
codes.

Django's ``DatabaseCache.incr`` reads the value and writes the sum in two statements, so
two workers counting at once can both read 3 and both write 4. The rate limit reserves an
attempt with ``incr`` before it evaluates a code (`psephos.contests.throttle`), so the
count must be exact: here the row is locked for the read (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` holds the whole database) until the sum is
written, in one transaction.
"""

from __future__ import annotations

import base64
import pickle
from datetime import timedelta
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils import timezone


class DatabaseCache(DjangoDatabaseCache):
    """`DjangoDatabaseCache` whose ``incr`` (and so ``decr``) is atomic across processes."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        made = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT value, expires FROM {table} WHERE cache_key = %s{lock}",
                           [made])
            row = cursor.fetchone()
            if row is None or _expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(str(row[0]).encode()))
            total = value + delta
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [
                base64.b64encode(pickle.dumps(total, self.pickle_protocol)).decode("latin1"),
                made])
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
        with transaction.atomic(using=db), connection.cursor() as cursor:
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

    def _pickled(self, value: Any) -> str:
        """A value as Django's database cache stores it."""
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")


def _expired(connection: Any, expires: Any) -> bool:
    """Whether a cache row's ``expires``, as the database returned it, is past (converted
    as Django's own cache converts it)."""
    expression = models.Expression(output_field=models.DateTimeField())
    for converter in (connection.ops.get_db_converters(expression)
                      + expression.get_db_converters(connection)):
        expires = converter(expires, expression, connection)
    return bool(expires < timezone.now())
