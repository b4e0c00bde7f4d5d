"""The Django project that runs members' ballots (`psephos serve`, `psephos contest`)."""

from __future__ import annotations

import os
from typing import Any

SETTINGS_MODULE = "psephos.web.settings"


def setup(database_url: str | None = None, *, migrate: bool = True) -> None:
    """Configure Django for this process (once) and bring the database schema up to date.

    ``database_url`` overrides ``PSEPHOS_DATABASE_URL``; called again with another URL in the
    same process (tests), it switches the default connection to that database.
    """
    import django
    from django.apps import apps

    if database_url:
        os.environ["PSEPHOS_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if not apps.ready:
        django.setup()
    if database_url:  # also when the settings module was imported before the URL was set
        use_database(database_url)
    if migrate:
        migrate_quietly()


def use_database(database_url: str) -> None:
    """Point the ``default`` connection at another database from now on (every thread)."""
    from psephos.web.settings import database_config

    use_database_config(database_config(database_url))


def use_database_config(config: dict[str, Any]) -> None:
    """`use_database` for a DATABASES entry (e.g. one saved earlier, to switch back)."""
    from asgiref.local import Local
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    current = settings.DATABASES["default"]
    if all(current.get(key) == value for key, value in config.items()):
        return
    connections.close_all()
    if current.get("ENGINE") == "django.db.backends.postgresql":
        connections["default"].close_pool()  # psycopg's pool is per alias, not per wrapper
    settings.DATABASES["default"] = dict(config)
    connections.__dict__.pop("settings", None)
    connections._connections = Local(connections.thread_critical)
    ContentType.objects.clear_cache()


def migrate_quietly() -> None:
    """Apply any unapplied migration (nothing printed; cheap when the schema is current)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)
