"""Casting: either secret works once; errors say what went wrong; reissue rotates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contests.helpers import (
    decrypt_with,
    open_with_voters,
    small_contest,
    stored_rankings,
)


def test_vote_with_link_or_typed_postal_code(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.casting.trackers import tracker_on_board
    from psephos.contests.models import Ballot, VotedMark

    contest, secrets = open_with_voters(tmp_path)
    receipt = cast_ballot(contest, secrets["M1"].link_token, ["Bob", "Alice"])
    typed = secrets["M2"].postal_code.lower().replace("-", " ")
    second = cast_ballot(contest, typed, ["carol"], channel="post")
    assert receipt.tracker != second.tracker
    assert tracker_on_board(contest, receipt.tracker)
    assert tracker_on_board(contest, second.tracker.replace("-", "").lower())
    assert Ballot.objects.count() == 2 and VotedMark.objects.count() == 2
    names = stored_rankings(contest)
    bob, alice, carol = (contest.candidates.get(name=n).pk for n in ("Bob", "Alice", "Carol"))
    assert names == {receipt.tracker: [bob, alice], second.tracker: [carol]}


def test_first_ballot_wins_across_channels(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import AlreadyVoted
    from psephos.contests.models import Ballot

    contest, secrets = open_with_voters(tmp_path)
    cast_ballot(contest, secrets["M1"].postal_code, ["Alice"], channel="post")
    with pytest.raises(AlreadyVoted):
        cast_ballot(contest, secrets["M1"].link_token, ["Bob"], channel="web")
    with pytest.raises(AlreadyVoted):
        cast_ballot(contest, secrets["M1"].postal_code, ["Bob"], channel="post")
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize(("ranking", "message"), [
    ([], "ranks no candidate"),
    (["Alice", "alice"], "'alice' is ranked more than once"),
    (["Dave"], "'Dave' is not a candidate on this ballot; the candidates are Alice, Bob, Carol"),
])
def test_invalid_rankings(db: str, tmp_path: Path, ranking: list[str], message: str) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import InvalidRanking
    from psephos.contests.models import Ballot, VotedMark

    contest, secrets = open_with_voters(tmp_path)
    with pytest.raises(InvalidRanking, match=message):
        cast_ballot(contest, secrets["M1"].link_token, ranking)
    assert Ballot.objects.count() == 0 and VotedMark.objects.count() == 0


def test_unknown_credential_and_closed_contest(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import ContestNotOpen, UnknownCredential
    from psephos.contests.lifecycle import close_contest

    contest, secrets = open_with_voters(tmp_path)
    with pytest.raises(UnknownCredential, match="not valid for this ballot"):
        cast_ballot(contest, "AAAA-BBBB-CCCC-DDDD", ["Alice"])
    close_contest(contest, actor="ro")
    with pytest.raises(ContestNotOpen, match="not open"):
        cast_ballot(contest, secrets["M1"].link_token, ["Alice"])


def test_draft_contest_refuses_votes(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import ContestNotOpen

    contest = small_contest(tmp_path)
    with pytest.raises(ContestNotOpen):
        cast_ballot(contest, "anything", ["Alice"])


def test_credential_of_another_contest_is_unknown(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import UnknownCredential

    contest, secrets = open_with_voters(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    two, _ = open_with_voters(other, slug="small-2")
    with pytest.raises(UnknownCredential):
        cast_ballot(two, secrets["M1"].link_token, ["Alice"])
    assert contest.ballots.count() == 0 and two.ballots.count() == 0


def test_reissue_rotates(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.credentials import reissue
    from psephos.contests.errors import AlreadyVoted, UnknownCredential
    from psephos.contests.models import Credential

    contest, secrets = open_with_voters(tmp_path)
    voter = contest.voters.get(member_number="M3")
    new = reissue(voter, actor="helpdesk-1")
    assert new.link_token != secrets["M3"].link_token
    for old in (secrets["M3"].link_token, secrets["M3"].postal_code):
        with pytest.raises(UnknownCredential):
            cast_ballot(contest, old, ["Alice"])
    cast_ballot(contest, new.postal_code, ["Alice"])
    assert list(Credential.objects.filter(voter=voter).values_list("status", flat=True)
                .order_by("pk")) == ["rotated", "used"]
    with pytest.raises(AlreadyVoted):
        reissue(voter, actor="helpdesk-1")


def test_a_cast_is_one_update_and_the_inserts(db: str, tmp_path: Path) -> None:
    """Spend the credential (one UPDATE that also checks the contest and the voter), read
    the board's label for the ballot (one SELECT, after the UPDATE has locked the contest
    row), then the mark, the ballot, the seal and the tracker's recovery row: four
    INSERTs, or on PostgreSQL one statement holding all four; the ballot paper is read
    once, not per cast."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from psephos.contests.casting.service import cast_ballot

    contest, secrets = open_with_voters(tmp_path)
    cast_ballot(contest, secrets["M1"].link_token, ["Alice"])
    with CaptureQueriesContext(connection) as captured:
        cast_ballot(contest, secrets["M2"].postal_code, ["Bob", "Alice"])
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries
                  if q["sql"].split()[0].upper() not in {"BEGIN", "COMMIT", "SAVEPOINT",
                                                         "RELEASE"}]
    together = (["UPDATE", "SELECT", "WITH"] if db == "postgresql"
                else ["UPDATE", "SELECT", "INSERT", "INSERT", "INSERT", "INSERT"])
    assert statements == together


def test_recount_changes_nothing(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.counting import count_contest, recount
    from psephos.contests.errors import WrongState
    from psephos.contests.lifecycle import close_contest
    from psephos.contests.models import AuditEntry
    from psephos.contests.opening import open_ballots

    contest, secrets = open_with_voters(tmp_path)
    for member, ranking in (("M1", ["Bob"]), ("M2", ["Carol", "Bob"]), ("M3", ["Alice"]),
                            ("S1", ["Alice", "Bob"]), ("S2", ["Bob"])):
        cast_ballot(contest, secrets[member].link_token, ranking)
    with pytest.raises(WrongState, match="close it before recounting"):
        recount(contest)
    close_contest(contest, actor="ro")
    with pytest.raises(WrongState, match="have not been decrypted"):
        recount(contest)
    decrypt_with(contest)
    open_ballots(contest, actor="ro")
    entries = AuditEntry.objects.count()
    result = recount(contest)
    contest.refresh_from_db()
    assert contest.state == "closed" and contest.declaration is None
    assert AuditEntry.objects.count() == entries
    assert list(result.elected_names) == ["Bob"]
    declaration = count_contest(contest)
    assert [list(s.tallies) for s in recount(contest).stages] == \
        [list(s.tallies) for s in declaration.count.stages]
