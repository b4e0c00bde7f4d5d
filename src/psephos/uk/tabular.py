"""Reading a publisher's delimited text file row by row, with the line of every row.

Every reader in psephos.uk goes through `read_table`, so a file that is not UTF-8 (or
cp1252), has a ragged row, a missing column or a number that is not a number ends in one
`DataFileError` naming the file, the line and the column, never in a traceback.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from psephos.uk.errors import DataFileError

#: Largest file a reader will take in (the biggest real one is under 3 MB).
MAX_BYTES = 64 * 1024 * 1024
#: Largest count a results file may hold in one cell (the UK electorate is under 50 million).
MAX_COUNT = 10**9
#: A whole number with its thousands grouped by commas, as spreadsheets show them: "37,508".
THOUSANDS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")


@dataclass(frozen=True)
class Row:
    """One data row: its cells by column name, and where it came from."""

    path: Path
    line: int
    cells: dict[str, str]

    def text(self, column: str) -> str:
        """The cell, stripped of surrounding spaces."""
        return self.cells[column].strip()

    def count(self, column: str, *, blank: int | None = None, thousands: bool = False) -> int:
        """The cell as a whole number of votes or electors (``blank`` if empty and allowed).

        With ``thousands``, a number grouped by commas as a spreadsheet shows it ("37,508")
        is read too; any other comma is an error.
        """
        token = self.text(column)
        if not token and blank is not None:
            return blank
        digits = token.replace(",", "") if thousands and THOUSANDS.fullmatch(token) else token
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 10 \
                or int(digits) > MAX_COUNT:
            expected = "a whole number" + (" (commas only between thousands)" if thousands else "")
            raise self.error(f"expected {expected}, found {_shown(token)}", column)
        return int(digits)

    def is_blank(self) -> bool:
        """Whether every cell is empty (publishers end some files with blank or total rows)."""
        return not any(value.strip() for value in self.cells.values())

    def error(self, message: str, column: str | None = None) -> DataFileError:
        return DataFileError(self.path, message, line=self.line, field=column)


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The whole file as text; a leading UTF-8 BOM dropped; bad bytes reported by line."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DataFileError(path, f"{size:,} bytes; a results file is under {MAX_BYTES:,}")
        data = path.read_bytes()
    except OSError as error:
        raise DataFileError(path, error.strerror or str(error)) from None
    if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DataFileError(path, f"not {encoding} text ({error.reason})", line=line) from None


def read_table(path: Path, required: Sequence[str], *, encoding: str = "utf-8",
               delimiter: str = ",", what: str = "file") -> tuple[list[str], Iterator[Row]]:
    """The header and the data rows of a delimited file that must have the ``required`` columns.

    ``what`` names the expected file in the message for a wrong header, so a user who saved
    the wrong download learns which file was wanted.
    """
    text = read_text(path, encoding)
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise DataFileError(path, "a NUL byte: this is not a text file", line=line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise DataFileError(path, f"bad CSV ({error})", line=1) from None
    if not header:
        raise DataFileError(path, f"empty; expected the {what}", line=1)
    header = [name.strip() for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise DataFileError(
            path, f"missing column(s) {', '.join(map(repr, missing))}; is this the {what}?",
            line=1, field="header")
    repeated = sorted({name for name in required if header.count(name) > 1})
    if repeated:
        raise DataFileError(path, f"column(s) {', '.join(map(repr, repeated))} appear twice",
                            line=1, field="header")
    return header, _rows(path, reader, header)


def split_totals(rows: Iterator[Row], keys: Sequence[str]) -> tuple[list[Row], Row | None]:
    """The data rows of a sheet that may close with a totals row, and that row (if any).

    Blank rows are skipped; the totals row is the first whose ``keys`` columns are all
    empty; any row after it is an error naming its line.
    """
    data: list[Row] = []
    totals: Row | None = None
    for row in rows:
        if row.is_blank():
            continue
        if totals is not None:
            raise row.error("a row after the totals row")
        if any(row.text(key) for key in keys):
            data.append(row)
        else:
            totals = row
    return data, totals


def check_total(totals: Row | None, column: str, total: int) -> None:
    """A totals row's ``column`` must equal ``total``, the sum of the seats above it."""
    if totals is not None and totals.count(column) != total:
        raise totals.error(f"the total {totals.count(column):,} is not the sum of the seats, "
                           f"{total:,}", column)


def _rows(path: Path, reader: Iterator[list[str]], header: list[str]) -> Iterator[Row]:
    line = 2
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DataFileError(path, f"bad CSV ({error})", line=line) from None
        start, line = line, getattr(reader, "line_num", line) + 1
        if not any(cells):
            continue  # a wholly empty line
        if len(cells) != len(header):
            raise DataFileError(path, f"{len(cells)} fields; the header has {len(header)}",
                                line=start)
        yield Row(path, start, dict(zip(header, cells, strict=True)))


def _shown(value: str, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 3]}..."
