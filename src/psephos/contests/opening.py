"""The trustees' decryption shares, checked as they come in, and the mixed ballots opened
once k trustees have sent theirs.

Threshold decryption (`psephos.crypto.decryption`): each trustee sends, for every mixed
ballot of a section, their share of its decryption with a Chaum–Pedersen proof that it
was made with their part of the key; a share whose proof fails is refused, so a trustee
cannot change a ballot. Any k checked shares combine into the rankings, in the mixed
order; fewer than k reveal nothing. The opened ballots are stored with random ids in
that order, for the count (`psephos.contests.counting`) and the published record.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from psephos.contests import audit, board
from psephos.contests.casting.paper import ballot_paper
from psephos.contests.casting.rows import insert_rows
from psephos.contests.errors import ContestError, TrusteeError, WrongState
from psephos.contests.mixing import requests_of
from psephos.contests.models import Contest
from psephos.contests.sealed_models import (
    DecryptionRequest,
    DecryptionShare,
    KeyCeremony,
    OpenedBallot,
    Trustee,
)
from psephos.contests.trustees import document_sha256, round1_messages
from psephos.crypto import decryption
from psephos.crypto.errors import CeremonyError
from psephos.crypto.threads import WORKERS


@dataclass(frozen=True)
class DecryptionStatus:
    """Whose shares are in, section by section, against the k needed."""

    contest: str
    threshold: int
    sections: dict[str, tuple[int, ...]]
    opened: bool

    @property
    def missing(self) -> str | None:
        short = {s: self.threshold - len(t) for s, t in self.sections.items()
                 if len(t) < self.threshold}
        if not short:
            return None
        return "; ".join(f"section {s}: {n} more trustee(s)' shares (of {self.threshold} "
                         "needed)" for s, n in short.items())

    def to_json(self) -> dict[str, Any]:
        return {"contest": self.contest, "threshold": self.threshold,
                "sections": {s: list(t) for s, t in self.sections.items()},
                "opened": self.opened, "missing": self.missing}


def decryption_status(contest: Contest) -> DecryptionStatus:
    ceremony = KeyCeremony.objects.get(contest=contest)
    sections = {r.section.slug: tuple(sorted(r.shares.values_list("trustee__index", flat=True)))
                for r in requests_of(contest)}
    return DecryptionStatus(contest.slug, ceremony.threshold, sections, is_opened(contest))


def add_shares(contest: Contest, response: dict[str, Any], *, actor: Any,
               source: str = "the shares") -> DecryptionRequest:
    """Check one trustee's shares for one section's request and keep them; returns the
    request they answer."""
    contest.refresh_from_db()
    if contest.state != Contest.State.CLOSED:
        raise WrongState(f"contest {contest.slug!r} is {contest.state}: shares are taken "
                         "between the shuffle and the count")
    request = _request_answered(contest, response, source)
    trustee = _trustee_of(contest, response, source)
    ceremony = KeyCeremony.objects.get(contest=contest)
    try:
        decryption.check_shares(dict(ceremony.document), round1_messages(ceremony),
                                dict(request.request), response, workers=WORKERS)
    except CeremonyError as error:
        raise TrusteeError(f"{source}: refused: {error}") from None
    try:
        with transaction.atomic():
            DecryptionShare.objects.create(request=request, trustee=trustee, response=response)
            board.make_block(contest, {"kind": "shares", "section": request.section.slug,
                                       "trustee": trustee.index,
                                       "sha256": document_sha256(response)})
            audit.record(actor, "decryption.shares", {
                "contest": contest.slug, "section": request.section.slug,
                "trustee": trustee.index, "shares_sha256": document_sha256(response)})
    except IntegrityError:
        raise TrusteeError(f"{source}: trustee {trustee.index} ({trustee.name}) has already "
                           f"sent their shares for section {request.section.slug}") from None
    return request


def _request_answered(contest: Contest, response: dict[str, Any],
                      source: str) -> DecryptionRequest:
    if response.get("format") != decryption.SHARES_FORMAT:
        raise TrusteeError(f"{source}: not a trustee's decryption shares (format "
                           f"{response.get('format')!r}; expected "
                           f"{decryption.SHARES_FORMAT!r}); make them with 'psephos trustee "
                           "decrypt'")
    wanted = response.get("request")
    for request in requests_of(contest):
        if request.request.get("hash") == wanted:
            return request
    raise TrusteeError(f"{source}: these shares answer no decryption request of "
                       f"{contest.slug!r} (was the request file from another contest?)")


def _trustee_of(contest: Contest, response: dict[str, Any], source: str) -> Trustee:
    index = response.get("trustee")
    trustee = (Trustee.objects.filter(contest=contest, index=index).first()
               if isinstance(index, int) and not isinstance(index, bool) else None)
    if trustee is None:
        raise TrusteeError(f"{source}: names no trustee of {contest.slug!r}")
    return trustee


def is_opened(contest: Contest) -> bool:
    """Whether the trustees' shares have opened the contest's mixed ballots."""
    return DecryptionRequest.objects.filter(contest=contest, opened=True).exists()


def open_ballots(contest: Contest, *, actor: Any) -> int:
    """Combine k trustees' shares of every section into the rankings and store them as
    opened ballots (once); WrongState naming what is missing. Returns the ballots opened."""
    if is_opened(contest):
        return OpenedBallot.objects.filter(contest=contest).count()
    status = decryption_status(contest)
    if status.missing is not None:
        raise WrongState(f"contest {contest.slug!r} cannot be counted before "
                         f"{status.threshold} trustees have decrypted: {status.missing}")
    ceremony = KeyCeremony.objects.get(contest=contest)
    document, round1 = dict(ceremony.document), round1_messages(ceremony)
    pks = ballot_paper(contest).pks
    rows: list[tuple[Any, ...]] = []
    sections: list[dict[str, Any]] = []
    for request in requests_of(contest):
        responses = [dict(r) for r in request.shares.order_by("trustee__index")
                     .values_list("response", flat=True)[:ceremony.threshold]]
        try:
            # Every stored response's proof was checked as it came in (`add_shares`); its
            # signature is checked again here.
            rankings = decryption.combine(document, round1, dict(request.request), responses,
                                          workers=WORKERS, checked=True)
        except (CeremonyError, ValueError) as error:
            raise ContestError(f"section {request.section.slug}: the ballots cannot be "
                               f"opened: {error}") from None
        digest = hashlib.sha256()
        noise = os.urandom(16 * len(rankings))
        for position, ranking in enumerate(rankings):
            keys = [pks[c] for c in ranking]
            digest.update((",".join(map(str, ranking)) + "\n").encode())
            rows.append((uuid.UUID(bytes=noise[16 * position:16 * position + 16], version=4),
                         contest.pk, request.section_id, position, keys))
        sections.append({"section": request.section.slug, "ballots": len(rankings),
                         "opened_sha256": digest.hexdigest()})
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        if is_opened(locked):
            return OpenedBallot.objects.filter(contest=contest).count()
        insert_rows(OpenedBallot, ("id", "contest_id", "section_id", "position", "ranking"),
                    rows)
        DecryptionRequest.objects.filter(contest=contest).update(opened=True)
        audit.record(actor, "contest.decrypt", {
            "contest": contest.slug, "threshold": ceremony.threshold, "sections": sections})
    return len(rows)
