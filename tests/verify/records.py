"""A real counted sealed contest, exported as `psephos contest export` does, for the
verifier's tests; its mixes proved, so that the record holds ``shuffle-<section>.json``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

#: Who votes what: members and registered supporters, two sections.
VOTES = {"M1": ["Alice"], "M2": ["Bob", "Alice"], "M3": ["Alice", "Carol"],
         "M4": ["Carol", "Bob", "Alice"], "S1": ["Carol"], "S2": ["Carol", "Bob"],
         "S3": ["Bob"]}
SECTIONS = ("members", "supporters")


@contextmanager
def witnessed_mixes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, ...]]]:
    """Every shuffle made meanwhile, with its witness (inputs, outputs, permutation and
    re-encryption scalars), as a mix server that proves its mixes keeps them."""
    from psephos.crypto import elgamal

    seen: list[tuple[Any, ...]] = []
    original = elgamal.shuffle

    def shuffle(key: bytes, sealed: Sequence[bytes], witness: Any = None, **options: Any
                ) -> list[bytes]:
        def keep(inputs: Sequence[bytes], outputs: list[bytes], permutation: list[int],
                 scalars: list[list[bytes]]) -> None:
            seen.append((key, list(inputs), list(outputs), permutation, scalars))
            if witness is not None:
                witness(inputs, outputs, permutation, scalars)
        return original(key, sealed, keep, **options)

    with monkeypatch.context() as patch:
        patch.setattr(elgamal, "shuffle", shuffle)
        yield seen


def write_shuffle_files(folder: Path, mixes: list[tuple[Any, ...]]) -> None:
    """``shuffle-<section>.json`` for each section of the record in ``folder`` whose export
    did not write one: the proof of the witnessed mix whose inputs are its sealed list."""
    from psephos.crypto.shuffle_file import proof_context, shuffle_document
    from psephos.crypto.shuffle_proof import prove_shuffle

    record = json.loads((folder / "ceremony.json").read_text(encoding="utf-8"))
    from psephos.crypto.ceremony import read_ceremony

    ceremony_hash = read_ceremony(record["ceremony"]).hash
    contest = record["contest"]
    for section in SECTIONS:
        target = folder / f"shuffle-{section}.json"
        sealed = json.loads((folder / f"sealed-{section}.json").read_text(encoding="utf-8"))
        inputs = [bytes.fromhex(b["sealed"]) for b in sealed["ballots"]]
        if target.exists() or not inputs:
            continue
        key, _, outputs, permutation, scalars = next(m for m in mixes if m[1] == inputs)
        label = f"{contest}/{section}"
        proof = prove_shuffle(key, inputs, outputs, permutation, scalars,
                              context=proof_context(ceremony_hash, label))
        document = shuffle_document(ceremony_hash, key, label, inputs, outputs, proof)
        target.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def counted_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   votes: dict[str, list[str]] = VOTES, slug: str = "verified"
                   ) -> tuple[Path, Any, list[Path]]:
    """(the exported record of a counted contest, its declaration, the trustees' private
    files): 3 trustees, any 2 decrypt, trustees 1 and 2 did. Beside the record,
    ``secrets.json`` keeps what a tamper test needs to forge ballots: each voter's secrets
    and M5's before a reissue (checkpointed before anyone votes). M4 votes with their
    postal code, and so does M2 after being sent a new link; the others vote by link.
    After voting, S4 is revoked (their ballot removed, on the board)."""
    from django.db import transaction

    from psephos.contests.board import make_block
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.counting import export_contest
    from psephos.contests.credentials import active_credential, mint_link, reissue
    from psephos.contests.lifecycle import revoke
    from tests.contests.helpers import TRUSTEE_FILES, close_and_count, open_with_voters

    contest, secrets = open_with_voters(tmp_path, members=5, supporters=4, slug=slug)
    kept = {number: [s.link_token, s.postal_code] for number, s in secrets.items()}
    fresh = reissue(contest.voters.get(member_number="M5"), actor="helpdesk")
    kept["M5-reissued"] = [fresh.link_token, fresh.postal_code]
    with transaction.atomic():  # a checkpoint, as the timetable makes every minute
        make_block(contest)
    # M2 is sent a new link, then votes by post in the same checkpoint: the new entry keeps
    # the code's credential, which two listed entries then hold.
    mint_link(active_credential(contest.voters.get(member_number="M2")))
    for number, ranking in votes.items():
        secret = secrets[number]
        cast_ballot(contest, secret.postal_code if number in ("M2", "M4")
                    else secret.link_token, ranking)
    if "S4" not in votes:
        cast_ballot(contest, secrets["S4"].link_token, ["Alice"])
        revoke(contest.voters.get(member_number="S4"), actor="ro", reason="not a supporter")
    with witnessed_mixes(monkeypatch) as mixes:
        declaration = close_and_count(contest)
    folder = tmp_path / "record"
    export_contest(contest, folder)
    write_shuffle_files(folder, mixes)
    (tmp_path / "secrets.json").write_text(json.dumps(kept), encoding="utf-8")
    return folder, declaration, TRUSTEE_FILES[(contest.slug, contest.pk)]


def rewrite_requests(folder: Path, trustees: list[Path],
                     change: Callable[[dict[str, Any], str], None]) -> None:
    """Each section's decryption request changed by ``change(request, section)`` and hashed
    again, and trustees 1 and 2's shares of it made again: a record as the server would
    have published it had it made these requests."""
    from psephos.crypto.decryption import REQUEST_FORMAT, decrypt_shares
    from psephos.crypto.messages import digest

    privates = [json.loads(path.read_text(encoding="utf-8")) for path in trustees[:2]]
    for section in SECTIONS:
        name = folder / f"request-{section}.json"
        request = json.loads(name.read_text(encoding="utf-8"))
        change(request, section)
        body = {k: v for k, v in request.items() if k != "hash"}
        request = {**body, "hash": digest(REQUEST_FORMAT, body)}
        name.write_text(json.dumps(request, indent=1), encoding="utf-8")
        for number, private in enumerate(privates, start=1):
            shares = folder / f"shares-{section}-trustee-{number}.json"
            shares.write_text(json.dumps(decrypt_shares(private, request), indent=1),
                              encoding="utf-8")


def before_proofs(folder: Path, trustees: list[Path]) -> None:
    """The record as exported before mixes were proved: no shuffle files, and requests that
    name no shuffle."""
    for path in folder.glob("shuffle-*.json"):
        path.unlink()
    rewrite_requests(folder, trustees, lambda request, _: request.pop("shuffle", None))
