"""The trustees of a contest and their key ceremony, on the server's side.

The n trustees generate the contest's election key together, so that any k of them, and
no fewer, can decrypt (Pedersen's distributed key generation with Feldman commitments:
`psephos.crypto.ceremony`). Each trustee keeps their private file on their own machine
(`psephos trustee ...`); the server only collects public files and signed messages, checks
each one as it arrives, and keeps them as sent so the ceremony can be checked again:

1. `add_trustees`: the trustees' public files (signing and box keys), while a draft;
2. `start_ceremony`: the ceremony file (contest, threshold k, the trustees in order);
3. `submit_message`: each trustee's round 1 message, then, once all are in, each round 2
   message; when the last round 2 message is in, the election key is fixed.

`run_local_ceremony` runs every step in this process and writes the trustees' private files
into a folder: for small ballots, demonstrations and tests only, since whoever holds those
files can decrypt every ballot. Every step is logged in the audit chain. A contest opens
only once its ceremony is complete (`missing_for_opening`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from psephos.contests import audit
from psephos.contests.errors import TrusteeError, WrongState
from psephos.contests.models import Contest
from psephos.contests.sealed_models import CeremonyMessage, KeyCeremony, Trustee
from psephos.contests.textfile import write_json
from psephos.crypto import ceremony as dkg
from psephos.crypto.errors import CeremonyError
from psephos.crypto.trustees import PUBLIC_FORMAT, read_public

#: The most trustees a contest may have (each decryption checks a proof from each of k).
MAX_TRUSTEES = 50


def document_sha256(document: Any) -> str:
    """SHA-256 of a JSON document's canonical text, as the audit chain records it."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CeremonyStatus:
    """Where a contest's key ceremony is: who is in, what is still awaited."""

    contest: str
    trustees: tuple[str, ...]
    threshold: int | None
    state: str
    round1: tuple[int, ...]
    round2: tuple[int, ...]
    election_key: str | None
    local: bool

    @property
    def missing(self) -> str | None:
        """What the ceremony still needs before the contest can open, in words."""
        if not self.trustees:
            return "no trustees: add them with 'contest trustees add' (or run 'contest " \
                   "trustees local')"
        if self.threshold is None:
            return "no key ceremony: start it with 'contest trustees ceremony'"
        n = len(self.trustees)
        if len(self.round1) < n:
            return f"round 1 messages from {n - len(self.round1)} of {n} trustees"
        if len(self.round2) < n:
            return f"round 2 messages from {n - len(self.round2)} of {n} trustees"
        return None

    def to_json(self) -> dict[str, Any]:
        return {"contest": self.contest, "trustees": list(self.trustees),
                "threshold": self.threshold, "state": self.state,
                "round1": list(self.round1), "round2": list(self.round2),
                "election_key": self.election_key, "local": self.local,
                "missing": self.missing}


def ceremony_status(contest: Contest) -> CeremonyStatus:
    trustees = list(Trustee.objects.filter(contest=contest).order_by("index"))
    ceremony = KeyCeremony.objects.filter(contest=contest).first()
    rounds: dict[int, list[int]] = {1: [], 2: []}
    if ceremony is not None:
        for round_, index in (CeremonyMessage.objects.filter(ceremony=ceremony)
                              .values_list("round", "trustee__index")):
            rounds[round_].append(index)
    key = bytes(ceremony.election_key) if ceremony and ceremony.election_key else None
    return CeremonyStatus(
        contest=contest.slug, trustees=tuple(t.name for t in trustees),
        threshold=ceremony.threshold if ceremony else None,
        state=ceremony.state if ceremony else "none",
        round1=tuple(sorted(rounds[1])), round2=tuple(sorted(rounds[2])),
        election_key=key.hex() if key else None, local=bool(ceremony and ceremony.local))


def missing_for_opening(contest: Contest) -> str | None:
    """Why the contest's key ceremony does not yet let it open, or None."""
    return ceremony_status(contest).missing


def _draft(contest: Contest, doing: str) -> Contest:
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    if locked.state != Contest.State.DRAFT:
        raise WrongState(f"contest {contest.slug!r} is {locked.state}: {doing} only before "
                         "it opens")
    return locked


def add_trustees(contest: Contest, publics: Sequence[tuple[str, dict[str, Any]]], *,
                 actor: Any) -> list[Trustee]:
    """Add trustees from their public files (``(file name, document)``), numbered on from
    those already added; refused once the ceremony has started."""
    with transaction.atomic():
        locked = _draft(contest, "trustees are added")
        if KeyCeremony.objects.filter(contest=locked).exists():
            raise WrongState(f"contest {contest.slug!r}: the key ceremony has started; "
                             "trustees can no longer be added")
        start = Trustee.objects.filter(contest=locked).count()
        if start + len(publics) > MAX_TRUSTEES:
            raise TrusteeError(f"at most {MAX_TRUSTEES} trustees")
        added: list[Trustee] = []
        for offset, (source, public) in enumerate(publics, start=1):
            name = _public_name(source, public)
            try:
                with transaction.atomic():
                    added.append(Trustee.objects.create(contest=locked, index=start + offset,
                                                        name=name, public=public))
            except IntegrityError:
                raise TrusteeError(f"{source}: a trustee named {name!r} is already a "
                                   f"trustee of {contest.slug!r}") from None
        audit.record(actor, "trustees.add", {
            "contest": locked.slug,
            "trustees": [{"index": t.index, "name": t.name,
                          "public_sha256": document_sha256(t.public)} for t in added]})
    return added


def _public_name(source: str, public: dict[str, Any]) -> str:
    """The trustee's name from their public file, once the file is checked."""
    if public.get("format") != PUBLIC_FORMAT:
        raise TrusteeError(f"{source}: not a trustee's public file (format "
                           f"{public.get('format')!r}; expected {PUBLIC_FORMAT!r}); make "
                           "one with 'psephos trustee new'")
    try:
        name = read_public(public, source).name.strip()
    except CeremonyError as error:
        raise TrusteeError(str(error)) from None
    if not name:
        raise TrusteeError(f"{source}: the public file names no trustee")
    return name


def start_ceremony(contest: Contest, threshold: int, *, actor: Any) -> dict[str, Any]:
    """The ceremony file for the contest's trustees: k = ``threshold`` of n decrypt."""
    with transaction.atomic():
        locked = _draft(contest, "a key ceremony starts")
        if KeyCeremony.objects.filter(contest=locked).exists():
            raise WrongState(f"contest {contest.slug!r}: the key ceremony has already "
                             "started ('contest trustees status' says where it is)")
        trustees = list(Trustee.objects.filter(contest=locked).order_by("index"))
        if not trustees:
            raise WrongState(f"contest {contest.slug!r} has no trustees; add their public "
                             "files with 'contest trustees add'")
        if not 1 <= threshold <= len(trustees):
            raise TrusteeError(f"--threshold must be between 1 and the number of trustees "
                               f"({len(trustees)}); got {threshold}")
        try:
            document = dkg.new_ceremony(locked.slug, threshold, [t.public for t in trustees])
        except CeremonyError as error:
            raise TrusteeError(str(error)) from None
        KeyCeremony.objects.create(contest=locked, threshold=threshold, document=document)
        audit.record(actor, "ceremony.start", {
            "contest": locked.slug, "threshold": threshold, "trustees": len(trustees),
            "ceremony_sha256": document_sha256(document)})
    return document


def ceremony_document(contest: Contest) -> dict[str, Any]:
    ceremony = KeyCeremony.objects.filter(contest=contest).first()
    if ceremony is None:
        raise WrongState(f"contest {contest.slug!r} has no key ceremony yet")
    return dict(ceremony.document)


def round1_messages(ceremony: KeyCeremony) -> list[dict[str, Any]]:
    """The round 1 messages in trustee order (what every later step is checked against)."""
    return [dict(m) for m in CeremonyMessage.objects.filter(ceremony=ceremony, round=1)
            .order_by("trustee__index").values_list("message", flat=True)]


def write_round1_messages(contest: Contest, folder: str | Path) -> list[Path]:
    """Every trustee's round 1 message, once all are in, as ``round1-trustee-<i>.json`` in
    ``folder``: what each trustee's round 2 (`psephos trustee round2`) reads."""
    ceremony = KeyCeremony.objects.filter(contest=contest).first()
    if ceremony is None or ceremony.state == KeyCeremony.State.ROUND1:
        raise WrongState(f"contest {contest.slug!r}: not every trustee's round 1 message is "
                         "in yet ('contest trustees status' says whose are missing)")
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise TrusteeError(f"{folder}: is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    return [write_json(folder / f"round1-trustee-{m['trustee']}.json", m)
            for m in round1_messages(ceremony)]


def submit_message(contest: Contest, message: dict[str, Any], *, actor: Any,
                   source: str = "the message") -> CeremonyStatus:
    """Check and keep a trustee's round 1 or round 2 message; the last round 2 message
    fixes the election key. A message already in, or out of turn, is refused."""
    with transaction.atomic():
        _draft(contest, "ceremony messages are taken")
        ceremony = KeyCeremony.objects.select_for_update().filter(contest=contest).first()
        if ceremony is None:
            raise WrongState(f"contest {contest.slug!r} has no key ceremony; start it with "
                             "'contest trustees ceremony'")
        round_ = _round_of(source, message)
        trustee = _sender(contest, source, message)
        n = Trustee.objects.filter(contest=contest).count()
        if round_ == 2 and ceremony.state == KeyCeremony.State.ROUND1:
            raise WrongState(f"{source}: round 2 starts once every trustee's round 1 message "
                             "is in")
        if round_ == 1 and ceremony.state != KeyCeremony.State.ROUND1:
            raise WrongState(f"{source}: round 1 is over")
        if CeremonyMessage.objects.filter(ceremony=ceremony, trustee=trustee,
                                          round=round_).exists():
            raise TrusteeError(f"{source}: trustee {trustee.index} ({trustee.name}) has "
                               f"already sent their round {round_} message")
        document = dict(ceremony.document)
        try:
            if round_ == 1:
                dkg.check_round1(document, message)
            else:
                dkg.check_round2(document, round1_messages(ceremony), message)
        except CeremonyError as error:
            raise TrusteeError(f"{source}: {error}") from None
        CeremonyMessage.objects.create(ceremony=ceremony, trustee=trustee, round=round_,
                                       message=message)
        received = CeremonyMessage.objects.filter(ceremony=ceremony, round=round_).count()
        payload: dict[str, Any] = {"contest": contest.slug, "trustee": trustee.index,
                                   "round": round_, "message_sha256": document_sha256(message)}
        if received == n:
            _next_state(ceremony, round_, payload)
        audit.record(actor, f"ceremony.round{round_}", payload)
    return ceremony_status(contest)


def _next_state(ceremony: KeyCeremony, round_: int, payload: dict[str, Any]) -> None:
    if round_ == 1:
        ceremony.state = KeyCeremony.State.ROUND2
        ceremony.save(update_fields=["state"])
        return
    key = dkg.election_key(dict(ceremony.document), round1_messages(ceremony))
    ceremony.state, ceremony.election_key = KeyCeremony.State.COMPLETE, key
    ceremony.save(update_fields=["state", "election_key"])
    payload["election_key"] = key.hex()


def _round_of(source: str, message: dict[str, Any]) -> int:
    kind = message.get("format")
    if kind == dkg.ROUND1_FORMAT:
        return 1
    if kind == dkg.ROUND2_FORMAT:
        return 2
    raise TrusteeError(f"{source}: not a ceremony message (format {kind!r}; expected "
                       f"{dkg.ROUND1_FORMAT!r} or {dkg.ROUND2_FORMAT!r})")


def _sender(contest: Contest, source: str, message: dict[str, Any]) -> Trustee:
    index = message.get("trustee")
    if not isinstance(index, int) or isinstance(index, bool):
        raise TrusteeError(f"{source}: the message names no trustee (field 'trustee')")
    trustee = Trustee.objects.filter(contest=contest, index=index).first()
    if trustee is None:
        raise TrusteeError(f"{source}: contest {contest.slug!r} has no trustee {index}")
    return trustee


def run_local_ceremony(contest: Contest, trustees: int, threshold: int, folder: str | Path, *,
                       actor: Any) -> list[Path]:
    """Run the whole ceremony in this process and write the n trustees' private files
    (mode 0600) into ``folder``; returns their paths. Weaker than a real ceremony: whoever
    holds k of those files can decrypt every ballot, so hand them out, or use this only
    for small ballots, demonstrations and tests."""
    if not 1 <= threshold <= trustees <= MAX_TRUSTEES:
        raise TrusteeError(f"need 1 <= --threshold ({threshold}) <= --trustees ({trustees}) "
                           f"<= {MAX_TRUSTEES}")
    folder = Path(folder)
    paths = [folder / f"trustee-{i}.json" for i in range(1, trustees + 1)]
    taken = [p for p in paths if p.exists()]
    if taken:
        raise TrusteeError(f"{taken[0]}: already exists; a trustee's private file is never "
                           "overwritten")
    document, round1, round2, privates = dkg.local_ceremony(contest.slug, trustees, threshold)
    with transaction.atomic():
        locked = _draft(contest, "a key ceremony runs")
        if Trustee.objects.filter(contest=locked).exists():
            raise WrongState(f"contest {contest.slug!r} already has trustees; a local "
                             "ceremony makes its own")
        made = [Trustee.objects.create(contest=locked, index=i, name=private["name"],
                                       public=private["public"])
                for i, private in enumerate(privates, start=1)]
        key = dkg.election_key(document, round1)
        ceremony = KeyCeremony.objects.create(
            contest=locked, threshold=threshold, document=document, local=True,
            state=KeyCeremony.State.COMPLETE, election_key=key)
        CeremonyMessage.objects.bulk_create(
            [CeremonyMessage(ceremony=ceremony, trustee=t, round=1, message=m)
             for t, m in zip(made, round1, strict=True)]
            + [CeremonyMessage(ceremony=ceremony, trustee=t, round=2, message=m)
               for t, m in zip(made, round2, strict=True)])
        audit.record(actor, "ceremony.local", {
            "contest": locked.slug, "trustees": trustees, "threshold": threshold,
            "ceremony_sha256": document_sha256(document), "election_key": key.hex(),
            "warning": "run in one process: whoever holds the private files can decrypt"})
        folder.mkdir(parents=True, exist_ok=True)
        for path, private in zip(paths, privates, strict=True):
            write_json(path, private, private=True)
    return paths
