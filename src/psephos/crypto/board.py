"""The public board's checkpoints: blocks of ballots and events, hash-chained and signed.

A block (`BLOCK_FORMAT`, docs/verifiability.md section 12) lists the trackers of the ballots
stored since the block before (hex, sorted: a block says nothing of the order they came in
within it) and the events since (lists committed, entries listed or revoked, ballots
removed, the close, each mix and decryption, the declaration), names the hash of the block
before, and is signed with Ed25519 (RFC 8032) by the board's key. The server, the published
record and `psephos verify` all read blocks through this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psephos.crypto.errors import CeremonyError
from psephos.crypto.messages import (
    canonical_json,
    check_format,
    check_signature,
    digest,
    field,
    sign,
    unsigned,
)

BLOCK_FORMAT = "psephos-board-block/1"
BOARD_FORMAT = "psephos-board/1"
EVENT_KINDS = ("opening", "listed", "revoked", "close", "mix", "shares", "declaration")


def block_hash(block: dict[str, Any]) -> str:
    """digest(BLOCK_FORMAT, the block without "hash" and "signature")."""
    return digest(BLOCK_FORMAT, {k: v for k, v in block.items()
                                 if k not in ("hash", "signature")})


def _event_order(event: dict[str, Any]) -> tuple[int, bytes]:
    """Events in a block go by kind (`EVENT_KINDS`), then by their canonical text: the
    order they were made in (which could follow the roll) is not shown."""
    return EVENT_KINDS.index(event["kind"]), canonical_json(event)


def new_block(contest: str, number: int, previous: str, made_at: str,
              ballots: dict[str, list[str]], events: Sequence[dict[str, Any]],
              signing_seed: bytes) -> dict[str, Any]:
    """A signed block; ``ballots``: trackers (hex) by section slug, sorted here."""
    body: dict[str, Any] = {
        "format": BLOCK_FORMAT, "contest": contest, "number": number, "previous": previous,
        "made_at": made_at,
        "ballots": {section: sorted(trackers) for section, trackers in sorted(ballots.items())
                    if trackers},
        "events": sorted(events, key=_event_order)}
    return sign({**body, "hash": block_hash(body)}, signing_seed)


def check_block(block: Any, contest: str, number: int, previous: str,
                verify_key: bytes) -> None:
    """CeremonyError naming the fault unless ``block`` is block ``number`` of ``contest``,
    follows the block whose hash is ``previous`` ("" for the first), hashes to its "hash"
    and is signed by ``verify_key``."""
    who = f"board block {number}"
    check_format(block, BLOCK_FORMAT, who)
    if field(block, "contest", str, who) != contest:
        raise CeremonyError(f"{who}: it is for contest {block['contest']!r}")
    if field(block, "number", int, who) != number:
        raise CeremonyError(f"{who}: it is numbered {block['number']}")
    if field(block, "previous", str, who) != previous:
        raise CeremonyError(f"{who}: the chain is broken: it names {block['previous'][:16]}… "
                            f"as the block before, whose hash is {previous[:16] or 'none'}…")
    field(block, "made_at", str, who)
    ballots = field(block, "ballots", dict, who)
    for section, trackers in ballots.items():
        if not isinstance(trackers, list) or trackers != sorted(trackers) or any(
                not isinstance(t, str) or len(t) != 64 for t in trackers):
            raise CeremonyError(f"{who}: the trackers of section {section!r} are not a "
                                "sorted list of 64 hex digits")
    for at, event in enumerate(field(block, "events", list, who), start=1):
        if not isinstance(event, dict) or event.get("kind") not in EVENT_KINDS:
            raise CeremonyError(f"{who}: event {at} is not one of {', '.join(EVENT_KINDS)}")
    if field(block, "hash", str, who) != block_hash(unsigned(block)):
        raise CeremonyError(f"{who}: its hash does not match its contents")
    check_signature(block, verify_key, who)
