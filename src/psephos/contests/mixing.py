"""After the close: each section's sealed ballots shuffled and re-encrypted, and what the
trustees are asked to decrypt.

A re-encryption mix (`psephos.crypto.elgamal.shuffle`): every ciphertext gets fresh
randomness and the list a secret random order, so a mixed ballot cannot be matched to a
cast one, by its bytes or its place, by anyone the server does not tell the permutation
(it keeps none). Sections are mixed separately, so the declaration can still be given
section by section. The input of each section's mix is its ballots ordered by tracker
(the published list); the mixed list, in order, is what the decryption request holds.
The audit chain records, per section, the counts and SHA-256 of the input and mixed lists.
(The proof of shuffle comes with issue #13; `elgamal.shuffle` has a hook for its witness.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from psephos.contests import audit, sealing
from psephos.contests.casting.paper import ballot_paper
from psephos.contests.casting.rows import insert_rows
from psephos.contests.errors import ContestError, WrongState
from psephos.contests.models import Ballot, Contest, Section
from psephos.contests.sealed_models import DecryptionRequest, KeyCeremony, MixedBallot
from psephos.contests.textfile import write_json
from psephos.contests.trustees import document_sha256, round1_messages
from psephos.crypto import decryption, elgamal
from psephos.crypto.errors import CeremonyError
from psephos.crypto.threads import WORKERS


@dataclass(frozen=True)
class SectionMix:
    """One section's mix, as the audit chain records it."""

    section: str
    ballots: int
    input_sha256: str
    mixed_sha256: str
    request_sha256: str

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


def list_sha256(sealed: Sequence[bytes]) -> str:
    """SHA-256 of a list of sealed ballots, each in turn (all are the same width)."""
    digest = hashlib.sha256()
    for item in sealed:
        digest.update(item)
    return digest.hexdigest()


def request_label(contest: Contest, section: Section) -> str:
    """What a decryption request is called: the contest and the section."""
    return f"{contest.slug}/{section.slug}"


def sealed_ballots(section: Section) -> list[tuple[str, bytes]]:
    """A section's cast ballots as (tracker, ciphertext), ordered by tracker."""
    rows = (Ballot.objects.filter(section=section).order_by("tracker")
            .values_list("tracker", "sealed"))
    return [(tracker, bytes(sealed)) for tracker, sealed in rows.iterator(chunk_size=10000)]


def is_mixed(contest: Contest) -> bool:
    return DecryptionRequest.objects.filter(contest=contest).exists()


def mix_contest(contest: Contest, *, actor: Any) -> list[SectionMix]:
    """Shuffle and re-encrypt each section's ballots of a closed contest, store the mixed
    lists and a decryption request per section, and log it; once only."""
    contest.refresh_from_db()
    if contest.state != Contest.State.CLOSED:
        raise WrongState(f"contest {contest.slug!r} is {contest.state}: only a closed, "
                         "uncounted contest is shuffled")
    if is_mixed(contest):
        raise WrongState(f"contest {contest.slug!r} has already been shuffled")
    audit.check_ballots_unchanged(contest)  # nothing edited or added since the close is mixed
    ceremony = KeyCeremony.objects.get(contest=contest)
    key = sealing.election_key(contest)
    if key is None:
        raise WrongState(f"contest {contest.slug!r} has no election key")
    width = len(ballot_paper(contest).pks)
    document, round1 = dict(ceremony.document), round1_messages(ceremony)
    mixes: list[SectionMix] = []
    rows: list[tuple[Any, ...]] = []
    requests: list[DecryptionRequest] = []
    for section in contest.sections.all():
        cast = [sealed for _, sealed in sealed_ballots(section)]
        for n, sealed in enumerate(cast, start=1):
            try:
                elgamal.check_sealed(sealed, width)
            except ValueError as error:
                raise ContestError(f"section {section.slug}: stored ballot {n} (by tracker) "
                                   f"is not a sealed ballot of this contest: {error}; not "
                                   "shuffling") from None
        mixed = elgamal.shuffle(key, cast, workers=WORKERS)
        try:
            request = decryption.decryption_request(document, round1, mixed, width,
                                                    request_label(contest, section))
        except CeremonyError as error:
            raise ContestError(f"section {section.slug}: no decryption request: {error}"
                               ) from None
        rows += [(contest.pk, section.pk, position, sealed)
                 for position, sealed in enumerate(mixed)]
        mixed_digest = list_sha256(mixed)
        requests.append(DecryptionRequest(contest=contest, section=section, request=request,
                                          mixed_sha256=mixed_digest))
        mixes.append(SectionMix(section.slug, len(mixed), list_sha256(cast), mixed_digest,
                                document_sha256(request)))
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        if locked.state != Contest.State.CLOSED or is_mixed(locked):
            raise WrongState(f"contest {contest.slug!r} was shuffled or counted meanwhile")
        insert_rows(MixedBallot, ("contest_id", "section_id", "position", "sealed"), rows)
        DecryptionRequest.objects.bulk_create(requests)
        audit.record(actor, "contest.shuffle", {
            "contest": contest.slug, "width": width,
            "sections": [m.to_json() for m in mixes]})
    return mixes


def mixed_ballots(section: Section) -> list[bytes]:
    """A section's mixed list, in order."""
    rows = (MixedBallot.objects.filter(section=section).order_by("position")
            .values_list("sealed", flat=True))
    return [bytes(sealed) for sealed in rows.iterator(chunk_size=10000)]


def requests_of(contest: Contest) -> list[DecryptionRequest]:
    """The contest's decryption requests, a section each in section order; WrongState
    before the shuffle."""
    found = list(DecryptionRequest.objects.filter(contest=contest).select_related("section")
                 .order_by("section__priority", "section__pk"))
    if not found:
        raise WrongState(f"contest {contest.slug!r} has not been shuffled yet; run "
                         "'contest shuffle' after the close")
    return found


def write_requests(contest: Contest, folder: str | Path, *, actor: Any) -> list[Path]:
    """One decryption request file a section (``request-<section>.json``) for the
    trustees to decrypt with ``psephos trustee decrypt``; logged (which requests went out)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ContestError(f"{folder}: is not a folder")
    found = requests_of(contest)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [write_json(folder / f"request-{r.section.slug}.json", r.request) for r in found]
    audit.record(actor, "decryption.requests", {
        "contest": contest.slug,
        "requests": [{"section": r.section.slug, "hash": r.request.get("hash")}
                     for r in found]})
    return paths
