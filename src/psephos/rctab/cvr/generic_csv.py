"""RCTab's generic CSV: one row per ballot, one column per candidate holding its rank.

The header names the candidates (from ``firstVoteColumnIndex`` on); a cell is the
rank the voter gave that candidate, empty if none. Two candidates at one rank are
an overvote; a rank above ``maxRankingsAllowed`` is an error, as in RCTab. A row that
ends before the last candidate's column is refused (a damaged or truncated file), not
read as a ballot with no rankings. Identical ballots are read once (`csv_rows`).
"""

from __future__ import annotations

import numpy as np

from psephos.ballots.errors import BallotFileError
from psephos.rctab.config import CvrSource
from psephos.rctab.cvr.csv_rows import CsvRows, RowGroup, read_rows
from psephos.rctab.sink import BallotSink


def read(source: CvrSource, sink: BallotSink) -> None:
    """Add every ballot of a generic CSV to ``sink``."""
    first_col = (source.first_vote_column or 1) - 1
    max_rank = sink.config.max_rankings(None)
    table = read_rows(source.path, skip=first_col, first_line=source.first_vote_row or 2)
    if table.header is None:
        raise BallotFileError(source.path, "empty file: expected a header row", line=1)
    header = table.header
    #: (offset from the first vote column, candidate) for each named column.
    columns = [(i - first_col, sink.candidate(name.strip(), source, line=1,
                                              column=f"column {i + 1}"))
               for i, name in enumerate(header[first_col:], start=first_col) if name.strip()]
    needed = columns[-1][0] + 1 if columns else 0
    groups = [group for group in table.groups if not group.blank]
    for group in groups:
        if len(group.cells) < needed:
            _short(source, table, group, first_col + needed)
    offsets = [offset for offset, _ in columns]
    cells = [group.cells[offset] for group in groups for offset in offsets]
    ranks: dict[str, int] = {}  # each distinct cell text -> its rank (0: none)
    for cell in set(cells):
        if cell not in ranks:
            try:
                ranks[cell] = _rank(cell, max_rank) if cell.strip() else 0
            except ValueError as error:
                group, offset = next((g, o) for g in groups for o in offsets if g.cells[o] == cell)
                raise BallotFileError(source.path, str(error), line=table.line(group),
                                      field=header[first_col + offset]) from None
    table_ranks = np.fromiter(map(ranks.__getitem__, cells), dtype=np.int64,
                              count=len(cells)).reshape(len(groups), len(offsets))
    sink.add_ranks(table_ranks, [cand for _, cand in columns],
                   np.array([group.ballots for group in groups], dtype=np.int64))


def _short(source: CvrSource, table: CsvRows, group: RowGroup, needed: int) -> None:
    cells = "no cells" if group.empty else "fewer cells"
    raise BallotFileError(source.path, f"the row is cut short: {cells} than the {needed} "
                          "columns up to the last candidate's", line=table.line(group))


def _rank(cell: str, max_rank: int | None) -> int:
    """The rank a cell gives, checked: a whole number from 1 to ``maxRankingsAllowed``;
    ValueError (with the message for the user) otherwise."""
    try:
        rank = int(cell.strip())
    except ValueError:
        raise ValueError(f"expected a rank number, got {cell.strip()!r}") from None
    if rank < 1 or (max_rank is not None and rank > max_rank):
        limit = f"1 to {max_rank}" if max_rank is not None else "1 or more"
        raise ValueError(f"rank {rank} is outside {limit}")
    return rank
