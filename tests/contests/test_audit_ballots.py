"""The close commits the ballots and marks into the signed audit log; the count and
`verify-log` refuse rows changed after it (issue #10, item 3: 40 rankings edited in a copy of
the database turned 190–110 into 150–150 unnoticed, and 50 ballots inserted for abstainers
were counted).

Ballots are edited through `audit_ballots.BALLOT_CONTENT` (whatever column holds what a
ballot says) and counted through `_count`, so these tests follow the ballot's storage.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.contests.helpers import decrypt_with, open_with_voters, run_cli

VOTERS, ALICE, BOB = 350, 190, 110  # 50 abstain


@pytest.fixture
def closed(db: str, tmp_path: Path) -> Any:
    """A closed AV contest: 190 first preferences for Alice, 110 for Bob, 50 abstainers."""
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.lifecycle import close_contest

    contest, secrets = open_with_voters(tmp_path, members=VOTERS, supporters=0)
    for i in range(1, ALICE + BOB + 1):
        cast_ballot(contest, secrets[f"M{i}"].link_token, ["Alice" if i <= ALICE else "Bob"])
    close_contest(contest, actor="ro")
    return contest


def _count(contest: Any) -> Any:
    """The count and declaration of a closed contest."""
    from psephos.contests.counting import count_contest

    return count_contest(contest)


def _contents() -> list[tuple[Any, Any]]:
    """(id, content) of every ballot, in id order."""
    from psephos.contests.audit_ballots import BALLOT_CONTENT
    from psephos.contests.models import Ballot

    return list(Ballot.objects.order_by("id").values_list("pk", BALLOT_CONTENT))


def _set_content(ids: list[Any], content: Any) -> int:
    from psephos.contests.audit_ballots import BALLOT_CONTENT
    from psephos.contests.models import Ballot

    return int(Ballot.objects.filter(pk__in=ids).update(**{BALLOT_CONTENT: content}))


def _assert_refused(contest: Any, db_url: str, words: str) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.errors import BallotsChanged
    from psephos.contests.models import Contest

    with pytest.raises(BallotsChanged, match=words):
        _count(contest)
    assert Contest.objects.get(pk=contest.pk).declaration is None
    problems = verify_log().problems
    assert any(words in p for p in problems), problems
    result = run_cli(db_url, "verify-log")
    assert result.exit_code == 1 and words in result.stderr
    refused = run_cli(db_url, "count", contest.slug)
    assert refused.exit_code == 2 and "not counting" in refused.stderr


def test_intact_ballots_count_and_the_declaration_carries_the_head(closed: Any,
                                                                    db_url: str) -> None:
    from psephos.contests.audit import Anchor, verify_log
    from psephos.contests.models import AuditEntry

    close = AuditEntry.objects.get(action="contest.close").payload
    assert close["ballots_by_section"] == {"members": ALICE + BOB}
    assert close["marks_by_section"] == {"members": ALICE + BOB}
    assert close["revocations"] == 0 and len(close["ballots_sha256"]) == 64
    decrypt_with(closed)
    declaration = _count(closed)
    assert declaration.votes == {"Alice": ALICE, "Bob": BOB, "Carol": 0}
    head = declaration.to_json()["audit_head"]
    # The log as it stood when counted: the entry before the count's own, after the close
    # (the shuffle, the trustees' shares and the opening of the ballots come between).
    close_entry = AuditEntry.objects.get(action="contest.close")
    before_count = AuditEntry.objects.get(
        seq=AuditEntry.objects.get(action="contest.count").seq - 1)
    assert (head["seq"], head["hash"]) == (before_count.seq, before_count.hash)
    assert head["seq"] > close_entry.seq
    assert len(head["public_key"]) == 64
    result = verify_log(anchors=[Anchor(hash=head["hash"], seq=head["seq"])],
                        public_keys=[head["public_key"]])
    assert result.ok and result.contests_checked == ("small",), result.problems
    cli = run_cli(db_url, "verify-log", "--anchor", f"{head['seq']}:{head['hash']}")
    assert cli.exit_code == 0 and "ballots and marks as committed at the close: small" in cli.stdout


def test_forty_rankings_edited_after_the_close(closed: Any, db_url: str) -> None:
    rows = _contents()
    other = rows[-1][1]  # 40 ballots made to say what another one says
    edited = [pk for pk, content in rows if content != other][:40]
    assert _set_content(edited, other) == 40
    _assert_refused(closed, db_url, "the ballots are not those committed at the close")


def test_fifty_ballots_inserted_for_abstainers(closed: Any, db_url: str) -> None:
    from psephos.contests.audit_ballots import BALLOT_CONTENT
    from psephos.contests.models import Ballot, VotedMark, Voter

    content = _contents()[0][1]
    section = closed.sections.get(slug="members")
    abstainers = Voter.objects.filter(contest=closed, voted__isnull=True)[:50]
    assert len(abstainers) == 50
    for voter in abstainers:
        VotedMark.objects.create(voter=voter, contest=closed, channel="web")
        Ballot.objects.create(contest=closed, section=section, tracker=uuid.uuid4().hex[:20],
                              **{BALLOT_CONTENT: content})
    _assert_refused(closed, db_url, "section members: 300 ballots at the close, 350 now")
    from psephos.contests.audit import verify_log

    problems = verify_log().problems
    assert any("300 voted marks at the close, 350 now" in p for p in problems)
    assert any("the voted marks are not those committed" in p for p in problems)


def test_a_deleted_ballot(closed: Any, db_url: str) -> None:
    from psephos.contests.models import Ballot

    Ballot.objects.filter(pk=Ballot.objects.order_by("id").values("pk")[:1]).delete()
    _assert_refused(closed, db_url, "section members: 300 ballots at the close, 299 now")


def test_a_ballot_moved_to_another_section_changes_the_digest(closed: Any, db_url: str) -> None:
    """Same counts, same contents: only the digest sees a ballot's id change."""
    from psephos.contests.models import Ballot

    ballot = Ballot.objects.order_by("id").first()
    assert ballot is not None
    Ballot.objects.filter(pk=ballot.pk).delete()
    ballot.id = uuid.uuid4()
    ballot.save(force_insert=True)
    _assert_refused(closed, db_url, "the ballots are not those committed at the close")


def test_close_entry_edited_to_match_is_refused(closed: Any, db_url: str) -> None:
    """Editing the committed digest to match edited ballots breaks the close entry's hash;
    recomputing the hash breaks its signature."""
    from psephos.contests import audit_ballots
    from psephos.contests.audit import entry_hash
    from psephos.contests.errors import BallotsChanged
    from psephos.contests.models import AuditEntry

    rows = _contents()
    _set_content([pk for pk, content in rows if content != rows[-1][1]], rows[-1][1])
    entry = AuditEntry.objects.get(action="contest.close")
    entry.payload = {**entry.payload, **audit_ballots.ballot_commitment(closed)}
    entry.save()
    with pytest.raises(BallotsChanged, match=r"close entry \d+ was changed"):
        _count(closed)
    entry.hash = entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.payload,
                            entry.prev_hash)
    entry.save()
    with pytest.raises(BallotsChanged, match="signature that does not match"):
        _count(closed)


def test_no_close_entry_no_count(closed: Any) -> None:
    from psephos.contests.errors import BallotsChanged
    from psephos.contests.models import AuditEntry

    AuditEntry.objects.filter(action="contest.close").delete()
    with pytest.raises(BallotsChanged, match="no close entry"):
        _count(closed)


def test_pages_show_the_head(closed: Any) -> None:
    from django.test import Client

    decrypt_with(closed)
    head = _count(closed).to_json()["audit_head"]
    client = Client(HTTP_HOST="localhost")
    page = client.get(f"/contests/{closed.slug}/declaration").content.decode()
    assert head["hash"] in page and head["public_key"] in page
    assert f"--anchor {head['seq']}:{head['hash']}" in page
    board = client.get(f"/contests/{closed.slug}/board").content.decode()
    assert "Audit log anchor" in board and head["public_key"] in board


def test_ballot_digest_is_one_text_on_every_database(db: str, tmp_path: Path) -> None:
    """The digest's text, written out here independently: the same on SQLite and PostgreSQL
    (a database moved from one to the other keeps its digest)."""
    import hashlib

    from psephos.contests.audit_ballots import BALLOT_CONTENT, ballot_digest, marks_digest
    from psephos.contests.models import Ballot, VotedMark

    contest, _ = open_with_voters(tmp_path, members=3, supporters=0)
    section = contest.sections.get(slug="members")
    ids = [uuid.UUID(int=n) for n in (0xB0, 0xA0, 0xFF << 120)]
    binary = Ballot._meta.get_field(BALLOT_CONTENT).get_internal_type() == "BinaryField"
    # What each ballot says, and its bytes in the digest: ciphertext as it is, JSON canonical.
    said: list[tuple[Any, bytes]] = ([(b"\x00\x01", b"\x00\x01"), (b"", b""), (b"\n", b"\n")]
                                     if binary else
                                     [([], b"[]"), ([1, 1], b"[1,1]"), ([2, 1], b"[2,1]")])
    for n, (ballot_id, (content, _)) in enumerate(zip(ids, said, strict=True)):
        Ballot.objects.create(id=ballot_id, contest=contest, section=section, tracker=f"T{n}",
                              **{BALLOT_CONTENT: content})
    text = b"".join(b"%s\t%d\t%d\t%s\n" % (i.hex.encode(), section.pk, len(data), data)
                    for i, (_, data) in sorted(zip(ids, said, strict=True)))
    assert ballot_digest(contest) == hashlib.sha256(text).hexdigest()
    voters = sorted(contest.voters.values_list("pk", flat=True))
    for pk in reversed(voters):
        VotedMark.objects.create(voter_id=pk, contest=contest, channel="post")
    marks = "".join(f"{pk}\tpost\n" for pk in voters)
    assert marks_digest(contest) == hashlib.sha256(marks.encode()).hexdigest()


def test_cli_declaration_and_record_carry_the_head(closed: Any, db_url: str,
                                                    tmp_path: Path) -> None:
    import json

    decrypt_with(closed)
    counted = run_cli(db_url, "count", closed.slug, "--json")
    assert counted.exit_code == 0, counted.output
    head = json.loads(counted.stdout)["audit_head"]
    anchor = f"{head['seq']}:{head['hash']}"
    text = run_cli(db_url, "count", closed.slug)
    assert f"audit log head: {head['seq'] + 1}:" in text.stdout  # after the first count's entry
    assert run_cli(db_url, "export", closed.slug, str(tmp_path / "record")).exit_code == 0
    published = json.loads((tmp_path / "record" / "declaration.json").read_text())
    assert published["audit_head"]["public_key"] == head["public_key"]
    checked = run_cli(db_url, "verify-log", "--anchor", anchor, "--public-key",
                      head["public_key"])
    assert checked.exit_code == 0 and f"anchor in place: {anchor}" in checked.stdout
