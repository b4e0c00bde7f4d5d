"""Pick the reader for a ballot file: by ``format`` if given, else by suffix and content."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from psephos.ballots.blt import read_blt
from psephos.ballots.csv_ballots import read_csv_ballots
from psephos.ballots.errors import BallotFileError
from psephos.ballots.json_ballots import read_json_ballots
from psephos.ballots.profile import Profile
from psephos.ballots.scottish_csv import read_scottish_csv

READERS: dict[str, Callable[[Path], Profile]] = {
    "blt": read_blt,
    "scottish-csv": read_scottish_csv,
    "csv": read_csv_ballots,
    "json": read_json_ballots,
}

_TWO_NUMBERS = re.compile(r"^\s*[0-9]+[\s,]+[0-9]+[\s,]*$")
#: How much of a file format detection looks at: enough for any header line, and a file
#: that is one endless line is not read whole just to be told apart.
_SNIFF_BYTES = 1 << 16


def detect_format(path: Path) -> str:
    """The format of ``path``, from its suffix and, where that is ambiguous, its first line."""
    suffix = path.suffix.casefold()
    first = _first_line(path)
    if suffix == ".blt":
        return "blt"
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".txt") and _TWO_NUMBERS.match(first):
        return "scottish-csv" if "," in first else "blt"
    if suffix == ".csv":
        return "csv"
    if _TWO_NUMBERS.match(first):
        return "blt"
    raise BallotFileError(path, "cannot tell the file's format; give --format "
                          f"({', '.join(sorted(READERS))})")


def read_profile(path: str | Path, format: str | None = None) -> Profile:
    """Read any supported ballot file into a `Profile`."""
    path = Path(path)
    try:
        found = path.is_file()
    except OSError as error:  # e.g. a name too long for the file system
        raise BallotFileError(path, error.strerror or str(error)) from None
    if not found:
        raise BallotFileError(path, "no such file")
    chosen = format or detect_format(path)
    try:
        reader = READERS[chosen]
    except KeyError:
        raise BallotFileError(path, f"unknown format {chosen!r}; choose one of "
                              f"{', '.join(sorted(READERS))}") from None
    return reader(path)


def _first_line(path: Path) -> str:
    """The first line that is neither blank nor a ``#`` comment, within `_SNIFF_BYTES`."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as error:
        raise BallotFileError(path, error.strerror or str(error)) from None
    for raw in head.splitlines():
        line = raw.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
        if line and not line.startswith("#"):
            return line
    return ""
