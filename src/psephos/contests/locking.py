"""From its opening a contest's definition is locked, and its roll changes only by service.

One guard at the model layer, so the admin, the shell, the API and any future page meet
the same refusal: ``pre_save`` and ``pre_delete`` receivers that look up the contest's
stored state and, unless it is a draft, refuse

- a change to the contest's definition (`LOCKED_CONTEST_FIELDS`), and deleting it;
- adding, changing or deleting a section, candidate, nominating body or nomination;
- adding, changing or deleting a voter's roll entry (`ROLL_FIELDS`), except inside
  `roll_service` (`psephos.contests.roll`: proposed by one person, approved by another,
  each step in the audit chain).

The services' own steps (opening fixes ``Candidate.on_ballot``, the count stores the
declaration, a revocation sets ``Voter.status``) are ``QuerySet.update`` calls or
change fields outside these lists, so they pass. A candidate's name is checked here too
(`psephos.contests.names`), draft or not, and a changed candidate makes this process's
ballot paper be read again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from psephos.contests.errors import NominationError, WrongState
from psephos.contests.models import (
    Candidate,
    Contest,
    NominatingBody,
    Nomination,
    Section,
    Voter,
)
from psephos.contests.names import clash_message, name_key, name_problem, stored_name

#: What a contest's definition is: fixed from the opening.
LOCKED_CONTEST_FIELDS = ("slug", "name", "method", "seats", "freeze_date", "dedupe_by",
                         "incumbent_bypass", "nomination_rule")
#: The parts of a definition held in their own tables: every field is locked.
DEFINITION_PARTS: tuple[type[models.Model], ...] = (Section, Candidate, NominatingBody,
                                                    Nomination)
#: What a roll entry says about a person; ``status`` changes by revocation, not here.
ROLL_FIELDS = ("contest_id", "section_id", "member_number", "email", "name", "person_key",
               "joined", "arrears_paid", "fee_paid_on", "suspended")

_ROLL_SERVICE: ContextVar[bool] = ContextVar("psephos_roll_service", default=False)


class ContestLocked(WrongState):
    """A change to a contest's definition or roll that its state forbids."""


@contextmanager
def roll_service() -> Iterator[None]:
    """Let `psephos.contests.roll` change the roll of an open contest (approved changes)."""
    token = _ROLL_SERVICE.set(True)
    try:
        yield
    finally:
        _ROLL_SERVICE.reset(token)


def contest_state(contest_id: int | None) -> str | None:
    """The contest's state as stored (not as a possibly stale object says)."""
    if contest_id is None:
        return None
    return Contest.objects.filter(pk=contest_id).values_list("state", flat=True).first()


def _changed(model: type[models.Model], instance: models.Model, fields: tuple[str, ...],
             update_fields: Any) -> list[str]:
    """The fields of ``fields`` whose value differs from the stored row's."""
    if update_fields is not None:
        wanted = {model._meta.get_field(f).attname for f in update_fields}
        fields = tuple(f for f in fields if f in wanted)
    if not fields:
        return []
    stored = model._default_manager.filter(pk=instance.pk).values(*fields).first()
    if stored is None:
        return []
    return [f.removesuffix("_id") for f in fields if getattr(instance, f) != stored[f]]


def _refuse(contest_id: int | None, what: str) -> ContestLocked:
    contest = Contest.objects.filter(pk=contest_id).values("slug", "state").first() or {}
    return ContestLocked(f"contest {contest.get('slug')!r} is {contest.get('state')}: {what} "
                         "(the definition is locked from the opening)")


def _guard_contest(sender: Any, instance: Contest, raw: bool = False,
                   update_fields: Any = None, **_: Any) -> None:
    if raw or instance._state.adding or contest_state(instance.pk) in (None, Contest.State.DRAFT):
        return
    changed = _changed(Contest, instance, LOCKED_CONTEST_FIELDS, update_fields)
    if changed:
        raise _refuse(instance.pk, f"its {', '.join(changed)} can no longer change")


def _part_fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if not f.primary_key)


def _guard_part(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None,
                **_: Any) -> None:
    if raw:
        return
    if isinstance(instance, Candidate):
        _check_candidate_name(instance)
    if contest_state(instance.contest_id) in (None, Contest.State.DRAFT):
        return
    label = sender._meta.verbose_name
    if instance._state.adding:
        raise _refuse(instance.contest_id, f"no {label} can be added")
    changed = _changed(sender, instance, _part_fields(sender), update_fields)
    if changed:
        raise _refuse(instance.contest_id, f"{label} {instance}: its {', '.join(changed)} "
                                           "can no longer change")


def _check_candidate_name(candidate: Candidate) -> None:
    problem = name_problem(candidate.name)
    if problem is not None:
        raise NominationError(f"candidate name {candidate.name!r} {problem}")
    candidate.name = stored_name(candidate.name)
    key = name_key(candidate.name)
    others = (Candidate.objects.filter(contest_id=candidate.contest_id)
              .exclude(pk=candidate.pk).values_list("name", flat=True))
    same = next((name for name in others if name_key(name) == key), None)
    if same is not None:
        raise NominationError(clash_message(same, candidate.name))


def _guard_voter(sender: Any, instance: Voter, raw: bool = False, update_fields: Any = None,
                 **_: Any) -> None:
    if raw or _ROLL_SERVICE.get():
        return
    if contest_state(instance.contest_id) in (None, Contest.State.DRAFT):
        return
    if instance._state.adding:
        raise _refuse(instance.contest_id, "a voter is added only by an approved roll change")
    changed = _changed(Voter, instance, ROLL_FIELDS, update_fields)
    if changed:
        raise _refuse(instance.contest_id, f"voter {instance}: {', '.join(changed)} change "
                                           "only by an approved roll change")


def _guard_delete(sender: Any, instance: Any, **_: Any) -> None:
    if isinstance(instance, Voter) and _ROLL_SERVICE.get():
        return
    contest_id = instance.pk if isinstance(instance, Contest) else instance.contest_id
    if contest_state(contest_id) in (None, Contest.State.DRAFT):
        return
    raise _refuse(contest_id, f"{sender._meta.verbose_name} {instance} cannot be deleted")


def _candidate_changed(sender: Any, instance: Candidate, **_: Any) -> None:
    from psephos.contests.casting.paper import paper_changed

    paper_changed(instance.contest_id)


def connect() -> None:
    """Install the guards (called once, from the app's ``ready``)."""
    pre_save.connect(_guard_contest, sender=Contest, dispatch_uid="psephos-lock-contest")
    for model in DEFINITION_PARTS:
        pre_save.connect(_guard_part, sender=model,
                         dispatch_uid=f"psephos-lock-{model._meta.model_name}")
    pre_save.connect(_guard_voter, sender=Voter, dispatch_uid="psephos-lock-voter")
    guarded: tuple[type[models.Model], ...] = (Contest, *DEFINITION_PARTS, Voter)
    for each in guarded:
        pre_delete.connect(_guard_delete, sender=each,
                           dispatch_uid=f"psephos-lock-delete-{each._meta.model_name}")
    post_save.connect(_candidate_changed, sender=Candidate, dispatch_uid="psephos-paper-save")
    post_delete.connect(_candidate_changed, sender=Candidate,
                        dispatch_uid="psephos-paper-delete")
