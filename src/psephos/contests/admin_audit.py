"""Every change made through the Django admin goes into the audit chain.

`AuditedAdmin` records who added, changed or deleted what, and which fields (by name:
never a value, so no password or secret ends up in the log), in the same transaction as
the change. A change the contest lock refuses (`psephos.contests.locking`) is shown as a
message and nothing is written, rather than a server error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from psephos.contests import audit
from psephos.contests.errors import ContestError


def _label(obj: Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def _changes(message: Any) -> list[Any]:
    """The admin's change message (field and inline names, no values) as a JSON list."""
    if isinstance(message, list):
        return message
    return [str(message)] if message else []


def record_admin(request: HttpRequest, action: str, obj: Model, changes: Any = None) -> None:
    """One admin step in the audit chain: ``admin.add``, ``admin.change`` or
    ``admin.delete`` of one object, by the logged-in user."""
    audit.record(request.user, f"admin.{action}", {
        "model": _label(obj), "object": str(obj.pk), "repr": str(obj)[:200],
        "changes": _changes(changes)})


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every add, change and delete is in the audit chain."""

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        record_admin(request, "add", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        record_admin(request, "change", obj, message)
        return super().log_change(request, obj, message)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        with transaction.atomic():
            record_admin(request, "delete", obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():  # the bulk action is not in a transaction of its own
            for obj in queryset:
                record_admin(request, "delete", obj)
            super().delete_queryset(request, queryset)

    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: Any = None) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ContestError as error:  # refused by the lock: rolled back, shown
            messages.error(request, error.message)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id: str,
                    extra_context: Any = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ContestError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.get_full_path())
