"""Writing many rows at once, for the paths that store ballots in bulk."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
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
    database = _database()
    per_statement = max(1, MAX_PARAMETERS // len(names))
    with database.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            cursor.execute(*_statement(database, model, names,
                                       rows[start:start + per_statement]))


def _database() -> BaseDatabaseWrapper:
    """This thread's default connection itself, not Django's ``connection`` proxy, which
    looks it up again at every attribute: several times a value converted, 8% of a batch's
    writing time under cProfile."""
    return connections[DEFAULT_DB_ALIAS]


def _statement(database: BaseDatabaseWrapper, model: type[Model], names: tuple[str, ...],
               rows: list[tuple[Any, ...]]) -> tuple[str, list[Any]]:
    """One multi-row ``INSERT`` and its parameters, each value through its field's own
    conversion (ints and strs in plain columns as they are)."""
    fields = [model._meta.get_field(name) for name in names]
    q = database.ops.quote_name
    group = f"({', '.join(['%s'] * len(fields))})"
    sql = (f"INSERT INTO {q(model._meta.db_table)} "
           f"({', '.join(q(f.column) for f in fields)}) VALUES "
           + ", ".join([group] * len(rows)))
    plain = [f.get_internal_type() in _PLAIN for f in fields]
    values = [v if keep and type(v) in (int, str) else f.get_db_prep_save(v, database)
              for row in rows
              for f, keep, v in zip(fields, plain, row, strict=True)]
    return sql, values


def insert_groups(groups: list[tuple[type[Model], tuple[str, ...], list[tuple[Any, ...]]]]
                  ) -> None:
    """`insert_rows` for several tables. On PostgreSQL, when the parameters fit, in one
    statement (each insert but the last in a ``WITH``): one round trip to the server
    instead of one a table."""
    groups = [group for group in groups if group[2]]
    size = sum(len(names) * len(rows) for _, names, rows in groups)
    database = _database()
    if database.vendor != "postgresql" or len(groups) < 2 or size > MAX_PARAMETERS:
        for model, names, rows in groups:
            insert_rows(model, names, rows)
        return
    parts: list[str] = []
    values: list[Any] = []
    for model, names, rows in groups:
        sql, prepared = _statement(database, model, names, rows)
        parts.append(sql)
        values += prepared
    head = ", ".join(f"i{n} AS ({sql})" for n, sql in enumerate(parts[:-1]))
    with database.cursor() as cursor:
        cursor.execute(f"WITH {head} {parts[-1]}", values)
