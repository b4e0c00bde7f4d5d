"""Finding each paper's next continuing preference: the one inner loop every transfer shares."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from psephos.ballots.profile import END

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Up to this many cells (moved rows x ballot width) the search reads the moved rows' whole
#: marks at once: a dozen numpy calls whatever the width, and measured faster than the
#: column walk even at 1M ballots (107k distinct rankings x 8 ranks). Beyond it, column by
#: column, so memory stays bounded on very wide ballots.
WHOLE_ROWS_CELLS = 1 << 22


def next_preference(
    rankings: npt.NDArray[np.integer],
    rows: Int64s,
    after: Int64s,
    live: Bools,
    stop: Int64s | None = None,
    *,
    clip: bool = False,
) -> tuple[Int64s, Int64s]:
    """For each of ``rows``, the first column after ``after[i]`` and before ``stop[i]`` (or
    the ballot's width) whose mark is a candidate ``c`` with ``live[c]``.

    Returns ``(columns, candidates)``, both -1 where a row has no such column. ``live`` has
    one more entry than there are candidates, always False, which the padding code END
    (-1) indexes. With ``clip``, other negative codes (skipped ranks, overvotes) are read
    as END first, so they are passed over like any mark that is not a live candidate.
    """
    width = rankings.shape[1]
    if width == 0:
        return np.full(rows.size, -1, dtype=np.int64), np.full(rows.size, -1, dtype=np.int64)
    if rows.size * width <= WHOLE_ROWS_CELLS:
        return _whole_rows(rankings, rows, after, live, stop, clip)
    return _by_column(rankings, rows, after, live, stop, clip)


def _whole_rows(rankings: npt.NDArray[np.integer], rows: Int64s, after: Int64s, live: Bools,
                stop: Int64s | None, clip: bool) -> tuple[Int64s, Int64s]:
    marks = np.take(rankings, rows, axis=0)
    if clip:
        marks = np.maximum(marks, END)
    ok = live.take(marks)
    column = ok.argmax(axis=1)
    cell = np.arange(0, ok.size, ok.shape[1]) + column
    found = ok.reshape(-1).take(cell)
    candidate = marks.reshape(-1).take(cell).astype(np.int64)
    # A paper's pointer only ever passes marks that are not live, and candidates never
    # come back, so the first live mark lies after the pointer; rows where it does not
    # (a caller moving papers some other way) are searched again column by column.
    early = found & (column <= after)
    if stop is not None:
        found &= column < stop
    column = np.where(found, column, -1)
    candidate = np.where(found, candidate, -1)
    if early.any():
        again = np.flatnonzero(early)
        column[again], candidate[again] = _by_column(
            rankings, rows[again], after[again], live,
            None if stop is None else stop[again], clip)
    return column, candidate


def _by_column(rankings: npt.NDArray[np.integer], rows: Int64s, after: Int64s, live: Bools,
               stop: Int64s | None, clip: bool) -> tuple[Int64s, Int64s]:
    width = rankings.shape[1]
    flat = rankings.reshape(-1)
    limit = np.full(rows.size, width, dtype=np.int64) if stop is None else stop
    column = np.full(rows.size, -1, dtype=np.int64)
    candidate = np.full(rows.size, -1, dtype=np.int64)
    todo = np.arange(rows.size)
    col = after + 1
    while todo.size:
        todo = todo[col[todo] < limit[todo]]
        if not todo.size:
            break
        at = col[todo]
        code = flat[rows[todo] * width + at].astype(np.int64)
        if clip:
            np.maximum(code, END, out=code)
        hit = live[code]
        column[todo[hit]] = at[hit]
        candidate[todo[hit]] = code[hit]
        todo = todo[~hit]
        col[todo] += 1
    return column, candidate
