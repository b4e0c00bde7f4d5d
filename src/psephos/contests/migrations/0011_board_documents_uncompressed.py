# ruff: noqa: RUF012
"""On PostgreSQL, store board documents out of line without trying to compress them.

A block lists a hash of every ballot it fixes, in hex, which PostgreSQL's compression
cannot shrink, but tries to: a document of 60,000 trackers (4 MB) took 115-132 ms to
insert, and 38 ms without the attempt, in a database server that the casts share. Other
databases keep their own storage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import migrations


def _storage(mode: str) -> Callable[[Any, Any], None]:
    def change(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        table = connection.ops.quote_name(apps.get_model("contests", "BoardBlock")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN document SET STORAGE {mode}")

    return change


class Migration(migrations.Migration):
    dependencies = [("contests", "0010_board_labels")]

    operations = [migrations.RunPython(_storage("EXTERNAL"), _storage("EXTENDED"))]
