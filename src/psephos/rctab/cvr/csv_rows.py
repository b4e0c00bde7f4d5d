"""The rows of a CVR CSV (RCTab's generic CSV, Clear Ballot), identical ones read once.

A CVR CSV has one row per ballot, usually led by columns that differ on every row (a
ballot id, a precinct). `read_rows` drops those leading columns and collapses the rows
whose remaining cells are identical, so a reader parses each distinct ballot once and
the cost of a million rows is that of their distinct ballots. The common file (no field
spanning lines) is split at C speed: one regular-expression pass removes the leading
fields of every line and `collections.Counter` counts the rest. Any other file is read
record by record with the csv module, with the same result. Either way each distinct
row knows the first line holding it, so errors still name the file and line.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from psephos.ballots.errors import BallotFileError

#: One CSV field that does not span lines: quoted (with "" for a quote) or bare.
_FIELD = r'(?:"[^"\n]*(?:""[^"\n]*)*"|[^,"\n]*)'
#: Marks a line whose leading fields were removed (the fast path requires no NUL).
_MARK = "\0"


@dataclass(frozen=True)
class RowGroup:
    """Rows with the same cells from the first kept column on.

    ``cells`` are those cells (fewer than the header's when the rows are cut short, none
    when they end before the first kept column); ``ballots`` how many rows; ``blank``
    whether every cell of these rows, kept or not, is blank; ``empty`` whether they are
    empty lines (no cells at all). `CsvRows.line` gives the first line (record) holding
    one, for an error message.
    """

    cells: tuple[str, ...]
    ballots: int
    blank: bool
    empty: bool
    #: The first line holding one, when known without a search; else the key to search for.
    first: int | str


@dataclass(frozen=True)
class CsvRows:
    """A CVR CSV read: its header row (None for an empty file) and its distinct rows.

    Distinct rows with a mark, without quotes and reached by the fast path are kept as their
    text (``plain``: the kept cells joined by commas, ``plain_ballots`` rows each); every
    other distinct row is a `RowGroup` in ``groups``.
    """

    header: list[str] | None
    groups: list[RowGroup]
    #: Each line's key (the line without its leading fields), from `first_line` on.
    keys: list[str]
    first_line: int
    plain: list[str] = field(default_factory=list)
    plain_ballots: list[int] = field(default_factory=list)
    #: Whether a key is its kept text after `_MARK` (some lines did not reach the kept cells).
    marked: bool = False
    #: How many leading cells of each row were set aside.
    skipped: int = 0

    def line(self, group: RowGroup) -> int:
        """The first line (record number; the header is 1) holding ``group``'s rows."""
        if isinstance(group.first, int):
            return group.first
        return self.keys.index(group.first) + self.first_line

    def cells(self, columns: Sequence[int], needed: int, *, skip: Callable[[RowGroup], bool],
              short: Callable[[RowGroup, int], BallotFileError]) -> VoteCells:
        """The cells at ``columns`` (of the kept ones) of every distinct row but those
        ``skip`` passes over; a row with fewer than ``needed`` kept cells raises ``short``
        (for the first such line)."""
        groups = [group for group in self.groups if not skip(group)]
        widths = {text.count(",") for text in self.plain}
        flat: list[str] = []
        ballots: list[int] = []
        if len(widths) == 1 and widths.pop() + 1 >= needed:
            every = np.array(",".join(self.plain).split(","), dtype=object)
            flat = every.reshape(len(self.plain), -1)[:, list(columns)].ravel().tolist()
            ballots = list(self.plain_ballots)
        else:
            groups = [RowGroup(tuple(text.split(",")), count, False, False, self.key_of(text))
                      for text, count in zip(self.plain, self.plain_ballots, strict=True)] + groups
        cut = [group for group in groups if len(group.cells) < needed]
        if cut:
            raise short(min(cut, key=self.line), self.line(min(cut, key=self.line)))
        flat.extend(group.cells[column] for group in groups for column in columns)
        ballots.extend(group.ballots for group in groups)
        return VoteCells(self, list(columns), flat, ballots, groups)

    def key_of(self, text: str) -> str:
        """The key of the lines whose kept cells read ``text`` (for `line` searches)."""
        return _MARK + text if self.marked else text


@dataclass(frozen=True)
class VoteCells:
    """The vote cells of a CVR CSV's distinct rows, row after row, ``len(columns)`` a row."""

    rows: CsvRows
    columns: list[int]
    flat: list[str]
    ballots: list[int]
    groups: list[RowGroup]

    def first(self, cell: str) -> tuple[int, int]:
        """The first line holding ``cell`` in one of the columns, and that column."""
        found = []
        for text in self.rows.plain:
            cells = text.split(",")
            hit = next((c for c in self.columns if c < len(cells) and cells[c] == cell), None)
            if hit is not None:
                found.append((self.rows.keys.index(self.rows.key_of(text)) + self.rows.first_line,
                              hit))
                break
        for group in self.groups:
            hit = next((c for c in self.columns if group.cells[c] == cell), None)
            if hit is not None:
                found.append((self.rows.line(group), hit))
        return min(found)


def read_rows(path: Path, *, skip: int | Callable[[list[str]], int],
              first_line: int = 2) -> CsvRows:
    """The header and the distinct rows of ``path``, from line ``first_line`` on (the header
    is line 1), each without its first ``skip`` cells (``skip`` may be worked out from the
    header: a function of it; `CsvRows.skipped` says how many were)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BallotFileError(path, f"not UTF-8 text ({exc.reason})") from None
    fast = _fast(text, skip, max(first_line, 2))
    if fast is not None:
        return fast
    try:
        return _by_record(text, skip, first_line)
    except csv.Error as exc:
        raise BallotFileError(path, f"malformed CSV: {exc}") from None


def _cells(line: str) -> list[str]:
    """One line's cells as the csv module reads them (no field spans lines here)."""
    if '"' not in line:
        return line.split(",") if line else []
    return next(csv.reader([line]), [])


def _blank(cells: Iterable[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _fast(text: str, skip: int | Callable[[list[str]], int], first_line: int) -> CsvRows | None:
    """The rows, when every record is one line without NUL or a lone carriage return;
    otherwise None (the csv module then reads the file)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if _MARK in text:
        return None
    end = text.find("\n")
    header_line, body = (text, "") if end < 0 else (text[:end], text[end + 1:])
    if not text:
        return CsvRows(None, [], [], first_line)
    if header_line.count('"') % 2:
        return None
    header = _cells(header_line)
    skip = skip(header) if callable(skip) else skip
    start = 0
    for _ in range(first_line - 2):  # lines before the first ballot line are not read
        start = body.find("\n", start) + 1
        if not start:
            body = ""
            break
    body = body[start:]
    if not body:
        return CsvRows(header, [], [], first_line, skipped=skip)
    body = body[:-1] if body.endswith("\n") else body  # the newline ending the last line
    quoted = '"' in body
    if quoted and any(line.count('"') % 2 for line in body.split("\n")):
        return None  # a quoted field spans lines
    field = _FIELD if quoted else "[^,\n]*"
    prefix = f"^(?:{field},){{{skip}}}"
    keys = re.compile(prefix + "(.*)", re.MULTILINE).findall(body)
    marked = len(keys) != body.count("\n") + 1
    if marked:  # some line does not reach the kept columns: mark the lines that do
        keys = re.compile(prefix, re.MULTILINE).sub(_MARK, body).split("\n")
    lines = _Lines(body)
    groups: list[RowGroup] = []
    plain: list[str] = []
    plain_ballots: list[int] = []
    for key, ballots in Counter(keys).items():
        kept = key[1:] if marked else key
        if (not marked or key[:1] == _MARK) and '"' not in kept and kept.replace(",", "").strip():
            plain.append(kept)  # the usual row: marked somewhere, no quotes
            plain_ballots.append(ballots)
        else:
            reached = not (marked and key[:1] != _MARK) and (skip or key)
            groups.extend(_fast_groups(key, kept if reached else None, ballots, keys, lines,
                                       skip, first_line))
    return CsvRows(header, groups, keys, first_line, plain, plain_ballots, marked, skip)


class _Lines:
    """The body's lines, split only if asked for (rarely: for rows blank but for a prefix)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self._lines: list[str] | None = None

    def __getitem__(self, index: int) -> str:
        if self._lines is None:
            self._lines = self.body.split("\n")
        return self._lines[index]


def _fast_groups(key: str, kept: str | None, ballots: int, keys: list[str], lines: _Lines,
                 skip: int, first_line: int) -> Iterator[RowGroup]:
    """The group(s) of the lines read as ``key``: ``kept`` is the text of their kept cells,
    or None when the pattern did not reach them (an empty or short line, or a leading field
    the pattern does not read; the csv module then splits the line). Two groups when
    some of the lines are wholly blank and others only in their kept cells."""
    if kept is None:
        cells = _cells(key)
        yield RowGroup(tuple(cells[skip:]), ballots, _blank(cells), not cells, key)
        return
    cells_kept = tuple(_cells(kept) or [""])
    if not _blank(cells_kept):
        yield RowGroup(cells_kept, ballots, False, False, key)
        return
    # Blank kept cells: whether the row is blank depends on the leading cells too.
    at = [i for i, line in enumerate(keys) if line == key]
    blank = [i for i in at if _blank(_cells(lines[i])[:skip])]
    other = sorted(set(at) - set(blank))
    for rows, is_blank in ((blank, True), (other, False)):
        if rows:
            yield RowGroup(cells_kept, len(rows), is_blank, False, rows[0] + first_line)


def _by_record(text: str, skip: int | Callable[[list[str]], int], first_line: int) -> CsvRows:
    """The rows read record by record with the csv module (fields spanning lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    skip = 0 if header is None else skip(header) if callable(skip) else skip
    found: dict[tuple[tuple[str, ...], bool, bool], list[int]] = {}
    for line, row in enumerate(reader, start=2):
        if line < first_line:
            continue
        key = (tuple(row[skip:]), _blank(row), not row)
        seen = found.get(key)
        if seen is None:
            found[key] = [line, 1]
        else:
            seen[1] += 1
    groups = [RowGroup(cells, ballots, blank, empty, line)
              for (cells, blank, empty), (line, ballots) in found.items()]
    return CsvRows(header, groups, [], first_line, skipped=skip)
