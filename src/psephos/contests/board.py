"""The public board: every ballot, list change and step of the count, in signed checkpoints.

Checkpoints are made at the opening (block 0: the credential lists' commitments, the
election key, the paper), every ``PSEPHOS_BOARD_INTERVAL`` seconds while a ballot is open
(`checkpoint_due`, from the timetable's tick), at the close, and at each step after it.
Each lists the ballots and events not yet in a block (`psephos.crypto.board`), chains to
the block before and is signed with the audit log's key (`psephos.contests.audit_keys`).

A cast writes its ballot already labelled with the block that will list it: the
contest's ``board_next``, read in the cast's own transaction after it has locked the
contest row (`psephos.contests.casting.service.store_ballots`). A checkpoint numbered *n*
moves ``board_next`` on to *n + 1* in a short transaction that waits for the casts in
flight (`_close_label`); from then on the ballots labelled *n* are fixed, and it reads
their full trackers (hashed at signing, stored with each ballot) and signs the block
outside any transaction, then stores it in one more short one. No ballot row is written
to make a periodic checkpoint, so on SQLite, where a writing transaction holds the one
writer's lock from its start, a cast waits for two short transactions at most, each
taken in turn with the batches of casts (`_writing`). A ballot labelled with a block not
yet stored is waiting, and find-my-ballot does not call it checkpointed; a ballot labelled
past the next block (a checkpoint was interrupted after moving the label on) or with none
(stored before labels) is relabelled by the next checkpoint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from psephos.contests import audit_keys, timetable
from psephos.contests.casting.groupcommit import writer_turn
from psephos.contests.models import Ballot, BoardBlock, BoardEvent, Contest, Section
from psephos.contests.public_credentials import identifier
from psephos.crypto import board

BATCH = 10000


def ballot_entry(contest: Contest, ballot: Ballot) -> dict[str, Any]:
    """A ballot as a board event shows it (a revocation's removed ballot)."""
    return {"credential": ballot.signed_by, "sealed": bytes(ballot.sealed).hex(),
            "signature": ballot.signature, "proof": ballot.proof, "tracker": ballot.tracker}


def add_event(contest: Contest, document: dict[str, Any]) -> None:
    BoardEvent.objects.create(contest=contest, document=document)


def _next_number(last: BoardBlock | None) -> int:
    return 0 if last is None else last.number + 1


def _relabel(contest: Contest, number: int) -> None:
    """Label every waiting ballot ``number`` (normally none needs it: see the module's
    docstring). Each test is a range of the (contest, block) index on its own: tested
    together, PostgreSQL read every index entry of the contest (25 ms for 60,000 ballots),
    while the casts waited on the contest's lock."""
    ballots = Ballot.objects.filter(contest=contest)
    if ballots.filter(block=None).exists() or ballots.filter(block__gt=number).exists():
        ballots.filter(Q(block=None) | Q(block__gt=number)).update(block=number)


def _trackers(contest: Contest, ballots: Any) -> dict[str, list[str]]:
    """``ballots``' full trackers by section, as their casts stored them. Reading each
    ballot and hashing it again took a checkpoint of 60,000 ballots 320-414 ms, beside
    the casts; reading the stored trackers takes 57-93 ms."""
    slugs = dict(Section.objects.filter(contest=contest).values_list("pk", "slug"))
    trackers: dict[str, list[str]] = defaultdict(list)
    for section, tracker in (ballots.values_list("section_id", "full_tracker")
                             .iterator(chunk_size=BATCH)):
        trackers[slugs[section]].append(tracker)
    return trackers


def _last_block(contest: Contest) -> BoardBlock | None:
    return BoardBlock.objects.filter(contest=contest).order_by("-number").first()


def last_block_number(contest: Contest) -> int | None:
    """The number of the last block stored, without reading its document; None before
    the first."""
    number: int | None = (BoardBlock.objects.filter(contest=contest).order_by("-number")
                          .values_list("number", flat=True).first())
    return number


def _document(contest: Contest, number: int, last: BoardBlock | None,
              trackers: dict[str, list[str]], events: list[BoardEvent]) -> dict[str, Any]:
    """Block ``number``, signed, listing these ballots' trackers and ``events``."""
    return board.new_block(
        identifier(contest), number, "" if last is None else last.hash,
        timetable.now().isoformat(), trackers, [e.document for e in events],
        bytes(audit_keys.signing_key()))


def _store(contest: Contest, document: dict[str, Any], events: list[BoardEvent]
           ) -> BoardBlock:
    """Store ``document``, mark ``events`` as in it, and label later casts' ballots with
    the block after it."""
    number = document["number"]
    made = BoardBlock.objects.create(contest=contest, number=number, document=document,
                                     hash=document["hash"])
    BoardEvent.objects.filter(pk__in=[e.pk for e in events]).update(block=number)
    Contest.objects.filter(pk=contest.pk).update(board_next=number + 1)
    return made


def _waiting_events(contest: Contest) -> list[BoardEvent]:
    return list(BoardEvent.objects.filter(contest=contest, block=None).order_by("pk"))


def _lock(contest: Contest, *, casts_wait: bool) -> None:
    """The contest row, for one checkpoint at a time. With ``casts_wait`` (PostgreSQL's
    FOR UPDATE) after every cast in flight, which key-share it, and before any to come;
    else FOR NO KEY UPDATE, while casts go on."""
    Contest.objects.select_for_update(no_key=not casts_wait).filter(pk=contest.pk).first()


def make_block(contest: Contest, *events: dict[str, Any]) -> BoardBlock | None:
    """The next checkpoint of ``contest``, with ``events`` after those waiting; None if
    there is nothing to list. Runs inside the transaction that made the events (an
    opening, a close, a revocation, a step of the count), waiting for the casts in
    flight."""
    for document in events:
        add_event(contest, document)
    _lock(contest, casts_wait=True)
    last = _last_block(contest)
    number = _next_number(last)
    _relabel(contest, number)
    trackers = _trackers(contest, Ballot.objects.filter(contest=contest, block=number))
    pending_events = _waiting_events(contest)
    if not trackers and not pending_events:
        return None
    return _store(contest, _document(contest, number, last, trackers, pending_events),
                  pending_events)


def _close_label(contest: Contest, last: BoardBlock | None) -> bool:
    """Fix the ballots the block after ``last`` lists: once the casts in flight are
    written, label later ones with the block after it. False (nothing changed) if a block
    was stored meanwhile, or if nothing waits."""
    number = _next_number(last)
    with _writing():
        _lock(contest, casts_wait=True)
        if _last_block(contest) != last:
            return False
        _relabel(contest, number)
        if not (Ballot.objects.filter(contest=contest, block=number).exists()
                or BoardEvent.objects.filter(contest=contest, block=None).exists()):
            return False
        Contest.objects.filter(pk=contest.pk).update(board_next=number + 1)
    return True


@contextmanager
def _writing() -> Iterator[None]:
    """A periodic checkpoint's own short transaction. On SQLite it first takes its turn
    with the batches of casts (`writer_turn`), so that a batch waiting behind it is woken
    as soon as it commits, instead of meeting SQLite's lock held and sleeping in SQLite's
    retries. At 1,000 casts/s the p99 of the 5 s around a checkpoint of 65,000 ballots
    was 35-60 ms with it, 40-76 ms without (benchmarks/cast_load.py)."""
    with writer_turn(), transaction.atomic():
        yield


def checkpoint_due(contest: Contest) -> BoardBlock | None:
    """A checkpoint of an open contest if its last one is ``PSEPHOS_BOARD_INTERVAL``
    seconds old and anything waits; else None (also if another checkpoint is made
    meanwhile: this one is left to the next tick).

    The label is moved on (`_close_label`); the trackers of the ballots it fixed are read
    and the block signed outside any transaction; the block is stored in a last short
    one, which first checks that since the read no block was stored, no ballot relabelled
    and no event added, so that the block lists exactly the ballots labelled with its
    number."""
    last = _last_block(contest)
    interval = timedelta(seconds=float(settings.PSEPHOS_BOARD_INTERVAL))
    if last is not None and timetable.now() - last.made_at < interval:
        return None
    if not _close_label(contest, last):
        return None
    number = _next_number(last)
    labelled = Ballot.objects.filter(contest=contest, block=number)
    trackers = _trackers(contest, labelled)
    events = _waiting_events(contest)
    document = _document(contest, number, last, trackers, events)
    with _writing():
        _lock(contest, casts_wait=False)
        if (_last_block(contest) != last
                or labelled.count() != sum(len(listed) for listed in trackers.values())
                or _waiting_events(contest) != events):
            return None
        return _store(contest, document, events)


def blocks(contest: Contest) -> list[dict[str, Any]]:
    """The board's blocks, in order."""
    return list(BoardBlock.objects.filter(contest=contest).order_by("number")
                .values_list("document", flat=True))


def board_document(contest: Contest) -> dict[str, Any]:
    """``board.json``: the board's key and every block."""
    key = audit_keys.signing_key().verify_key
    return {"format": board.BOARD_FORMAT, "contest": identifier(contest),
            "key": audit_keys.public_hex(key), "blocks": blocks(contest)}
