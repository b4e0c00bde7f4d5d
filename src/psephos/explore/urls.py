"""Routes of the explorer's pages (namespace ``explore``), mounted at ``/explore/``."""

from __future__ import annotations

from django.urls import path

from psephos.explore.views import count, index, pact, results

app_name = "explore"

urlpatterns = [
    path("", index.index, name="index"),
    path("pact", pact.pact, name="pact"),
    path("results/", results.results_index, name="results_index"),
    path("results/<slug:election>", results.election_page, name="results_election"),
    path("results/<slug:election>/<str:constituency>", results.constituency_page,
         name="results_constituency"),
    path("count", count.count_page, name="count"),
]
