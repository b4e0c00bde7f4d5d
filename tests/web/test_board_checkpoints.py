"""The board's checkpoints with ballots labelled as they are cast: a periodic checkpoint
moves the label on (waiting for the casts in flight) and writes no ballot row; each block
lists exactly the ballots labelled with its number, a ballot is listed once whatever
happens between the steps (an interruption, a block stored by a revocation, another
checkpoint's relabelling), and a voter is told "checkpointed" only once the block exists.
On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import override_settings

from tests.web.databases import BACKENDS
from tests.web.helpers import (
    CORBYN,
    SMITH,
    demo_in_fresh_database,
    hashed_tracker,
    secrets_for,
)


@pytest.fixture(scope="module", params=BACKENDS)
def contest(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Any]:
    """The demonstration contest (open) in a fresh database of each kind."""
    with demo_in_fresh_database(request.param, tmp_path_factory.mktemp("board-checkpoints"),
                                voters=40) as contest:
        yield contest


@pytest.fixture(autouse=True)
def due_at_once() -> Iterator[None]:
    with override_settings(PSEPHOS_BOARD_INTERVAL=0):
        yield


def _cast(contest: Any, n: int) -> list[str]:
    """``n`` fresh voters' ballots; their full trackers, hashed from the stored ballots."""
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.models import Ballot

    trackers = []
    for at, issued in enumerate(secrets_for(contest, n)):
        receipt = cast_ballot(contest, issued.link_token, [CORBYN if at % 2 else SMITH])
        ballot = Ballot.objects.get(contest=contest, tracker=receipt.tracker)
        trackers.append(hashed_tracker(contest, ballot))
    return trackers


def _flush(contest: Any) -> None:
    """A checkpoint of whatever waits, so each test starts with none."""
    from django.db import transaction

    from psephos.contests.board import make_block

    with transaction.atomic():
        make_block(contest)


def _listed(contest: Any) -> list[str]:
    """Every tracker on the board, block by block (a tracker listed twice appears twice),
    after checking the chain and every signature."""
    from psephos.contests import audit_keys
    from psephos.contests.board import blocks
    from psephos.contests.public_credentials import identifier
    from psephos.crypto.board import check_block

    key = bytes(audit_keys.signing_key().verify_key)
    previous, listed = "", []
    for number, block in enumerate(blocks(contest)):
        check_block(block, identifier(contest), number, previous, key)
        previous = block["hash"]
        listed += [t for trackers in block["ballots"].values() for t in trackers]
    return listed


def _waiting(contest: Any) -> Any:
    """The ballots in no stored block: with no label, or one past the last block."""
    from django.db.models import Max, Q

    from psephos.contests.models import Ballot, BoardBlock

    last = BoardBlock.objects.filter(contest=contest).aggregate(last=Max("number"))["last"]
    return Ballot.objects.filter(contest=contest).filter(
        Q(block=None) | Q(block__gt=-1 if last is None else last))


def _unlisted(contest: Any) -> int:
    return int(_waiting(contest).count())


def _in_block(block: Any) -> list[str]:
    return [t for trackers in block.document["ballots"].values() for t in trackers]


def _checkpoint_with(contest: Any, meanwhile: Any) -> Any:
    """`checkpoint_due`, with ``meanwhile()`` run just after it has read its ballots."""
    from psephos.contests import board

    read = board._trackers

    def read_then(*args: Any) -> Any:
        result = read(*args)
        with mock.patch.object(board, "_trackers", read):
            meanwhile()
        return result

    with mock.patch.object(board, "_trackers", read_then):
        return board.checkpoint_due(contest)


def test_a_checkpoint_lists_the_ballots_labelled_with_it_and_writes_no_ballot_row(
        contest: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from psephos.contests import board
    from psephos.contests.models import Ballot, Contest

    _flush(contest)
    number = board._next_number(board._last_block(contest))
    trackers = _cast(contest, 7)
    assert Ballot.objects.filter(contest=contest, block=number).count() == 7
    with CaptureQueriesContext(connection) as queries, \
            mock.patch.object(board, "transaction", wraps=board.transaction) as spy:
        made = board.checkpoint_due(contest)
    assert made is not None and made.number == number
    assert spy.atomic.call_count == 2  # the label moved on, the block stored
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith("UPDATE") and "ballot" in q["sql"]]
    assert writes == []
    assert sorted(_in_block(made)) == sorted(trackers)
    assert Contest.objects.get(pk=contest.pk).board_next == number + 1
    assert _unlisted(contest) == 0
    later = _cast(contest, 1)
    assert Ballot.objects.filter(contest=contest, block=number + 1).count() == 1
    listed = _listed(contest)
    assert len(listed) == len(set(listed)) and set(trackers + later) - set(listed) == set(later)
    assert board.checkpoint_due(contest) is not None  # the later one
    assert _unlisted(contest) == 0 and board.checkpoint_due(contest) is None


def test_nothing_waiting_leaves_the_label_where_it_is(contest: Any) -> None:
    from psephos.contests import board
    from psephos.contests.models import Contest

    _flush(contest)
    before = Contest.objects.get(pk=contest.pk).board_next
    assert board.checkpoint_due(contest) is None
    assert Contest.objects.get(pk=contest.pk).board_next == before


def test_an_interrupted_checkpoint_leaves_its_ballots_waiting_for_the_next(
        contest: Any) -> None:
    from django.db import transaction

    from psephos.contests import board
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.own_ballot import find_own_ballot

    _flush(contest)
    [issued] = secrets_for(contest, 1)
    cast_ballot(contest, issued.link_token, [CORBYN])
    last = board._last_block(contest)
    assert board._close_label(contest, last)  # the label moved on, then the process died
    others = _cast(contest, 2)  # labelled with the block after
    found = find_own_ballot(contest, issued.link_token)
    assert found is not None and [b.block for b in found.ballots] == [None]
    assert _unlisted(contest) == 3

    with transaction.atomic():  # the next block, here the close's kind (make_block)
        made = board.make_block(contest)
    assert made is not None and made.number == board._next_number(last)
    assert len(_in_block(made)) == 3 and set(others) <= set(_in_block(made))
    found = find_own_ballot(contest, issued.link_token)
    assert found is not None and [b.block for b in found.ballots] == [made.number]
    listed = _listed(contest)
    assert len(listed) == len(set(listed)) and _unlisted(contest) == 0


def test_a_ballot_with_no_label_is_listed_by_the_next_checkpoint(contest: Any) -> None:
    from psephos.contests import board
    from psephos.contests.models import Ballot

    _flush(contest)
    trackers = _cast(contest, 2)
    Ballot.objects.filter(contest=contest, block=board._next_number(
        board._last_block(contest))).update(block=None)  # as stored before labels
    made = board.checkpoint_due(contest)
    assert made is not None and sorted(_in_block(made)) == sorted(trackers)
    assert _unlisted(contest) == 0


def test_a_ballot_labelled_beyond_the_next_block_is_listed_by_it(contest: Any) -> None:
    from psephos.contests import board
    from psephos.contests.models import Ballot

    _flush(contest)
    trackers = _cast(contest, 2)
    Ballot.objects.filter(contest=contest, block=board._next_number(
        board._last_block(contest))).update(block=10_000)
    made = board.checkpoint_due(contest)
    assert made is not None and sorted(_in_block(made)) == sorted(trackers)
    assert not Ballot.objects.filter(contest=contest, block=10_000).exists()
    assert _unlisted(contest) == 0


def test_every_ballot_stores_the_full_tracker_its_signed_ballot_hashes_to(
        contest: Any) -> None:
    from psephos.contests.models import Ballot

    _flush(contest)
    _cast(contest, 3)
    ballots = list(Ballot.objects.filter(contest=contest))
    assert len(ballots) >= 3
    assert [b.full_tracker for b in ballots] == [hashed_tracker(contest, b) for b in ballots]


def test_the_migration_fills_the_full_tracker_of_every_signed_ballot_stored_before(
        contest: Any) -> None:
    import importlib

    from django.apps import apps

    from psephos.contests.models import Ballot

    migration = importlib.import_module("psephos.contests.migrations.0012_ballot_full_tracker")
    _flush(contest)
    _cast(contest, 3)
    section = Ballot.objects.filter(contest=contest).first().section
    unsigned = Ballot.objects.create(contest=contest, section=section, sealed=b"\0" * 64,
                                     tracker="UNSIGNED-BEFORE-CREDENTIALS", block=0)
    try:
        Ballot.objects.filter(contest=contest).update(full_tracker=None)
        with mock.patch.object(migration, "BATCH", 2):  # more than one round
            migration.fill_full_trackers(apps, None)
        signed = list(Ballot.objects.filter(contest=contest).exclude(pk=unsigned.pk))
        assert len(signed) >= 3
        assert [b.full_tracker for b in signed] == [hashed_tracker(contest, b) for b in signed]
        assert Ballot.objects.get(pk=unsigned.pk).full_tracker is None
    finally:
        unsigned.delete()


def test_postgresql_stores_block_documents_without_trying_to_compress_them(
        contest: Any) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL column setting")
    with connection.cursor() as cursor:
        cursor.execute("SELECT attstorage FROM pg_attribute WHERE attrelid = "
                       "'contests_boardblock'::regclass AND attname = 'document'")
        assert cursor.fetchone() == ("e",)


def test_a_block_stored_while_a_checkpoint_reads_wins_and_the_checkpoint_gives_way(
        contest: Any) -> None:
    from django.db import transaction

    from psephos.contests import board

    _flush(contest)
    trackers = _cast(contest, 4)

    def revocation() -> None:
        _cast(contest, 1)  # labelled with the block after the checkpoint's
        with transaction.atomic():
            board.make_block(contest)  # a revocation's block, stored under the lock

    assert _checkpoint_with(contest, revocation) is None
    listed = _listed(contest)
    assert len(listed) == len(set(listed)) and set(trackers) <= set(listed)
    assert _unlisted(contest) == 0


def test_a_ballot_relabelled_after_the_read_sends_the_checkpoint_to_the_next_tick(
        contest: Any) -> None:
    from psephos.contests import board

    _flush(contest)
    first = _cast(contest, 3)

    def another_checkpoint() -> None:
        _cast(contest, 1)
        # Another process's checkpoint, from the same last block, takes the later ballot.
        assert board._close_label(contest, board._last_block(contest))

    assert _checkpoint_with(contest, another_checkpoint) is None  # its read is out of date
    made = board.checkpoint_due(contest)
    assert made is not None
    assert len(_in_block(made)) == 4 and set(first) <= set(_in_block(made))
    listed = _listed(contest)
    assert len(listed) == len(set(listed)) and _unlisted(contest) == 0


def test_moving_the_label_on_waits_for_a_cast_in_flight(contest: Any) -> None:
    """On PostgreSQL casts run side by side: a cast that has key-shared the contest row
    reads the label it writes, and the checkpoint's move waits for it to commit."""
    import threading
    import time

    from django.db import connection, connections, transaction

    from psephos.contests import board
    from psephos.contests.lock_order import lock_contest_shared
    from psephos.contests.models import Contest

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    _flush(contest)
    _cast(contest, 1)
    before = Contest.objects.get(pk=contest.pk).board_next
    locked, moved = threading.Event(), threading.Event()
    seen: list[int] = []

    def cast_in_flight() -> None:
        try:
            with transaction.atomic():
                lock_contest_shared(contest.pk)  # as the spending statement does
                locked.set()
                time.sleep(0.5)
                seen.append(moved.is_set())
                seen.append(Contest.objects.filter(pk=contest.pk)
                            .values_list("board_next", flat=True).get())
        finally:
            connections.close_all()

    thread = threading.Thread(target=cast_in_flight)
    thread.start()
    assert locked.wait(10)
    assert board._close_label(contest, board._last_block(contest))
    moved.set()
    thread.join(10)
    assert seen == [False, before]  # it read the label before the move, which waited
    assert Contest.objects.get(pk=contest.pk).board_next == before + 1


def test_on_sqlite_a_checkpoint_writes_in_its_turn_with_the_batches_of_casts(
        contest: Any) -> None:
    """Both of a periodic checkpoint's writing transactions wait for the writers' lock
    file, as each batch of casts does, so a batch behind one is woken when it commits
    rather than polling for SQLite's lock."""
    import fcntl
    import os
    import threading

    from django.db import connection, connections

    from psephos.contests import board

    if connection.vendor != "sqlite":
        pytest.skip("the writers' lock file is SQLite's")
    _flush(contest)
    _cast(contest, 2)
    before = board._last_block(contest)
    made: list[Any] = []
    entered: list[str] = []
    turn = board.writer_turn

    def counted_turn() -> Any:
        entered.append("turn")
        return turn()

    def checkpoint() -> None:
        try:
            made.append(board.checkpoint_due(contest))
        finally:
            connections.close_all()

    handle = os.open(str(connection.settings_dict["NAME"]) + "-writers",
                     os.O_RDWR | os.O_CREAT, 0o600)
    with mock.patch.object(board, "writer_turn", counted_turn):
        fcntl.flock(handle, fcntl.LOCK_EX)  # a batch of casts, writing
        try:
            thread = threading.Thread(target=checkpoint)
            thread.start()
            thread.join(0.5)
            assert thread.is_alive() and made == []  # waiting for its turn
            assert board._last_block(contest) == before
        finally:
            os.close(handle)  # the batch is written
        thread.join(30)
    assert not thread.is_alive()
    assert made[0] is not None and made[0].number == board._next_number(before)
    assert entered == ["turn", "turn"]  # moving the label on, and storing the block
