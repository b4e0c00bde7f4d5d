"""Casting a ballot: the one path every channel (web, post, phone) goes through.

In one transaction: find the active credential, write the voter's "voted" mark (the
database's unique key refuses a second), mark the credential used, store the ballot with
no link to the voter, and seal the voter -> ballot pointer that a revocation may need
until the close. The receipt exists only once that transaction has committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from psephos.contests import tokens
from psephos.contests.errors import AlreadyVoted, ContestNotOpen, InvalidRanking, UnknownCredential
from psephos.contests.models import (
    Ballot,
    BallotSeal,
    Candidate,
    Contest,
    Credential,
    VotedMark,
    Voter,
)
from psephos.contests.nominations import ballot_candidates

CHANNELS = ("web", "post", "phone", "cli")


@dataclass(frozen=True)
class Receipt:
    """What the voter keeps: the tracker to find their ballot on the published list."""

    contest: str
    tracker: str


def resolve_ranking(contest: Contest, ranking: Sequence[str | int]) -> list[int]:
    """Candidate keys for a ranking given as names or keys; `InvalidRanking` if it cannot be."""
    standing = ballot_candidates(contest)
    by_name = {c.name.casefold(): c.pk for c in standing}
    by_key = {str(c.pk): c.pk for c in standing}
    chosen: list[int] = []
    for item in ranking:
        text = str(item).strip()
        if not text:
            continue
        pk = by_key.get(text) or by_name.get(text.casefold())
        if pk is None:
            names = ", ".join(c.name for c in standing)
            raise InvalidRanking(f"{text!r} is not a candidate on this ballot; the candidates "
                                 f"are {names}")
        if pk in chosen:
            raise InvalidRanking(f"{text!r} is ranked more than once")
        chosen.append(pk)
    if not chosen:
        raise InvalidRanking("the ballot ranks no candidate; rank at least one")
    return chosen


def find_credential(contest: Contest, credential: str) -> Credential:
    """The active credential matching a link token or a typed postal code."""
    link, postal = tokens.credential_hashes(credential)
    mine = Credential.objects.filter(Q(link_hash=link) | Q(postal_hash=postal),
                                     voter__contest=contest)
    found = mine.filter(status=Credential.Status.ACTIVE).select_related("voter").first()
    if found is None:
        if mine.filter(status=Credential.Status.USED).exists():
            raise AlreadyVoted("this credential has already been used to vote")
        raise UnknownCredential("that credential is not valid for this ballot (check it, or "
                                "ask for a new one if it was replaced)")
    if found.voter.status != Voter.Status.ELIGIBLE:
        raise UnknownCredential("this voter's entitlement to vote was withdrawn")
    return found


def cast_ballot(contest: Contest, credential: str, ranking: Sequence[str | int], *,
                channel: str = "web") -> Receipt:
    """Record one ballot and return its receipt; the first valid ballot of a voter wins."""
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
    contest.refresh_from_db(fields=["state"])
    if contest.state != Contest.State.OPEN:
        raise ContestNotOpen(f"voting in {contest.name} is not open (it is {contest.state})")
    chosen = resolve_ranking(contest, ranking)
    try:
        with transaction.atomic():
            found = find_credential(contest, credential)
            voter = found.voter
            VotedMark.objects.create(voter=voter, contest=contest, channel=channel)
            used = Credential.objects.filter(pk=found.pk, status=Credential.Status.ACTIVE) \
                .update(status=Credential.Status.USED)
            if used != 1:  # replaced by a reissue meanwhile
                raise UnknownCredential("that credential was replaced; use the new one")
            tracker = tokens.new_tracker()
            ballot = Ballot.objects.create(contest=contest, section_id=voter.section_id,
                                           ranking=chosen, tracker=tracker)
            BallotSeal.objects.create(contest=contest,
                                      voter_key=tokens.voter_seal(contest.pk, voter.pk),
                                      ballot_id=ballot.pk)
    except IntegrityError:
        raise AlreadyVoted("a ballot has already been cast with this voter's credential; "
                           "only the first one counts") from None
    return Receipt(contest=contest.slug, tracker=tracker)


def candidate_names(contest: Contest) -> dict[int, str]:
    """Candidate key -> name, for every candidate of the contest."""
    return dict(Candidate.objects.filter(contest=contest).values_list("pk", "name"))


def tracker_on_board(contest: Contest, tracker: str) -> bool:
    """True when a ballot with this tracker is held (recorded as cast)."""
    code = tokens.normalise_postal(tracker)
    formatted = "-".join(code[i:i + 4] for i in range(0, len(code), 4))
    return Ballot.objects.filter(contest=contest, tracker=formatted).exists()
