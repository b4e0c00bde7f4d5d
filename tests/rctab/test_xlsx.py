"""The xlsx row reader gives the values openpyxl gives (data_only), for shared and inline
strings, numbers and booleans, and only the rows the sheet stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from psephos.rctab.cvr.xlsx import first_sheet_rows

ROWS: list[list[object]] = [
    ["id", "Choice 1", "Choice 2", "Choice 3"],
    [1, "Alice", "Bob & Co <x>", None],
    [2.5, 3, True, "  spaced  "],
    [],
    [4, None, None, "Carol"],
]


@pytest.mark.parametrize("write_only", [False, True])  # shared strings / inline strings
def test_rows_match_openpyxl(tmp_path: Path, write_only: bool) -> None:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    assert sheet is not None
    for row in ROWS:
        sheet.append(row)
    if not write_only:
        book.create_sheet("second").append(["not", "read"])
    path = tmp_path / "cvr.xlsx"
    book.save(path)
    ours = {number: {col: value for col, value in cells.items() if value is not None}
            for number, cells in first_sheet_rows(path)}
    theirs = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    expected = {number: {col: value for col, value in enumerate(values, start=1)
                         if value is not None}
                for number, values in enumerate(theirs.iter_rows(values_only=True), start=1)}
    assert {n: r for n, r in ours.items() if r} == {n: r for n, r in expected.items() if r}
    assert ours[2] == {1: 1, 2: "Alice", 3: "Bob & Co <x>"}
    assert ours[3] == {1: 2.5, 2: 3, 3: True, 4: "  spaced  "}
