"""Tamper tests: someone who can write the database rewrites history. Is it detected?

A contest is voted (through the API), closed and counted; then each test damages its own
copy of the database and runs what an operator or scrutineer would run:
``psephos contest verify-log`` (with ``--anchor HEAD`` when this tree has that option,
HEAD being the head hash published before the damage) and, for the ballot tests, the
count (`psephos.contests.counting.count_contest`, after the shuffle and 2 trustees'
decryption shares when ballots are sealed). Detected: ``verify-log`` fails, or the count
refuses (when it runs on an untouched copy).

- the audit chain's tail deleted and its head moved back to the new last entry;
- the chain truncated to its first 10 entries (head moved back);
- every entry and the head deleted;
- an entry edited and every later hash recomputed, head too (with the project's own hash
  function, as an attacker who has the code would);
- after the close, 40 ballots' rankings overwritten with another ballot's;
- after the close, 50 ballots inserted (copies of cast ones, with new trackers).
"""

from __future__ import annotations

import inspect
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from harness import (
    Database,
    Server,
    close_connections,
    copy_database,
    discard_copy,
    make_contest,
    psephos,
)
from load import cast_votes
from report import Row
from sealed import count_closed

VOTERS = 300
#: ``verify-log``'s line "... head [SEQ:]HASH" (later lines may print other hex, a key).
HEAD = re.compile(r"\bhead (?:(?P<seq>\d+):)?(?P<hash>[0-9a-f]{64})\b")
GOAL = "detected"


def _head(db: Database) -> str | None:
    """The head hash ``verify-log`` prints on an intact chain."""
    result = psephos(db, "verify-log")
    found = HEAD.search(result.stdout)
    if result.returncode != 0 or found is None:
        return None
    return f"{found['seq']}:{found['hash']}" if found["seq"] else found["hash"]


def _anchor_supported(db: Database, head: str) -> bool:
    return psephos(db, "verify-log", "--anchor", head).returncode == 0


def _verify(db: Database, anchor: str | None) -> tuple[bool, str]:
    """Whether verify-log passes, and the command as run."""
    args = ["verify-log", *(["--anchor", anchor] if anchor else [])]
    result = psephos(db, *args)
    return result.returncode == 0, "psephos contest verify-log" + (" --anchor HEAD" if anchor
                                                                   else "")


def _without_hashes(value: Any) -> Any:
    """A declaration without hashes and times (which differ between any two counts)."""
    if isinstance(value, dict):
        return {k: _without_hashes(v) for k, v in value.items()
                if not any(s in k.lower() for s in ("hash", "head", "sha", "digest", "time",
                                                    "_at", "anchor", "signature"))}
    if isinstance(value, list):
        return [_without_hashes(v) for v in value]
    return value


def _count(db: Database, slug: str) -> tuple[bool, Any]:
    """Count the closed contest in ``db`` as the returning officer would (sealed ballots:
    shuffled and decrypted by 2 trustees first): whether it ran, and the declaration."""
    db.use()
    from psephos.contests.models import Contest

    try:
        declaration = count_closed(Contest.objects.get(slug=slug), db.folder)
    except Exception:
        return False, None
    finally:
        close_connections()
    return True, _without_hashes(json.loads(json.dumps(declaration.to_json(), default=str)))


def _models() -> tuple[Any, Any, Any]:
    from psephos.contests.models import AuditEntry, AuditHead, Ballot

    return AuditEntry, AuditHead, Ballot


def _move_head(to_seq: int) -> None:
    entry_model, head_model, _ = _models()
    last = entry_model.objects.filter(seq=to_seq).first()
    head = head_model.objects.filter(pk=1)
    if last is None:
        head.delete()
    else:
        head.update(seq=last.seq, hash=last.hash)


def delete_tail(db: Database, slug: str) -> str:
    entry_model, _, _ = _models()
    top = entry_model.objects.order_by("-seq").first().seq
    entry_model.objects.filter(seq__gt=top - 3).delete()
    _move_head(top - 3)
    return "last 3 entries deleted, head moved back"


def truncate_to_ten(db: Database, slug: str) -> str:
    entry_model, _, _ = _models()
    entry_model.objects.filter(seq__gt=10).delete()
    _move_head(10)
    return "chain truncated to 10 entries, head moved back"


def delete_all(db: Database, slug: str) -> str:
    entry_model, head_model, _ = _models()
    entry_model.objects.all().delete()
    head_model.objects.all().delete()
    return "every entry and the head deleted"


def edit_and_recompute(db: Database, slug: str) -> str:
    from psephos.contests import audit

    entry_model, head_model, _ = _models()
    parameters = list(inspect.signature(audit.entry_hash).parameters)
    entries = list(entry_model.objects.order_by("seq"))
    target = entries[len(entries) // 2]
    target.actor = "someone else"
    previous = None
    for entry in entries:
        if entry.seq < target.seq:
            previous = entry.hash
            continue
        if previous is not None:
            entry.prev_hash = previous
        entry.hash = audit.entry_hash(**{p: getattr(entry, p) for p in parameters})
        entry.save()
        previous = entry.hash
    head_model.objects.filter(pk=1).update(hash=previous)
    return f"entry {target.seq}'s actor edited, every later hash and the head recomputed"


def edit_ballots(db: Database, slug: str) -> str:
    _, _, ballot_model = _models()
    field = _vote_field(ballot_model)
    ballots = list(ballot_model.objects.filter(contest__slug=slug).order_by("pk"))
    source = getattr(ballots[0], field)
    targets = [b for b in ballots if getattr(b, field) != source][:40]
    for ballot in targets:
        setattr(ballot, field, source)
        ballot.save(update_fields=[field])
    return f"{len(targets)} ballots' {field} overwritten with another's after the close"


def _vote_field(ballot_model: Any) -> str:
    """The field holding the vote: ``ranking``, or (sealed ballots may name it otherwise)
    the first field that is not a key, the contest, the section or the tracker."""
    names = [f.name for f in ballot_model._meta.concrete_fields
             if not f.primary_key and f.name not in ("contest", "section", "tracker")]
    return "ranking" if "ranking" in names else names[0]


def insert_ballots(db: Database, slug: str) -> str:
    from psephos.contests.tokens import grouped, random_code

    _, _, ballot_model = _models()
    copies = []
    for ballot in ballot_model.objects.filter(contest__slug=slug)[:50]:
        ballot.pk = uuid.uuid4()
        ballot.tracker = grouped(random_code(20))  # a copy must not clash
        copies.append(ballot)
    ballot_model.objects.bulk_create(copies)
    return f"{len(copies)} ballots inserted after the close"


Tamper = Callable[[Database, str], str]
CHAIN: dict[str, Tamper] = {"tail deleted, head moved back": delete_tail,
                            "truncated to 10": truncate_to_ten,
                            "everything deleted": delete_all,
                            "entry edited, hashes recomputed": edit_and_recompute}
BALLOTS: dict[str, Tamper] = {"40 ballots edited after the close": edit_ballots,
                              "50 ballots inserted after the close": insert_ballots}


def _one(db: Database, name: str, tamper: Tamper, slug: str, anchor: str | None,
         baseline: Any) -> Row:
    copy = copy_database(db, name.split()[0].replace(",", "") + uuid.uuid4().hex[:6])
    try:
        copy.use()
        try:
            what = tamper(copy, slug)
        except Exception as error:  # e.g. the chain's hash now takes a field this lacks
            return Row(f"tamper: {name}", db.label, GOAL, "the damage could not be done: "
                       f"{type(error).__name__}: {error}", None)
        close_connections()
        counted, declaration = (None, None)
        if tamper in BALLOTS.values():
            counted, declaration = _count(copy, slug)
        passes, command = _verify(copy, anchor)
    finally:
        discard_copy(copy)
        db.use()
    refused = baseline is not None and counted is False
    changed = (counted and baseline is not None and declaration != baseline)
    measured = f"{what}: {command} {'passes' if passes else 'fails'}"
    if counted is not None and baseline is None:
        measured += "; the count does not run on the untouched copy either"
    elif counted is not None:
        measured += ("; the count refuses" if refused else
                     f"; the count runs, declared result {'changed' if changed else 'same'}")
    return Row(f"tamper: {name}", db.label, GOAL, measured, (not passes) or refused)


def _at_least_entries(db: Database, entries: int) -> None:
    """Enough audit entries that "truncated to 10" removes some (small contests add them)."""
    from harness import counts

    while counts(db, "")["audit"] < entries:
        make_contest(db, 1)


def tamper(db: Database) -> list[Row]:
    _at_least_entries(db, 16)
    slug, roll = make_contest(db, VOTERS)
    with Server(db) as server:
        cast_votes(server.base, slug, roll, clients=20, seed=5)
    closed = psephos(db, "close", slug)
    if closed.returncode != 0:
        raise RuntimeError(f"psephos contest close failed: {closed.stderr.strip()}")
    head_at_close = _head(db)
    if head_at_close is None:
        raise RuntimeError("verify-log fails on the untouched database")
    anchored = _anchor_supported(db, head_at_close)
    closed_copy = copy_database(db, "closed")
    counted, baseline = _count(db, slug)
    head = _head(db)
    rows = []
    try:
        for name, damage in BALLOTS.items():
            rows.append(_one(closed_copy, name, damage, slug,
                             head_at_close if anchored else None,
                             baseline if counted else None))
    finally:
        discard_copy(closed_copy)
        db.use()
    for name, damage in CHAIN.items():
        rows.append(_one(db, name, damage, slug, head if anchored else None, None))
    if not anchored:
        rows = [Row(r.check, r.database, r.goal,
                    r.measured + " (this tree's verify-log has no --anchor)", r.met)
                for r in rows]
    return rows
