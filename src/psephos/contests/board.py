"""The public board: every ballot, list change and step of the count, in signed checkpoints.

A cast stores its ballot with no block (nothing on the cast path waits for the board); a
checkpoint (`make_block`) then takes every ballot and event not yet in a block, lists them
(`psephos.crypto.board`), chains the block to the one before and signs it with the audit
log's key (`psephos.contests.audit_keys`). Checkpoints are made at the opening (block 0:
the credential lists' commitments, the election key, the paper), every
``PSEPHOS_BOARD_INTERVAL`` seconds while a ballot is open (`checkpoint_due`, from the
timetable's tick), at the close, and at each step after it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from psephos.contests import audit_keys, timetable
from psephos.contests.models import Ballot, BoardBlock, BoardEvent, Contest, Section
from psephos.contests.public_credentials import identifier
from psephos.crypto import board
from psephos.crypto.ballot_signatures import ballot_tracker

BATCH = 10000


def full_tracker(contest: Contest, credential: str, sealed: bytes, signature: str) -> str:
    """The tracker the board lists (hex): the hash of the signed ballot."""
    return ballot_tracker(identifier(contest), bytes.fromhex(credential), sealed,
                          bytes.fromhex(signature)).hex()


def ballot_entry(contest: Contest, ballot: Ballot) -> dict[str, Any]:
    """A ballot as a board event shows it (a revocation's removed ballot)."""
    return {"credential": ballot.signed_by, "sealed": bytes(ballot.sealed).hex(),
            "signature": ballot.signature, "proof": ballot.proof, "tracker": ballot.tracker}


def add_event(contest: Contest, document: dict[str, Any]) -> None:
    BoardEvent.objects.create(contest=contest, document=document)


def _pending_ballots(contest: Contest) -> tuple[list[Any], dict[str, list[str]]]:
    """The ballots in no block yet: their ids, and their full trackers by section."""
    slugs = dict(Section.objects.filter(contest=contest).values_list("pk", "slug"))
    pending = (Ballot.objects.filter(contest=contest, block=None)
               .values_list("pk", "section_id", "signed_by", "sealed", "signature"))
    trackers: dict[str, list[str]] = defaultdict(list)
    ids = []
    for pk, section, credential, sealed, signature in pending.iterator(chunk_size=BATCH):
        ids.append(pk)
        trackers[slugs[section]].append(full_tracker(contest, credential, bytes(sealed),
                                                     signature))
    return ids, trackers


def _last_block(contest: Contest) -> BoardBlock | None:
    return BoardBlock.objects.filter(contest=contest).order_by("-number").first()


def _append(contest: Contest, last: BoardBlock | None, ids: list[Any],
            trackers: dict[str, list[str]]) -> BoardBlock | None:
    """Sign and store the next block with these ballots and every waiting event (inside
    the caller's transaction, the contest's row locked)."""
    pending_events = list(BoardEvent.objects.filter(contest=contest, block=None).order_by("pk"))
    if not ids and not pending_events:
        return None
    number = 0 if last is None else last.number + 1
    document = board.new_block(
        identifier(contest), number, "" if last is None else last.hash,
        timetable.now().isoformat(), trackers, [e.document for e in pending_events],
        bytes(audit_keys.signing_key()))
    made = BoardBlock.objects.create(contest=contest, number=number, document=document,
                                     hash=document["hash"])
    for start in range(0, len(ids), BATCH):
        Ballot.objects.filter(pk__in=ids[start:start + BATCH]).update(block=number)
    BoardEvent.objects.filter(pk__in=[e.pk for e in pending_events]).update(block=number)
    return made


def _lock(contest: Contest) -> None:
    # FOR NO KEY UPDATE: one checkpoint at a time, and after any revocation in flight
    # (which locks the row for update), while casts (which key-share it) go on.
    Contest.objects.select_for_update(no_key=True).filter(pk=contest.pk).first()


def make_block(contest: Contest, *events: dict[str, Any]) -> BoardBlock | None:
    """The next checkpoint of ``contest``, with ``events`` after those waiting; None if
    there is nothing to list. Runs inside the transaction that made the events (an
    opening, a close, a revocation, a step of the count)."""
    for document in events:
        add_event(contest, document)
    _lock(contest)
    ids, trackers = _pending_ballots(contest)
    return _append(contest, _last_block(contest), ids, trackers)


def checkpoint_due(contest: Contest) -> BoardBlock | None:
    """A checkpoint of an open contest if its last one is ``PSEPHOS_BOARD_INTERVAL``
    seconds old and anything waits; else None. The ballots are read and hashed before the
    writing transaction, which then only stores the block and marks them, so casts wait
    for the board no longer than that (on SQLite a transaction holds the one writer's lock
    from its start). If another checkpoint was made meanwhile, this one is left to the
    next tick."""
    last = _last_block(contest)
    interval = timedelta(seconds=float(settings.PSEPHOS_BOARD_INTERVAL))
    if last is not None and timetable.now() - last.made_at < interval:
        return None
    ids, trackers = _pending_ballots(contest)
    with transaction.atomic():
        _lock(contest)
        now_last = _last_block(contest)
        if (None if now_last is None else now_last.pk) != (None if last is None else last.pk):
            return None
        return _append(contest, now_last, ids, trackers)


def blocks(contest: Contest) -> list[dict[str, Any]]:
    """The board's blocks, in order."""
    return list(BoardBlock.objects.filter(contest=contest).order_by("number")
                .values_list("document", flat=True))


def board_document(contest: Contest) -> dict[str, Any]:
    """``board.json``: the board's key and every block."""
    key = audit_keys.signing_key().verify_key
    return {"format": board.BOARD_FORMAT, "contest": identifier(contest),
            "key": audit_keys.public_hex(key), "blocks": blocks(contest)}
