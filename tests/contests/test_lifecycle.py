"""Revocation before the close removes the voter's ballot through a logged, reviewable act."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contests.helpers import close_and_count, decrypt_with, open_with_voters


def test_revoke_removes_the_ballot_and_logs_it(db: str, tmp_path: Path) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import VoteWithdrawn
    from psephos.contests.lifecycle import revoke
    from psephos.contests.models import AuditEntry, Ballot, BoardEvent

    contest, secrets = open_with_voters(tmp_path)
    kept = cast_ballot(contest, secrets["M1"].link_token, ["Alice"])
    gone = cast_ballot(contest, secrets["M2"].link_token, ["Bob"])
    revocation = revoke(contest.voters.get(member_number="M2"), actor="ro",
                        reason="suspended by the NEC")
    assert revocation.ballot_removed
    # Kept, marked removed: the board shows it with the revocation, the mix leaves it out.
    assert list(Ballot.objects.filter(removed=False).values_list("tracker", flat=True)) == [
        kept.tracker]
    assert Ballot.objects.get(tracker=gone.tracker).removed
    event = BoardEvent.objects.get(document__kind="revoked")
    assert event.document["reason"] == "suspended by the NEC"
    assert event.document["ballot"]["tracker"] == gone.tracker
    # The credential stays spent, and the voter is told why they cannot vote, not that
    # their (removed) ballot is in.
    with pytest.raises(VoteWithdrawn, match="entitlement to vote was withdrawn"):
        cast_ballot(contest, secrets["M2"].postal_code, ["Bob"])
    entry = AuditEntry.objects.get(action="voter.revoke")
    assert entry.payload["member_number"] == "M2" and entry.payload["ballot_removed"]
    # A voter who has not voted can be revoked too: nothing to remove.
    assert not revoke(contest.voters.get(member_number="M3"), actor="ro",
                      reason="not a member").ballot_removed
    declaration = close_and_count(contest)
    assert declaration.ballots == 1 and declaration.votes["Bob"] == 0
    assert declaration.electorate == 8 - 2
    assert verify_log().ok


def test_revocation_rules(db: str, tmp_path: Path) -> None:
    from psephos.contests.errors import RevocationError
    from psephos.contests.lifecycle import close_contest, review_revocation, revoke

    contest, _ = open_with_voters(tmp_path)
    voter = contest.voters.get(member_number="M1")
    with pytest.raises(RevocationError, match="needs a reason"):
        revoke(voter, actor="ro", reason="  ")
    revocation = revoke(voter, actor="ro", reason="duplicate membership")
    with pytest.raises(RevocationError, match="already revoked"):
        revoke(voter, actor="ro", reason="again")
    with pytest.raises(RevocationError, match="someone other than"):
        review_revocation(revocation, actor="ro", upheld=True)
    review_revocation(revocation, actor="scrutineer", upheld=True, note="checked")
    with pytest.raises(RevocationError, match="already been reviewed"):
        review_revocation(revocation, actor="scrutineer", upheld=False)
    close_contest(contest, actor="ro")
    with pytest.raises(RevocationError, match="before the close"):
        revoke(contest.voters.get(member_number="M2"), actor="ro", reason="late")


def test_overturned_revocation_lets_the_voter_vote_again(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.credentials import reissue
    from psephos.contests.lifecycle import review_revocation, revoke

    contest, secrets = open_with_voters(tmp_path)
    cast_ballot(contest, secrets["M1"].link_token, ["Alice"])
    voter = contest.voters.get(member_number="M1")
    revocation = revoke(voter, actor="ro", reason="thought suspended")
    review_revocation(revocation, actor="scrutineer", upheld=False, note="was not")
    fresh = reissue(voter, actor="helpdesk")
    cast_ballot(contest, fresh.link_token, ["Carol"])
    assert contest.ballots.filter(removed=False).count() == 1


def test_states_move_forward_only(db: str, tmp_path: Path) -> None:
    from psephos.contests.counting import count_contest, export_contest
    from psephos.contests.errors import ContestError, WrongState
    from psephos.contests.lifecycle import close_contest, open_contest

    contest, _ = open_with_voters(tmp_path)
    with pytest.raises(WrongState, match="only a draft opens"):
        open_contest(contest, actor="ro")
    with pytest.raises(WrongState, match="close it before counting"):
        count_contest(contest)
    with pytest.raises(WrongState, match="count it before exporting"):
        export_contest(contest, tmp_path / "out")
    close_contest(contest, actor="ro")
    with pytest.raises(WrongState, match="only an open contest closes"):
        close_contest(contest, actor="ro")
    with pytest.raises(WrongState, match="has not been shuffled yet"):
        count_contest(contest)
    decrypt_with(contest)
    with pytest.raises(ContestError, match="has no ballots: there is nothing to count"):
        count_contest(contest)


def test_a_contest_opens_only_after_its_key_ceremony(db: str, tmp_path: Path) -> None:
    from psephos.contests.credentials import issue_credentials
    from psephos.contests.electorate import import_electorate
    from psephos.contests.errors import WrongState
    from psephos.contests.lifecycle import open_contest
    from psephos.contests.trustees import add_trustees, start_ceremony
    from psephos.crypto.ceremony import new_trustee
    from tests.contests.helpers import member, small_contest, write_roll

    contest = small_contest(tmp_path)
    import_electorate(contest, write_roll(tmp_path / "m.csv", [member(1)]), "members")
    issue_credentials(contest)
    with pytest.raises(WrongState, match="missing: no trustees"):
        open_contest(contest, actor="ro")
    add_trustees(contest, [(f"t{i}.json", new_trustee(f"T{i}")[1]) for i in (1, 2)],
                 actor="ro")
    with pytest.raises(WrongState, match="missing: no key ceremony"):
        open_contest(contest, actor="ro")
    start_ceremony(contest, 2, actor="ro")
    with pytest.raises(WrongState, match="missing: round 1 messages from 2 of 2 trustees"):
        open_contest(contest, actor="ro")
    contest.refresh_from_db()
    assert contest.state == "draft"
