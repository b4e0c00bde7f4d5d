"""Hart Verity CVRs: a folder of XML files, one ballot sheet each.

A contest lists the options marked; an option's ``Value`` is a string of 0/1
digits, digit ``i`` set meaning the option is ranked ``i``. Options are matched by
Id (RCTab configs list Hart option Ids as aliases), else by name; a sheet without
the contest is not a ballot of this contest.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from psephos.ballots.errors import BallotFileError
from psephos.rctab.config import CvrSource
from psephos.rctab.documents import read_xml_root
from psephos.rctab.sink import BallotSink


def read(source: CvrSource, sink: BallotSink) -> None:
    """Add every ballot of the Hart CVR folder ``source.path`` to ``sink``."""
    folder = source.path
    files = sorted(folder.glob("*.xml")) if folder.is_dir() else [folder]
    if not files:
        raise BallotFileError(folder, "no .xml CVR file in the folder")
    for path in files:
        marks = _marks(path, source, sink)
        if marks is not None:
            sink.add_marks(marks)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ET.Element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _marks(path: Path, source: CvrSource, sink: BallotSink) -> dict[int, set[int]] | None:
    root = read_xml_root(path)
    for contest in root.iter():
        if _local(contest.tag) != "Contest" or _child_text(contest, "Id") != source.contest_id:
            continue
        marks: dict[int, set[int]] = {}
        for option in contest.iter():
            if _local(option.tag) != "Option":
                continue
            option_id, name = _child_text(option, "Id"), _child_text(option, "Name")
            value = _child_text(option, "Value")
            if not set(value) <= {"0", "1"}:
                raise BallotFileError(path, f"expected a string of 0/1 digits, got {value!r}",
                                      field=f"Option {option_id}.Value")
            try:
                cand = sink.candidate(option_id, source, line=None)
            except BallotFileError:
                cand = sink.candidate(name, source, line=None, field_name=f"Option {option_id}")
            for rank, digit in enumerate(value, start=1):
                if digit == "1":
                    marks.setdefault(rank, set()).add(cand)
        return marks
    return None
