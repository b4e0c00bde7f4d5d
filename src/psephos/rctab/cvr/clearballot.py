"""Clear Ballot ClearVote CVR exports (CSV): one row per ballot, one column per
(candidate, rank) of each contest.

A vote column's header reads ``Choice_<id>_<n>:<contest>:<rank>:<vote for>:<candidate>:<party>``;
a cell of 1 marks that candidate at that rank. Only the config's contest is read.
"""

from __future__ import annotations

import csv

from psephos.ballots.errors import BallotFileError, shown, whole_number
from psephos.rctab.config import CvrSource
from psephos.rctab.sink import BallotSink


def read(source: CvrSource, sink: BallotSink) -> None:
    """Add every ballot of a Clear Ballot CSV to ``sink``, streaming row by row."""
    try:
        with source.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise BallotFileError(source.path, "empty file: expected a header row", line=1)
            columns = _vote_columns(header, source, sink)
            if not columns:
                raise BallotFileError(source.path, f"no column for contest {source.contest_id!r}",
                                      line=1, field="contestId")
            for line, row in enumerate(reader, start=2):
                if not row:
                    continue
                marks: dict[int, set[int]] = {}
                for col, rank, cand in columns:
                    cell = row[col].strip() if col < len(row) else ""
                    if cell in ("", "0"):
                        continue
                    if cell != "1":
                        raise BallotFileError(source.path, f"expected 0 or 1, got {cell!r}",
                                              line=line, field=header[col])
                    marks.setdefault(rank, set()).add(cand)
                sink.add_marks(marks)
    except UnicodeDecodeError as exc:
        raise BallotFileError(source.path, f"not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise BallotFileError(source.path, f"malformed CSV: {exc}") from None


def _vote_columns(header: list[str], source: CvrSource,
                  sink: BallotSink) -> list[tuple[int, int, int]]:
    """(column, rank, candidate) for each vote column of the contest."""
    columns = []
    for col, title in enumerate(header):
        if not title.startswith("Choice_"):
            continue
        parts = title.split(":")
        if len(parts) < 6:
            raise BallotFileError(source.path, f"unexpected vote column header {title!r}",
                                  line=1, field=f"column {col + 1}")
        contest = ":".join(parts[1:-4])
        if contest != source.contest_id:
            continue
        rank = whole_number(parts[-4].strip())
        if rank is None or rank < 1:
            raise BallotFileError(source.path, f"expected a rank of 1 or more in header "
                                  f"{shown(title, 80)}", line=1, field=f"column {col + 1}")
        cand = sink.candidate(parts[-2].strip(), source, line=1, column=f"column {col + 1}")
        columns.append((col, rank, cand))
    return columns
