"""Plain CSV ballots: a header row, then one ballot (or one ballot type) per row.

::

    rank1,rank2,rank3,count
    Alice,Bob,,120
    Carol,,,45

Each cell names the candidate at that rank; an empty cell is an unused rank. A column
headed ``count`` (or ``weight``, ``votes``) gives how many ballots the row stands for
(1 when absent). A candidate list may be declared in a first line
``# candidates: Alice, Bob, Carol`` so candidates with no votes still stand and the
order is fixed; otherwise candidates are taken in order of first appearance.

The file is read as a stream: memory grows with distinct rankings, not with lines, and a
line repeated many times is parsed once (recent distinct lines are remembered).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from psephos.ballots.errors import (
    MAX_BALLOTS,
    MAX_CANDIDATES,
    BallotFileError,
    check_candidates,
    shown,
    text_lines,
    whole_number,
)
from psephos.ballots.profile import SKIPPED, Profile, pack

WEIGHT_COLUMNS = ("count", "weight", "votes", "ballots")
CANDIDATES_PREFIX = "# candidates:"
#: Distinct lines remembered with their parse; bounded so that a file whose lines all
#: differ costs no more than its rankings.
_REMEMBERED_LINES = 1 << 16


def read_csv_ballots(path: str | Path, *, seats: int | None = None) -> Profile:
    """Read a plain CSV ballot file into a `Profile`."""
    path = Path(path)
    with closing(text_lines(path)) as lines:  # closed as soon as we are done, error or not
        return _read(path, lines, seats)


def _read(path: Path, lines: Iterator[tuple[int, str]], seats: int | None) -> Profile:
    header_number, header_line, declared = _preamble(path, lines)
    header = _cells(header_line, path, header_number, "header")
    names = [h.strip().casefold() for h in header]
    weight_col = next((i for i, h in enumerate(names) if h in WEIGHT_COLUMNS), None)
    rank_cols = [i for i in range(len(header)) if i != weight_col]
    if not rank_cols:
        raise BallotFileError(path, "the header has no rank columns", line=header_number,
                              field="header")
    weight_field = "row" if weight_col is None else header[weight_col]
    candidates: list[str] = list(declared)
    index = {name: i for i, name in enumerate(candidates)}
    remembered: dict[str, tuple[tuple[int, ...], int]] = {}
    merged: dict[tuple[int, ...], int] = {}
    blank = total = 0
    for number, line in lines:
        if line == header_line:
            raise BallotFileError(path, "the header row appears again as a ballot", line=number,
                                  field="header")
        if line.startswith("#") or not line.strip():
            continue
        parsed = remembered.get(line)
        if parsed is None:
            row = _parse_line(line, path, number)
            if len(row) != len(header):
                raise BallotFileError(path, f"expected {len(header)} cells, found {len(row)}",
                                      line=number, field="row")
            weight = 1
            if weight_col is not None:
                cell = row[weight_col].strip()
                value = whole_number(cell)
                if value is None:
                    raise BallotFileError(path, f"expected a whole number, found {shown(cell)}",
                                          line=number, field=header[weight_col])
                weight = value
            ranking = _ranking([row[i].strip() for i in rank_cols], candidates, index,
                               declared=bool(declared), path=path, number=number)
            if len(remembered) >= _REMEMBERED_LINES:
                remembered.clear()
            parsed = remembered[line] = ranking, weight
        ranking, weight = parsed
        total += weight
        if total > MAX_BALLOTS:
            raise BallotFileError(path, f"more than {MAX_BALLOTS:,} ballots in all", line=number,
                                  field=weight_field)
        if not ranking:
            blank += weight
        elif weight:
            merged[ranking] = merged.get(ranking, 0) + weight
    if not candidates:
        raise BallotFileError(path, "no candidate is named anywhere in the file")
    return pack(candidates, merged, blank=blank, seats=seats, title=path.stem)


def _preamble(path: Path, lines: Iterator[tuple[int, str]]) -> tuple[int, str, list[str]]:
    """The header line (number and text) and any candidates declared above it."""
    declared: list[str] = []
    empty = True
    for number, line in lines:
        empty = False
        if line.casefold().startswith(CANDIDATES_PREFIX):
            declared = [c.strip() for c in _cells(line[len(CANDIDATES_PREFIX):], path, number,
                                                  "candidates", skip_spaces=True) if c.strip()]
            if len(set(declared)) != len(declared):
                raise BallotFileError(path, "a candidate is declared twice", line=number,
                                      field="candidates")
            check_candidates(path, len(declared), line=number)
        elif line.strip() and not line.startswith("#"):
            return number, line, declared
    raise BallotFileError(path, "the file is empty" if empty else "the file has no header row")


def _cells(text: str, path: Path, number: int | None, field: str, *,
           skip_spaces: bool = False) -> list[str]:
    """One line of CSV as its cells, or a clean error (csv refuses cells over 128 KiB).

    ``skip_spaces`` lets a quoted cell follow ``", "`` (as in ``# candidates: A, "B, C"``).
    """
    try:
        return next(csv.reader([text], skipinitialspace=skip_spaces), [])
    except csv.Error as error:
        raise BallotFileError(path, f"not readable as CSV ({error})", line=number,
                              field=field) from None


def _parse_line(line: str, path: Path, number: int) -> list[str]:
    if line.count('"') % 2:
        raise BallotFileError(path, "unbalanced quotes (a cell may not span lines)",
                              line=number, field="row")
    return _cells(line, path, number, "row")


def _ranking(cells: list[str], candidates: list[str], index: dict[str, int], *, declared: bool,
             path: Path, number: int) -> tuple[int, ...]:
    """The codes of one row (new candidates added in order of appearance), trailing
    skipped ranks dropped: ``()`` is a blank ballot."""
    known = [index.get(cell) if cell else SKIPPED for cell in cells]
    marked = [c for c in known if c is not None and c >= 0]
    if None not in known and len(set(marked)) == len(marked):  # the common case, in one go
        fast = [c for c in known if c is not None]
        while fast and fast[-1] == SKIPPED:
            fast.pop()
        return tuple(fast)
    codes: list[int] = []
    seen: set[int] = set()
    for cell in cells:
        if not cell:
            codes.append(SKIPPED)
            continue
        code = index.get(cell)
        if code is None:
            if declared:
                raise BallotFileError(path, f"{shown(cell)} is not a declared candidate",
                                      line=number, field="candidate")
            if len(candidates) >= MAX_CANDIDATES:
                raise BallotFileError(path, f"more than {MAX_CANDIDATES:,} candidates",
                                      line=number, field="candidate")
            code = index[cell] = len(candidates)
            candidates.append(cell)
        if code in seen:
            raise BallotFileError(path, f"{shown(cell)} is ranked twice", line=number,
                                  field="candidate")
        seen.add(code)
        codes.append(code)
    while codes and codes[-1] == SKIPPED:
        codes.pop()
    return tuple(codes)
