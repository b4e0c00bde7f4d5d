"""Rewrites of the audit log by someone who can write the database (issue #10, item 3).

Each rewrite here passed `verify-log` when the chain was plain SHA-256 with an unsigned head:
it is now caught by the signatures (the key is not in the database), and what the signatures
cannot catch (deleting everything; a rewrite by someone who also holds the key) by an anchor
written down earlier.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.contests.helpers import run_cli


def _log(n: int = 20) -> None:
    from psephos.contests.audit import record

    for i in range(n):
        record("ro", "test.action", {"i": i})


def _anchor() -> Any:
    from psephos.contests.audit import Anchor
    from psephos.contests.models import AuditHead

    head = AuditHead.objects.get(pk=1)
    return Anchor(hash=head.hash, seq=head.seq)


def _move_head(seq: int, *, signature: str | None = None) -> None:
    """Point the head at entry ``seq``, as someone cutting the log there would."""
    from psephos.contests.models import AuditEntry, AuditHead

    entry = AuditEntry.objects.get(seq=seq)
    fields: dict[str, Any] = {"seq": seq, "hash": entry.hash}
    if signature is not None:
        fields["signature"] = signature
    AuditHead.objects.filter(pk=1).update(**fields)


def _rewrite_from(seq: int, payload: dict[str, Any], sign: Any = None) -> None:
    """Edit entry ``seq`` and recompute every hash after it and the head; re-sign them with
    ``sign`` (a nacl SigningKey) if given, as an attacker holding a key would."""
    from psephos.contests import audit_keys
    from psephos.contests.audit import entry_hash
    from psephos.contests.models import AuditEntry, AuditHead

    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        if entry.seq == seq:
            entry.payload = payload
        entry.prev_hash = prev
        entry.hash = entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.payload,
                                prev)
        if sign is not None:
            entry.signature = sign.sign(audit_keys.entry_message(entry.hash)).signature.hex()
            entry.key_id = audit_keys.key_id(sign.verify_key)
        entry.save()
        prev = entry.hash
    last = AuditEntry.objects.order_by("-seq").first()
    fields: dict[str, Any] = {"seq": last.seq, "hash": last.hash}
    if sign is not None:
        fields["signature"] = sign.sign(audit_keys.head_message(last.seq, last.hash)
                                        ).signature.hex()
        fields["key_id"] = audit_keys.key_id(sign.verify_key)
    AuditHead.objects.filter(pk=1).update(**fields)


@pytest.mark.parametrize("keep", [15, 10])
def test_tail_cut_and_head_moved_back(db: str, keep: int) -> None:
    """Deleting the newest entries and moving the head back: the head's signature is of the
    old head, and the anchor names an entry that is gone."""
    from psephos.contests.audit import verify_log
    from psephos.contests.models import AuditEntry

    _log()
    anchor = _anchor()
    AuditEntry.objects.filter(seq__gt=keep).delete()
    _move_head(keep)
    problems = verify_log().problems
    assert any("the head (entry" in p and "it was moved" in p for p in problems), problems
    anchored = verify_log(anchors=[anchor]).problems
    assert any(f"entry {anchor.seq} is missing" in p for p in anchored), anchored


def test_head_moved_back_with_its_old_signature_is_caught_by_the_anchor(db: str) -> None:
    """A head row restored from an old backup carries a good signature: only an anchor
    written down after it catches the truncation."""
    from psephos.contests.audit import verify_log
    from psephos.contests.models import AuditEntry, AuditHead

    _log(10)
    old_head = AuditHead.objects.get(pk=1)
    _log(10)
    anchor = _anchor()
    AuditEntry.objects.filter(seq__gt=10).delete()
    AuditHead.objects.filter(pk=1).update(seq=old_head.seq, hash=old_head.hash,
                                          signature=old_head.signature)
    assert verify_log().ok  # what a signature cannot tell
    assert not verify_log(anchors=[anchor]).ok


def test_everything_deleted_is_caught_by_an_anchor(db: str) -> None:
    from psephos.contests.audit import Anchor, verify_log
    from psephos.contests.models import AuditEntry, AuditHead

    _log()
    anchor = _anchor()
    hash_only = Anchor(hash=anchor.hash)
    AuditEntry.objects.all().delete()
    AuditHead.objects.all().delete()
    result = verify_log(anchors=[anchor, hash_only])
    assert not result.ok and result.entries == 0
    assert any("entry 20 is missing" in p for p in result.problems)
    assert any("no entry has this hash" in p for p in result.problems)


def test_edited_row_with_every_hash_recomputed(db: str) -> None:
    """The rewrite the plain chain could not see: every hash after the edit recomputed and
    the head moved. Without the key, no entry from the edit on has a good signature."""
    from psephos.contests.audit import verify_log

    _log()
    anchor = _anchor()
    _rewrite_from(7, {"i": 700})
    result = verify_log()
    assert not result.ok and result.signatures_checked
    bad = [p for p in result.problems if "does not match" in p]
    assert len(bad) == 20 - 7 + 1 + 1, result.problems  # entries 7..20 and the head
    assert any(p.startswith("entry 7:") for p in bad)
    assert any(f"anchor {anchor}" in p and "rewritten" in p
               for p in verify_log(anchors=[anchor]).problems)


def test_rewrite_by_someone_holding_the_key_is_caught_by_the_anchor(db: str) -> None:
    from psephos.contests import audit_keys
    from psephos.contests.audit import verify_log

    _log()
    anchor = _anchor()
    _rewrite_from(7, {"i": 700}, sign=audit_keys.signing_key())
    assert verify_log().ok  # the key signs anything: this is what the anchor is for
    problems = verify_log(anchors=[anchor]).problems
    assert problems == (f"anchor {anchor}: entry 20 now has hash "
                        f"{_anchor().hash} (the log was rewritten)",)


def test_entries_signed_by_a_different_key(db: str) -> None:
    from nacl.signing import SigningKey

    from psephos.contests.audit import verify_log

    _log()
    other = SigningKey.generate()
    _rewrite_from(7, {"i": 700}, sign=other)
    problems = verify_log().problems
    assert sum("is signed by key" in p for p in problems) == 20 - 7 + 1 + 1, problems
    # The same rewrite checked with the stranger's key fails on the untouched entries.
    theirs = bytes(other.verify_key).hex()
    assert sum("is signed by key" in p for p in verify_log(public_keys=[theirs]).problems) == 6


def test_signature_from_another_key_under_the_right_key_id(db: str) -> None:
    from nacl.signing import SigningKey

    from psephos.contests import audit_keys
    from psephos.contests.audit import verify_log
    from psephos.contests.models import AuditEntry

    _log(3)
    entry = AuditEntry.objects.get(seq=2)
    entry.signature = SigningKey.generate().sign(
        audit_keys.entry_message(entry.hash)).signature.hex()
    entry.save()
    assert verify_log().problems == ("entry 2: has a signature that does not match it "
                                     "(rewritten without the key)",)


def test_unsigned_entry_is_refused(db: str) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.models import AuditEntry

    _log(3)
    AuditEntry.objects.filter(seq=3).update(signature="", key_id="")
    assert verify_log().problems == ("entry 3: is not signed",)


def test_public_key_alone_verifies(db: str) -> None:
    """A scrutineer with a copy of the database and the published public key (hex or base64),
    but not the key file."""
    import base64

    from nacl.signing import SigningKey

    from psephos.contests import audit_keys
    from psephos.contests.audit import verify_log

    _log(5)
    public = audit_keys.existing_public_key()
    assert public is not None
    as_hex = bytes(public).hex()
    for given in (as_hex, base64.b64encode(bytes(public)).decode()):
        result = verify_log(public_keys=[given])
        assert result.ok and result.signatures_checked and result.public_keys == (as_hex,)
    stranger = bytes(SigningKey.generate().verify_key).hex()
    assert len(verify_log(public_keys=[stranger]).problems) == 5 + 1


def test_key_file_is_private_and_made_once(db: str, tmp_path: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from django.conf import settings

    from psephos.contests import audit_keys

    path = tmp_path / "keys" / "audit-signing.key"
    monkeypatch.setattr(settings, "PSEPHOS_AUDIT_KEY_FILE", str(path))
    assert audit_keys.existing_public_key() is None and not path.exists()
    first = audit_keys.signing_key()
    assert path.stat().st_mode & 0o777 == 0o600
    assert bytes(audit_keys.signing_key()) == bytes(first)
    assert [p.name for p in path.parent.iterdir()] == ["audit-signing.key"]


def test_cli_verify_log(db: str, db_url: str) -> None:
    """Exit 0 and the head and public key when intact; exit 1 listing every problem; exit 2
    for an anchor or key that cannot be read."""
    from psephos.contests import audit_keys
    from psephos.contests.models import AuditEntry

    _log(5)
    anchor = _anchor()
    public = audit_keys.existing_public_key()
    assert public is not None
    ok = run_cli(db_url, "verify-log", "--anchor", str(anchor), "--anchor", anchor.hash)
    assert ok.exit_code == 0, ok.output
    assert f"head 5:{anchor.hash}" in ok.output and bytes(public).hex() in ok.output
    AuditEntry.objects.filter(seq__gt=2).delete()
    bad = run_cli(db_url, "verify-log", "--anchor", str(anchor), "--json")
    assert bad.exit_code == 1
    report = json.loads(bad.stdout)
    assert not report["ok"] and report["entries"] == 2 and len(report["problems"]) == 2
    text = run_cli(db_url, "verify-log", "--anchor", str(anchor))
    assert text.exit_code == 1 and text.stderr.count("psephos: audit log:") == 2
    for option, value in (("--anchor", "12:xyz"), ("--public-key", "not-a-key")):
        refused = run_cli(db_url, "verify-log", option, value)
        assert refused.exit_code == 2 and "expected" in refused.stderr


def test_a_second_key_is_refused_unless_asked_for(db: str, tmp_path: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A process pointed at another data folder must not fork the log's signatures."""
    from django.conf import settings

    from psephos.contests import audit_keys
    from psephos.contests.audit import record, verify_log
    from psephos.contests.errors import AuditKeyError
    from psephos.contests.models import AuditEntry

    _log(3)
    first = audit_keys.existing_public_key()
    assert first is not None
    path = tmp_path / "elsewhere.key"
    monkeypatch.setattr(settings, "PSEPHOS_AUDIT_KEY_FILE", str(path))
    with pytest.raises(AuditKeyError, match="no signing key at"):
        record("ro", "test.action")
    assert not path.exists() and AuditEntry.objects.count() == 3
    second = audit_keys.signing_key().verify_key  # made by hand, say
    with pytest.raises(AuditKeyError, match="but the log is signed by key"):
        record("ro", "test.action")
    assert AuditEntry.objects.count() == 3
    monkeypatch.setattr(settings, "PSEPHOS_AUDIT_NEW_KEY", True)
    record("ro", "test.action")
    assert sum("is signed by key" in p for p in verify_log().problems) == 3
    both = [bytes(first).hex(), bytes(second).hex()]
    assert verify_log(public_keys=both).ok


def test_cli_says_when_it_could_not_check_signatures(db: str, db_url: str, tmp_path: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from django.conf import settings

    _log(2)
    monkeypatch.setattr(settings, "PSEPHOS_AUDIT_KEY_FILE", str(tmp_path / "absent.key"))
    result = run_cli(db_url, "verify-log", "--json")
    assert result.exit_code == 0 and not json.loads(result.stdout)["signatures_checked"]
    assert "signatures not checked: no signing key at" in result.stderr
    assert not (tmp_path / "absent.key").exists()  # verify-log never makes a key
