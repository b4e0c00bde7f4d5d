"""The timetable runs the ballot: no ballot after the close time, whoever forgot to close;
the tick opens and closes on time; deadlines in UK time (GMT or BST). The clock is
stopped and moved by hand (`tests.contests.clock`), never waited for."""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.contests.clock import (
    CLOSE,
    CLOSE_WORDS,
    TIMETABLE,
    stop_clock,
    timed_draft,
    timed_open,
    uk,
)
from tests.contests.helpers import SMALL, run_cli, small_contest


def test_the_opening_fixes_the_close_from_the_timetable(db: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.contests.models import AuditEntry, Contest

    contest, _, clock = timed_open(tmp_path, monkeypatch)
    stored = Contest.objects.get(pk=contest.pk)
    assert stored.opens_at == clock.at
    assert stored.closes_at == datetime(2016, 9, 21, 11, 0, tzinfo=UTC)  # noon BST
    entry = AuditEntry.objects.get(action="contest.open")
    assert entry.payload["closes_at"] == "2016-09-21T11:00:00+00:00"


def test_a_ballot_after_the_close_time_is_refused_though_nobody_closed(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import ContestNotOpen
    from psephos.contests.models import Ballot, Contest, Credential

    contest, secrets, clock = timed_open(tmp_path, monkeypatch)
    assert cast_ballot(contest, secrets["M1"].link_token, ["Alice"]).tracker
    clock.set(CLOSE)
    clock.advance(seconds=-1)
    assert cast_ballot(contest, secrets["M2"].postal_code, ["Bob"]).tracker  # just in time
    clock.set(CLOSE)
    with pytest.raises(ContestNotOpen, match=re.escape(f"closed at {CLOSE_WORDS}")):
        cast_ballot(contest, secrets["M3"].link_token, ["Carol"])
    # Refused by the cast itself: nobody closed the contest, and the credential is unspent.
    assert Contest.objects.get(pk=contest.pk).state == Contest.State.OPEN
    assert Ballot.objects.count() == 2
    assert Credential.objects.get(voter__member_number="M3").status == "active"


def test_the_cast_statement_itself_holds_the_close(db: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the checks a caller makes first (a cast prepared before the close and written
    after it): the spending statement refuses it."""
    from psephos.contests.casting.service import CASTS, prepare_cast
    from psephos.contests.errors import ContestNotOpen
    from psephos.contests.models import Ballot

    contest, secrets, clock = timed_open(tmp_path, monkeypatch)
    prepared = prepare_cast(contest, secrets["M1"].link_token, ["Alice"])
    clock.set(CLOSE)
    with pytest.raises(ContestNotOpen):
        CASTS.run(prepared)
    assert Ballot.objects.count() == 0


def test_a_postal_batch_after_the_close_time_is_refused(db: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.contests.errors import ContestNotOpen
    from psephos.contests.models import Ballot
    from psephos.contests.postal import import_postal

    contest, secrets, clock = timed_open(tmp_path, monkeypatch)
    batch = tmp_path / "batch.csv"
    batch.write_text(f"postal_code,rank1\n{secrets['M1'].postal_code},Alice\n")
    clock.set(CLOSE)
    with pytest.raises(ContestNotOpen, match=re.escape(f"closed at {CLOSE_WORDS}")):
        import_postal(contest, batch)
    assert Ballot.objects.count() == 0


def test_a_ballot_whose_close_has_passed_does_not_open(db: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.contests.errors import WrongState
    from psephos.contests.lifecycle import open_contest

    stop_clock(monkeypatch, uk(2026, 12, 5, 9, 0))
    contest, _ = timed_draft(tmp_path)
    with pytest.raises(WrongState, match=re.escape(f"at {CLOSE_WORDS}, which has passed")):
        open_contest(contest, actor="ro")
    contest.refresh_from_db()
    assert contest.state == "draft" and contest.closes_at is None


def test_opening_reports_a_missing_ceremony_and_a_passed_close_together(
        db: str, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each needs its own fix before the contest opens: neither hides the other."""
    from psephos.contests.errors import WrongState
    from psephos.contests.lifecycle import open_contest

    stop_clock(monkeypatch, uk(2026, 12, 5, 9, 0))
    contest, _ = timed_draft(tmp_path, ceremony=False)
    with pytest.raises(WrongState) as refused:
        open_contest(contest, actor="ro")
    assert "key ceremony is complete; missing: no trustees" in str(refused.value)
    assert f"at {CLOSE_WORDS}, which has passed" in str(refused.value)
    ran = run_cli(db_url, "open", "small")
    assert ran.exit_code == 2 and "Traceback" not in ran.output
    assert "missing: no trustees" in ran.stderr and "which has passed" in ran.stderr
    contest.refresh_from_db()
    assert contest.state == "draft" and contest.closes_at is None


def test_the_tick_closes_on_time_and_logs_it(db: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.models import AuditEntry, Contest
    from psephos.contests.timekeeper import Tick, tick

    contest, secrets, clock = timed_open(tmp_path, monkeypatch)
    cast_ballot(contest, secrets["M1"].link_token, ["Alice"])
    assert tick() == []
    clock.set(CLOSE)
    clock.advance(minutes=3)
    with caplog.at_level(logging.WARNING, logger="psephos.timetable"):
        done = tick()
    assert done == [Tick("small", "closed", f"voting closed at {CLOSE_WORDS}")]
    assert f"the timetable closed small at {CLOSE_WORDS}" in caplog.text
    stored = Contest.objects.get(pk=contest.pk)
    assert stored.state == Contest.State.CLOSED and stored.closes_at == CLOSE  # not 12:03
    entry = AuditEntry.objects.get(action="contest.close")
    assert entry.actor == "timetable" and entry.payload["ballots"] == 1
    assert verify_log().ok
    assert tick() == []  # nothing more to do


def test_the_tick_opens_a_ready_contest_on_time(db: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.contests.models import AuditEntry, Contest
    from psephos.contests.timekeeper import Tick, tick

    clock = stop_clock(monkeypatch, uk(2016, 8, 22, 8, 59))
    contest, _ = timed_draft(tmp_path)
    assert tick() == []
    clock.set(uk(2016, 8, 22, 9, 0))
    assert tick() == [Tick("small", "opened", f"voting is open; it closes at {CLOSE_WORDS}")]
    stored = Contest.objects.get(pk=contest.pk)
    assert stored.state == Contest.State.OPEN and stored.opens_at == clock.at
    assert AuditEntry.objects.get(action="contest.open").actor == "timetable"


def test_the_tick_leaves_a_contest_that_is_not_ready_and_says_why(
        db: str, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from psephos.contests.models import Contest
    from psephos.contests.timekeeper import tick

    stop_clock(monkeypatch, uk(2016, 8, 23, 9, 0))
    contest, _ = timed_draft(tmp_path, voters=0)
    with caplog.at_level(logging.WARNING, logger="psephos.timetable"):
        [done] = tick()
    assert (done.contest, done.action) == ("small", "not opened")
    assert "has no electorate" in done.detail and "has no electorate" in caplog.text
    assert Contest.objects.get(pk=contest.pk).state == Contest.State.DRAFT
    ran = run_cli(db_url, "tick")
    assert ran.exit_code == 1
    assert "small: not opened: contest 'small' has no electorate" in ran.stdout
    status = run_cli(db_url, "status", "small")
    assert status.exit_code == 0, status.output
    assert "due to open since 09:00 on Monday 22 August 2016 (UK time)" in status.stdout


def test_psephos_contest_tick_closes_what_is_due(db: str, db_url: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, clock = timed_open(tmp_path, monkeypatch)
    quiet = run_cli(db_url, "tick")
    assert quiet.exit_code == 0 and "nothing is due" in quiet.stdout
    assert f"Voting closes at {CLOSE_WORDS}" in run_cli(db_url, "status", "small").stdout
    clock.set(uk(2016, 9, 22, 0, 0))
    ran = run_cli(db_url, "tick")
    assert ran.exit_code == 0, ran.output
    assert ran.stdout.strip() == f"small: closed: voting closed at {CLOSE_WORDS}"
    status = run_cli(db_url, "status", "small").stdout
    assert "small: closed" in status and f"Voting closed at {CLOSE_WORDS}" in status


def test_a_close_by_hand_before_the_time_is_what_voters_are_told(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.contests.lifecycle import close_contest
    from psephos.contests.timetable import deadline

    contest, _, clock = timed_open(tmp_path, monkeypatch)
    clock.set(uk(2016, 9, 10, 17, 30))
    close_contest(contest, actor="ro")
    contest.refresh_from_db()
    assert contest.closes_at == clock.at
    notice = deadline(contest)
    assert notice is not None
    assert notice.sentence == "Voting closed at 17:30 on Saturday 10 September 2016 (UK time)"


@pytest.mark.parametrize(("when", "words"), [
    (datetime(2016, 9, 21, 11, 0, tzinfo=UTC),
     "12:00 noon on Wednesday 21 September 2016 (UK time)"),  # BST: UTC+1
    (datetime(2016, 12, 21, 12, 0, tzinfo=UTC),
     "12:00 noon on Wednesday 21 December 2016 (UK time)"),  # GMT: UTC
    (datetime(2016, 10, 30, 0, 30, tzinfo=UTC),
     "01:30 on Sunday 30 October 2016 (UK time)"),  # the last half hour of BST
    (datetime(2016, 10, 30, 1, 30, tzinfo=UTC),
     "01:30 on Sunday 30 October 2016 (UK time)"),  # the same wall clock again, in GMT
    (datetime(2017, 3, 26, 1, 0, tzinfo=UTC),
     "02:00 on Sunday 26 March 2017 (UK time)"),  # the clocks go forward
    (datetime(2016, 9, 20, 23, 0, tzinfo=UTC),
     "00:00 on Wednesday 21 September 2016 (UK time)"),  # midnight BST is 23:00 UTC before
])
def test_deadlines_are_in_uk_time(when: datetime, words: str) -> None:
    from psephos.contests.timetable import uk_time

    assert uk_time(when) == words


def test_a_naive_time_is_never_shown() -> None:
    from psephos.contests.timetable import uk_time

    with pytest.raises(ValueError, match="time zone"):
        uk_time(datetime(2016, 9, 21, 12, 0))


def test_the_definition_reads_times_as_uk_wall_clock(db: str, tmp_path: Path) -> None:
    """Noon in September is 11:00 UTC (BST); noon in December is 12:00 UTC (GMT)."""
    from psephos.contests.timetable import scheduled_close, scheduled_open

    winter = TIMETABLE.replace("2016-09-21T12:00:00", "2016-12-21T12:00:00")
    contest = small_contest(tmp_path, SMALL + winter)
    assert scheduled_open(contest) == datetime(2016, 8, 22, 8, 0, tzinfo=UTC)
    assert scheduled_close(contest) == datetime(2016, 12, 21, 12, 0, tzinfo=UTC)


def test_psephos_serve_ticks_the_timetable(db: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The tick `psephos serve` runs at its start and every 30 seconds on a thread."""
    from psephos.cli.serve import _tick_once
    from psephos.contests.models import Contest
    from psephos.contests.timekeeper import TICK_SECONDS

    contest, _, clock = timed_open(tmp_path, monkeypatch)
    _tick_once()
    assert Contest.objects.get(pk=contest.pk).state == Contest.State.OPEN
    clock.set(CLOSE)
    _tick_once()
    assert Contest.objects.get(pk=contest.pk).state == Contest.State.CLOSED
    assert f"psephos: timetable: small: closed: voting closed at {CLOSE_WORDS}" in (
        capsys.readouterr().err)
    assert TICK_SECONDS == 30


def test_a_tick_racing_someone_who_opened_or_closed_by_hand_reports_nothing(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.contests.lifecycle import close_contest, open_contest
    from psephos.contests.models import Contest
    from psephos.contests.timekeeper import _open_if_ready, close_if_due

    stop_clock(monkeypatch, uk(2016, 9, 1, 10, 0))
    contest, _ = timed_draft(tmp_path)
    stale = Contest.objects.get(pk=contest.pk)
    open_contest(contest, actor="ro")
    assert _open_if_ready(stale) is None and stale.state == "open"
    monkeypatch.setattr("psephos.contests.timetable.now", lambda: CLOSE)
    stale = Contest.objects.get(pk=contest.pk)
    close_contest(contest, actor="ro")
    assert close_if_due(stale) is None and stale.state == "closed"


def _pools_open() -> list[str]:
    from django.db import connections

    return [alias for alias in connections
            if alias in getattr(connections[alias], "_connection_pools", {})]


def test_no_pool_is_left_open_for_the_forked_workers(db: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Granian forks `psephos serve`'s workers after the first tick: a PostgreSQL pool
    left open then (``close_all`` only hands pooled connections back) would be inherited
    by every worker, which would share its connections' sockets with each other and with
    the ticks (casts failed with 500 under load)."""
    import granian

    from psephos.cli import serve
    from psephos.contests.models import Contest

    Contest.objects.exists()  # a connection, from the pool on PostgreSQL
    serve._tick_once()
    assert _pools_open() == []
    Contest.objects.exists()
    at_fork: list[list[str]] = []

    class Forks:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def serve(self) -> None:
            at_fork.append(_pools_open())

    monkeypatch.setattr(granian, "Granian", Forks)
    monkeypatch.setattr(serve, "_start_timetable", lambda: None)
    serve._run("127.0.0.1", 8000, 2)
    assert at_fork == [[]]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux schedules threads apart")
def test_the_timetable_thread_yields_the_cpu_to_casts() -> None:
    """A checkpoint made on the timetable's thread must not take CPU from voters' casts:
    that thread runs at a lower priority than the rest of the process."""
    import os
    import threading

    from psephos.cli.serve import TIMETABLE_NICENESS, _yield_to_casts

    seen: list[int] = []

    def timetable() -> None:
        _yield_to_casts()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=timetable)
    thread.start()
    thread.join()
    assert seen == [min(19, max(before, TIMETABLE_NICENESS))]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
