"""Writing many rows at once, for the paths that store ballots in bulk."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model

#: Fields that store an int or a str as it is: such values skip the field's conversion
#: (about half the time of a batch of casts went there).
_PLAIN = frozenset({"AutoField", "BigAutoField", "ForeignKey", "OneToOneField", "IntegerField",
                    "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
                    "SmallIntegerField", "CharField", "SlugField", "TextField"})


#: Parameters in one statement: under SQLite's limit (32,766 since 3.32) and PostgreSQL's
#: (65,535).
MAX_PARAMETERS = 30_000


def insert_rows(model: type[Model], names: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert rows with as few multi-row ``INSERT ... VALUES (...), (...)`` statements as the
    databases' limits on parameters allow, skipping the per-object work of ``bulk_create``;
    each value goes through its field's own conversion. One statement, not one step per row
    as ``executemany`` takes: each step lets go of the GIL and waits to get it back."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    q = connection.ops.quote_name
    head = (f"INSERT INTO {q(model._meta.db_table)} "
            f"({', '.join(q(f.column) for f in fields)}) VALUES ")
    group = f"({', '.join(['%s'] * len(fields))})"
    plain = [f.get_internal_type() in _PLAIN for f in fields]
    per_statement = max(1, MAX_PARAMETERS // len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            values = [v if keep and type(v) in (int, str) else f.get_db_prep_save(v, connection)
                      for row in chunk
                      for f, keep, v in zip(fields, plain, row, strict=True)]
            cursor.execute(head + ", ".join([group] * len(chunk)), values)
