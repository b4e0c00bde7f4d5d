"""Finding what a cast names: the contest by its slug, the credential by its secret.

A secret is hashed once per request (`CredentialKey.of`); every look-up after that, and
the statement that spends it, use the two hashes.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from psephos.contests import timetable, tokens
from psephos.contests.casting.cache import BoundedCache
from psephos.contests.casting.recovery import recover_tracker, recovery_keys
from psephos.contests.errors import (
    AlreadyVoted,
    ContestError,
    ContestNotFound,
    ContestNotOpen,
    UnknownCredential,
    VoteWithdrawn,
)
from psephos.contests.models import Contest, Credential, Voter


@dataclass(frozen=True)
class CredentialKey:
    """The two hashes a typed or followed secret could match: as a link token, as a
    postal code; and, for each, the lookup id and box key of its tracker's recovery row
    (`psephos.contests.casting.recovery`). Nothing else about the secret is kept."""

    link: str
    postal: str
    recovery: tuple[tuple[str, bytes], ...] = ()
    #: The secret itself, held only while its request lasts: casting derives from it the
    #: private credential that signs the ballot (`psephos.contests.casting.signing`).
    secret: str = field(default="", repr=False, compare=False)

    @classmethod
    def of(cls, secret: str | CredentialKey) -> CredentialKey:
        if isinstance(secret, CredentialKey):
            return secret
        return cls(*tokens.credential_hashes(secret), recovery=recovery_keys(secret),
                   secret=secret)


class VotedWithTracker(AlreadyVoted):
    """A used credential presented again, with the tracker of the ballot it cast."""

    def __init__(self, tracker: str) -> None:
        super().__init__(f"this credential has already been used to vote; the tracker of "
                         f"its ballot is {tracker}: look for it on the published board")
        self.tracker = tracker


def could_be_slug(slug: str) -> bool:
    """Whether a contest could have this slug: not over-long, no NUL (PostgreSQL refuses
    NUL in a query's text with an error, so it must not reach one)."""
    return len(slug) <= Contest._meta.get_field("slug").max_length and "\x00" not in slug


def get_contest(slug: str) -> Contest:
    """The contest with this slug, or `ContestNotFound` listing the ones there are."""
    try:
        if not could_be_slug(slug):
            raise Contest.DoesNotExist
        return Contest.objects.get(slug=slug)
    except Contest.DoesNotExist:
        known = list(Contest.objects.order_by("slug").values_list("slug", flat=True)[:20])
        choices = f"; there are: {', '.join(known)}" if known else "; there are none yet"
        raise ContestNotFound(f"no contest {slug!r}{choices}") from None


#: The parts of a contest that never change once it is made, read once per process, by
#: (database, id, creation time): a contest made again with a reused id is another entry.
_FIXED = ("id", "slug", "method", "seats", "created_at", "postal_iterations")
_TEMPLATES: BoundedCache[tuple[str, int, object], Contest] = BoundedCache(1000)


def contest_to_cast(slug: str) -> Contest:
    """`get_contest` for the casting path, at a fraction of the cost: one plain query reads
    the contest's id, creation time, state, name and close time, and the fixed rest comes
    from a copy of what was read before. Other fields are deferred, so touching one reads
    it afresh."""
    if not could_be_slug(slug):
        return get_contest(slug)  # refuses it, saying which contests there are
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q('id')}, {q('created_at')}, {q('state')}, {q('name')}, "
                       f"{q('closes_at')} FROM {q(Contest._meta.db_table)} "
                       f"WHERE {q('slug')} = %s", [slug])
        row = cursor.fetchone()
    if row is None:
        return get_contest(slug)  # says which contests there are
    key = (str(connection.settings_dict.get("NAME")), int(row[0]), row[1])
    template = _TEMPLATES.get(key)
    if template is None:
        template = Contest.objects.only(*_FIXED).get(pk=row[0])
        _TEMPLATES.put(key, template)
    contest = copy.copy(template)  # a model's copy has its own state and field cache
    contest.state, contest.name = row[2], row[3]
    contest.closes_at = _utc(row[4])
    return contest


def _utc(value: object) -> datetime | None:
    """A date-time column read by a plain query (SQLite gives it naive, in UTC, or as text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if timezone.is_naive(value) else value


#: What a voter whose entitlement was revoked is told, whichever way they try to vote.
WITHDRAWN = "this voter's entitlement to vote was withdrawn"


def refusal(found: Sequence[tuple[str, str]]) -> ContestError | None:
    """Why a secret matching credentials in these (credential status, voter status) pairs
    cannot vote, or None if it can. Shared by every channel, online and postal batch."""
    for status, voter_status in found:
        if status == Credential.Status.ACTIVE:
            if voter_status != Voter.Status.ELIGIBLE:
                return VoteWithdrawn(WITHDRAWN)
            return None
    # A withdrawn voter hears that first: if they had voted, their ballot was removed, so
    # "already used" would tell them it still counts.
    if any(voter_status == Voter.Status.REVOKED for _, voter_status in found):
        return VoteWithdrawn(WITHDRAWN)
    if any(status == Credential.Status.USED for status, _ in found):
        return AlreadyVoted("this credential has already been used to vote")
    return UnknownCredential("that credential is not valid for this ballot (check it, or "
                             "ask for a new one if it was replaced)")


def not_open(contest: Contest) -> ContestNotOpen | None:
    """`ContestNotOpen` unless the contest is open and its close time has not come (both
    read afresh from the database)."""
    contest.refresh_from_db(fields=["state", "closes_at"])
    return closed(contest)


def closed(contest: Contest) -> ContestNotOpen | None:
    """`ContestNotOpen` unless the contest is open and its close time has not come (as
    the caller read them), saying when it closed if it has."""
    if contest.state == Contest.State.OPEN and not timetable.past_close(contest):
        return None
    if contest.state != Contest.State.DRAFT and contest.closes_at is not None:
        return ContestNotOpen(f"voting in {contest.name} is not open: it closed at "
                              f"{timetable.uk_time(contest.closes_at)}")
    return ContestNotOpen(f"voting in {contest.name} is not open (it is {contest.state})")


def _matching(key: CredentialKey) -> Q:
    return Q(link_hash=key.link) | Q(postal_hash=key.postal)


def find_credential(contest: Contest, secret: str | CredentialKey) -> Credential:
    """The active credential matching a link token or a typed postal code."""
    rows = list(Credential.objects.filter(_matching(CredentialKey.of(secret)),
                                          voter__contest=contest).select_related("voter"))
    problem = refusal([(c.status, c.voter.status) for c in rows])
    if problem is not None:
        raise problem
    return next(c for c in rows if c.status == Credential.Status.ACTIVE)


def credential_problem(contest: Contest, secret: str | CredentialKey) -> ContestError | None:
    """Why this secret cannot vote in this contest now, or None; says nothing about anyone
    else. The contest's state is as the caller read it."""
    problem = closed(contest)
    if problem is not None:
        return problem
    key = CredentialKey.of(secret)
    try:
        find_credential(contest, key)
    except AlreadyVoted as error:
        tracker = recover_tracker(contest, key.recovery)
        return error if tracker is None else VotedWithTracker(tracker)
    except ContestError as error:
        return error
    return None


def contest_of_credential(secret: str | CredentialKey) -> Contest | None:
    """The contest a typed code (or a pasted link token) was issued for, if any."""
    credential = (Credential.objects.select_related("voter__contest")
                  .filter(_matching(CredentialKey.of(secret))).first())
    return None if credential is None else credential.voter.contest
