"""Routes of the explorer's pages (namespace ``explore``), mounted at ``/explore/``."""

from __future__ import annotations

from django.urls import path

from psephos.explore.views import index, pact

app_name = "explore"

urlpatterns = [
    path("", index.index, name="index"),
    path("pact", pact.pact, name="pact"),
]
