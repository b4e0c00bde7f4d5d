"""One credential, many simultaneous submissions: the database lets exactly one through."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.contests.helpers import open_with_voters

SUBMISSIONS = 1000


def _threads(backend: str) -> int:
    # PostgreSQL allows 100 connections by default: stay well under it.
    return 40 if backend == "postgresql" else 64


def _submit(contest: object, credential: str, ranking: list[str], gate: threading.Event
            ) -> str:
    from django.db import connection

    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import AlreadyVoted, ContestError

    try:
        gate.wait(timeout=60)
        cast_ballot(contest, credential, ranking)  # type: ignore[arg-type]
        return "accepted"
    except AlreadyVoted:  # told its tracker or not
        return "AlreadyVoted"
    except ContestError as error:
        return type(error).__name__
    finally:
        connection.close()


def test_one_credential_1000_concurrent_submissions(db: str, tmp_path: Path) -> None:
    from psephos.contests.models import Ballot, Credential, VotedMark

    contest, secrets = open_with_voters(tmp_path, members=3, supporters=0)
    secret = secrets["M1"]
    workers = _threads(db)
    gate = threading.Event()  # every thread waits here until all submissions are queued
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # Both secrets, and both orders of preference, race each other.
        futures = [pool.submit(_submit, contest,
                               secret.link_token if i % 2 else secret.postal_code,
                               ["Alice", "Bob"] if i % 3 else ["Bob"], gate)
                   for i in range(SUBMISSIONS)]
        gate.set()
        outcomes = Counter(f.result() for f in futures)
    assert outcomes["accepted"] == 1, outcomes
    assert outcomes["AlreadyVoted"] == SUBMISSIONS - 1, outcomes
    assert Ballot.objects.count() == 1 and VotedMark.objects.count() == 1
    assert Credential.objects.get(voter__member_number="M1").status == "used"


def test_many_voters_concurrently_each_counted_once(db: str, tmp_path: Path) -> None:
    from psephos.contests.models import Ballot, VotedMark

    contest, secrets = open_with_voters(tmp_path, members=100, supporters=0)
    workers = _threads(db)
    gate = threading.Event()
    jobs = [(s.link_token if k else s.postal_code) for s in secrets.values() for k in range(3)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_submit, contest, c, ["Carol"], gate) for c in jobs]
        gate.set()
        outcomes = Counter(f.result() for f in futures)
    assert outcomes == {"accepted": 100, "AlreadyVoted": 200}
    assert Ballot.objects.count() == VotedMark.objects.count() == 100


def _import(contest: object, path: Path, gate: threading.Event) -> tuple[int, list[str]]:
    from django.db import connection

    from psephos.contests.postal import import_postal

    try:
        gate.wait(timeout=60)
        report = import_postal(contest, path, actor="scrutineer")  # type: ignore[arg-type]
        return report.recorded, [r.reason for r in report.rejected]
    finally:
        connection.close()


def test_postal_batch_racing_online_votes(db: str, tmp_path: Path) -> None:
    """Papers and online votes of the same voters at once: one ballot each, no deadlock."""
    import csv

    from psephos.contests.models import Ballot, BallotSeal, VotedMark

    contest, secrets = open_with_voters(tmp_path, members=60, supporters=0)
    batch = tmp_path / "batch.csv"
    with batch.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["postal_code", "rank1"])
        writer.writerows([s.postal_code, "Alice"] for s in secrets.values())
    gate = threading.Event()
    with ThreadPoolExecutor(max_workers=min(_threads(db), 30)) as pool:
        paper = pool.submit(_import, contest, batch, gate)
        online = [pool.submit(_submit, contest, s.link_token, ["Bob"], gate)
                  for s in secrets.values()]
        gate.set()
        recorded, refused = paper.result()
        outcomes = Counter(f.result() for f in online)
    assert set(outcomes) <= {"accepted", "AlreadyVoted"}, outcomes
    assert recorded + outcomes["accepted"] == 60
    assert refused == ["this credential has already been used to vote"] * outcomes["accepted"]
    assert Ballot.objects.count() == VotedMark.objects.count() == BallotSeal.objects.count() == 60


def test_close_racing_casts_leaves_no_ballot_after_the_close(db: str, tmp_path: Path) -> None:
    """Every ballot either made it before the close (and is counted by it) or was refused."""
    from django.db import connection

    from psephos.contests.lifecycle import close_contest
    from psephos.contests.models import AuditEntry, Ballot, BallotSeal, VotedMark

    contest, secrets = open_with_voters(tmp_path, members=120, supporters=0)
    gate = threading.Event()

    def close() -> str:
        try:
            gate.wait(timeout=60)
            close_contest(contest, actor="ro")  # type: ignore[arg-type]
            return "closed"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=min(_threads(db), 30)) as pool:
        casts = [pool.submit(_submit, contest, s.link_token, ["Carol"], gate)
                 for s in secrets.values()]
        closing = pool.submit(close)
        gate.set()
        outcomes = Counter(f.result() for f in casts)
        assert closing.result() == "closed"
    assert set(outcomes) <= {"accepted", "ContestNotOpen"}, outcomes
    assert Ballot.objects.count() == VotedMark.objects.count() == outcomes["accepted"]
    assert BallotSeal.objects.count() == 0
    closed = AuditEntry.objects.get(action="contest.close").payload
    assert closed["ballots"] == outcomes["accepted"]
