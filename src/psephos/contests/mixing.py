"""After the close: each section's sealed ballots shuffled and re-encrypted, and what the
trustees are asked to decrypt.

A re-encryption mix (`psephos.crypto.elgamal.shuffle`): every ciphertext gets fresh
randomness and the list a secret random order, so a mixed ballot cannot be matched to a
cast one, by its bytes or its place, by anyone the server does not tell the permutation
(it keeps none). Sections are mixed separately, so the declaration can still be given
section by section. The input of each section's mix is its ballots ordered by tracker
(the published list); the mixed list, in order, is what the decryption request holds.

Each mix is proved (`psephos.crypto.shuffle_proof`, docs/verifiability.md section 9): the
proof binds the ceremony hash and the section's label, and is kept as the section's
`psephos-shuffle/1` file without its output (`SectionShuffle`; the output is the mixed
list). The decryption request names that file's shuffle hash, so a trustee can check the
proof before decrypting. The audit chain records, per section, the counts and SHA-256 of
the input and mixed lists, the shuffle hash and the request's SHA-256. A section with no
ballots has nothing to prove: no shuffle file, and its (empty) request names none.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from psephos.contests import audit, board, sealing
from psephos.contests.casting.paper import ballot_paper
from psephos.contests.casting.rows import insert_rows
from psephos.contests.errors import ContestError, WrongState
from psephos.contests.models import Ballot, Contest, Section
from psephos.contests.sealed_models import (
    DecryptionRequest,
    DecryptionShare,
    KeyCeremony,
    MixedBallot,
    SectionShuffle,
)
from psephos.contests.textfile import write_json
from psephos.contests.trustees import document_sha256, round1_messages
from psephos.crypto import decryption, elgamal, shuffle_file
from psephos.crypto.ceremony import read_ceremony
from psephos.crypto.errors import CeremonyError
from psephos.crypto.shuffle_proof import shuffle_and_prove
from psephos.crypto.threads import WORKERS


@dataclass(frozen=True)
class SectionMix:
    """One section's mix, as the audit chain records it."""

    section: str
    ballots: int
    input_sha256: str
    mixed_sha256: str
    shuffle_hash: str | None
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
    """A section's cast ballots as (tracker, ciphertext), ordered by tracker: the input of
    its mix (a ballot removed by a revocation is not)."""
    return [(tracker, sealed) for tracker, sealed, *_ in signed_ballots(section)]


def signed_ballots(section: Section) -> list[tuple[str, bytes, str, str, str]]:
    """`sealed_ballots` with each one's public credential, signature and proof (hex)."""
    rows = (Ballot.objects.filter(section=section, removed=False).order_by("tracker")
            .values_list("tracker", "sealed", "signed_by", "signature", "proof"))
    return [(tracker, bytes(sealed), credential or "", signature or "", proof or "")
            for tracker, sealed, credential, signature, proof
            in rows.iterator(chunk_size=10000)]


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
    ceremony_hash = read_ceremony(document).hash
    mixes: list[SectionMix] = []
    rows: list[tuple[Any, ...]] = []
    requests: list[DecryptionRequest] = []
    shuffles: list[SectionShuffle] = []
    for section in contest.sections.all():
        cast = [sealed for _, sealed in sealed_ballots(section)]
        for n, sealed in enumerate(cast, start=1):
            try:
                elgamal.check_sealed(sealed, width)
            except ValueError as error:
                raise ContestError(f"section {section.slug}: stored ballot {n} (by tracker) "
                                   f"is not a sealed ballot of this contest: {error}; not "
                                   "shuffling") from None
        label = request_label(contest, section)
        mixed, shuffle = prove_mix(ceremony_hash, key, label, cast)
        if shuffle is not None:
            shuffles.append(SectionShuffle(
                contest=contest, section=section, shuffle_hash=shuffle["hash"],
                document={k: v for k, v in shuffle.items() if k not in ("output", "hash")}))
        try:
            request = decryption.decryption_request(
                document, round1, mixed, width, label,
                shuffle=None if shuffle is None else shuffle["hash"])
        except CeremonyError as error:
            raise ContestError(f"section {section.slug}: no decryption request: {error}"
                               ) from None
        rows += [(contest.pk, section.pk, position, sealed)
                 for position, sealed in enumerate(mixed)]
        mixed_digest = list_sha256(mixed)
        requests.append(DecryptionRequest(contest=contest, section=section, request=request,
                                          mixed_sha256=mixed_digest))
        mixes.append(SectionMix(section.slug, len(mixed), list_sha256(cast), mixed_digest,
                                None if shuffle is None else shuffle["hash"],
                                document_sha256(request)))
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        if locked.state != Contest.State.CLOSED or is_mixed(locked):
            raise WrongState(f"contest {contest.slug!r} was shuffled or counted meanwhile")
        insert_rows(MixedBallot, ("contest_id", "section_id", "position", "sealed"), rows)
        SectionShuffle.objects.bulk_create(shuffles)
        DecryptionRequest.objects.bulk_create(requests)
        board.make_block(locked, *[
            {"kind": "mix", "section": m.section, "stage": 0, "ballots": m.ballots,
             "shuffle_hash": m.shuffle_hash, "mixed_sha256": m.mixed_sha256}
            for m in mixes])
        audit.record(actor, "contest.shuffle", {
            "contest": contest.slug, "width": width,
            "sections": [m.to_json() for m in mixes]})
    return mixes


def prove_mix(ceremony_hash: str, key: bytes, label: str, cast: Sequence[bytes]
              ) -> tuple[list[bytes], dict[str, Any] | None]:
    """(the mixed list, its `psephos-shuffle/1` file with its shuffle hash added as "hash");
    no file for a section with no ballots."""
    if not cast:
        return [], None
    mixed, proof = shuffle_and_prove(
        key, cast, context=shuffle_file.proof_context(ceremony_hash, label), workers=WORKERS)
    shuffle = shuffle_file.shuffle_document(ceremony_hash, key, label, cast, mixed, proof)
    return mixed, {**shuffle, "hash": shuffle_file.shuffle_hash(shuffle)}


def shuffle_of(section: Section, stage: int | None = None) -> dict[str, Any] | None:
    """The section's `psephos-shuffle/1` file of ``stage`` (the last if None) as
    published: the stored proof with its output (for the last stage, the mixed list);
    None for a section without one (no ballots, or mixed before mixes were proved)."""
    found = SectionShuffle.objects.filter(section=section).order_by("-stage")
    stored = (found.first() if stage is None else found.filter(stage=stage).first())
    if stored is None:
        return None
    document = dict(stored.document)
    output = document.get("output")
    if output is None:
        output = base64.b64encode(b"".join(mixed_ballots(section))).decode()
    return {**{k: v for k, v in document.items() if k not in ("proof", "output")},
            "output": output, "proof": document["proof"]}


def shuffle_chain(section: Section) -> list[dict[str, Any]]:
    """The section's chain of mixes as published, stage 0 first; [] without one."""
    stages = (SectionShuffle.objects.filter(section=section).order_by("stage")
              .values_list("stage", flat=True))
    return [document for stage in stages
            if (document := shuffle_of(section, stage)) is not None]


def required_mixes() -> int:
    """How many trustee re-mixes each section's chain needs (after the server's) before
    the decryption requests go out: the PSEPHOS_TRUSTEE_MIXES setting, 0 by default."""
    from django.conf import settings

    return int(getattr(settings, "PSEPHOS_TRUSTEE_MIXES", 0))


@dataclass(frozen=True)
class AddedMix:
    """One trustee's re-mix taken into a section's chain, as the audit chain records it."""

    section: str
    stage: int
    ballots: int
    input_sha256: str
    mixed_sha256: str
    shuffle_hash: str
    request_sha256: str

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


def add_mix(contest: Contest, section_slug: str, document: Any, *, actor: Any,
            source: str = "the shuffle file") -> AddedMix:
    """Take a trustee's re-mix (`psephos trustee mix`) as the next stage of a section's
    chain once its proof shows its output to be the current last output re-encrypted and
    permuted: it becomes the mixed list and the decryption request names it; logged.
    Refused (nothing stored) after any decryption share for the section was taken."""
    contest.refresh_from_db()
    if contest.state != Contest.State.CLOSED:
        raise WrongState(f"contest {contest.slug!r} is {contest.state}: mixes are added "
                         "to a closed, uncounted contest")
    section = Section.objects.filter(contest=contest, slug=section_slug).first()
    if section is None:
        raise ContestError(f"contest {contest.slug!r} has no section {section_slug!r}")
    request = DecryptionRequest.objects.filter(section=section).first()
    last = SectionShuffle.objects.filter(section=section).order_by("-stage").first()
    if request is None or last is None:
        raise WrongState(f"section {section_slug!r} has no mix to re-mix: run 'contest "
                         "shuffle' first (a section with no ballots has nothing to mix)")
    if DecryptionShare.objects.filter(request=request).exists():
        raise WrongState(f"section {section_slug!r}: decryption shares were already taken "
                         "for its request; no more mixes")
    previous = shuffle_of(section, last.stage)
    assert previous is not None
    inputs = mixed_ballots(section)
    stage = last.stage + 1
    try:
        if shuffle_file.stage_of(document) != stage:
            raise ContestError(f"{source}: it says it is stage "
                               f"{shuffle_file.stage_of(document)}, not the next stage "
                               f"({stage}) of section {section_slug!r}")
        if document.get("previous") != last.shuffle_hash:
            raise ContestError(f"{source}: its previous is not the shuffle hash of stage "
                               f"{last.stage} (the chain's last mix)")
        if any(document.get(name) != previous.get(name)
               for name in ("ceremony", "election_key", "label")):
            raise ContestError(f"{source}: its ceremony, election key or label is not the "
                               "section's")
        outputs = shuffle_file.check_shuffle_document(document, inputs, workers=WORKERS)
    except CeremonyError as error:
        message = str(error).removeprefix("shuffle file: ")
        if "input digest" in message:
            message = f"its input is not stage {last.stage}'s output ({message})"
        raise ContestError(f"{source}: not added: {message}") from None
    ceremony = KeyCeremony.objects.get(contest=contest)
    width = len(ballot_paper(contest).pks)
    digest = shuffle_file.shuffle_hash(document)
    try:
        body = decryption.decryption_request(
            dict(ceremony.document), round1_messages(ceremony), outputs, width,
            request_label(contest, section), shuffle=digest)
    except CeremonyError as error:
        raise ContestError(f"section {section.slug}: no decryption request: {error}"
                           ) from None
    added = AddedMix(section.slug, stage, len(outputs), list_sha256(inputs),
                     list_sha256(outputs), digest, document_sha256(body))
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        if locked.state != Contest.State.CLOSED or SectionShuffle.objects.filter(
                section=section, stage=stage).exists() or DecryptionShare.objects.filter(
                request=request).exists():
            raise WrongState(f"section {section_slug!r} was re-mixed, decrypted or counted "
                             "meanwhile")
        SectionShuffle.objects.filter(pk=last.pk).update(
            document={**last.document, "output": previous["output"]})
        MixedBallot.objects.filter(section=section).delete()
        insert_rows(MixedBallot, ("contest_id", "section_id", "position", "sealed"),
                    [(contest.pk, section.pk, position, sealed)
                     for position, sealed in enumerate(outputs)])
        SectionShuffle.objects.create(
            contest=contest, section=section, stage=stage, shuffle_hash=digest,
            document={k: v for k, v in document.items() if k != "output"})
        DecryptionRequest.objects.filter(pk=request.pk).update(
            request=body, mixed_sha256=added.mixed_sha256)
        board.make_block(contest, {"kind": "mix", "section": section.slug, "stage": stage,
                                   "ballots": len(outputs), "shuffle_hash": digest,
                                   "mixed_sha256": added.mixed_sha256})
        audit.record(actor, "contest.mix", {"contest": contest.slug, **added.to_json(),
                                            "source": source})
    return added


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


def sealed_list(contest: Contest, section: Section, width: int) -> dict[str, Any]:
    """A section's cast ballots, by tracker: the input of its mix (``sealed-<section>.json``,
    `psephos-sealed-ballots/1`)."""
    return {"format": shuffle_file.SEALED_FORMAT, "contest": contest.slug,
            "section": section.slug, "width": width,
            "ballots": [{"tracker": t, "sealed": c.hex(), "credential": p, "signature": g,
                         "proof": f} for t, c, p, g, f in signed_ballots(section)]}


def chain_file_name(slug: str, stage: int) -> str:
    """``shuffle-<section>.json`` for the server's mix, ``shuffle-<section>-<stage>.json``
    for each trustee's re-mix after it."""
    return f"shuffle-{slug}.json" if stage == 0 else f"shuffle-{slug}-{stage}.json"


def check_chains_complete(contest: Contest, found: Sequence[DecryptionRequest]) -> None:
    """WrongState unless every section with ballots has the required trustee re-mixes."""
    needed = required_mixes()
    for r in found:
        stages = SectionShuffle.objects.filter(section=r.section).count()
        if stages and stages - 1 < needed:
            raise WrongState(f"section {r.section.slug!r} has {stages - 1} trustee re-mixes "
                             f"of the {needed} required (PSEPHOS_TRUSTEE_MIXES): add them "
                             "with 'contest add-mix' before the decryption requests")


def _chain_files(contest: Contest, found: Sequence[DecryptionRequest], folder: Path
                 ) -> list[Path]:
    """Each section's chain of mixes and, its first input, its sealed list, in ``folder``."""
    width = len(ballot_paper(contest).pks)
    paths = []
    for r in found:
        slug = r.section.slug
        chain = shuffle_chain(r.section)
        for stage, shuffle in enumerate(chain):
            paths.append(write_json(folder / chain_file_name(slug, stage), shuffle))
        if chain:
            paths.append(write_json(folder / f"sealed-{slug}.json",
                                    sealed_list(contest, r.section, width)))
    return paths


def write_chains(contest: Contest, folder: str | Path) -> list[Path]:
    """The files a mixer needs (``psephos trustee mix`` re-mixes each section's last one):
    each section's chain of mixes so far and its sealed list."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ContestError(f"{folder}: is not a folder")
    found = requests_of(contest)
    folder.mkdir(parents=True, exist_ok=True)
    return _chain_files(contest, found, folder)


def write_requests(contest: Contest, folder: str | Path, *, actor: Any) -> list[Path]:
    """The files the trustees need to decrypt with ``psephos trustee decrypt``, for each
    section: its decryption request (``request-<section>.json``) and, to check the proof of
    its shuffle first, the chain of mixes (``shuffle-<section>.json`` and each re-mix's
    ``shuffle-<section>-<stage>.json``) and the sealed ballots it shuffled
    (``sealed-<section>.json``); logged (which requests went out). Refused until each
    section has the trustee re-mixes PSEPHOS_TRUSTEE_MIXES requires."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ContestError(f"{folder}: is not a folder")
    found = requests_of(contest)
    check_chains_complete(contest, found)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for r in found:
        paths.append(write_json(folder / f"request-{r.section.slug}.json", r.request))
    paths += _chain_files(contest, found, folder)
    audit.record(actor, "decryption.requests", {
        "contest": contest.slug,
        "requests": [{"section": r.section.slug, "hash": r.request.get("hash"),
                      "shuffle": r.request.get("shuffle")} for r in found]})
    return paths
