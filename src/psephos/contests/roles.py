"""The roles people hold in a ballot, as Django groups with model permissions.

- ``admin``: everything.
- ``returning officer``: runs the contest (define, import, nominate, open, close, count).
- ``scrutineer``: reads everything, changes nothing.
- ``helpdesk``: looks voters up and reissues credentials, nothing else.
"""

from __future__ import annotations

from typing import Any

ADMIN = "admin"
RETURNING_OFFICER = "returning officer"
SCRUTINEER = "scrutineer"
HELPDESK = "helpdesk"
ROLES = (ADMIN, RETURNING_OFFICER, SCRUTINEER, HELPDESK)

#: Codenames (of this app's models) each role gets besides ``view_*`` on every model.
_EXTRA: dict[str, tuple[str, ...] | None] = {
    ADMIN: None,  # every permission
    RETURNING_OFFICER: None,
    SCRUTINEER: (),
    HELPDESK: ("add_credential", "change_credential"),
}
_HELPDESK_VIEWS = ("view_contest", "view_voter", "view_credential", "view_section")


def ensure_roles(using: str = "default") -> None:
    """Create the role groups and (re)grant their permissions; safe to run again."""
    from django.contrib.auth.models import Group, Permission

    app_perms = Permission.objects.using(using).filter(content_type__app_label="contests")
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        extra = _EXTRA[role]
        if role == ADMIN:
            perms: Any = Permission.objects.using(using).all()
        elif extra is None:
            perms = app_perms
        elif role == HELPDESK:
            perms = app_perms.filter(codename__in=(*extra, *_HELPDESK_VIEWS))
        else:
            perms = app_perms.filter(codename__startswith="view_")
        group.permissions.set(perms)


def has_role(user: Any, *roles: str) -> bool:
    """True for a superuser or a member of any of ``roles``."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(user.groups.filter(name__in=roles).exists())
