"""The board and eligibility checks against a server that cheats: each tampering is what a
server holding the board's signing key could publish (it re-signs the checkpoints it
changes), except where the point is a forged or broken checkpoint. Each must make
`psephos verify` fail and name the check that catches it."""

from __future__ import annotations

import json
import secrets as random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.verify.test_verify import failed, load, results, save, verify

CONTEST = "verified"


def _secrets(built: tuple[Path, Any, list[Path]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = json.loads(
        (built[0].parent / "secrets.json").read_text(encoding="utf-8"))
    return found


def _board_seed() -> bytes:
    from psephos.contests.audit_keys import signing_key

    return bytes(signing_key())


def _resign(record: Path, change: Callable[[list[dict[str, Any]]], int],
            seed: bytes | None = None) -> None:
    """board.json with ``change`` made to its blocks (it returns the first block it
    changed), that block and every later one hashed, chained and signed again."""
    from psephos.crypto.board import block_hash
    from psephos.crypto.messages import sign

    board = load(record, "board.json")
    blocks = board["blocks"]
    first = change(blocks)
    for number in range(first, len(blocks)):
        body = {k: v for k, v in blocks[number].items() if k not in ("hash", "signature")}
        if number > first:
            body["previous"] = blocks[number - 1]["hash"]
        blocks[number] = sign({**body, "hash": block_hash(body)}, seed or _board_seed())
    save(record, "board.json", board)


def _close_block(blocks: list[dict[str, Any]]) -> int:
    return next(n for n, b in enumerate(blocks) if any(e["kind"] == "close"
                                                         for e in b["events"]))


def _forge(record: Path, private: bytes, section: str = "members", *,
           checkpoint: bool = True) -> str:
    """A ballot for Carol signed under ``private``, added to the section's sealed list
    (and, with ``checkpoint``, to the close's block, its counts raised); its tracker."""
    from psephos.crypto import elgamal
    from psephos.crypto.ballot_signatures import (
        ballot_tracker,
        printed_tracker,
        prove_randomness,
        sign_ballot,
    )
    from psephos.crypto.group import base_mult, random_scalar

    key = bytes.fromhex(load(record, "ceremony.json")["election_key"])
    scalars = [random_scalar() for _ in range(3)]
    sealed = elgamal.encrypt_ranking_with(key, [2], 3, scalars)
    signature = sign_ballot(private, CONTEST, sealed)
    public = base_mult(private)
    tracker = ballot_tracker(CONTEST, public, sealed, signature)
    listed = load(record, f"sealed-{section}.json")
    listed["ballots"].append({"tracker": printed_tracker(tracker), "sealed": sealed.hex(),
                              "credential": public.hex(), "signature": signature.hex(),
                              "proof": prove_randomness(CONTEST, public, sealed,
                                                        scalars).hex()})
    listed["ballots"].sort(key=lambda b: b["tracker"])
    save(record, f"sealed-{section}.json", listed)
    if checkpoint:
        def add(blocks: list[dict[str, Any]]) -> int:
            at = _close_block(blocks)
            ballots = blocks[at]["ballots"]
            ballots[section] = sorted([*ballots.get(section, []), tracker.hex()])
            event = next(e for e in blocks[at]["events"] if e["kind"] == "close")
            event["ballots"][section] += 1
            return at
        _resign(record, add)
    return printed_tracker(tracker)


def _private(kind: str, secret: str) -> bytes:
    from django.conf import settings

    from psephos.crypto.credentials import private_credential

    return private_credential(kind, secret, CONTEST,
                              postal_iterations=settings.PSEPHOS_POSTAL_ITERATIONS)


def stuffed_unlisted(record: Path, _: dict[str, list[str]]) -> None:
    """A ballot for an abstainer the server made up: signed under a credential on no
    list, checkpointed and counted."""
    from psephos.crypto.group import random_scalar

    _forge(record, random_scalar())


def stuffed_revoked(record: Path, secrets: dict[str, list[str]]) -> None:
    """A ballot under M5's link from before their reissue (revoked on the board)."""
    _forge(record, _private("link", secrets["M5"][0]))


def stuffed_twice(record: Path, secrets: dict[str, list[str]]) -> None:
    """A second ballot for M1 (who voted by link), under their postal code."""
    _forge(record, _private("postal", secrets["M1"][1]))


def not_checkpointed(record: Path, _: dict[str, list[str]]) -> None:
    """A ballot added to the sealed list after the fact, in no checkpoint."""
    from psephos.crypto.group import random_scalar

    _forge(record, random_scalar(), checkpoint=False)


def dropped(record: Path, _: dict[str, list[str]]) -> None:
    """A checkpointed ballot left out of the sealed list (and so of the mix)."""
    listed = load(record, "sealed-members.json")
    listed["ballots"].pop(0)
    save(record, "sealed-members.json", listed)


def modified(record: Path, _: dict[str, list[str]]) -> None:
    """A board ballot's ciphertext replaced, its credential, signature and tracker kept."""
    from psephos.crypto import elgamal

    key = bytes.fromhex(load(record, "ceremony.json")["election_key"])
    listed = load(record, "sealed-members.json")
    listed["ballots"][0]["sealed"] = elgamal.encrypt_ranking(key, [2], 3).hex()
    save(record, "sealed-members.json", listed)


def moved_section(record: Path, _: dict[str, list[str]]) -> None:
    """A supporter's ballot moved into the members' sealed list (and checkpoint)."""
    supporters = load(record, "sealed-supporters.json")
    moved = supporters["ballots"].pop(0)
    members = load(record, "sealed-members.json")
    members["ballots"] = sorted([*members["ballots"], moved], key=lambda b: b["tracker"])
    save(record, "sealed-supporters.json", supporters)
    save(record, "sealed-members.json", members)
    from psephos.crypto.ballot_signatures import ballot_tracker

    tracker = ballot_tracker(CONTEST, bytes.fromhex(moved["credential"]),
                             bytes.fromhex(moved["sealed"]),
                             bytes.fromhex(moved["signature"])).hex()

    def move(blocks: list[dict[str, Any]]) -> int:
        at = next(n for n, b in enumerate(blocks)
                  if tracker in b["ballots"].get("supporters", []))
        ballots = blocks[at]["ballots"]
        ballots["supporters"].remove(tracker)
        if not ballots["supporters"]:
            del ballots["supporters"]
        ballots["members"] = sorted([*ballots.get("members", []), tracker])
        close = _close_block(blocks)
        event = next(e for e in blocks[close]["events"] if e["kind"] == "close")
        event["ballots"]["supporters"] -= 1
        event["ballots"]["members"] += 1
        return min(at, close)
    _resign(record, move)


def revoked_not_removed(record: Path, _: dict[str, list[str]]) -> None:
    """S4's revoked ballot put back into the sealed list, the revocation no longer
    naming it."""
    board = load(record, "board.json")
    event = next(e for b in board["blocks"] for e in b["events"]
                 if e["kind"] == "revoked" and "ballot" in e)
    ballot = event["ballot"]
    listed = load(record, "sealed-supporters.json")
    listed["ballots"] = sorted([*listed["ballots"], ballot], key=lambda b: b["tracker"])
    save(record, "sealed-supporters.json", listed)

    def unname(blocks: list[dict[str, Any]]) -> int:
        at = next(n for n, b in enumerate(blocks) for e in b["events"]
                  if e["kind"] == "revoked" and "ballot" in e)
        for e in blocks[at]["events"]:
            e.pop("ballot", None)
        close = _close_block(blocks)
        next(e for e in blocks[close]["events"] if e["kind"] == "close"
             )["ballots"]["supporters"] += 1
        return min(at, close)
    _resign(record, unname)


def list_changed(record: Path, _: dict[str, list[str]]) -> None:
    """An entry added to the members' list after the opening, the file's own hash made
    to match."""
    from psephos.crypto.credentials import list_document, read_list
    from psephos.crypto.group import base_mult, random_scalar

    document = load(record, "credentials-members.json")
    extra = sorted([base_mult(random_scalar()), base_mult(random_scalar())])
    save(record, "credentials-members.json",
         list_document(CONTEST, "members", [*read_list(document), b"".join(extra)]))


def forged_checkpoint(record: Path, _: dict[str, list[str]]) -> None:
    """The close's checkpoint rewritten and signed by a key that is not the board's."""
    def change(blocks: list[dict[str, Any]]) -> int:
        at = _close_block(blocks)
        blocks[at]["made_at"] = "2016-09-21T12:00:00+00:00"
        return at
    _resign(record, change, seed=random.token_bytes(32))


def broken_link(record: Path, _: dict[str, list[str]]) -> None:
    """Block 1 names another block as the one before (and is signed again)."""
    def change(blocks: list[dict[str, Any]]) -> int:
        blocks[1]["previous"] = "ab" * 32
        return 1
    _resign(record, change)


TAMPERING: list[tuple[Callable[[Path, dict[str, list[str]]], None], str, str]] = [
    (stuffed_unlisted, "eligibility", "is signed under a credential on no list"),
    (stuffed_revoked, "eligibility", "is signed under a revoked credential"),
    (stuffed_twice, "eligibility", "were cast under one voter's credentials"),
    (not_checkpointed, "board ballots", "is in no checkpoint"),
    (dropped, "board ballots", "which the record does not publish (dropped)"),
    (modified, "signatures of members", "its signature does not verify"),
    (moved_section, "eligibility", "mixed into another section"),
    (revoked_not_removed, "eligibility", "but the ballot was not removed"),
    (list_changed, "credential list of members", "changed after the opening"),
    (forged_checkpoint, "board chain", "the signature does not verify"),
    (broken_link, "board chain", "the chain is broken"),
]


@pytest.mark.parametrize(("tamper", "check", "phrase"), TAMPERING,
                         ids=[t[0].__name__ for t in TAMPERING])
def test_a_cheating_board_fails_the_check_that_catches_it(
        record: Path, built: tuple[Path, Any, list[Path]],
        tamper: Callable[[Path, dict[str, list[str]]], None], check: str, phrase: str) -> None:
    tamper(record, _secrets(built))
    status, checks = results(record)
    assert status == 1
    assert check in failed(checks), failed(checks)
    assert phrase in checks[check][1], checks[check][1]
    assert f"FAIL  {check}: " in verify(record).stdout


def test_the_honest_board_holds_a_reissue_a_postal_vote_and_a_removed_ballot(
        built: tuple[Path, Any, list[Path]]) -> None:
    """The record's board shows what happened: M5's first entry revoked and a new one
    listed; S4's ballot removed with the reason; every check passes."""
    status, checks = results(built[0])
    assert status == 0, [c for c in failed(checks)]
    events = [e for b in load(built[0], "board.json")["blocks"] for e in b["events"]]
    revoked = [e for e in events if e["kind"] == "revoked"]
    assert {e["reason"] for e in revoked} == {"reissued", "not a supporter",
                                              "a new link was sent"}
    assert [e["ballot"]["tracker"] for e in revoked if "ballot" in e]
    assert "1 removed with their revocations" in checks["eligibility"][1]
    assert any(e["kind"] == "listed" for e in events)


def test_the_board_key_can_be_pinned(built: tuple[Path, Any, list[Path]]) -> None:
    key = load(built[0], "board.json")["key"]
    assert verify(built[0], "--board-key", key).exit_code == 0
    done = verify(built[0], "--board-key", "cd" * 32)
    assert done.exit_code == 1 and "FAIL  board chain: board.json's key is" in done.stdout
    assert verify(built[0], "--board-key", "xyz").exit_code == 2
