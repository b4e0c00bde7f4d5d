"""The scot-elex CSV form of the Scottish council profiles (with party labels).

::

    8,4,                                   candidates, seats
    39,1,                                  weight, then preferences (1-based)
    "Candidate 1","James Brooks","Independent Alliance North Lanarkshire (IANL)",
    "Ward 11 - Coatbridge South",          the ward name

Unlike BLT there is no 0 after each ballot and no 0 line closing the ballots: the
ballots end at the first row that does not start with a number (the first
``"Candidate k"`` row). A row with a weight and no preference is blank.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Generator, Iterator
from contextlib import closing
from pathlib import Path

from psephos.ballots.errors import (
    BallotFileError,
    ballot_count,
    check_ballots,
    check_header,
    check_matrix,
    shown,
    text_lines,
    whole_number,
)
from psephos.ballots.profile import Profile, pack

_ABBREVIATION = re.compile(r"\(([^()]*)\)\s*$")
_DIGITS = frozenset("0123456789")


def read_scottish_csv(path: str | Path) -> Profile:
    """Read a scot-elex CSV ward file; candidate names become ``Name (PARTY)``.

    A ballot row with a weight and no preference (``5,``) is blank: it goes to
    ``Profile.blank``. Rows are read as a stream, so memory grows with distinct rankings.
    """
    path = Path(path)
    with closing(_rows(path)) as rows:  # the title row is the last one read
        return _read(path, rows)


def _read(path: Path, rows: Iterator[tuple[int, list[str]]]) -> Profile:
    first = next(rows, None)
    if first is None:
        raise BallotFileError(path, "the file is empty")
    number, cells = first
    header = _filled(cells)
    counts = [v for v in map(whole_number, header) if v is not None]
    if len(header) != 2 or len(counts) != 2:
        raise BallotFileError(path, "expected 'candidates,seats'", line=number, field="header")
    n, seats = counts
    check_header(path, n, seats, line=number)
    merged: dict[tuple[int, ...], int] = {}
    blank = total = preferences = 0
    row = next(rows, None)
    while row is not None:
        number, cells = row
        cells = _filled(cells)
        if cells[0].lstrip("+-")[:1] not in _DIGITS:
            break  # the candidate rows begin
        weight = ballot_count(path, cells[0], line=number, field="weight")
        if not all(c.isdigit() and c.isascii() and len(c) <= 18 for c in cells[1:]):
            bad = next(c for c in cells[1:] if whole_number(c) is None)
            raise BallotFileError(path, f"expected a candidate number, found {shown(bad)}",
                                  line=number, field="preference")
        prefs = list(map(int, cells[1:]))
        if prefs and not 1 <= min(prefs) <= max(prefs) <= n:
            bad_pref = next(c for c in prefs if not 1 <= c <= n)
            raise BallotFileError(path, f"candidate {bad_pref} is not between 1 and {n}",
                                  line=number, field="preference")
        total += weight
        check_ballots(path, total, line=number, field="weight")
        preferences += len(prefs)
        ranking = tuple(dict.fromkeys(c - 1 for c in prefs))
        if not ranking:
            blank += weight
        elif weight:
            merged[ranking] = merged.get(ranking, 0) + weight
        row = next(rows, None)
    names: list[str] = []
    parties: list[str] = []
    while row is not None and len(names) < n:
        number, cells = row
        name, short = _candidate(path, number, _trimmed(cells))
        if name in names:
            raise BallotFileError(path, f"{shown(name)} is named twice", line=number,
                                  field="candidate")
        names.append(name)
        parties.append(short)
        row = next(rows, None)
    if len(names) != n:
        raise BallotFileError(path, f"expected {n} candidates, found {len(names)}",
                              field="candidates")
    check_matrix(path, merged, preferences)
    title = _filled(row[1])[0] if row is not None else ""
    return pack(names, merged, blank=blank, title=title, parties=parties, seats=seats)


def _candidate(path: Path, number: int, cells: list[str]) -> tuple[str, str]:
    """``Name (PARTY)`` and ``PARTY`` from a ``"Candidate k",name,party`` row."""
    if len(cells) < 2 or not cells[0].casefold().startswith("candidate"):
        raise BallotFileError(path, "expected '\"Candidate k\",name,party'", line=number,
                              field="candidate")
    if not cells[1]:
        raise BallotFileError(path, "the candidate's name is empty", line=number,
                              field="candidate")
    party = cells[2] if len(cells) > 2 else ""
    abbreviation = _ABBREVIATION.search(party)
    short = abbreviation.group(1) if abbreviation else party
    return (f"{cells[1]} ({short})" if short else cells[1]), short


def _rows(path: Path) -> Generator[tuple[int, list[str]], None, None]:
    """The rows with a non-empty cell, cells stripped, each with the line it starts on."""
    reader = csv.reader(text for _, text in text_lines(path))
    start = 1
    try:
        for row in reader:
            cells = [c.strip() for c in row]
            if any(cells):
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        raise BallotFileError(path, f"not a readable CSV file ({error})",
                              line=reader.line_num) from None


def _filled(cells: list[str]) -> list[str]:
    """The non-empty cells (the files end every row with a comma)."""
    return [c for c in cells if c]


def _trimmed(cells: list[str]) -> list[str]:
    """The cells up to the last non-empty one, keeping empty cells in between in place."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]
