"""The sealed part of a contest's published record: what a verifier (issue #13) needs to
check the trustees' key, the mix and every decryption against the opened ballots.

Written by `psephos.contests.counting.export_contest` beside the ballots and the
declaration, as JSON files:

- ``ceremony.json``: the ceremony file, every trustee's round 1 and round 2 message, the
  election key;
- ``board.json``: the public board's signed, hash-chained checkpoints
  (`psephos.contests.board`), with the key that signs them;
- ``credentials-<section>.json``: the section's public credential list as the opening
  committed it (`psephos-credentials/1`);
- ``sealed-<section>.json``: the section's cast ballots as (tracker, ciphertext, public
  credential, signature), ordered by tracker: the input of its mix (a voter finds their
  ciphertext by their tracker); a ballot removed by a revocation is on the board instead;
- ``mixed-<section>.json``: the mixed list, in order, with its SHA-256 as logged;
- ``shuffle-<section>.json``, then ``shuffle-<section>-1.json``, ``-2``, …: the section's
  chain of mixes (`psephos-shuffle/1`, docs/verifiability.md section 9.6), the server's
  then each trustee's re-mix; the first's input is ``sealed-<section>.json``'s ballots in
  that file's order, each next one's the one before's output, the last's output
  ``mixed-<section>.json``'s; none for a section with no ballots;
- ``request-<section>.json``: the decryption request the trustees answered;
- ``shares-<section>-trustee-<i>.json``: each trustee's decryption shares with proofs.

Ciphertexts are lowercase hex, ``width`` x 64 bytes (`psephos.crypto.elgamal`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from psephos.contests.board import board_document
from psephos.contests.casting.paper import ballot_paper
from psephos.contests.mixing import (
    chain_file_name,
    mixed_ballots,
    requests_of,
    sealed_list,
    shuffle_of,
)
from psephos.contests.models import Contest
from psephos.contests.public_credentials import opening_list
from psephos.contests.sealed_models import (
    CeremonyMessage,
    DecryptionRequest,
    KeyCeremony,
    SectionShuffle,
)

Writer = Callable[[Path], Any]
MIXED_FORMAT = "psephos-mixed-ballots/1"
CEREMONY_FORMAT = "psephos-ceremony-record/1"


def _json_writer(document_of: Callable[[], Any]) -> Writer:
    """A writer of the JSON document ``document_of()`` makes (made only when written)."""
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8") as handle:
            json.dump(document_of(), handle, indent=1, ensure_ascii=False)
            handle.write("\n")
    return write


def ceremony_record(contest: Contest) -> dict[str, Any]:
    ceremony = KeyCeremony.objects.get(contest=contest)
    messages = CeremonyMessage.objects.filter(ceremony=ceremony).order_by("trustee__index")
    return {"format": CEREMONY_FORMAT, "contest": contest.slug, "local": ceremony.local,
            "threshold": ceremony.threshold, "ceremony": ceremony.document,
            "round1": [m.message for m in messages if m.round == 1],
            "round2": [m.message for m in messages if m.round == 2],
            "election_key": bytes(ceremony.election_key or b"").hex()}


def mixed_list(contest: Contest, request: DecryptionRequest, width: int) -> dict[str, Any]:
    """A section's mixed list, in order, with the SHA-256 the audit chain holds."""
    return {"format": MIXED_FORMAT, "contest": contest.slug, "section": request.section.slug,
            "width": width, "sha256": request.mixed_sha256,
            "ballots": [c.hex() for c in mixed_ballots(request.section)]}


def sealed_record(contest: Contest) -> list[tuple[str, Writer]]:
    """The files of the sealed record, as (name, writer), in the order listed above."""
    width = len(ballot_paper(contest).pks)
    files: list[tuple[str, Writer]] = [
        ("ceremony.json", _json_writer(partial(ceremony_record, contest))),
        ("board.json", _json_writer(partial(board_document, contest)))]
    for request in requests_of(contest):
        slug = request.section.slug
        files += [
            (f"credentials-{slug}.json", _json_writer(partial(opening_list, contest,
                                                              request.section))),
            (f"sealed-{slug}.json", _json_writer(partial(sealed_list, contest, request.section,
                                                         width))),
            (f"mixed-{slug}.json", _json_writer(partial(mixed_list, contest, request, width)))]
        stages = (SectionShuffle.objects.filter(section=request.section).order_by("stage")
                  .values_list("stage", flat=True))
        files += [(chain_file_name(slug, stage),
                   _json_writer(partial(shuffle_of, request.section, stage)))
                  for stage in stages]
        files.append((f"request-{slug}.json", _json_writer(partial(dict, request.request))))
        files += [(f"shares-{slug}-trustee-{share.trustee.index}.json",
                   _json_writer(partial(dict, share.response)))
                  for share in request.shares.select_related("trustee")
                  .order_by("trustee__index")]
    return files
