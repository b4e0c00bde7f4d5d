"""The Django admin: contests and rolls browsable; ballots, marks and the log read-only.

The buttons that run a contest (open, close, shuffle, count, revoke, reissue) are admin
actions that call the contest services with the logged-in user as the actor, so the audit
log says who pressed them. Who may press which follows `psephos.contests.roles`. Every other
change made here is in the audit chain too (`psephos.contests.admin_audit`), and from the
opening a contest's definition and roll are shown read-only (the model guard in
`psephos.contests.locking` refuses them whatever the form sends).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from psephos.contests import credentials, lifecycle, models, roll, sealed_models
from psephos.contests.admin_audit import AuditedAdmin
from psephos.contests.counting import count_contest
from psephos.contests.errors import ContestError
from psephos.contests.locking import LOCKED_CONTEST_FIELDS, ROLL_FIELDS
from psephos.contests.mixing import mix_contest
from psephos.contests.names import clash_message, first_clash, name_problem, stored_name
from psephos.contests.roles import ADMIN, HELPDESK, RETURNING_OFFICER, has_role

#: The login page: the site's own light page, not the admin's. A stranger can ask for it as
#: often as they like, and the admin's (about 10 ms of CPU) beside 8 password guessers
#: slowed casting (make reliability); this one renders in a fraction of that.
admin.site.login_template = "contests/admin_login.html"

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


def _draft(contest: models.Contest | None) -> bool:
    return contest is None or contest.state == models.Contest.State.DRAFT


#: The roll's fields by their form names (``section``, not ``section_id``).
ROLL_FORM_FIELDS = tuple(name.removesuffix("_id") for name in ROLL_FIELDS)
LOCKED_MESSAGE = ("is {state}: its roll changes only by a proposed and approved roll change "
                  "('psephos contest roll propose', then another person's 'roll approve')")


class ActionsByRole(AuditedAdmin):
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


class DefinitionInline(admin.TabularInline):
    """A part of the definition: editable in a draft, read-only from the opening."""

    extra = 0

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return _draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return _draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return _draft(obj) and super().has_delete_permission(request, obj)


class SectionInline(DefinitionInline):
    model = models.Section


class CandidateForm(forms.ModelForm):
    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        problem = name_problem(name)
        if problem is not None:
            raise forms.ValidationError(f"{name!r} {problem}")
        return stored_name(name)


class CandidateFormSet(forms.BaseInlineFormSet):
    """No two candidates whose names compare equal (`psephos.contests.names`)."""

    def clean(self) -> None:
        super().clean()
        names = [form.cleaned_data["name"] for form in self.forms
                 if getattr(form, "cleaned_data", None) and form.cleaned_data.get("name")
                 and not form.cleaned_data.get("DELETE")]
        clash = first_clash(names)
        if clash is not None:
            raise forms.ValidationError(clash_message(names[clash[0]], names[clash[1]]))


class CandidateInline(DefinitionInline):
    model = models.Candidate
    form = CandidateForm
    formset = CandidateFormSet


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
    actions = ("open_voting", "close_voting", "shuffle_ballots", "count_and_declare")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """From the opening the definition is shown, not offered for editing."""
        if _draft(obj):
            return self.readonly_fields
        return (*self.readonly_fields, *LOCKED_CONTEST_FIELDS)

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

    @admin.action(description="Shuffle the ballots (after the close)", permissions=["run"])
    def shuffle_ballots(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _require(request, *RUNNERS)
        _each(request, queryset, lambda c: mix_contest(c, actor=request.user),
              "ballots shuffled; now write the decryption requests for the trustees")

    @admin.action(description="Count and declare (once k trustees have decrypted)",
                  permissions=["run"])
    def count_and_declare(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _require(request, *RUNNERS)
        _each(request, queryset, lambda c: count_contest(c, actor=request.user),
              "counted and declared")


class RevokeForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                             help_text="Logged in the audit log and listed for review.")


class VoterForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        contest = cleaned.get("contest")
        if self.instance._state.adding and contest is not None and not _draft(contest):
            raise forms.ValidationError(
                f"contest {contest.slug!r} " + LOCKED_MESSAGE.format(state=contest.state))
        return cleaned


@admin.register(models.Voter)
class VoterAdmin(ActionsByRole):
    list_display = ("member_number", "name", "email", "section", "status")
    form = VoterForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """From the opening a roll entry changes only by an approved roll change."""
        if obj is None or _draft(obj.contest):
            return self.readonly_fields
        return (*self.readonly_fields, *ROLL_FORM_FIELDS)

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


class NominationForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        contest = cleaned.get("contest")
        if self.instance._state.adding and contest is not None and not _draft(contest):
            raise forms.ValidationError(f"contest {contest.slug!r} is {contest.state}: "
                                        "nominations are closed")
        return cleaned


@admin.register(models.Nomination)
class NominationAdmin(ActionsByRole):
    list_display = ("candidate", "body", "nominator", "union", "members", "withdrawn")
    list_filter = ("contest", "body", "withdrawn")
    form = NominationForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or _draft(obj.contest):
            return self.readonly_fields
        return [f.name for f in models.Nomination._meta.fields]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """One at a time, and only while nominations are open (a draft)."""
        return obj is not None and _draft(obj.contest) and super().has_delete_permission(
            request, obj)


@admin.register(models.RollChange)
class RollChangeAdmin(ReadOnly):
    """Roll changes are proposed with ``psephos contest roll propose``; here another person
    approves or rejects them, as the logged-in user."""

    list_display = ("pk", "contest", "kind", "member_number", "state", "proposed_by",
                    "decided_by", "reason")
    list_filter = ("contest", "state", "kind")
    actions = ("approve_changes", "reject_changes")

    def has_run_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, *RUNNERS)

    @admin.action(description="Approve and apply (proposed by someone else)",
                  permissions=["run"])
    def approve_changes(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _require(request, *RUNNERS)
        _each(request, queryset, lambda c: roll.approve(c, actor=request.user), "applied")

    @admin.action(description="Reject", permissions=["run"])
    def reject_changes(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _require(request, *RUNNERS)
        _each(request, queryset, lambda c: roll.reject(c, actor=request.user), "rejected")


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
    """A ballot shows its section, tracker and the hash of its ciphertext: never what it
    says (it is sealed until k trustees decrypt the mixed ballots after the close)."""

    list_display = ("tracker", "contest", "section", "sealed_sha256")
    list_filter = ("contest", "section")
    fields = ("tracker", "contest", "section", "sealed_sha256")
    readonly_fields = fields

    @admin.display(description="SHA-256 of the sealed ballot")
    def sealed_sha256(self, ballot: models.Ballot) -> str:
        return hashlib.sha256(bytes(ballot.sealed)).hexdigest()


@admin.register(sealed_models.Trustee)
class TrusteeAdmin(ReadOnly):
    list_display = ("contest", "index", "name")
    list_filter = ("contest",)
    exclude = ("public",)


@admin.register(sealed_models.KeyCeremony)
class KeyCeremonyAdmin(ReadOnly):
    list_display = ("contest", "threshold", "state", "local")
    exclude = ("document", "election_key")


class AuditedUserAdmin(UserAdmin, AuditedAdmin):
    """Who gave whom which role is in the audit chain too (field names, never passwords)."""


class AuditedGroupAdmin(GroupAdmin, AuditedAdmin):
    pass


for _model, _admin in ((User, AuditedUserAdmin), (Group, AuditedGroupAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
