"""`next_preference`: the whole-rows search and the column-by-column search agree, and both
agree with a plain loop over each row's marks."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.rules import preferences
from psephos.rules.preferences import next_preference


def _expected(marks: list[list[int]], rows: list[int], after: list[int], live: list[bool],
              stop: list[int] | None) -> tuple[list[int], list[int]]:
    columns, candidates = [], []
    for k, row in enumerate(rows):
        limit = len(marks[row]) if stop is None else stop[k]
        hit = next((col for col in range(after[k] + 1, limit)
                    if marks[row][col] >= 0 and live[marks[row][col]]), -1)
        columns.append(hit)
        candidates.append(marks[row][hit] if hit >= 0 else -1)
    return columns, candidates


@st.composite
def searches(draw: st.DrawFn) -> tuple:
    n = draw(st.integers(1, 6))
    width = draw(st.integers(0, 6))
    height = draw(st.integers(1, 12))
    marks = draw(st.lists(st.lists(st.integers(-4, n - 1), min_size=width, max_size=width),
                          min_size=height, max_size=height))
    rows = draw(st.lists(st.integers(0, height - 1), max_size=10))
    after = [draw(st.integers(-1, max(width - 1, -1))) for _ in rows]
    live = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    stop = draw(st.none() | st.just([draw(st.integers(0, width)) for _ in rows]))
    return n, width, marks, rows, after, live, stop


@settings(max_examples=300, deadline=None)
@given(searches(), st.booleans())
def test_both_searches_match_a_plain_loop(case: tuple, whole_rows: bool) -> None:
    _, width, marks, rows, after, live, stop = case
    rankings = np.array(marks, dtype=np.int32).reshape(len(marks), width)
    lookup = np.array([*live, False])
    old = preferences.WHOLE_ROWS_CELLS
    preferences.WHOLE_ROWS_CELLS = 1 << 30 if whole_rows else -1
    try:
        column, candidate = next_preference(
            rankings, np.array(rows, dtype=np.int64), np.array(after, dtype=np.int64), lookup,
            None if stop is None else np.array(stop, dtype=np.int64), clip=True)
    finally:
        preferences.WHOLE_ROWS_CELLS = old
    assert (column.tolist(), candidate.tolist()) == _expected(marks, rows, after, live, stop)
