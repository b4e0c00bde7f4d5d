"""URL routes: the public ballot pages, the JSON API under /api/, and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from psephos.contests.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("psephos.contests.views.urls")),
]
