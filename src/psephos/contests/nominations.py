"""Nominations: who may nominate, how many must, and so who is on the ballot.

A contest lists nominating bodies (MPs and MEPs, local parties, affiliates) and a rule: a
list of groups, every group to be met, each by any one body in it. Labour 2016 was
``[["plp"]]`` (20 % of 251 MPs and MEPs = 51) with the incumbent on the ballot without
nominations; Labour 2020 was ``[["plp"], ["clp", "affiliates"]]`` (10 % of MPs and MEPs,
then 5 % of local parties, or 3 affiliates, 2 of them unions, with 5 % of affiliated
members). A candidate stands once validly nominated and consenting, until withdrawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from psephos.contests import audit
from psephos.contests.errors import NominationError, WrongState
from psephos.contests.models import Candidate, Contest, NominatingBody, Nomination
from psephos.contests.names import clash_message, name_key, name_problem, stored_name


def _draft(contest: Contest) -> None:
    if contest.state != Contest.State.DRAFT:
        raise WrongState(f"contest {contest.slug!r} is {contest.state}: nominations are closed")


def threshold(body: NominatingBody) -> int:
    """Nominations needed from a body: its share of its size, rounded up (20 % of 251 = 51)."""
    return max(1, math.ceil(Decimal(body.size) * body.share))


def members_needed(body: NominatingBody) -> int:
    """Affiliated members the nominating affiliates must hold together."""
    return math.ceil(Decimal(body.total_members) * body.min_members_share)


@dataclass(frozen=True)
class BodyStatus:
    body: str
    name: str
    nominations: int
    needed: int
    met: bool
    detail: str = ""


@dataclass(frozen=True)
class NominationStatus:
    """Whether a candidate is validly nominated, body by body, and why not."""

    candidate: str
    valid: bool
    on_ballot: bool
    bodies: tuple[BodyStatus, ...] = ()
    reasons: tuple[str, ...] = field(default=())


def _body_status(body: NominatingBody, standing: list[Nomination]) -> BodyStatus:
    count = len(standing)
    if body.kind == NominatingBody.Kind.AFFILIATES:
        unions = sum(1 for n in standing if n.union)
        members = sum(n.members for n in standing)
        need_members = members_needed(body)
        met = count >= body.min_count and unions >= body.min_unions and members >= need_members
        detail = (f"{count} affiliates (need {body.min_count}), {unions} unions (need "
                  f"{body.min_unions}), {members:,} members (need {need_members:,})")
        return BodyStatus(body.slug, body.name, count, body.min_count, met, detail)
    need = threshold(body)
    return BodyStatus(body.slug, body.name, count, need, count >= need,
                      f"{count} of {need} needed")


def nomination_status(candidate: Candidate) -> NominationStatus:
    contest = candidate.contest
    bodies = {b.slug: b for b in contest.bodies.all()}
    standing: dict[str, list[Nomination]] = {slug: [] for slug in bodies}
    for n in candidate.nominations.filter(withdrawn=False).select_related("body"):
        standing[n.body.slug].append(n)
    statuses = {slug: _body_status(b, standing[slug]) for slug, b in bodies.items()}
    reasons: list[str] = []
    bypass = candidate.incumbent and contest.incumbent_bypass
    if not bypass:
        for group in contest.nomination_rule:
            if not any(statuses[slug].met for slug in group if slug in statuses):
                reasons.append("not enough nominations from "
                               + " or ".join(statuses[s].name for s in group if s in statuses)
                               + ": " + "; ".join(statuses[s].detail for s in group
                                                  if s in statuses))
    valid = not reasons
    if not candidate.consented:
        reasons.append("has not consented")
    if candidate.withdrawn:
        reasons.append("withdrew")
    return NominationStatus(candidate=candidate.name, valid=valid,
                            on_ballot=valid and candidate.consented and not candidate.withdrawn,
                            bodies=tuple(statuses.values()), reasons=tuple(reasons))


def ballot_candidates(contest: Contest) -> list[Candidate]:
    """The candidates on the ballot, in ballot order: fixed at the opening, else as now."""
    if contest.state != Contest.State.DRAFT:
        return list(contest.candidates.filter(on_ballot=True).order_by("order", "pk"))
    return [c for c in contest.candidates.order_by("order", "pk")
            if nomination_status(c).on_ballot]


def add_candidate(contest: Contest, name: str, *, incumbent: bool = False,
                  actor: Any = "system") -> Candidate:
    _draft(contest)
    problem = name_problem(name)
    if problem is not None:
        raise NominationError(f"candidate name {name!r} {problem}")
    name = stored_name(name)
    try:
        with transaction.atomic():
            same = next((c for c in contest.candidates.values_list("name", flat=True)
                         if name_key(c) == name_key(name)), None)
            if same is not None:
                raise NominationError(clash_message(same, name))
            order = contest.candidates.count()
            candidate = Candidate.objects.create(contest=contest, name=name, order=order,
                                                 incumbent=incumbent)
            audit.record(actor, "candidate.add", {"contest": contest.slug, "candidate": name,
                                                  "incumbent": incumbent})
    except IntegrityError:
        raise NominationError(f"{name!r} is already a candidate") from None
    return candidate


def nominate(candidate: Candidate, body: str, nominator: str, *, union: bool = False,
             members: int = 0, actor: Any = "system") -> Nomination:
    """Record a nomination of ``candidate`` by ``nominator`` from the body with slug ``body``."""
    contest = candidate.contest
    _draft(contest)
    if candidate.withdrawn:
        raise NominationError(f"{candidate.name} has withdrawn")
    found = contest.bodies.filter(slug=body).first()
    if found is None:
        choices = ", ".join(contest.bodies.values_list("slug", flat=True)) or "(none)"
        raise NominationError(f"no nominating body {body!r}; choose one of {choices}")
    nominator = nominator.strip()
    if not nominator:
        raise NominationError("a nomination needs the nominator's name")
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(contest=contest, candidate=candidate,
                                                   body=found, nominator=nominator,
                                                   union=union, members=members)
            audit.record(actor, "nomination.add", {
                "contest": contest.slug, "candidate": candidate.name, "body": body,
                "nominator": nominator, "union": union, "members": members})
    except IntegrityError:
        raise NominationError(f"{nominator} already nominates a candidate in {found.name}; "
                              "that nomination must be withdrawn first") from None
    return nomination


def consent(candidate: Candidate, *, actor: Any = "system") -> None:
    """Record that the candidate agrees to stand."""
    _draft(candidate.contest)
    with transaction.atomic():
        Candidate.objects.filter(pk=candidate.pk).update(consented=True)
        candidate.consented = True
        audit.record(actor, "candidate.consent", {"contest": candidate.contest.slug,
                                                  "candidate": candidate.name})


def withdraw_candidate(candidate: Candidate, *, actor: Any = "system") -> None:
    """Withdraw a candidate; their nominations lapse, so nominators may nominate again."""
    _draft(candidate.contest)
    with transaction.atomic():
        Candidate.objects.filter(pk=candidate.pk).update(withdrawn=True)
        candidate.withdrawn = True
        candidate.nominations.update(withdrawn=True)
        audit.record(actor, "candidate.withdraw", {"contest": candidate.contest.slug,
                                                   "candidate": candidate.name})
