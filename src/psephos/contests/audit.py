"""The hash-chained audit log of every administrative action.

Each entry hashes its own fields with the previous entry's hash, so an edited, deleted or
reordered entry breaks the chain from that point on. `verify_log` recomputes it and also
checks the stored head, so removing the newest entries is caught too; publish the head
hash (``psephos contest verify-log`` prints it) to catch a rewrite of the whole log.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from psephos.contests.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def actor_name(actor: Any) -> str:
    """A user, or a plain string, as the name the log records."""
    if isinstance(actor, str):
        return actor or "unknown"
    getter = getattr(actor, "get_username", None)
    return str(getter()) if getter else str(actor)


def entry_hash(seq: int, at: datetime, actor: str, action: str, payload: Any,
               prev_hash: str) -> str:
    """The hash of one entry's fields, in one canonical JSON text."""
    text = json.dumps(
        [seq, at.astimezone(UTC).isoformat(timespec="microseconds"), actor, action, payload,
         prev_hash],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(actor: Any, action: str, payload: dict[str, Any] | None = None) -> AuditEntry:
    """Append an entry; call inside the transaction of the change it records."""
    # Round-trip through JSON so the hash is of exactly what the database will hand back.
    clean = json.loads(json.dumps(payload or {}, default=str))
    name = actor_name(actor)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS)
            head = AuditHead.objects.select_for_update().get(pk=1)
        seq = head.seq + 1
        at = datetime.now(UTC)
        digest = entry_hash(seq, at, name, action, clean, head.hash)
        entry = AuditEntry.objects.create(seq=seq, at=at, actor=name, action=action,
                                          payload=clean, prev_hash=head.hash, hash=digest)
        head.seq, head.hash = seq, digest
        head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the chain: ``ok``, how many entries, the head, what broke."""

    ok: bool
    entries: int
    head: str
    problems: tuple[str, ...] = ()


def verify_log() -> VerifyResult:
    """Recompute every hash in order and compare with the chain and the stored head."""
    problems: list[str] = []
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if entry.seq != expected_seq:
            problems.append(f"entry {entry.seq}: expected entry {expected_seq} "
                            "(an entry was deleted or reordered)")
        if entry.prev_hash != expected_prev:
            problems.append(f"entry {entry.seq}: does not follow the entry before it")
        actual = entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.payload,
                            entry.prev_hash)
        if actual != entry.hash:
            problems.append(f"entry {entry.seq}: its contents were changed")
        expected_prev = entry.hash
        expected_seq = entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != expected_prev:
        problems.append(f"the log ends at entry {expected_seq - 1} but its head says entry "
                        f"{head_seq} (entries were removed from the end)")
    return VerifyResult(ok=not problems, entries=count, head=head_hash,
                        problems=tuple(problems))
