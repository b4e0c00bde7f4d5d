"""NIST SP 1500-103 cast-vote-record reports (CDF), in JSON or XML.

The contest is found by the config's ``contestId`` (its ``@id`` or ``Name``); each
CVR's current snapshot gives, per contest selection, the ranks it was marked at.
A CVR that does not carry the contest is not a ballot of this contest; a mark
without a rank (a plurality-style reading) is ignored.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from itertools import repeat
from pathlib import Path
from typing import Any

from psephos.ballots.errors import BallotFileError, shown, whole_number
from psephos.rctab.config import CvrSource
from psephos.rctab.documents import read_json_object, read_xml_root
from psephos.rctab.sink import BallotSink


def read(source: CvrSource, sink: BallotSink) -> None:
    """Add every ballot of a CDF report (JSON, or XML by its ``.xml`` suffix) to ``sink``."""
    report = _load_xml(source.path) if source.path.suffix.lower() == ".xml" else _load_json(
        source.path)
    contest_id, selections = _contest(report, source, sink)
    for i, cvr in enumerate(_list(report, "CVR", source, "CVR")):
        marks = _marks(cvr, contest_id, selections, source, sink, f"CVR[{i}]")
        if marks is not None:
            sink.add_marks(marks)


def _load_json(path: Path) -> dict[str, Any]:
    return read_json_object(path, "a CastVoteRecordReport object")


#: CDF XML elements that repeat; they become lists as in CDF JSON.
_REPEATED = {"CVR", "CVRSnapshot", "CVRContest", "CVRContestSelection", "SelectionPosition",
             "Election", "Candidate", "Contest", "ContestSelection", "CandidateIds"}


def _load_xml(path: Path) -> dict[str, Any]:
    """A CDF XML report as the CDF JSON shape (``ObjectId`` becomes ``@id``)."""
    root = read_xml_root(path)
    converted = _element(root)
    return converted if isinstance(converted, dict) else {}


def _element(element: ET.Element) -> dict[str, Any] | str:
    children = list(element)
    if not children and "ObjectId" not in element.attrib:
        return (element.text or "").strip()
    out: dict[str, Any] = {}
    if "ObjectId" in element.attrib:
        out["@id"] = element.attrib["ObjectId"]
    for child in children:
        name = child.tag.rsplit("}", 1)[-1]
        value = _element(child)
        if name in _REPEATED:
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out


def _marks(cvr: dict[str, Any], contest_id: str, selections: dict[str, int],
           source: CvrSource, sink: BallotSink, where: str) -> dict[int, set[int]] | None:
    """Rank -> candidates marked, or None when the CVR does not carry the contest."""
    snapshot = _current_snapshot(cvr, source, where)
    marks: dict[int, set[int]] | None = None
    for contest in _list(snapshot, "CVRContest", source, where, required=False):
        if contest.get("ContestId") != contest_id:
            continue
        marks = {} if marks is None else marks
        for selection in _list(contest, "CVRContestSelection", source, where, required=False):
            selection_id = selection.get("ContestSelectionId")
            if selection_id is not None and not isinstance(selection_id, str):
                raise BallotFileError(
                    source.path, f"expected a contest selection id, got {shown(selection_id)}",
                    field=f"{where}.ContestSelectionId")
            for position in _list(selection, "SelectionPosition", source, where):
                if position.get("HasIndication", "yes") == "no" or "Rank" not in position:
                    continue
                rank = position["Rank"]
                if isinstance(rank, str):
                    rank = whole_number(rank.strip()) or rank
                if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
                    raise BallotFileError(
                        source.path, f"expected a rank of 1 or more, got {shown(rank)}",
                        field=f"{where}.SelectionPosition.Rank")
                if selection_id is not None and selection_id in selections:
                    candidate = selections[selection_id]
                elif selection_id is None and sink.undeclared is not None:
                    candidate = sink.undeclared  # an unresolved write-in
                else:
                    raise BallotFileError(
                        source.path, f"unknown contest selection {selection_id!r}",
                        field=f"{where}.ContestSelectionId")
                marks.setdefault(rank, set()).add(candidate)
    return marks


def _list(obj: Mapping[str, Any], key: str, source: CvrSource, where: str,
          required: bool = True) -> list[dict[str, Any]]:
    value = obj.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(map(isinstance, value, repeat(dict))):
        raise BallotFileError(source.path, "expected a list of objects", field=f"{where}.{key}")
    return value


def _current_snapshot(cvr: Mapping[str, Any], source: CvrSource, where: str) -> dict[str, Any]:
    snapshots = _list(cvr, "CVRSnapshot", source, where)
    current = cvr.get("CurrentSnapshotId")
    for snapshot in snapshots:
        if snapshot.get("@id") == current:
            return snapshot
    if len(snapshots) == 1:
        return snapshots[0]
    raise BallotFileError(source.path, f"no snapshot with id {current!r}",
                          field=f"{where}.CurrentSnapshotId")


def _contest(report: Mapping[str, Any], source: CvrSource,
             sink: BallotSink) -> tuple[str, dict[str, int]]:
    """The contest's ``@id`` and its selection ids mapped to candidate indexes."""
    names: dict[str, str] = {}
    for election in _list(report, "Election", source, "Election"):
        for cand in _list(election, "Candidate", source, "Election", required=False):
            names[str(cand.get("@id"))] = str(cand.get("Name", cand.get("@id"))).strip()
        for contest in _list(election, "Contest", source, "Election", required=False):
            if source.contest_id not in (contest.get("@id"), contest.get("Name")):
                continue
            selections: dict[str, int] = {}
            for sel in _list(contest, "ContestSelection", source, "Contest"):
                ids = sel.get("CandidateIds") or []
                if not isinstance(ids, list):
                    raise BallotFileError(source.path, "expected a list of candidate ids",
                                          field=f"ContestSelection {sel.get('@id')}.CandidateIds")
                if sel.get("IsWriteIn") in (True, "true") and sink.undeclared is not None:
                    selections[str(sel.get("@id"))] = sink.undeclared
                    continue
                label = names.get(str(ids[0]), str(ids[0])) if ids else str(
                    sel.get("Code", sel.get("@id")))
                selections[str(sel.get("@id"))] = sink.candidate(
                    label, source, line=None, field_name=f"Contest {contest.get('@id')}")
            return str(contest.get("@id")), selections
    raise BallotFileError(source.path, f"no contest {source.contest_id!r}", field="contestId")
