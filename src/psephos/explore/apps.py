"""Django app configuration of the explorer."""

from __future__ import annotations

from django.apps import AppConfig


class ExploreConfig(AppConfig):
    name = "psephos.explore"
    label = "explore"
    verbose_name = "Explorer"
