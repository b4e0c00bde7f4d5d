"""The audit log's hash chain catches an edited, deleted or reordered entry."""

from __future__ import annotations

import pytest


def _log(n: int = 5) -> None:
    from psephos.contests.audit import record

    for i in range(n):
        record("ro", "test.action", {"i": i, "note": "café"})


def test_intact_chain_verifies(db: str) -> None:
    from psephos.contests.audit import verify_log

    _log()
    result = verify_log()
    assert result.ok and result.entries == 5 and len(result.head) == 64


@pytest.mark.parametrize("tamper", ["edit", "delete", "reorder", "truncate", "actor"])
def test_tampering_is_detected(db: str, tamper: str) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.models import AuditEntry

    _log()
    if tamper == "edit":
        AuditEntry.objects.filter(seq=3).update(payload={"i": 99, "note": "café"})
    elif tamper == "actor":
        AuditEntry.objects.filter(seq=2).update(actor="someone else")
    elif tamper == "delete":
        AuditEntry.objects.filter(seq=3).delete()
    elif tamper == "truncate":
        AuditEntry.objects.filter(seq=5).delete()
    else:
        AuditEntry.objects.filter(seq=2).update(seq=100)
        AuditEntry.objects.filter(seq=4).update(seq=2)
        AuditEntry.objects.filter(seq=100).update(seq=4)
    result = verify_log()
    assert not result.ok and result.problems


def test_recompute_after_edit_still_breaks_the_next_link(db: str) -> None:
    """Rewriting one entry's hash to match its edit breaks the link from the next entry."""
    from psephos.contests.audit import entry_hash, verify_log
    from psephos.contests.models import AuditEntry

    _log()
    entry = AuditEntry.objects.get(seq=3)
    entry.payload = {"i": 42}
    entry.hash = entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.payload,
                            entry.prev_hash)
    entry.save()
    problems = verify_log().problems
    assert any("entry 4: does not follow" in p for p in problems)
