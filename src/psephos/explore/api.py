"""The explorer's JSON endpoints, mounted in the site's API under ``/api/explore/``.

Each endpoint parses its request, calls the core and returns what the core computed; the
pages' scripts render these answers and compute nothing of their own.
"""

from __future__ import annotations

from ninja import Router

from psephos.explore.api_count import router as count_router
from psephos.explore.api_pact import router as pact_router
from psephos.explore.results_api import router as results_router

router = Router(tags=["explorer"])
# Counting a ballot file: ``/api/explore/count``.
router.add_router("/count", count_router)
# The pact builder: ``/api/explore/pact`` and its downloads.
router.add_router("", pact_router)
# Official results (seats, constituencies, list rounds): ``/api/explore/results/...``.
router.add_router("/results", results_router)
