"""After the opening the roll changes only by a proposed change that a different person
approves, each step in the audit chain (issue #10: roll edits were silent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.contests.helpers import ceremony_by_cli, open_with_voters, run_cli, small_by_cli
from tests.contests.test_admin import VOTERS, _act, _client

ANN = {"name": "Ann Example", "email": "ann@example.org", "section": "members",
       "joined": "2015-03-01"}


def _actions() -> list[tuple[str, str]]:
    from psephos.contests.models import AuditEntry

    return list(AuditEntry.objects.filter(action__startswith="roll.")
                .values_list("action", "actor"))


def test_an_open_roll_refuses_any_change_but_an_approved_one(db: str, tmp_path: Path) -> None:
    from psephos.contests.locking import ContestLocked
    from psephos.contests.models import Section, Voter

    contest, _ = open_with_voters(tmp_path)
    voter = Voter.objects.get(contest=contest, member_number="M1")
    voter.name = "Someone Else"
    with pytest.raises(ContestLocked, match="only by an approved roll change"):
        voter.save()
    voter.refresh_from_db()
    voter.section = Section.objects.get(contest=contest, slug="supporters")
    with pytest.raises(ContestLocked):
        voter.save()
    with pytest.raises(ContestLocked):
        Voter.objects.create(contest=contest, section=voter.section, member_number="X1",
                             name="X", email="x@example.org", person_key="e:x@example.org")
    with pytest.raises(ContestLocked):
        Voter.objects.get(pk=voter.pk).delete()
    voter.refresh_from_db()
    assert voter.name == "Member 1" and voter.section.slug == "members"


def test_two_different_people_add_a_voter(db: str, tmp_path: Path) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.lifecycle import roll_hash
    from psephos.contests.models import RollChange, Voter
    from psephos.contests.roll import RollChangeError, approve, propose

    contest, _ = open_with_voters(tmp_path)
    before = roll_hash(contest)
    change = propose(contest, "add", "M900", reason="left off the roll", actor="alice",
                     fields=ANN)
    assert not Voter.objects.filter(member_number="M900").exists()
    with pytest.raises(RollChangeError, match="another person must approve it"):
        approve(change, actor="alice")
    approve(change, actor="bob")
    ann = Voter.objects.get(contest=contest, member_number="M900")
    assert (ann.name, ann.section.slug, ann.person_key) == ("Ann Example", "members",
                                                            "e:ann@example.org")
    change.refresh_from_db()
    assert (change.state, change.decided_by) == (RollChange.State.APPLIED, "bob")
    assert _actions() == [("roll.propose", "alice"), ("roll.approve", "bob")]
    with pytest.raises(RollChangeError, match="already applied"):
        approve(change, actor="carol")
    assert roll_hash(contest) != before and verify_log().ok


def test_a_change_is_checked_when_proposed_and_again_when_approved(db: str,
                                                                    tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import ContestError
    from psephos.contests.lifecycle import close_contest
    from psephos.contests.roll import RollChangeError, approve, propose

    contest, secrets = open_with_voters(tmp_path)
    refusals = [
        ("add", "M1", ANN, "already on the roll"),
        ("add", "M900", {**ANN, "email": "m1@example.org"}, "same person"),
        ("add", "M900", {**ANN, "joined": "2016-06-01"}, "after the freeze date"),
        ("add", "M900", {**ANN, "section": "nobody"}, "no section 'nobody'"),
        ("remove", "M404", {}, "no voter with member number 'M404'"),
        ("edit", "M1", {"colour": "red"}, "colour: not a roll field"),
        ("edit", "M1", {}, "at least one field"),
    ]
    for kind, number, fields, message in refusals:
        with pytest.raises(RollChangeError, match=message):
            propose(contest, kind, number, reason="r", actor="alice", fields=fields)
    cast_ballot(contest, secrets["M2"].postal_code, ["Alice"])
    with pytest.raises(RollChangeError, match="has voted"):
        propose(contest, "remove", "M2", reason="r", actor="alice")
    with pytest.raises(RollChangeError, match="section cannot change"):
        propose(contest, "edit", "M2", reason="r", actor="alice",
                fields={"section": "supporters", "fee_paid_on": "2016-07-19",
                        "joined": "2016-07-19"})
    late = propose(contest, "remove", "M3", reason="died", actor="alice")
    cast_ballot(contest, secrets["M3"].postal_code, ["Bob"])  # voted before the approval
    with pytest.raises(RollChangeError, match="has voted"):
        approve(late, actor="bob")
    close_contest(contest, actor="ro")
    with pytest.raises(ContestError, match="after the close"):
        propose(contest, "add", "M900", reason="r", actor="alice", fields=ANN)


def test_remove_and_edit(db: str, tmp_path: Path) -> None:
    from psephos.contests.models import Voter
    from psephos.contests.roll import approve, propose, reject

    contest, _ = open_with_voters(tmp_path)
    approve(propose(contest, "remove", "M4", reason="not a member", actor="alice"),
            actor="bob")
    assert not Voter.objects.filter(contest=contest, member_number="M4").exists()
    approve(propose(contest, "edit", "M5", reason="typo", actor="alice",
                    fields={"name": "Member Five", "email": "five@example.org"}), actor="bob")
    five = Voter.objects.get(contest=contest, member_number="M5")
    assert (five.name, five.email, five.person_key) == ("Member Five", "five@example.org",
                                                        "e:five@example.org")
    reject(propose(contest, "remove", "M1", reason="?", actor="alice"), actor="bob")
    assert Voter.objects.filter(contest=contest, member_number="M1").exists()
    assert [a for a, _ in _actions()] == ["roll.propose", "roll.approve", "roll.propose",
                                          "roll.approve", "roll.propose", "roll.reject"]


def test_the_roll_commands(db_url: str, tmp_path: Path) -> None:
    small_by_cli(db_url, tmp_path, members=2)
    assert run_cli(db_url, "credentials", "issue", "small").exit_code == 0
    ceremony_by_cli(db_url, "small", tmp_path)
    done = run_cli(db_url, "open", "small")
    assert done.exit_code == 0, done.output
    proposed = run_cli(db_url, "roll", "propose", "small", "add", "M900", "--section",
                       "members", "--name", "Ann Example", "--email", "ann@example.org",
                       "--joined", "2015-03-01", "--reason", "left off", "--actor", "alice")
    assert proposed.exit_code == 0, proposed.output
    assert "roll approve small 1" in proposed.stdout
    same = run_cli(db_url, "roll", "approve", "small", "1", "--actor", "alice")
    assert same.exit_code == 2 and "another person must approve it" in same.stderr
    assert "Traceback" not in same.output
    bad = run_cli(db_url, "roll", "propose", "small", "add", "M901", "--reason", "x",
                  "--actor", "alice")
    assert bad.exit_code == 2 and "needs their section" in bad.stderr
    listed = run_cli(db_url, "roll", "list", "small")
    assert "1  proposed  add     M900" in listed.stdout
    approved = run_cli(db_url, "roll", "approve", "small", "1", "--actor", "bob")
    assert approved.exit_code == 0, approved.output
    assert "applied" in run_cli(db_url, "roll", "list", "small").stdout
    issued = run_cli(db_url, "credentials", "issue", "small")
    assert "issued 1 credentials" in issued.stdout


def _admin_voter_form(voter: Any, **changes: Any) -> dict[str, Any]:
    data = {"contest": voter.contest_id, "section": voter.section_id,
            "member_number": voter.member_number, "email": voter.email, "name": voter.name,
            "person_key": voter.person_key, "joined": "2015-06-01", "arrears_paid": "on",
            "_save": "Save"}
    data.update(changes)
    return data


def test_the_admin_shows_an_open_roll_read_only_and_approves_by_a_second_person(
        db: str, tmp_path: Path) -> None:
    from psephos.contests.models import RollChange, Voter
    from psephos.contests.roll import propose

    contest, _ = open_with_voters(tmp_path)
    client = _client("returning officer")
    voter = Voter.objects.get(contest=contest, member_number="M1")
    page = client.get(f"{VOTERS}{voter.pk}/change/")
    assert page.status_code == 200 and b'name="email"' not in page.content
    client.post(f"{VOTERS}{voter.pk}/change/", _admin_voter_form(voter, name="Mallory"))
    voter.refresh_from_db()
    assert voter.name == "Member 1"
    added = client.post(f"{VOTERS}add/", _admin_voter_form(voter, member_number="M77",
                                                           email="m77@example.org",
                                                           person_key="e:m77@example.org"))
    assert added.status_code == 200 and "roll propose" in added.content.decode()
    assert not Voter.objects.filter(member_number="M77").exists()

    change = propose(contest, "edit", "M1", reason="typo", actor="returning_officer",
                     fields={"name": "Member One"})
    _act(client, "/admin/contests/rollchange/", "approve_changes", change.pk)
    assert RollChange.objects.get(pk=change.pk).state == RollChange.State.PROPOSED
    other = _client("admin")
    _act(other, "/admin/contests/rollchange/", "approve_changes", change.pk)
    assert RollChange.objects.get(pk=change.pk).state == RollChange.State.APPLIED
    voter.refresh_from_db()
    assert voter.name == "Member One"
