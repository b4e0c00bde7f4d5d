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
from psephos.rctab.cvr.csv_rows import RowGroup, read_rows
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
    offsets = [offset for offset, _ in columns]
    vote = table.cells(offsets, needed, skip=lambda group: group.blank,
                       short=lambda group, line: _short(source, group, line, first_col + needed))
    ranks: dict[str, int] = {}  # each distinct cell text -> its rank (0: none)
    for cell in set(vote.flat):
        try:
            ranks[cell] = _rank(cell, max_rank) if cell.strip() else 0
        except ValueError as error:
            line, offset = vote.first(cell)
            raise BallotFileError(source.path, str(error), line=line,
                                  field=header[first_col + offset]) from None
    table_ranks = np.fromiter(map(ranks.__getitem__, vote.flat), dtype=np.int64,
                              count=len(vote.flat)).reshape(len(vote.ballots), len(offsets))
    sink.add_ranks(table_ranks, [cand for _, cand in columns],
                   np.array(vote.ballots, dtype=np.int64))


def _short(source: CvrSource, group: RowGroup, line: int, needed: int) -> BallotFileError:
    cells = "no cells" if group.empty else "fewer cells"
    return BallotFileError(source.path, f"the row is cut short: {cells} than the {needed} "
                           "columns up to the last candidate's", line=line)


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
