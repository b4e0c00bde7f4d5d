"""The Django admin: contests and rolls browsable; ballots, marks and the log read-only.

The buttons that run a contest (open, close, count, revoke, reissue) are admin actions
that call the contest services with the logged-in user as the actor, so the audit log
says who pressed them. Who may press which follows `psephos.contests.roles`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from psephos.contests import credentials, lifecycle, models
from psephos.contests.counting import count_contest
from psephos.contests.errors import ContestError
from psephos.contests.roles import ADMIN, HELPDESK, RETURNING_OFFICER, has_role

#: Roles that run a contest: open, close, count, revoke.
RUNNERS = (ADMIN, RETURNING_OFFICER)
#: Roles that may reissue a voter's credential.
REISSUERS = (ADMIN, RETURNING_OFFICER, HELPDESK)


def _require(request: HttpRequest, *roles: str) -> None:
    """Refuse outright, whatever the action list showed (a forged POST gets a 403)."""
    if not has_role(request.user, *roles):
        raise PermissionDenied


def _each(request: HttpRequest, items: QuerySet[Any], step: Any, done: str) -> None:
    """Run ``step`` on each item; a refusal becomes an error message, not a 500."""
    for item in items:
        try:
            step(item)
        except ContestError as error:
            messages.error(request, f"{item}: {error}")
        else:
            messages.success(request, f"{item}: {done}")


class ActionsByRole(admin.ModelAdmin):
    """A POST of an action this user may not run gets 403, as a hand-made POST should.

    Django leaves a forbidden action out of the user's list, so such a POST would be
    answered 200 "no action selected"; refusing it outright says what happened.
    """

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        name = request.POST.get("action") if request.method == "POST" else None
        if name:
            defined = {action_name for _, action_name, _ in self._get_base_actions()}
            if name in defined and name not in self.get_actions(request):
                raise PermissionDenied
        return super().changelist_view(request, extra_context)


class ReadOnly(ActionsByRole):
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
class ContestAdmin(ActionsByRole):
    list_display = ("slug", "name", "method", "seats", "state")

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        """Nobody deletes a contest from the admin: it would take its ballots, roll and
        declaration with it, with no trace in the audit log."""
        return False
    list_filter = ("state", "method")
    readonly_fields = ("state", "declaration")
    inlines = (SectionInline, CandidateInline)
    actions = ("open_voting", "close_voting", "count_and_declare")

    def has_run_permission(self, request: HttpRequest) -> bool:
        """Only the people who run a contest see (or may use) its buttons."""
        return has_role(request.user, *RUNNERS)

    @admin.action(description="Open voting", permissions=["run"])
    def open_voting(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _require(request, *RUNNERS)
        _each(request, queryset, lambda c: lifecycle.open_contest(c, actor=request.user),
              "voting is open")

    @admin.action(description="Close voting", permissions=["run"])
    def close_voting(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _require(request, *RUNNERS)
        _each(request, queryset, lambda c: lifecycle.close_contest(c, actor=request.user),
              "voting is closed")

    @admin.action(description="Count and declare", permissions=["run"])
    def count_and_declare(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _require(request, *RUNNERS)
        _each(request, queryset, lambda c: count_contest(c, actor=request.user),
              "counted and declared")


class RevokeForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                             help_text="Logged in the audit log and listed for review.")


@admin.register(models.Voter)
class VoterAdmin(ActionsByRole):
    list_display = ("member_number", "name", "email", "section", "status")

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        """A voter leaves the roll by a logged revocation, never by a silent delete."""
        return False
    list_filter = ("contest", "section", "status")
    search_fields = ("member_number", "email", "name")
    readonly_fields = ("status",)
    actions = ("reissue_credential", "revoke_vote")

    def has_reissue_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, *REISSUERS)

    def has_run_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, *RUNNERS)

    @admin.action(description="Reissue credential (shows the new one once)",
                  permissions=["reissue"])
    def reissue_credential(self, request: HttpRequest,
                           queryset: QuerySet[Any]) -> TemplateResponse:
        """Render the new secrets on the page rather than in a message: messages may sit in
        a cookie, and a secret must exist in clear only where it is handed over."""
        _require(request, *REISSUERS)
        issued: list[dict[str, Any]] = []
        for voter in queryset.select_related("contest"):
            try:
                secret = credentials.reissue(voter, actor=request.user)
            except ContestError as error:
                messages.error(request, f"{voter}: {error}")
                continue
            issued.append({"voter": voter, "postal_code": secret.postal_code,
                           "link": credentials.vote_url(voter.contest, secret.link_token)})
        response = TemplateResponse(request, "admin/contests/reissued.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": "New credentials", "reissued": issued})
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke vote (asks for a reason)", permissions=["run"])
    def revoke_vote(self, request: HttpRequest,
                    queryset: QuerySet[Any]) -> TemplateResponse | None:
        """A revocation needs a reason, so the first press asks for it on its own page."""
        _require(request, *RUNNERS)
        form = RevokeForm(request.POST if "revoke" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            _each(request, queryset,
                  lambda v: lifecycle.revoke(v, actor=request.user, reason=reason), "revoked")
            return None
        return TemplateResponse(request, "admin/contests/revoke.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": "Revoke votes", "form": form, "voters": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME})


@admin.register(models.Nomination)
class NominationAdmin(ActionsByRole):
    list_display = ("candidate", "body", "nominator", "union", "members", "withdrawn")
    list_filter = ("contest", "body", "withdrawn")


@admin.register(models.TimetableEvent)
class TimetableEventAdmin(ActionsByRole):
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
