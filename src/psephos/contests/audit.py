"""The signed, hash-chained audit log of every administrative action.

Each entry hashes its own fields with the previous entry's hash, so an edited, deleted or
reordered entry breaks the chain from that point on, and each is signed with Ed25519 (RFC
8032) by a key kept outside the database (`psephos.contests.audit_keys`), so the chain
cannot be recomputed after an edit without that key. The head (newest entry's number and
hash) is signed too, so the tail cannot be cut off and the head moved back.

What a signature cannot catch, an anchor can: the head printed on every declaration and on
the public board. `verify_log(anchors=...)` checks that each anchored entry is still in the
chain at its place, which catches truncation, deletion of everything and a rewrite by
someone who also holds the key. The close commits the ballots and marks into the chain
(`psephos.contests.audit_ballots`); the count and `verify_log` check them against the rows.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from psephos.contests import audit_ballots, audit_keys
from psephos.contests.errors import AuditKeyError, BallotsChanged
from psephos.contests.models import AuditEntry, AuditHead, Contest

GENESIS = "0" * 64
CLOSE_ACTION = "contest.close"
_HASH = re.compile(r"[0-9a-f]{64}")


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
    """Append a signed entry and sign the new head; call inside the transaction of the change
    it records."""
    # Round-trip through JSON so the hash is of exactly what the database will hand back.
    clean = json.loads(json.dumps(payload or {}, default=str))
    name = actor_name(actor)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS)
            head = AuditHead.objects.select_for_update().get(pk=1)
        key = audit_keys.signing_key(head.key_id)  # refused: the change is rolled back too
        seq = head.seq + 1
        at = datetime.now(UTC)
        digest = entry_hash(seq, at, name, action, clean, head.hash)
        signature, key_id = audit_keys.sign(key, audit_keys.entry_message(digest))
        entry = AuditEntry.objects.create(seq=seq, at=at, actor=name, action=action,
                                          payload=clean, prev_hash=head.hash, hash=digest,
                                          signature=signature, key_id=key_id)
        head.seq, head.hash = seq, digest
        head.signature, head.key_id = audit_keys.sign(key, audit_keys.head_message(seq, digest))
        head.save(update_fields=["seq", "hash", "signature", "key_id"])
    return entry


@dataclass(frozen=True)
class Anchor:
    """An entry someone wrote down (from a declaration, the board or verify-log): its hash,
    and its number if known."""

    hash: str
    seq: int | None = None

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """``HASH`` or ``SEQ:HASH`` as printed on a declaration."""
        seq_text, _, digest = text.strip().rpartition(":")
        digest = digest.lower()
        if not _HASH.fullmatch(digest) or (seq_text and not seq_text.isdigit()):
            raise AuditKeyError(f"anchor {text!r}: expected HASH or SEQ:HASH, the hash being "
                                "64 hex digits (as printed on a declaration)")
        return cls(hash=digest, seq=int(seq_text) if seq_text else None)

    def __str__(self) -> str:
        return self.hash if self.seq is None else f"{self.seq}:{self.hash}"


def current_head() -> dict[str, Any]:
    """The head to publish as an anchor: entry number, hash, and the signing public key."""
    head = AuditHead.objects.filter(pk=1).first()
    public = audit_keys.existing_public_key()
    return {"seq": head.seq if head else 0, "hash": head.hash if head else GENESIS,
            "public_key": audit_keys.public_hex(public) if public else None}


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking the log: ``ok``, how many entries, the head, what broke, and
    which checks could be made (signatures need a key; anchors are what was given)."""

    ok: bool
    entries: int
    head: str
    problems: tuple[str, ...] = ()
    head_seq: int = 0
    public_keys: tuple[str, ...] = ()
    signatures_checked: bool = False
    anchors: tuple[str, ...] = ()
    contests_checked: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries,
                "head": {"seq": self.head_seq, "hash": self.head},
                "public_keys": list(self.public_keys),
                "signatures_checked": self.signatures_checked, "anchors": list(self.anchors),
                "contests_checked": list(self.contests_checked),
                "problems": list(self.problems)}


def _trusted(public_keys: list[str] | None) -> audit_keys.TrustedKeys | None:
    """The keys given, else the key file's, else None (signatures cannot be checked)."""
    if public_keys:
        parsed = [audit_keys.parse_public_key(text) for text in public_keys]
    else:
        found = audit_keys.existing_public_key()
        parsed = [found] if found is not None else []
    if not parsed:
        return None
    return audit_keys.TrustedKeys({audit_keys.key_id(key): key for key in parsed})


def verify_log(*, anchors: list[Anchor] | None = None,
               public_keys: list[str] | None = None) -> VerifyResult:
    """Recompute every hash in order; check every signature (with ``public_keys``, else the
    key file), the head, each anchor, and each closed contest's ballots and marks."""
    trusted = _trusted(public_keys)
    problems: list[str] = []
    wanted = list(anchors or [])
    seen: dict[str, int] = {}
    closes: list[tuple[int, dict[str, Any]]] = []
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        problems.extend(_entry_problems(entry, expected_seq, expected_prev, trusted))
        if any(a.hash == entry.hash or a.seq == entry.seq for a in wanted):
            seen[entry.hash] = entry.seq
        if entry.action == CLOSE_ACTION and "ballots_sha256" in entry.payload:
            closes.append((entry.seq, entry.payload))
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    problems.extend(_head_problems(head, expected_seq - 1, expected_prev, trusted))
    problems.extend(_anchor_problems(wanted, seen, AuditEntry.objects.filter(
        seq__in=[a.seq for a in wanted if a.seq is not None])))
    checked: list[str] = []
    for seq, payload in closes:
        contest = Contest.objects.filter(slug=payload.get("contest")).first()
        if contest is None:
            problems.append(f"contest {payload.get('contest')!r} (closed at entry {seq}) is no "
                            "longer in the database: its ballots were deleted")
            continue
        checked.append(contest.slug)
        problems.extend(audit_ballots.commitment_problems(contest, payload, seq))
    return VerifyResult(
        ok=not problems, entries=count, head=head.hash if head else GENESIS,
        problems=tuple(problems), head_seq=head.seq if head else 0,
        signatures_checked=trusted is not None,
        public_keys=tuple(audit_keys.public_hex(k) for k in trusted.keys.values())
        if trusted else (),
        anchors=tuple(str(a) for a in wanted), contests_checked=tuple(checked))


def _entry_problems(entry: AuditEntry, expected_seq: int, expected_prev: str,
                    trusted: audit_keys.TrustedKeys | None) -> list[str]:
    """What is wrong with one entry: its place, its link, its hash, its signature."""
    problems: list[str] = []
    if entry.seq != expected_seq:
        problems.append(f"entry {entry.seq}: expected entry {expected_seq} "
                        "(an entry was deleted or reordered)")
    if entry.prev_hash != expected_prev:
        problems.append(f"entry {entry.seq}: does not follow the entry before it")
    if entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.payload,
                  entry.prev_hash) != entry.hash:
        problems.append(f"entry {entry.seq}: its contents were changed")
    if trusted is not None:
        wrong = trusted.problem(audit_keys.entry_message(entry.hash), entry.signature,
                                entry.key_id)
        if wrong:
            problems.append(f"entry {entry.seq}: {wrong}")
    return problems


def _head_problems(head: AuditHead | None, last_seq: int, last_hash: str,
                   trusted: audit_keys.TrustedKeys | None) -> list[str]:
    """The head must name the last entry, and carry the key's signature of that."""
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    problems: list[str] = []
    if (head_seq, head_hash) != (last_seq, last_hash):
        problems.append(f"the log ends at entry {last_seq} but its head says entry "
                        f"{head_seq} (entries were removed from the end)")
    if head is not None and trusted is not None:
        wrong = trusted.problem(audit_keys.head_message(head.seq, head.hash), head.signature,
                                head.key_id)
        if wrong:
            problems.append(f"the head (entry {head.seq}) {wrong}: it was moved")
    return problems


def _anchor_problems(wanted: list[Anchor], seen: dict[str, int], at_seq: Any) -> list[str]:
    """Each anchor must name an entry still in the chain, at its number if one was given."""
    hashes_at = {entry.seq: entry.hash for entry in at_seq}
    problems: list[str] = []
    for anchor in wanted:
        if anchor.hash == GENESIS and anchor.seq in (None, 0):  # an empty log's head
            continue
        if seen.get(anchor.hash) is not None and anchor.seq in (None, seen[anchor.hash]):
            continue
        if anchor.seq is None:
            problems.append(f"anchor {anchor}: no entry has this hash (the log was truncated, "
                            "deleted or rewritten)")
        elif anchor.seq not in hashes_at:
            problems.append(f"anchor {anchor}: entry {anchor.seq} is missing (the log was "
                            "truncated or deleted)")
        else:
            problems.append(f"anchor {anchor}: entry {anchor.seq} now has hash "
                            f"{hashes_at[anchor.seq]} (the log was rewritten)")
    return problems


def check_ballots_unchanged(contest: Contest) -> None:
    """Refuse (BallotsChanged) if the contest's ballots or marks are not those its signed
    close entry committed to: call before counting them."""
    entry = (AuditEntry.objects.filter(action=CLOSE_ACTION, payload__contest=contest.slug)
             .order_by("-seq").first())
    if entry is None or "ballots_sha256" not in entry.payload:
        raise BallotsChanged(f"contest {contest.slug!r}: the audit log has no close entry "
                             "committing its ballots; not counting (run psephos contest "
                             "verify-log)")
    trusted = _trusted(None)
    wrong: str | None = None
    if entry_hash(entry.seq, entry.at, entry.actor, entry.action, entry.payload,
                  entry.prev_hash) != entry.hash:
        wrong = "was changed"
    elif trusted is not None:
        wrong = trusted.problem(audit_keys.entry_message(entry.hash), entry.signature,
                                entry.key_id)
    if wrong:
        raise BallotsChanged(f"contest {contest.slug!r}: the close entry {entry.seq} {wrong}; "
                             "not counting (run psephos contest verify-log)")
    problems = audit_ballots.commitment_problems(contest, entry.payload, entry.seq)
    if problems:
        raise BallotsChanged("; ".join(problems) + "; not counting (run psephos contest "
                             "verify-log)")
