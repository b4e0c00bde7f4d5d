"""A POST of an admin action the user's role may not run gets 403 (docs/contests.md), not
200 "no action selected" with nothing run, which left a forged POST unremarked."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.test import Client, TestCase

from psephos.contests.models import AuditEntry, Contest, Voter
from psephos.contests.roles import ensure_roles
from tests.web.helpers import demo_contest

CONTESTS = "/admin/contests/contest/"
VOTERS = "/admin/contests/voter/"


def _client(role: str) -> Client:
    ensure_roles()
    user = User.objects.create_user(role.replace(" ", "_"), password="a long passphrase here",
                                    is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _post(client: Client, url: str, action: str, *pks: int, **extra: str) -> Any:
    return client.post(url, {"action": action, "_selected_action": [str(p) for p in pks],
                             **extra})


class ForbiddenActions(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        cls.voter = Voter.objects.filter(contest=cls.contest).order_by("pk").first()

    def test_a_scrutineer_posting_any_action_gets_403(self) -> None:
        client = _client("scrutineer")
        entries = AuditEntry.objects.count()
        for action in ("open_voting", "close_voting", "count_and_declare", "delete_selected"):
            with self.subTest(action=action):
                self.assertEqual(_post(client, CONTESTS, action, self.contest.pk).status_code,
                                 403)
        for action in ("reissue_credential", "revoke_vote"):
            with self.subTest(action=action):
                self.assertEqual(_post(client, VOTERS, action, self.voter.pk,
                                       reason="x", revoke="Revoke").status_code, 403)
        self.contest.refresh_from_db()
        self.assertEqual(self.contest.state, Contest.State.OPEN)
        self.assertEqual(AuditEntry.objects.count(), entries)

    def test_the_helpdesk_may_reissue_but_not_close(self) -> None:
        client = _client("helpdesk")
        self.assertEqual(_post(client, CONTESTS, "close_voting", self.contest.pk).status_code,
                         403)
        self.assertEqual(_post(client, VOTERS, "revoke_vote", self.voter.pk).status_code, 403)
        self.assertEqual(_post(client, VOTERS, "reissue_credential",
                               self.voter.pk).status_code, 200)

    def test_an_unknown_action_is_still_just_not_run(self) -> None:
        response = _post(_client("scrutineer"), CONTESTS, "no_such_action", self.contest.pk)
        self.assertIn(response.status_code, (200, 302))

    def test_a_returning_officer_runs_them(self) -> None:
        client = _client("returning officer")
        response = _post(client, CONTESTS, "close_voting", self.contest.pk)
        self.assertEqual(response.status_code, 302)
        self.contest.refresh_from_db()
        self.assertEqual(self.contest.state, Contest.State.CLOSED)
