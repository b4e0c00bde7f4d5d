"""From its opening a contest's definition is locked everywhere (models, admin), and the
ballot paper never disagrees with the database.

Regression tests for issue #10: "the admin change form accepts new candidate names, seats
and method on an open (even counted) contest ... with no entry in the audit chain; each
process's cached ballot paper then disagrees with the page"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.contests.helpers import SMALL, close_and_count, open_with_voters, small_contest
from tests.contests.test_admin import CONTESTS, _client

LOCKED = "the definition is locked from the opening"


def _counted(tmp_path: Path, slug: str = "small") -> Any:
    from psephos.contests.casting.service import cast_ballot

    contest, secrets = open_with_voters(tmp_path, slug=slug)
    for secret in list(secrets.values())[:3]:
        cast_ballot(contest, secret.postal_code, ["Alice", "Bob"])
    close_and_count(contest)
    return contest


@pytest.mark.parametrize("state", ["open", "counted"])
def test_the_model_refuses_to_change_a_locked_definition(db: str, tmp_path: Path,
                                                          state: str) -> None:
    from psephos.contests.locking import ContestLocked
    from psephos.contests.models import Candidate, Contest, Nomination, Section

    contest = open_with_voters(tmp_path)[0] if state == "open" else _counted(tmp_path)
    fresh = Contest.objects.get(pk=contest.pk)
    for field, value in (("seats", 2), ("method", "plurality"), ("name", "Renamed"),
                         ("dedupe_by", "member_number"), ("nomination_rule", [["x"]])):
        setattr(fresh, field, value)
        with pytest.raises(ContestLocked, match=f"its {field} can no longer change"):
            fresh.save()
        fresh.refresh_from_db()
    fresh.description = "An introduction for voters"  # not part of the definition
    fresh.save()

    alice = Candidate.objects.get(contest=contest, name="Alice")
    alice.name = "Alicia"
    with pytest.raises(ContestLocked, match=LOCKED):
        alice.save()
    alice.refresh_from_db()
    alice.withdrawn = True
    with pytest.raises(ContestLocked, match="withdrawn can no longer change"):
        alice.save()
    with pytest.raises(ContestLocked, match="no candidate can be added"):
        Candidate.objects.create(contest=contest, name="Dave", order=9, on_ballot=True)
    with pytest.raises(ContestLocked, match="cannot be deleted"):
        Candidate.objects.get(contest=contest, name="Carol").delete()
    section = Section.objects.get(contest=contest, slug="members")
    section.requires_arrears_paid = False
    with pytest.raises(ContestLocked):
        section.save()
    with pytest.raises(ContestLocked):
        Section.objects.create(contest=contest, slug="extra", name="Extra")
    with pytest.raises(ContestLocked):
        Nomination.objects.create(contest=contest, candidate=alice, body_id=0, nominator="x")
    with pytest.raises(ContestLocked, match="cannot be deleted"):
        Contest.objects.get(pk=contest.pk).delete()
    contest.refresh_from_db()
    assert (contest.name, contest.seats, contest.method) == ("Small ballot", 1, "av")
    assert sorted(contest.candidates.values_list("name", flat=True)) == ["Alice", "Bob",
                                                                         "Carol"]


def test_a_draft_stays_editable_and_the_services_steps_still_work(db: str,
                                                                  tmp_path: Path) -> None:
    from psephos.contests.models import Candidate

    contest = small_contest(tmp_path)
    contest.seats, contest.name = 1, "Renamed draft"
    contest.save()
    carol = Candidate.objects.get(contest=contest, name="Carol")
    carol.name = "Caroline"
    carol.save()
    Candidate.objects.create(contest=contest, name="Dave", order=4, consented=True)
    (tmp_path / "other").mkdir()
    _counted(tmp_path / "other", "other")  # open (on_ballot), close, count pass the guard


def _contest_form(contest: Any, **changes: Any) -> dict[str, Any]:
    """The contest's change form as the admin page would post it, with ``changes``."""
    from psephos.contests.models import Candidate, Section

    data: dict[str, Any] = {
        "slug": contest.slug, "name": contest.name, "description": contest.description,
        "method": contest.method, "seats": contest.seats, "freeze_date": "2016-01-12",
        "dedupe_by": contest.dedupe_by, "nomination_rule": "[]", "_save": "Save"}
    for prefix, rows, fields in (
            ("sections", Section.objects.filter(contest=contest),
             ("slug", "name", "priority")),
            ("candidates", Candidate.objects.filter(contest=contest),
             ("name", "order"))):
        rows = list(rows)
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows),
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-contest"] = contest.pk
            for field in fields:
                data[f"{prefix}-{i}-{field}"] = getattr(row, field)
    data.update(changes)
    return data


@pytest.mark.parametrize("state", ["open", "counted"])
def test_the_admin_shows_a_locked_definition_read_only_and_changes_nothing(
        db: str, tmp_path: Path, state: str) -> None:
    from psephos.contests.casting.paper import ballot_paper
    from psephos.contests.models import Candidate, Contest

    contest = open_with_voters(tmp_path)[0] if state == "open" else _counted(tmp_path)
    before = list(ballot_paper(contest).names)
    client = _client("returning officer")
    page = client.get(f"{CONTESTS}{contest.pk}/change/")
    assert page.status_code == 200
    assert b'name="seats"' not in page.content and b'name="candidates-0-name"' not in page.content
    posted = client.post(f"{CONTESTS}{contest.pk}/change/", _contest_form(
        contest, name="Renamed", seats=2, method="plurality", **{
            "candidates-0-name": "Mallory", "candidates-TOTAL_FORMS": 4,
            "candidates-3-name": "Eve", "candidates-3-order": 9,
            "candidates-3-contest": contest.pk}), follow=True)
    assert posted.status_code == 200
    contest = Contest.objects.get(pk=contest.pk)
    assert (contest.name, contest.seats, contest.method) == ("Small ballot", 1, "av")
    names = list(Candidate.objects.filter(contest=contest).order_by("order")
                 .values_list("name", flat=True))
    assert names == ["Alice", "Bob", "Carol"]
    assert list(ballot_paper(contest).names) == before == names


def test_the_admin_changes_a_draft_and_logs_who_changed_which_fields(db: str,
                                                                     tmp_path: Path) -> None:
    from psephos.contests.models import AuditEntry, Contest

    contest = small_contest(tmp_path)
    client = _client("returning officer")
    posted = client.post(f"{CONTESTS}{contest.pk}/change/", _contest_form(
        contest, name="Renamed", **{"candidates-2-name": "Caroline"}))
    assert posted.status_code == 302, posted.content.decode()[:2000]
    assert Contest.objects.get(pk=contest.pk).name == "Renamed"
    entry = AuditEntry.objects.filter(action="admin.change").get()
    assert entry.actor == "returning_officer"
    assert entry.payload["model"] == "contests.contest"
    assert entry.payload["object"] == str(contest.pk)
    text = str(entry.payload["changes"])
    assert "Name" in text and "Caroline" in text  # the field, and the inline row changed
    assert "Renamed" not in text  # field names, not values


def test_the_admin_refuses_look_alike_names_in_a_draft(db: str, tmp_path: Path) -> None:
    from psephos.contests.models import Candidate

    contest = small_contest(tmp_path)
    client = _client("returning officer")
    for name, message in (("ALICE", "is the same name as"), ("Car\u200bol", "U+200B")):
        posted = client.post(f"{CONTESTS}{contest.pk}/change/", _contest_form(
            contest, **{"candidates-2-name": name}))
        assert posted.status_code == 200 and message in posted.content.decode()
    assert sorted(Candidate.objects.values_list("name", flat=True)) == ["Alice", "Bob",
                                                                        "Carol"]


def test_every_admin_add_change_and_delete_is_in_the_audit_chain(db: str,
                                                                 tmp_path: Path) -> None:
    from django.contrib import admin

    from psephos.contests.admin_audit import AuditedAdmin
    from psephos.contests.audit import verify_log
    from psephos.contests.models import AuditEntry, TimetableEvent

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ("contests", "auth"):
            assert isinstance(model_admin, AuditedAdmin), model

    contest = small_contest(tmp_path)
    client = _client("admin")
    added = client.post("/admin/contests/timetableevent/add/", {
        "contest": contest.pk, "kind": "hustings", "title": "Hustings, Cardiff",
        "start_0": "2016-08-04", "start_1": "19:00:00", "_save": "Save"})
    assert added.status_code == 302, added.content.decode()[:3000]
    event = TimetableEvent.objects.get(title="Hustings, Cardiff")
    assert client.post(f"/admin/contests/timetableevent/{event.pk}/delete/",
                       {"post": "yes"}).status_code == 302
    user = client.post("/admin/auth/user/add/", {
        "username": "newcomer", "password1": "another long passphrase",
        "password2": "another long passphrase", "usable_password": "true", "_save": "Save"})
    assert user.status_code == 302, user.content.decode()[:3000]
    entries = list(AuditEntry.objects.filter(action__startswith="admin.")
                   .values_list("action", "actor", "payload"))
    assert [(a, p["model"]) for a, _, p in entries] == [
        ("admin.add", "contests.timetableevent"), ("admin.delete", "contests.timetableevent"),
        ("admin.add", "auth.user")]
    assert {actor for _, actor, _ in entries} == {"admin"}
    assert "passphrase" not in str(entries)
    assert verify_log().ok


def test_the_ballot_paper_is_read_again_after_a_candidate_changes(db: str,
                                                                  tmp_path: Path) -> None:
    from psephos.contests.casting import paper
    from psephos.contests.models import Candidate

    contest = open_with_voters(tmp_path)[0]
    first = paper.ballot_paper(contest)
    assert paper.ballot_paper(contest) is first  # cached once open
    paper.paper_changed(contest.pk)
    assert paper.ballot_paper(contest) is not first
    draft = small_contest(tmp_path, SMALL.replace('"small"', '"draft"'))
    bob = Candidate.objects.get(contest=draft, name="Bob")
    seen = paper._CHANGES.get(draft.pk, 0)
    bob.name = "Robert"
    bob.save()
    assert paper._CHANGES[draft.pk] == seen + 1
    assert "Robert" in paper.ballot_paper(draft).names
