"""Opening and closing the ballot, and withdrawing a voter's vote before the close.

Revocation without linking ballots to voters: the ballot table holds nothing about the
voter. While the ballot is open, `BallotSeal` keeps one row per cast ballot, keyed by an
HMAC of the voter under a key derived from SECRET_KEY (which lives outside the database).
A revocation recomputes that key for one voter, finds their seal and deletes the ballot
it points to, all logged in the audit chain and listed for review. The close deletes every
seal, so after it nobody, the operators included, can tell which ballot was whose.

The trade-off: until the close, someone holding both the database and SECRET_KEY could
link voters to ballots (as a scrutineer with the sealed envelope files could in a postal
ballot); the database alone, a backup or the published record cannot.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from psephos.contests import (
    audit,
    audit_ballots,
    audit_keys,
    board,
    lock_order,
    public_credentials,
    sealing,
    timetable,
    tokens,
)
from psephos.contests.casting.paper import ballot_paper
from psephos.contests.errors import NominationError, RevocationError, WrongState
from psephos.contests.models import (
    Ballot,
    BallotSeal,
    Candidate,
    Contest,
    Credential,
    Revocation,
    VotedMark,
    Voter,
)
from psephos.contests.nominations import ballot_candidates
from psephos.contests.trustees import missing_for_opening


def _lock(contest: Contest) -> Contest:
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    contest.state = locked.state
    return locked


def roll_hash(contest: Contest) -> str:
    """SHA-256 over the sorted roll (section, member number): published at the opening."""
    digest = hashlib.sha256()
    rows = (Voter.objects.filter(contest=contest, status=Voter.Status.ELIGIBLE)
            .order_by("section__slug", "member_number")
            .values_list("section__slug", "member_number"))
    for section, number in rows.iterator(chunk_size=10000):
        digest.update(f"{section}\t{number}\n".encode())
    return digest.hexdigest()


def open_contest(contest: Contest, *, actor: Any) -> None:
    """Fix the ballot paper and start voting, once the trustees' key ceremony is complete
    (every ballot is sealed under its key as it is cast)."""
    with transaction.atomic():
        locked = _lock(contest)
        if locked.state != Contest.State.DRAFT:
            raise WrongState(f"contest {contest.slug!r} is {locked.state}; only a draft opens")
        standing = ballot_candidates(locked)
        if len(standing) <= locked.seats:
            names = ", ".join(c.name for c in standing) or "nobody"
            raise NominationError(
                f"only {len(standing)} validly nominated and consenting candidate(s) ({names}) "
                f"for {locked.seats} seat(s): there is nothing to vote on")
        electorate = Voter.objects.filter(contest=locked, status=Voter.Status.ELIGIBLE).count()
        if electorate == 0:
            raise WrongState(f"contest {contest.slug!r} has no electorate; import one first")
        # Both refusals at once: each needs its own fix before the contest can open.
        refusals = []
        missing = missing_for_opening(locked)
        if missing is not None:
            refusals.append(f"contest {contest.slug!r} cannot open before its trustees' key "
                            f"ceremony is complete; missing: {missing}")
        opens_at, closes_at = timetable.now(), timetable.scheduled_close(locked)
        if closes_at is not None and closes_at <= opens_at:
            refusals.append(f"the timetable closes {contest.slug!r} at "
                            f"{timetable.uk_time(closes_at)}, which has passed; move its "
                            "ballot_close event before opening it")
        if refusals:
            raise WrongState("; and ".join(refusals))
        Candidate.objects.filter(pk__in=[c.pk for c in standing]).update(on_ballot=True)
        locked.state = Contest.State.OPEN
        locked.opens_at, locked.closes_at = opens_at, closes_at
        locked.save(update_fields=["state", "opens_at", "closes_at"])
        lists = public_credentials.commit_lists(locked)
        key = sealing.election_key(locked)
        opening = board.make_block(locked, {
            "kind": "opening", "lists": lists, "election_key": (key or b"").hex(),
            "candidates": list(ballot_paper(locked).names),
            "postal_iterations": locked.postal_iterations,
            "key": audit_keys.public_hex(audit_keys.signing_key().verify_key)})
        audit.record(actor, "contest.open", {
            "contest": locked.slug, "candidates": [c.name for c in standing],
            "electorate": electorate, "roll_sha256": roll_hash(locked),
            "closes_at": closes_at.isoformat() if closes_at else None,
            "credential_lists": lists, "board_block": opening.hash if opening else None})
    contest.state = Contest.State.OPEN
    contest.opens_at, contest.closes_at = opens_at, closes_at
    refresh_statistics()


def refresh_statistics() -> None:
    """On PostgreSQL, ``ANALYZE`` the roll and the credentials the import has just filled,
    so the planner finds a cast's credential by its hash's index. Measured: with the
    statistics of an empty table it scanned every live credential instead, 6.5 ms a cast
    against 0.1 ms. (SQLite's planner needs no statistics for these lookups.)"""
    if connection.vendor != "postgresql":
        return
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (Voter, Credential):
            cursor.execute(f"ANALYZE {q(model._meta.db_table)}")


def close_contest(contest: Contest, *, actor: Any) -> None:
    """Stop voting and destroy every voter -> ballot seal."""
    with transaction.atomic():
        locked = _lock(contest)
        if locked.state != Contest.State.OPEN:
            raise WrongState(f"contest {contest.slug!r} is {locked.state}; only an open "
                             "contest closes")
        locked.state = Contest.State.CLOSED
        closed_at = timetable.now()
        if locked.closes_at is None or closed_at < locked.closes_at:
            locked.closes_at = closed_at  # closed early by hand: when it really closed
        locked.save(update_fields=["state", "closes_at"])
        seals = BallotSeal.objects.filter(contest=locked).delete()[0]
        ballots = Ballot.objects.filter(contest=locked, removed=False).count()
        marks = VotedMark.objects.filter(contest=locked).count()
        # Ballots removed by revocations that stand (an overturned one also cleared the mark).
        removed = (Revocation.objects.filter(contest=locked, ballot_removed=True)
                   .exclude(upheld=False).count())
        if marks != ballots + removed:
            raise WrongState(f"{marks} voters are marked as voted but there are {ballots} "
                             f"ballots and {removed} removed by revocation; not closing")
        by_section = dict(Ballot.objects.filter(contest=locked, removed=False)
                          .values_list("section__slug").annotate(n=Count("pk")))
        last = board.make_block(locked, {
            "kind": "close", "at": closed_at.isoformat(),
            "ballots": {slug: by_section.get(slug, 0)
                        for slug in sorted(public_credentials.section_slugs(locked).values())}})
        audit.record(actor, "contest.close", {
            "contest": locked.slug, "ballots": ballots, "voted": marks,
            "removed_by_revocation": removed, "seals_destroyed": seals,
            "board_block": last.hash if last else None,
            **audit_ballots.ballot_commitment(locked)})  # what count and verify-log check
    contest.state, contest.closes_at = Contest.State.CLOSED, locked.closes_at


def revoke(voter: Voter, *, actor: Any, reason: str) -> Revocation:
    """Withdraw a voter's entitlement before the close, removing their ballot if cast."""
    reason = reason.strip()
    if not reason:
        raise RevocationError("a revocation needs a reason (it is logged for review)")
    with transaction.atomic():  # in the one lock order (`psephos.contests.lock_order`)
        contest = _lock(voter.contest)
        if contest.state not in (Contest.State.DRAFT, Contest.State.OPEN):
            raise RevocationError(f"contest {contest.slug!r} is {contest.state}: a vote can "
                                  "only be withdrawn before the close")
        lock_order.lock_credentials(voter.pk)
        voter = lock_order.lock_voter(voter.pk)
        if voter.status == Voter.Status.REVOKED:
            raise RevocationError(f"{voter.member_number} is already revoked")
        voter.status = Voter.Status.REVOKED
        voter.save(update_fields=["status"])
        live = list(voter.credentials.filter(status__in=[Credential.Status.ACTIVE,
                                                         Credential.Status.USED]))
        voter.credentials.filter(status=Credential.Status.ACTIVE).update(
            status=Credential.Status.ROTATED)
        removed = False
        entry = None
        if VotedMark.objects.filter(voter=voter).exists():
            seal = BallotSeal.objects.filter(
                voter_key=tokens.voter_seal(contest.pk, voter.pk)).first()
            if seal is None:
                raise RevocationError(f"{voter.member_number} voted but their ballot cannot be "
                                      "found (was SECRET_KEY changed?); nothing was changed")
            ballot = Ballot.objects.filter(pk=seal.ballot_id, removed=False).first()
            if ballot is not None:  # kept, shown on the board as removed, never mixed
                ballot.removed = True
                ballot.save(update_fields=["removed"])
                removed = True
                entry = board.ballot_entry(contest, ballot)
            seal.delete()
        for credential in live:
            public_credentials.revoke_voter_entry(contest, credential, reason, entry)
        revocation = Revocation.objects.create(contest=contest, voter=voter,
                                               actor=audit.actor_name(actor), reason=reason,
                                               ballot_removed=removed)
        audit.record(actor, "voter.revoke", {
            "contest": contest.slug, "member_number": voter.member_number, "reason": reason,
            "ballot_removed": removed, "revocation": revocation.pk})
    return revocation


def review_revocation(revocation: Revocation, *, actor: Any, upheld: bool,
                      note: str = "") -> Revocation:
    """A second person's review: upheld, or overturned (the voter may vote again if open)."""
    with transaction.atomic():
        contest = _lock(revocation.contest)
        revocation = Revocation.objects.select_for_update().get(pk=revocation.pk)
        if revocation.reviewed_at is not None:
            raise RevocationError("this revocation has already been reviewed")
        if audit.actor_name(actor) == revocation.actor:
            raise RevocationError("a revocation must be reviewed by someone other than the "
                                  "person who made it")
        if not upheld:
            if contest.state not in (Contest.State.DRAFT, Contest.State.OPEN):
                raise RevocationError("the ballot has closed; the revocation stands")
            Voter.objects.filter(pk=revocation.voter_id).update(status=Voter.Status.ELIGIBLE)
            if revocation.ballot_removed:  # their ballot is gone: they may vote afresh
                VotedMark.objects.filter(voter_id=revocation.voter_id).delete()
                Credential.objects.filter(voter_id=revocation.voter_id,
                                          status=Credential.Status.USED).update(
                    status=Credential.Status.ROTATED)
        revocation.reviewed_by = audit.actor_name(actor)
        revocation.reviewed_at = timezone.now()
        revocation.upheld = upheld
        revocation.review_note = note
        revocation.save()
        audit.record(actor, "revocation.review", {
            "contest": contest.slug, "revocation": revocation.pk, "upheld": upheld,
            "note": note})
    return revocation
