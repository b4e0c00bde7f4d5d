"""URL routes: the public ballot pages, the JSON API under /api/, and the admin."""

from __future__ import annotations

from axes.decorators import axes_dispatch
from django.contrib import admin
from django.urls import include, path

from psephos.contests.api import api
from psephos.explore.api import router as explore_router

api.add_router("/explore/", explore_router)

urlpatterns = [
    # A locked-out login is refused here, with reads only: through the login view it would
    # still record the attempt, a write that casting waits for on SQLite's one writer.
    path("admin/login/", axes_dispatch(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("explore/", include("psephos.explore.urls")),
    path("", include("psephos.contests.views.urls")),
]
