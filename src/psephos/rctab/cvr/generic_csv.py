"""RCTab's generic CSV: one row per ballot, one column per candidate holding its rank.

The header names the candidates (from ``firstVoteColumnIndex`` on); a cell is the
rank the voter gave that candidate, empty if none. Two candidates at one rank are
an overvote; a rank above ``maxRankingsAllowed`` is an error, as in RCTab.
"""

from __future__ import annotations

import csv

from psephos.ballots.errors import BallotFileError
from psephos.rctab.config import CvrSource
from psephos.rctab.sink import BallotSink


def read(source: CvrSource, sink: BallotSink) -> None:
    """Add every ballot of a generic CSV to ``sink``, streaming row by row."""
    first_col = (source.first_vote_column or 1) - 1
    first_row = source.first_vote_row or 2
    max_rank = sink.config.max_rankings(None)
    try:
        with source.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise BallotFileError(source.path, "empty file: expected a header row", line=1)
            columns = [sink.candidate(name.strip(), source, line=1, column=f"column {i + 1}")
                       for i, name in enumerate(header[first_col:], start=first_col)
                       if name.strip()]
            for line, row in enumerate(reader, start=2):
                if line < first_row or not any(cell.strip() for cell in row):
                    continue
                marks: dict[int, set[int]] = {}
                for offset, cand in enumerate(columns):
                    col = first_col + offset
                    cell = row[col].strip() if col < len(row) else ""
                    if not cell:
                        continue
                    try:
                        rank = int(cell)
                    except ValueError:
                        raise BallotFileError(source.path, f"expected a rank number, got {cell!r}",
                                              line=line, field=header[col]) from None
                    if rank < 1 or (max_rank is not None and rank > max_rank):
                        limit = f"1 to {max_rank}" if max_rank is not None else "1 or more"
                        raise BallotFileError(source.path, f"rank {rank} is outside {limit}",
                                              line=line, field=header[col])
                    marks.setdefault(rank, set()).add(cand)
                sink.add_marks(marks)
    except UnicodeDecodeError as exc:
        raise BallotFileError(source.path, f"not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise BallotFileError(source.path, f"malformed CSV: {exc}") from None
