"""Changing the roll after the freeze: one person proposes, a different person approves.

Before the opening a roll is built by importing files (`psephos.contests.electorate`).
From the opening the model guard (`psephos.contests.locking`) refuses any other change to
a voter's roll entry; a change is then a `RollChange` — add a voter, remove one who has
not voted, or edit one's details — that takes effect only when someone other than its
proposer approves it. The proposal, the approval (with the roll's new SHA-256, as the
opening publishes it) and any rejection are entries in the audit chain; the details
themselves stay in the roll-change row, which the chain binds by their SHA-256. So one
person alone can no longer add a voter, or move one between sections, once voting has
begun (the "four eyes" rule).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from psephos.contests import audit
from psephos.contests.electorate import roll_entry, section_named
from psephos.contests.errors import ContestError, WrongState
from psephos.contests.lifecycle import roll_hash
from psephos.contests.locking import roll_service
from psephos.contests.models import Contest, RollChange, VotedMark, Voter

#: What a change may set, as the roll's columns are named on import.
FIELDS = ("name", "email", "section", "joined", "arrears_paid", "fee_paid_on", "suspended")
_OPEN_TO_CHANGE = (Contest.State.DRAFT, Contest.State.OPEN)


class RollChangeError(ContestError):
    """A roll change that cannot be proposed, approved or rejected, and why."""


def _digest(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_state(contest: Contest) -> None:
    if contest.state not in _OPEN_TO_CHANGE:
        raise WrongState(f"contest {contest.slug!r} is {contest.state}: the roll no longer "
                         "changes after the close")


def _voter(contest: Contest, member_number: str) -> Voter | None:
    return Voter.objects.filter(contest=contest, member_number=member_number).first()


def _values(voter: Voter) -> dict[str, Any]:
    """A voter's roll entry as the fields a change names."""
    return {"member_number": voter.member_number, "name": voter.name, "email": voter.email,
            "joined": voter.joined, "arrears_paid": voter.arrears_paid,
            "fee_paid_on": voter.fee_paid_on, "suspended": voter.suspended}


def _entry(contest: Contest, member_number: str, fields: dict[str, Any],
           current: Voter | None) -> Voter:
    """The voter the change would leave on the roll, checked as an imported row is."""
    values = _values(current) if current is not None else {"member_number": member_number}
    values.update({k: v for k, v in fields.items() if k != "section"})
    wanted = fields.get("section")
    try:
        if wanted is not None:
            section = section_named(contest, str(wanted))
        elif current is not None:
            section = current.section
        else:
            raise RollChangeError("adding a voter needs their section")
        return roll_entry(contest, section, values)
    except ContestError as error:
        raise RollChangeError(f"{member_number}: {error.message}") from None


def _check(contest: Contest, kind: str, member_number: str, fields: dict[str, Any]) -> None:
    """Refuse, before anyone approves it, a change that could not be applied."""
    current = _voter(contest, member_number)
    if kind == RollChange.Kind.ADD:
        if current is not None:
            raise RollChangeError(f"{member_number} is already on the roll")
        entry = _entry(contest, member_number, fields, None)
        if Voter.objects.filter(contest=contest, person_key=entry.person_key).exists():
            raise RollChangeError(f"{member_number}: the same person is already on the roll "
                                  "(one vote per person)")
        return
    if current is None:
        raise RollChangeError(f"no voter with member number {member_number!r} in "
                              f"{contest.slug!r}")
    voted = VotedMark.objects.filter(voter=current).exists()
    if kind == RollChange.Kind.REMOVE:
        if voted:
            raise RollChangeError(f"{member_number} has voted: withdraw the vote with "
                                  "'psephos contest revoke' (which removes the ballot) instead")
        return
    if not fields:
        raise RollChangeError("an edit needs at least one field to change")
    entry = _entry(contest, member_number, fields, current)
    if voted and entry.section_id != current.section_id:
        raise RollChangeError(f"{member_number} has voted in {current.section.slug}: their "
                              "ballot is counted there, so the section cannot change")
    clash = (Voter.objects.filter(contest=contest, person_key=entry.person_key)
             .exclude(pk=current.pk).exists())
    if clash:
        raise RollChangeError(f"{member_number}: another voter is the same person (one "
                              "vote per person)")


def propose(contest: Contest, kind: str, member_number: str, *, reason: str, actor: Any,
            fields: dict[str, Any] | None = None) -> RollChange:
    """Propose adding, removing or editing a voter; nothing changes until it is approved."""
    if kind not in RollChange.Kind.values:
        raise RollChangeError(f"{kind!r} is not one of {', '.join(RollChange.Kind.values)}")
    member_number = member_number.strip()
    reason = reason.strip()
    fields = {k: v for k, v in (fields or {}).items() if v is not None}
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise RollChangeError(f"{', '.join(unknown)}: not a roll field; a change may set "
                              f"{', '.join(FIELDS)}")
    if kind == RollChange.Kind.REMOVE and fields:
        raise RollChangeError("a removal takes no fields")
    if not member_number:
        raise RollChangeError("a roll change needs the voter's member number")
    if not reason:
        raise RollChangeError("a roll change needs a reason (it is logged for review)")
    payload = {k: str(v) for k, v in fields.items()}
    with transaction.atomic():
        contest.refresh_from_db(fields=["state"])
        _check_state(contest)
        _check(contest, kind, member_number, payload)
        change = RollChange.objects.create(contest=contest, kind=kind,
                                           member_number=member_number, payload=payload,
                                           reason=reason, proposed_by=audit.actor_name(actor))
        audit.record(actor, "roll.propose", {
            "contest": contest.slug, "change": change.pk, "kind": kind,
            "member_number": member_number, "fields": sorted(payload), "reason": reason,
            "payload_sha256": _digest(payload)})
    return change


def approve(change: RollChange, *, actor: Any) -> RollChange:
    """A second person approves a proposed change, which is applied at once."""
    name = audit.actor_name(actor)
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=change.contest_id)
        change = RollChange.objects.select_for_update().get(pk=change.pk)
        _pending(change)
        if name == change.proposed_by:
            raise RollChangeError(f"roll change {change.pk} was proposed by {name}; another "
                                  "person must approve it")
        _check_state(contest)
        _check(contest, change.kind, change.member_number, change.payload)
        _apply(contest, change)
        change.state = RollChange.State.APPLIED
        change.decided_by, change.decided_at = name, timezone.now()
        change.save(update_fields=["state", "decided_by", "decided_at"])
        audit.record(actor, "roll.approve", {
            "contest": contest.slug, "change": change.pk, "kind": change.kind,
            "member_number": change.member_number, "proposed_by": change.proposed_by,
            "payload_sha256": _digest(change.payload), "roll_sha256": roll_hash(contest)})
    return change


def reject(change: RollChange, *, actor: Any, note: str = "") -> RollChange:
    """Turn a proposal down (its proposer may withdraw it so too)."""
    with transaction.atomic():
        change = RollChange.objects.select_for_update().get(pk=change.pk)
        _pending(change)
        change.state = RollChange.State.REJECTED
        change.decided_by, change.decided_at = audit.actor_name(actor), timezone.now()
        change.save(update_fields=["state", "decided_by", "decided_at"])
        audit.record(actor, "roll.reject", {
            "contest": change.contest.slug, "change": change.pk, "note": note.strip()})
    return change


def _pending(change: RollChange) -> None:
    if change.state != RollChange.State.PROPOSED:
        raise RollChangeError(f"roll change {change.pk} is already {change.state}")


def _apply(contest: Contest, change: RollChange) -> None:
    current = _voter(contest, change.member_number)
    with roll_service():
        if change.kind == RollChange.Kind.REMOVE:
            assert current is not None  # _check
            try:
                current.delete()
            except (ProtectedError, RestrictedError):
                raise RollChangeError(f"{change.member_number} has a revocation on record "
                                      "and stays on the roll (revoked)") from None
            return
        entry = _entry(contest, change.member_number, change.payload, current)
        if current is not None:
            entry.pk, entry.status = current.pk, current.status
            entry._state.adding = False
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            raise RollChangeError(f"{change.member_number}: the same person is already on "
                                  "the roll (one vote per person)") from None


def get_change(contest: Contest, pk: int) -> RollChange:
    """The contest's roll change with this number."""
    change = RollChange.objects.filter(contest=contest, pk=pk).first()
    if change is None:
        raise RollChangeError(f"no roll change {pk} in {contest.slug!r}")
    return change
