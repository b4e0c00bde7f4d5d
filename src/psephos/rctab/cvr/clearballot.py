"""Clear Ballot ClearVote CVR exports (CSV): one row per ballot, one column per
(candidate, rank) of each contest.

A vote column's header reads ``Choice_<id>_<n>:<contest>:<rank>:<vote for>:<candidate>:<party>``;
a cell of 1 marks that candidate at that rank. Only the config's contest is read.
Identical rows (once their leading ballot columns are set aside) are read once.
"""

from __future__ import annotations

import numpy as np

from psephos.ballots.errors import BallotFileError, shown, whole_number
from psephos.rctab.config import CvrSource
from psephos.rctab.cvr.csv_rows import read_rows
from psephos.rctab.sink import BallotSink


def read(source: CvrSource, sink: BallotSink) -> None:
    """Add every ballot of a Clear Ballot CSV to ``sink``; a row that ends before the
    contest's last vote column is refused (RCTab stops on it too)."""
    columns: list[tuple[int, int, int]] = []

    def first_vote_column(header: list[str]) -> int:
        """The ballot columns before the contest's are set aside (they differ on every row)."""
        columns[:] = _vote_columns(header, source, sink)
        return min((col for col, _, _ in columns), default=0)

    table = read_rows(source.path, skip=first_vote_column)
    header = table.header
    if header is None:
        raise BallotFileError(source.path, "empty file: expected a header row", line=1)
    if not columns:
        raise BallotFileError(source.path, f"no column for contest {source.contest_id!r}",
                              line=1, field="contestId")
    first = table.skipped
    needed = max(col for col, _, _ in columns) + 1
    vote = table.cells([col - first for col, _, _ in columns], needed - first,
                       skip=lambda group: group.empty,
                       short=lambda _, line: BallotFileError(
                           source.path, f"the row is cut short: fewer cells than the {needed} "
                           "columns up to the contest's last vote column", line=line))
    marked: dict[str, int] = {}  # each distinct cell text -> 1 if it marks, else 0
    for cell in set(vote.flat):
        value = cell.strip()
        if value not in ("", "0", "1"):
            line, col = vote.first(cell)
            raise BallotFileError(source.path, f"expected 0 or 1, got {value!r}", line=line,
                                  field=header[first + col])
        marked[cell] = int(value == "1")
    flags = np.fromiter(map(marked.__getitem__, vote.flat), dtype=np.int64,
                        count=len(vote.flat)).reshape(len(vote.ballots), len(columns))
    ranks = flags * np.array([rank for _, rank, _ in columns], dtype=np.int64)
    sink.add_ranks(ranks, [cand for _, _, cand in columns],
                   np.array(vote.ballots, dtype=np.int64))


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
