"""Django app configuration: creates the role groups after every migrate, and installs the
guard that locks a contest from its opening (`psephos.contests.locking`)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ContestsConfig(AppConfig):
    name = "psephos.contests"
    label = "contests"
    verbose_name = "Members' ballots"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from psephos.contests import locking

        post_migrate.connect(_create_roles, sender=self)
        locking.connect()


def _create_roles(sender: AppConfig, using: str = "default", **_: Any) -> None:
    from psephos.contests.roles import ensure_roles

    ensure_roles(using=using)
