"""What the close commits to the audit log about the ballots and the "voted" marks, and the
check that they are still the same rows.

Ballots are not logged one by one (that would link them in time to the voters marked at the
same moment). Instead the close's entry carries the counts (ballots and marks per section,
revocations) and two SHA-256 digests: over every ballot in id order (its id, its section and
its content) and over every mark in voter order (voter id and channel). An edited, inserted
or deleted ballot or mark after the close changes a digest; the entry is signed, so the
digests cannot be changed to match.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import CharField, Count
from django.db.models.functions import Cast

from psephos.contests.models import Ballot, Contest, Revocation, VotedMark

#: The column holding what a ballot says: the one place to change when it changes.
BALLOT_CONTENT = "sealed"
#: The payload keys of the close's entry that `ballot_commitment` fills.
KEYS = ("ballots_by_section", "marks_by_section", "revocations", "ballots_sha256",
        "marks_sha256")


def _content_bytes(value: Any, seen: dict[tuple[Any, ...], bytes]) -> bytes:
    """A ballot's content as bytes: ciphertext as it is, JSON in one canonical text (each
    distinct ranking encoded once: ``seen`` holds those done)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    key = tuple(value) if isinstance(value, list) else None
    data = seen.get(key) if key is not None else None
    if data is None:
        data = json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")
        if key is not None:
            seen[key] = data
    return data


def ballot_digest(contest: Contest) -> str:
    """SHA-256 over the contest's ballots sorted by id: id, section id, content length and
    content for each, so no two different sets of ballots share a text."""
    digest = hashlib.sha256()
    seen: dict[tuple[Any, ...], bytes] = {}
    # The id as text (32 hex digits on SQLite, dashed on PostgreSQL), not parsed into a UUID.
    rows = (Ballot.objects.filter(contest=contest).order_by("id")
            .values_list(Cast("id", CharField()), "section_id", BALLOT_CONTENT))
    chunk: list[bytes] = []
    for ballot_id, section_id, content in rows.iterator(chunk_size=10000):
        data = _content_bytes(content, seen)
        chunk.append(b"%s\t%d\t%d\t%s\n" % (ballot_id.replace("-", "").encode(), section_id,
                                              len(data), data))
        if len(chunk) == 10000:
            digest.update(b"".join(chunk))
            chunk.clear()
    digest.update(b"".join(chunk))
    return digest.hexdigest()


def marks_digest(contest: Contest) -> str:
    """SHA-256 over the contest's "voted" marks sorted by voter id: voter id and channel."""
    digest = hashlib.sha256()
    rows = (VotedMark.objects.filter(contest=contest).order_by("voter_id")
            .values_list("voter_id", "channel"))
    digest.update("".join(f"{voter_id}\t{channel}\n"
                          for voter_id, channel in rows.iterator(chunk_size=10000)).encode())
    return digest.hexdigest()


def _by_section(rows: Any, field: str) -> dict[str, int]:
    counted = rows.values(field).order_by(field).annotate(n=Count("pk"))
    return {row[field]: row["n"] for row in counted}


def ballot_commitment(contest: Contest) -> dict[str, Any]:
    """The counts and digests the close commits to (the payload keys in `KEYS`)."""
    return {
        "ballots_by_section": _by_section(Ballot.objects.filter(contest=contest),
                                          "section__slug"),
        "marks_by_section": _by_section(VotedMark.objects.filter(contest=contest),
                                        "voter__section__slug"),
        "revocations": Revocation.objects.filter(contest=contest).count(),
        "ballots_sha256": ballot_digest(contest),
        "marks_sha256": marks_digest(contest),
    }


def commitment_problems(contest: Contest, committed: dict[str, Any], seq: int) -> list[str]:
    """How the contest's rows now differ from what entry ``seq`` committed at the close."""
    now = ballot_commitment(contest)
    where = f"contest {contest.slug!r} (closed at entry {seq})"
    problems: list[str] = []
    for key, noun in (("ballots_by_section", "ballots"), ("marks_by_section", "voted marks")):
        then_counts, now_counts = committed.get(key, {}), now[key]
        for section in sorted(set(then_counts) | set(now_counts)):
            before, after = then_counts.get(section, 0), now_counts.get(section, 0)
            if before != after:
                problems.append(f"{where}: section {section}: {before} {noun} at the close, "
                                f"{after} now")
    if committed.get("revocations") != now["revocations"]:
        problems.append(f"{where}: {committed.get('revocations')} revocations at the close, "
                        f"{now['revocations']} now")
    if committed.get("ballots_sha256") != now["ballots_sha256"]:
        problems.append(f"{where}: the ballots are not those committed at the close (a ballot "
                        "was edited, inserted or deleted)")
    if committed.get("marks_sha256") != now["marks_sha256"]:
        problems.append(f"{where}: the voted marks are not those committed at the close (a mark "
                        "was edited, inserted or deleted)")
    return problems
