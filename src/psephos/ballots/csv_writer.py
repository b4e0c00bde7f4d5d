"""Writing the plain CSV ballot files that `psephos.ballots.csv_ballots` reads.

::

    # candidates: Alice, "Smith, Bob", Carol
    rank1,rank2,rank3
    Carol,Alice,
    "Smith, Bob",,

The candidates are declared first, so that a candidate with no vote still stands and
the order is fixed; then one ballot a row. A cell is quoted where CSV needs it (a comma,
a quote or a line end in the name) and where the reader would otherwise take the row for
something else (a first cell that begins with ``#``, an empty one-cell row): read back,
the file gives the same candidates, rankings and blank ballots. Ballot files are data, so
nothing is escaped for spreadsheets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from psephos.ballots.csv_ballots import CANDIDATES_PREFIX

_NEEDS_QUOTES = (",", '"', "\r", "\n")


def write_ballot_file(path: Path, names: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write ballots (each a sequence of candidate names, first preference first; an empty
    one is a blank ballot) to ``path`` as a plain CSV ballot file, candidates declared.

    It writes ``path`` in place: for all-or-nothing, give it a temporary file (see
    `psephos.files.write_atomically`). Raises ValueError, before writing anything, for
    what the format cannot hold: a name that is empty, has blanks at either end (the
    reader strips cells), is not valid Unicode or is given twice, and a ballot naming an
    undeclared candidate or one candidate twice.
    """
    _check_names(names)
    rows = [list(row) for row in rows]
    declared = set(names)
    for number, row in enumerate(rows, start=1):
        unknown = [name for name in row if name not in declared]
        if unknown:
            raise ValueError(f"ballot {number} ranks {unknown[0]!r}, who is not a candidate")
        if len(set(row)) != len(row):
            raise ValueError(f"ballot {number} ranks a candidate twice")
    width = max([len(names), *(len(row) for row in rows)]) or 1
    header = [f"rank{k}" for k in range(1, width + 1)]
    # A ballot row that reads as the header would be taken for the header repeated.
    quote_header = bool(declared & set(header))
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(f"{CANDIDATES_PREFIX} {', '.join(map(_cell, names))}\n")
        out.write(",".join(f'"{h}"' if quote_header else h for h in header) + "\n")
        for row in rows:
            out.write(_row(row, width) + "\n")


def _check_names(names: Sequence[str]) -> None:
    if len(set(names)) != len(names):
        raise ValueError("a candidate is named twice")
    for name in names:
        if not name or name != name.strip():
            raise ValueError(f"candidate name {name!r} is empty or has blanks at either end, "
                             "which a CSV ballot file does not keep")
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"candidate name {name!r} is not valid Unicode") from None


def _row(names: Sequence[str], width: int) -> str:
    if not names:
        return '""' if width == 1 else "," * (width - 1)  # a blank ballot, not a blank line
    cells = [_cell(name) for name in names] + [""] * (width - len(names))
    if cells[0].startswith("#"):  # else a comment line
        cells[0] = f'"{cells[0]}"'
    return ",".join(cells)


def _cell(name: str) -> str:
    if any(c in name for c in _NEEDS_QUOTES):
        return '"' + name.replace('"', '""') + '"'
    return name
