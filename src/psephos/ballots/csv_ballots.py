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

Identical lines are counted first (at C speed) and each distinct line is parsed once, so
a file of a million ballots costs what its distinct ballots cost; memory grows with
distinct lines, not with lines. A quoted cell may hold line ends (a name with a line
break, as `psephos.ballots.csv_writer` writes it): such a file, and one whose lines end
in a lone CR, is counted record by record instead.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Generator, Iterator
from contextlib import closing
from pathlib import Path
from typing import BinaryIO

import numpy as np

from psephos.ballots.errors import (
    MAX_BALLOTS,
    MAX_CANDIDATES,
    BallotFileError,
    ballot_count,
    check_candidates,
    not_utf8,
    read_error,
    shown,
    whole_number,
)
from psephos.ballots.profile import END, SKIPPED, Profile, pack, pack_matrix

WEIGHT_COLUMNS = ("count", "weight", "votes", "ballots")
CANDIDATES_PREFIX = "# candidates:"
_CSV_FIELD_LIMIT = csv.field_size_limit()  # a longer line goes through csv, which refuses it


#: Where a file stands after its preamble: the header line's number and text, the
#: candidates declared above it, and every later line (or record) with its copies.
_Lines = tuple[int, str, list[str], Counter[str]]


class _SpansLines(Exception):
    """A quoted cell runs over a line end, or a line ends at a lone CR: read by records."""


def read_csv_ballots(path: str | Path, *, seats: int | None = None) -> Profile:
    """Read a plain CSV ballot file into a `Profile`.

    Lines are counted as bytes, the fast way; a file in which a quoted cell runs over
    several lines (a name holding a line break) is read again record by record.
    """
    path = Path(path)
    try:
        return _profile(path, _distinct_lines(path), seats)
    except _SpansLines:
        return _profile(path, _distinct_records(path), seats)


def _profile(path: Path, found: _Lines, seats: int | None) -> Profile:
    header_number, header_line, declared, distinct = found
    fast = _read_plain(path, header_line, declared, distinct, seats)
    if fast is not None:
        return fast
    return _read(path, header_number, header_line, declared, distinct, seats)


def _distinct_lines(path: Path) -> _Lines:
    """The preamble, then the other lines counted as bytes (identical lines at C speed)."""
    try:
        with path.open("rb") as handle:
            numbered = ((n, _decoded(line, n == 1)) for n, line in enumerate(handle, start=1))
            header_number, header_line, declared = _preamble(path, numbered)
            raw = _count_lines(handle)  # the rest of the file, identical lines counted
        # Decoded in one piece: no line holds a LF, so the split gives the lines back.
        text = b"\n".join(raw).decode("utf-8")
        texts = text.split("\n") if raw else []
        if "\r" in text:  # CRLF line ends: "A\r" and "A" are the same ballot
            distinct: Counter[str] = Counter()
            for line, copies in zip(texts, raw.values(), strict=True):
                distinct[line.removesuffix("\r")] += copies
        else:
            distinct = Counter(dict(zip(texts, raw.values(), strict=True)))
    except UnicodeDecodeError as error:
        raise not_utf8(path, error) from None
    except OSError as error:
        raise read_error(path, error) from None
    if any("\r" in line for line in distinct):  # lone CR line ends
        raise _SpansLines
    return header_number, header_line, declared, distinct


def _distinct_records(path: Path) -> _Lines:
    """The preamble, then the other records counted: the slower way, for quoted cells that
    hold line ends and for lone CR line ends."""
    records = _records(path)
    try:
        header_number, header_line, declared = _preamble(path, records)
        return header_number, header_line, declared, Counter(text for _, text in records)
    finally:
        records.close()


def _records(path: Path) -> Generator[tuple[int, str], None, None]:
    """Each CSV record of the file (most are one line; a quoted cell may hold line ends),
    without its final line end, with the number of the line it starts on (lines end at LF,
    CRLF or a lone CR, as `text_lines` counts them)."""
    pending: list[str] = []
    start, declared = 0, False
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for number, raw in enumerate(handle, start=1):
                line = raw.removesuffix("\n").removesuffix("\r")
                if pending:
                    still_open = _ends_open(line, open_quote=True, skip_spaces=declared)
                else:
                    start = number
                    declared = line.casefold().startswith(CANDIDATES_PREFIX)
                    rest = line[len(CANDIDATES_PREFIX):] if declared else line
                    still_open = '"' in line and _ends_open(rest, skip_spaces=declared)
                if still_open:
                    pending.append(raw)
                else:
                    yield start, "".join(pending) + line
                    pending.clear()
    except UnicodeDecodeError as error:
        raise not_utf8(path, error) from None
    except OSError as error:
        raise read_error(path, error) from None
    if pending:
        raise BallotFileError(path, "unbalanced quotes: a quoted cell that begins on this "
                              "line is not closed by the end of the file", line=start,
                              field="row")


def _ends_open(text: str, *, open_quote: bool = False, skip_spaces: bool = False) -> bool:
    """Whether a CSV line ends inside a quoted cell, so that the next line belongs to the same
    record; ``open_quote`` if it begins inside one. csv's rules: a quote opens a cell only
    at the cell's start (after blanks if ``skip_spaces``), and ``""`` in it is a quote."""
    at = 0
    while True:
        if open_quote:
            close = text.find('"', at)
            if close < 0:
                return True
            if text.startswith('"', close + 1):  # a doubled quote: still inside
                at = close + 2
                continue
            open_quote = False
            at = close + 1
        else:
            if skip_spaces:
                while text.startswith(" ", at):
                    at += 1
            if text.startswith('"', at):
                open_quote = True
                at += 1
                continue
        comma = text.find(",", at)  # the cell runs on to here, quotes and all
        if comma < 0:
            return False
        at = comma + 1


def _read_plain(path: Path, header_line: str, declared: list[str], distinct: Counter[str],
                seats: int | None) -> Profile | None:
    """The common file read with whole-file operations, or None to leave it to `_read`.

    It takes files whose lines are all plain ballots (no quotes, no comment or blank lines,
    every line with the header's number of cells, whole-number counts, no candidate twice
    on a line); anything else, including every error, goes the line-by-line way, which
    finds it and names its line. Both give the same `Profile`.
    """
    header = header_line.split(",")
    width = len(header)
    lines = list(distinct)
    if (width < 2 or '"' in header_line or not lines
            or any(line.count(",") != width - 1 for line in lines)
            or any('"' in line or line[0] == "#" for line in lines)):
        return None
    names = [h.strip().casefold() for h in header]
    weight_col = next((i for i, h in enumerate(names) if h in WEIGHT_COLUMNS), None)
    cells = ",".join(lines).split(",")  # row after row, `width` cells each
    copies = np.fromiter(distinct.values(), dtype=np.int64, count=len(lines))
    if weight_col is not None:
        counts = [whole_number(cell.strip()) for cell in cells[weight_col::width]]
        if None in counts:
            return None
        weights = copies * np.array(counts, dtype=np.int64)
        del cells[weight_col::width]
    else:
        weights = copies
    if int(weights.sum()) > MAX_BALLOTS:
        return None
    candidates: list[str] = list(declared)
    index = {name: i for i, name in enumerate(candidates)}
    lookup: dict[str, int] = {}
    for cell in dict.fromkeys(cells):  # in order of first appearance, row by row
        name = cell.strip()
        if not name:
            lookup[cell] = SKIPPED
            continue
        if name not in index:
            if declared or len(candidates) >= MAX_CANDIDATES:
                return None
            index[name] = len(candidates)
            candidates.append(name)
        lookup[cell] = index[name]
    if not candidates:
        return None
    codes = np.fromiter(map(lookup.__getitem__, cells), dtype=np.int32,
                        count=len(cells)).reshape(len(lines), -1)
    # Trailing unused ranks are padding, not skipped ranks.
    marked = codes != SKIPPED
    length = codes.shape[1] - marked[:, ::-1].argmax(axis=1)
    length[~marked.any(axis=1)] = 0
    codes[np.arange(codes.shape[1]) >= length[:, None]] = END
    if _repeated_marks(codes):
        return None
    blank = int(weights[length == 0].sum())
    keep = (length > 0) & (weights > 0)
    return pack_matrix(candidates, codes[keep], weights[keep], blank=blank, seats=seats,
                       title=path.stem)


def _count_lines(handle: BinaryIO, block: int = 1 << 24) -> Counter[bytes]:
    """Identical lines of the rest of ``handle`` counted, reading 16 MiB at a time."""
    counts: Counter[bytes] = Counter()
    carry = b""
    while chunk := handle.read(block):
        lines = (carry + chunk).split(b"\n")
        carry = lines.pop()
        counts.update(lines)
    if carry:
        counts[carry] += 1
    return counts


def _decoded(line: bytes, first: bool) -> str:
    """One line's text without its LF or CRLF (and, on the first line, a BOM)."""
    text = line.decode("utf-8-sig" if first else "utf-8").removesuffix("\n").removesuffix("\r")
    if "\r" in text:  # a lone CR ends lines here
        raise _SpansLines
    return text


def _read(path: Path, header_number: int, header_line: str, declared: list[str],
          distinct: Counter[str], seats: int | None, *, strict: bool = False) -> Profile:
    """Parse each distinct line once.

    A candidate ranked twice is looked for per line only when ``strict``; otherwise once,
    over the finished matrix, and if found the file is read again strictly to name its line.
    """
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
    lookup: dict[str, int] = {**index, "": SKIPPED}  # raw cell text -> code, grown as met
    merged: dict[tuple[int, ...], int] = {}
    blank = total = 0
    width = len(header)

    def where(line: str) -> _Where:
        return _Where(path, header_number, line)

    for line, copies in distinct.items():
        if not line or line[0] == "#" or line.isspace():
            continue
        if line == header_line:
            raise BallotFileError(path, "the header row appears again as a ballot",
                                  line=where(line).number, field="header")
        # Without quotes a CSV line is its cells split at commas; csv only for the rest.
        simple = '"' not in line and len(line) <= _CSV_FIELD_LIMIT
        row = line.split(",") if simple else _parse_line(line, where(line))
        if len(row) != width:
            raise BallotFileError(path, f"expected {width} cells, found {len(row)}",
                                  line=where(line).number, field="row")
        weight = copies
        if weight_col is None:
            cells = row
        else:
            cell = row[weight_col].strip()
            value = whole_number(cell)
            if value is None or value > MAX_BALLOTS:  # the line is looked for only if needed
                value = ballot_count(path, cell, line=where(line).number, field=header[weight_col])
            weight *= value
            cells = [row[i] for i in rank_cols]
        try:
            codes = list(map(lookup.__getitem__, cells))
            if strict and _repeats(codes):
                raise KeyError
        except KeyError:  # a name not met yet, stray spaces, or (strict) a repeat
            ranking = _ranking([cell.strip() for cell in cells], candidates, index,
                               declared=bool(declared), where=where(line))
            lookup.update((cell, index.get(cell.strip(), SKIPPED)) for cell in cells)
        else:
            while codes and codes[-1] == SKIPPED:
                codes.pop()
            ranking = tuple(codes)
        total += weight
        if total > MAX_BALLOTS:
            raise BallotFileError(path, f"more than {MAX_BALLOTS:,} ballots in all",
                                  line=where(line).number, field=weight_field)
        if not ranking:
            blank += weight
        elif weight:
            merged[ranking] = merged.get(ranking, 0) + weight
    if not candidates:
        raise BallotFileError(path, "no candidate is named anywhere in the file")
    profile = pack(candidates, merged, blank=blank, seats=seats, title=path.stem)
    if not strict and _any_repeats(profile):
        return _read(path, header_number, header_line, declared, distinct, seats, strict=True)
    return profile


def _any_repeats(profile: Profile) -> bool:
    """Whether any ranking names a candidate twice (one vectorised pass)."""
    return _repeated_marks(profile.rankings)


def _repeated_marks(rankings: np.ndarray) -> bool:
    if rankings.shape[1] < 2:
        return False
    ordered = np.sort(rankings, axis=1)
    return bool(((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)).any())


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
           skip_spaces: bool = False, where: _Where | None = None) -> list[str]:
    """One line of CSV as its cells, or a clean error (csv refuses cells over 128 KiB).

    ``skip_spaces`` lets a quoted cell follow ``", "`` (as in ``# candidates: A, "B, C"``).
    """
    if '"' in text and _ends_open(text, skip_spaces=skip_spaces):
        raise _SpansLines  # only ever when read line by line: records end closed
    try:
        return next(csv.reader([text], skipinitialspace=skip_spaces), [])
    except csv.Error as error:
        line = where.number if where is not None else number
        raise BallotFileError(path, f"not readable as CSV ({error})", line=line,
                              field=field) from None


def _repeats(codes: list[int]) -> bool:
    """True if a candidate is ranked twice (skipped ranks may repeat)."""
    marks = len(codes) - codes.count(SKIPPED)
    return len(set(codes)) - (SKIPPED in codes) != marks


class _Where:
    """Where a distinct line first stands in the file, found only when an error needs it."""

    def __init__(self, path: Path, after: int, line: str) -> None:
        self.path, self.after, self.line = path, after, line

    @property
    def number(self) -> int | None:
        with closing(_records(self.path)) as records:
            for number, text in records:
                if number > self.after and text == self.line:
                    return number
        return None


def _parse_line(line: str, where: _Where) -> list[str]:
    return _cells(line, where.path, None, "row", where=where)


def _ranking(cells: list[str], candidates: list[str], index: dict[str, int], *, declared: bool,
             where: _Where) -> tuple[int, ...]:
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
                raise BallotFileError(where.path, f"{shown(cell)} is not a declared candidate",
                                      line=where.number, field="candidate")
            if len(candidates) >= MAX_CANDIDATES:
                raise BallotFileError(where.path, f"more than {MAX_CANDIDATES:,} candidates",
                                      line=where.number, field="candidate")
            code = index[cell] = len(candidates)
            candidates.append(cell)
        if code in seen:
            raise BallotFileError(where.path, f"{shown(cell)} is ranked twice",
                                  line=where.number, field="candidate")
        seen.add(code)
        codes.append(code)
    while codes and codes[-1] == SKIPPED:
        codes.pop()
    return tuple(codes)
