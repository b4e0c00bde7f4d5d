"""Role groups exist with the powers their names promise; the admin pages render."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contests.helpers import open_with_voters


def test_role_groups_and_permissions(db: str) -> None:
    from django.contrib.auth.models import Group, User

    from psephos.contests.roles import HELPDESK, ROLES, SCRUTINEER, has_role

    groups = {g.name: g for g in Group.objects.all()}
    assert set(ROLES) <= set(groups)
    scrutineer = set(groups[SCRUTINEER].permissions.values_list("codename", flat=True))
    assert scrutineer and all(code.startswith("view_") for code in scrutineer)
    assert "view_ballot" in scrutineer and "view_auditentry" in scrutineer
    helpdesk = set(groups[HELPDESK].permissions.values_list("codename", flat=True))
    assert "add_credential" in helpdesk and "view_voter" in helpdesk
    assert not {"change_contest", "delete_voter", "view_ballot"} & helpdesk
    user = User.objects.create_user("hd", password="a long passphrase here")
    assert not has_role(user, HELPDESK)
    user.groups.add(groups[HELPDESK])
    assert has_role(user, HELPDESK) and not has_role(user, SCRUTINEER)
    assert user.password.startswith("argon2")


@pytest.mark.parametrize("model", ["contest", "voter", "credential", "ballot", "auditentry",
                                   "outboxmessage", "revocation", "nomination",
                                   "timetableevent"])
def test_admin_lists_render(db: str, tmp_path: Path, model: str) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    open_with_voters(tmp_path)
    admin = User.objects.create_superuser("root", "root@example.org", "a long passphrase here")
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    response = client.get(f"/admin/contests/{model}/")
    assert response.status_code == 200
    if model == "credential":
        assert b"link_hash" not in response.content
