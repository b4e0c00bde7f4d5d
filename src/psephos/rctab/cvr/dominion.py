"""Dominion Democracy Suite CVR exports: a folder of ``CvrExport*.json`` files.

Each session (one ballot) holds its original reading and possibly an adjudicated
one; the one flagged ``IsCurrent`` counts. Marks name candidates by manifest Id,
which RCTab configs list as candidate aliases. Ambiguous marks are ignored; a
ballot that does not carry the contest, or where the scanner flagged the contest
"InvalidContest" (an outstack condition), is not a ballot of this contest.
"""

from __future__ import annotations

from itertools import repeat
from pathlib import Path
from typing import Any

from psephos.ballots.errors import BallotFileError, shown
from psephos.rctab.config import CvrSource
from psephos.rctab.documents import read_json_object
from psephos.rctab.sink import BallotSink


def read(source: CvrSource, sink: BallotSink) -> None:
    """Add every ballot of the Dominion export folder ``source.path`` to ``sink``."""
    folder = source.path
    if not folder.is_dir():
        raise BallotFileError(folder, "expected a Dominion export folder")
    files = sorted(folder.glob("CvrExport*.json"), key=_file_order)
    if not files:
        raise BallotFileError(folder, "no CvrExport*.json file in the folder")
    try:
        contest = int(source.contest_id)
    except ValueError:
        raise BallotFileError(folder, f"expected a numeric Dominion contest Id, got "
                              f"{source.contest_id!r}", field="contestId") from None
    invalid = _invalid_contest_flags(folder)
    for path in files:
        export = _load(path)
        sessions = export.get("Sessions")
        if not isinstance(sessions, list):
            raise BallotFileError(path, "expected a list of sessions", field="Sessions")
        for i, session in enumerate(sessions):
            marks = _marks(session, contest, invalid, path, sink, source, f"Sessions[{i}]")
            if marks is not None:
                sink.add_marks(marks)


def _file_order(path: Path) -> tuple[int, str]:
    digits = "".join(ch for ch in path.stem if ch.isascii() and ch.isdigit())
    return (int(digits) if digits else -1, path.name)


def _load(path: Path) -> dict[str, Any]:
    return read_json_object(path, "a CVR export object")


def _invalid_contest_flags(folder: Path) -> set[int]:
    """Outstack condition Ids meaning "InvalidContest" (from the export's manifest)."""
    manifest = folder / "OutstackConditionManifest.json"
    if not manifest.exists():
        return set()
    entries = _load(manifest).get("List") or []
    if not isinstance(entries, list):
        raise BallotFileError(manifest, "expected a list", field="List")
    return {e["Id"] for e in entries if isinstance(e, dict)
            and e.get("Description") == "InvalidContest" and isinstance(e.get("Id"), int)}


def _objects(value: Any, path: Path, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(map(isinstance, value, repeat(dict))):
        raise BallotFileError(path, "expected a list of objects", field=where)
    return value


def _marks(session: Any, contest: int, invalid: set[int], path: Path, sink: BallotSink,
           source: CvrSource, where: str) -> dict[int, set[int]] | None:
    """Rank -> candidates marked, or None when the ballot does not carry the contest."""
    if not isinstance(session, dict):
        raise BallotFileError(path, "expected a session object", field=where)
    records = [r for r in (session.get("Modified"), session.get("Original")) if isinstance(r, dict)]
    if not records:
        raise BallotFileError(path, "session has no Original record", field=where)
    record = next((r for r in records if r.get("IsCurrent")), records[-1])
    cards = record.get("Cards")
    if cards is None:  # older exports put Contests directly in the record
        cards = [record]
    found = False
    marks: dict[int, set[int]] = {}
    for card in _objects(cards, path, f"{where}.Cards"):
        for entry in _objects(card.get("Contests") or [], path, f"{where}.Contests"):
            if entry.get("Id") != contest or invalid & _flags(entry, path, where):
                continue
            found = True
            for mark in _objects(entry.get("Marks") or [], path, f"{where}.Marks"):
                if mark.get("IsAmbiguous"):
                    continue
                rank, cand = mark.get("Rank"), mark.get("CandidateId")
                if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
                    raise BallotFileError(path, f"expected a rank of 1 or more, got {shown(rank)}",
                                          field=f"{where}.Marks.Rank")
                index = sink.candidate(str(cand), source, line=None,
                                       field_name=f"{where}.Marks.CandidateId")
                marks.setdefault(rank, set()).add(index)
    return marks if found else None


def _flags(entry: dict[str, Any], path: Path, where: str) -> set[int]:
    """A contest's outstack condition Ids (a list of whole numbers, possibly absent)."""
    flags = entry.get("OutstackConditionIds")
    if flags is None:
        return set()
    if not isinstance(flags, list) or not all(
            isinstance(f, int) and not isinstance(f, bool) for f in flags):
        raise BallotFileError(path, f"expected a list of condition Ids, got {shown(flags)}",
                              field=f"{where}.Contests.OutstackConditionIds")
    return set(flags)
