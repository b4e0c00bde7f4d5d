"""The admin's buttons run the contest services as the logged-in user, for the right roles
only: a returning officer runs a contest, a scrutineer only looks, the helpdesk reissues."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from tests.contests.helpers import decrypt_with, local_ceremony, member, small_contest, write_roll

PASSWORD = "a long passphrase here"
CONTESTS = "/admin/contests/contest/"
VOTERS = "/admin/contests/voter/"


def _client(role: str) -> Any:
    """A test client logged in as a fresh user in the group ``role``."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from psephos.contests.roles import ensure_roles

    ensure_roles()
    user = User.objects.create_user(role.replace(" ", "_"), password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _draft(tmp_path: Path, voters: int = 3) -> tuple[Any, dict[str, Any]]:
    """A draft contest with a roll and credentials; member number -> clear credential."""
    from psephos.contests.credentials import issue_credentials
    from psephos.contests.electorate import import_electorate

    contest = small_contest(tmp_path)
    import_electorate(contest, write_roll(tmp_path / "m.csv",
                                          [member(i) for i in range(1, voters + 1)]), "members")
    secrets: dict[str, Any] = {}
    issue_credentials(contest, sink=lambda v, s: secrets.__setitem__(v.member_number, s))
    local_ceremony(contest, tmp_path)
    return contest, secrets


def _act(client: Any, url: str, action: str, *pks: int, **extra: str) -> Any:
    return client.post(url, {"action": action, "_selected_action": [str(p) for p in pks],
                             **extra}, follow=True)


def _messages(response: Any) -> list[str]:
    """The admin messages as shown on the page (unescaped)."""
    return [html.unescape(m) for m in
            re.findall(r'<li class="(?:success|error|warning|info)">(.*?)</li>',
                       response.content.decode(), re.S)]


def _state(contest: Any) -> str:
    contest.refresh_from_db()
    return str(contest.state)


def _log(action: str) -> list[str]:
    from psephos.contests.models import AuditEntry

    return list(AuditEntry.objects.filter(action=action).values_list("actor", flat=True))


def test_returning_officer_runs_a_contest_through_the_admin(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.models import Contest

    contest, secrets = _draft(tmp_path)
    client = _client("returning officer")
    listing = client.get(CONTESTS)
    assert b"Open voting" in listing.content and b"Count and declare" in listing.content

    response = _act(client, CONTESTS, "open_voting", contest.pk)
    assert response.status_code == 200
    assert _state(contest) == Contest.State.OPEN
    assert _log("contest.open") == ["returning_officer"]
    assert any("voting is open" in m for m in _messages(response))

    cast_ballot(contest, secrets["M1"].postal_code, ["Alice", "Bob"])
    cast_ballot(contest, secrets["M2"].postal_code, ["Alice"])
    _act(client, CONTESTS, "close_voting", contest.pk)
    assert _state(contest) == Contest.State.CLOSED
    assert _log("contest.close") == ["returning_officer"]

    early = _act(client, CONTESTS, "count_and_declare", contest.pk)
    assert any("has not been shuffled yet" in m for m in _messages(early))
    shuffled = _act(client, CONTESTS, "shuffle_ballots", contest.pk)
    assert any("ballots shuffled" in m for m in _messages(shuffled))
    assert _log("contest.shuffle") == ["returning_officer"]
    short = _act(client, CONTESTS, "count_and_declare", contest.pk)
    assert any("section members: 2 more trustee(s)' shares" in m for m in _messages(short))
    assert _state(contest) == Contest.State.CLOSED
    decrypt_with(contest)
    _act(client, CONTESTS, "count_and_declare", contest.pk)
    assert _state(contest) == Contest.State.COUNTED
    assert contest.declaration["elected"] == ["Alice"]
    assert contest.declaration["ballots"] == 2
    assert _log("contest.count") == ["returning_officer"]


def test_a_refused_step_shows_the_reason_and_changes_nothing(db: str, tmp_path: Path) -> None:
    from psephos.contests.models import AuditEntry, Contest

    contest, _ = _draft(tmp_path)
    client = _client("returning officer")
    _act(client, CONTESTS, "open_voting", contest.pk)
    entries = AuditEntry.objects.count()

    response = _act(client, CONTESTS, "count_and_declare", contest.pk)
    assert response.status_code == 200
    assert any("close it before counting" in m for m in _messages(response))
    assert b"close it before counting" in response.content
    assert _state(contest) == Contest.State.OPEN
    assert contest.declaration is None or contest.declaration == {}
    assert AuditEntry.objects.count() == entries

    response = _act(client, CONTESTS, "open_voting", contest.pk)
    assert any("only a draft opens" in m for m in _messages(response))
    assert _log("contest.open") == ["returning_officer"]


@pytest.mark.parametrize("page", [CONTESTS, VOTERS, "/admin/contests/ballot/",
                                  "/admin/contests/auditentry/", "/admin/contests/credential/"])
def test_scrutineer_sees_everything(db: str, tmp_path: Path, page: str) -> None:
    _draft(tmp_path)
    client = _client("scrutineer")
    response = client.get(page)
    assert response.status_code == 200
    assert b'name="action"' not in response.content  # no actions offered at all


def test_scrutineer_can_neither_press_buttons_nor_edit(db: str, tmp_path: Path) -> None:
    from psephos.contests.models import AuditEntry, Contest, Voter

    contest, _ = _draft(tmp_path)
    client = _client("scrutineer")
    entries = AuditEntry.objects.count()
    for action in ("open_voting", "close_voting", "count_and_declare"):
        response = _act(client, CONTESTS, action, contest.pk)
        assert response.status_code in (200, 403)
    voter = Voter.objects.get(member_number="M1")
    assert _act(client, VOTERS, "reissue_credential", voter.pk).status_code in (200, 403)
    assert _state(contest) == Contest.State.DRAFT
    assert AuditEntry.objects.count() == entries

    page = client.get(f"{CONTESTS}{contest.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    edit = client.post(f"{CONTESTS}{contest.pk}/change/", {"name": "Renamed"})
    assert edit.status_code == 403
    contest.refresh_from_db()
    assert contest.name == "Small ballot"


def test_helpdesk_reissues_a_credential(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import UnknownCredential
    from psephos.contests.lifecycle import open_contest
    from psephos.contests.models import Voter

    contest, secrets = _draft(tmp_path)
    open_contest(contest, actor="ro")
    client = _client("helpdesk")
    voter = Voter.objects.get(member_number="M1")
    listing = client.get(VOTERS)
    assert b"Reissue credential" in listing.content and b"Revoke vote" not in listing.content

    response = client.post(VOTERS, {"action": "reissue_credential",
                                    "_selected_action": [str(voter.pk)]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [row] = response.context_data["reissued"]
    assert row["voter"] == voter and row["postal_code"].encode() in response.content
    assert _log("credential.reissue") == ["helpdesk"]

    with pytest.raises(UnknownCredential):
        cast_ballot(contest, secrets["M1"].postal_code, ["Alice"])
    with pytest.raises(UnknownCredential):
        cast_ballot(contest, secrets["M1"].link_token, ["Alice"])
    assert cast_ballot(contest, row["postal_code"], ["Bob"]).tracker

    again = client.post(VOTERS, {"action": "reissue_credential",
                                 "_selected_action": [str(voter.pk)]})
    assert again.context_data["reissued"] == []
    assert any("already voted" in m for m in _messages(again))


def test_helpdesk_cannot_run_contests_or_edit_voters(db: str, tmp_path: Path) -> None:
    from psephos.contests.models import AuditEntry, Contest, Voter

    contest, _ = _draft(tmp_path)
    client = _client("helpdesk")
    entries = AuditEntry.objects.count()
    listing = client.get(CONTESTS)
    assert listing.status_code == 200 and b"Open voting" not in listing.content
    for action in ("open_voting", "close_voting", "count_and_declare"):
        assert _act(client, CONTESTS, action, contest.pk).status_code in (200, 403)
    voter = Voter.objects.get(member_number="M1")
    assert _act(client, VOTERS, "revoke_vote", voter.pk,
                reason="x", revoke="Revoke").status_code in (200, 403)
    assert _state(contest) == Contest.State.DRAFT
    assert AuditEntry.objects.count() == entries

    edit = client.post(f"{VOTERS}{voter.pk}/change/", {"name": "Someone else"})
    assert edit.status_code == 403
    voter.refresh_from_db()
    assert voter.name == "Member 1" and voter.status == Voter.Status.ELIGIBLE
    assert client.get("/admin/contests/ballot/").status_code == 403


def test_revoke_asks_for_a_reason_then_revokes(db: str, tmp_path: Path) -> None:
    from psephos.contests.lifecycle import open_contest
    from psephos.contests.models import Revocation, Voter

    contest, _ = _draft(tmp_path)
    open_contest(contest, actor="ro")
    client = _client("returning officer")
    voter = Voter.objects.get(member_number="M2")

    ask = client.post(VOTERS, {"action": "revoke_vote", "_selected_action": [str(voter.pk)]})
    assert ask.status_code == 200 and b'name="reason"' in ask.content
    blank = _act(client, VOTERS, "revoke_vote", voter.pk, reason=" ", revoke="Revoke")
    assert blank.status_code == 200 and b"This field is required" in blank.content
    voter.refresh_from_db()
    assert voter.status == Voter.Status.ELIGIBLE

    done = _act(client, VOTERS, "revoke_vote", voter.pk, reason="left the party",
                revoke="Revoke")
    assert any("revoked" in m for m in _messages(done))
    voter.refresh_from_db()
    assert voter.status == Voter.Status.REVOKED
    revocation = Revocation.objects.get(voter=voter)
    assert (revocation.actor, revocation.reason) == ("returning_officer", "left the party")
    assert _log("voter.revoke") == ["returning_officer"]


def test_an_action_called_without_the_role_is_refused(db: str, tmp_path: Path) -> None:
    """The role check in each action holds even if the action list were bypassed."""
    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from psephos.contests.models import Contest, Voter

    contest, _ = _draft(tmp_path)
    _client("helpdesk")
    request = RequestFactory().post(CONTESTS)
    request.user = User.objects.get(username="helpdesk")
    contests = admin.site._registry[Contest]
    with pytest.raises(PermissionDenied):
        contests.open_voting(request, Contest.objects.all())  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        admin.site._registry[Voter].revoke_vote(  # type: ignore[attr-defined]
            request, Voter.objects.all())
    assert _state(contest) == Contest.State.DRAFT


def test_no_one_deletes_a_contest_or_a_voter_from_the_admin(db: str, tmp_path: Path) -> None:
    """Deleting would take ballots, roll and declaration away with no audit entry; a voter
    leaves the roll only by a logged revocation."""
    from psephos.contests.models import Contest, Voter

    contest, _ = _draft(tmp_path)
    voter = Voter.objects.filter(contest=contest).first()
    client = _client("returning officer")
    assert "delete_selected" not in client.get(CONTESTS).content.decode()
    assert "delete_selected" not in client.get(VOTERS).content.decode()
    _act(client, CONTESTS, "delete_selected", contest.pk, post="yes")
    _act(client, VOTERS, "delete_selected", voter.pk, post="yes")
    assert client.post(f"{CONTESTS}{contest.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Contest.objects.filter(pk=contest.pk).exists()
    assert Voter.objects.filter(pk=voter.pk).exists()


def test_the_ballot_pages_show_no_ranking(db: str, tmp_path: Path) -> None:
    """Before: the admin's ballot page showed each ballot's ranking while voting was open
    (a running result). Now a ballot shows its section, tracker and ciphertext's hash."""
    import hashlib

    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.lifecycle import open_contest
    from psephos.contests.models import Ballot

    contest, secrets = _draft(tmp_path)
    open_contest(contest, actor="ro")
    receipt = cast_ballot(contest, secrets["M1"].postal_code, ["Carol", "Bob"])
    ballot = Ballot.objects.get()
    client = _client("scrutineer")
    listing = client.get("/admin/contests/ballot/").content.decode()
    page = client.get(f"/admin/contests/ballot/{ballot.pk}/change/").content.decode()
    digest = hashlib.sha256(bytes(ballot.sealed)).hexdigest()
    for shown in (listing, page):
        assert receipt.tracker in shown and digest in shown
        assert "Carol" not in shown and "ranking" not in shown.casefold()
    assert bytes(ballot.sealed).hex() not in page
