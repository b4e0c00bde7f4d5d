"""The Django admin: contests and rolls browsable; ballots, marks and the log read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from psephos.contests import models


class ReadOnly(admin.ModelAdmin):
    """Records the services write and nobody edits by hand (the audit chain would break)."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class SectionInline(admin.TabularInline):
    model = models.Section
    extra = 0


class CandidateInline(admin.TabularInline):
    model = models.Candidate
    extra = 0


@admin.register(models.Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "method", "seats", "state")
    list_filter = ("state", "method")
    readonly_fields = ("state", "declaration")
    inlines = (SectionInline, CandidateInline)


@admin.register(models.Voter)
class VoterAdmin(admin.ModelAdmin):
    list_display = ("member_number", "name", "email", "section", "status")
    list_filter = ("contest", "section", "status")
    search_fields = ("member_number", "email", "name")
    readonly_fields = ("status",)


@admin.register(models.Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ("candidate", "body", "nominator", "union", "members", "withdrawn")
    list_filter = ("contest", "body", "withdrawn")


@admin.register(models.TimetableEvent)
class TimetableEventAdmin(admin.ModelAdmin):
    list_display = ("contest", "kind", "title", "place", "start", "end")
    list_filter = ("contest", "kind")


@admin.register(models.OutboxMessage)
class OutboxAdmin(ReadOnly):
    list_display = ("to", "subject", "kind", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status", "kind")
    exclude = ("body",)


@admin.register(models.Revocation)
class RevocationAdmin(ReadOnly):
    list_display = ("contest", "voter", "actor", "reason", "ballot_removed", "upheld",
                    "reviewed_by")


@admin.register(models.AuditEntry)
class AuditEntryAdmin(ReadOnly):
    list_display = ("seq", "at", "actor", "action", "hash")
    list_filter = ("action",)


@admin.register(models.Credential)
class CredentialAdmin(ReadOnly):
    list_display = ("voter", "status", "created_at")
    list_filter = ("status",)
    exclude = ("link_hash", "postal_hash")


@admin.register(models.Ballot)
class BallotAdmin(ReadOnly):
    list_display = ("tracker", "contest", "section")
    list_filter = ("contest", "section")
