"""Pick the reader for a ballot file: by ``format`` if given, else by suffix and content.

A file whose first lines are clearly of another format than the one it is read as is
refused with the format to use (a BLT file read as plain CSV would otherwise give a count
of nonsense): before reading for the formats no other file can be mistaken for (BLT,
JSON), and in place of the reader's own error for the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from psephos.ballots.blt import read_blt
from psephos.ballots.csv_ballots import CANDIDATES_PREFIX, read_csv_ballots
from psephos.ballots.errors import BallotFileError, check_ballot_file, read_error
from psephos.ballots.json_ballots import read_json_ballots
from psephos.ballots.profile import Profile
from psephos.ballots.scottish_csv import read_scottish_csv

READERS: dict[str, Callable[[Path], Profile]] = {
    "blt": read_blt,
    "scottish-csv": read_scottish_csv,
    "csv": read_csv_ballots,
    "json": read_json_ballots,
}

#: How each format is named in a message.
DESCRIPTIONS = {
    "blt": "a BLT file",
    "scottish-csv": "a Scottish council CSV file",
    "csv": "a plain CSV ballot file",
    "json": "a JSON ballot file",
}

_TWO_NUMBERS = re.compile(r"^\s*[0-9]+[\s,]+[0-9]+[\s,]*$")
#: How much of a file format detection looks at: enough for any header line, and a file
#: that is one endless line is not read whole just to be told apart.
_SNIFF_BYTES = 1 << 16
_BLT_HEADER = re.compile(r"[0-9]+[ \t]+[0-9]+[ \t,]*")
#: What follows a BLT header: an option, a withdrawn candidate, a ballot id, a ballot
#: ending in 0, or the closing 0.
_BLT_NEXT = re.compile(r"\[.*|-[0-9].*|\(.*|([^ \t,]+[ \t,]+)*0[ \t,]*")
_SCOTTISH_HEADER = re.compile(r"[0-9]+,[0-9]+,?")
_SCOTTISH_ROW = re.compile(r"[0-9]+(,[0-9]+)*,?")
_LETTER = re.compile(r"[^\W\d_]")
#: Formats no file of another format is taken for: checked before reading.
_UNMISTAKABLE = ("blt", "json")


def detect_format(path: Path) -> str:
    """The format of ``path``, from its suffix and, where that is ambiguous, its first line."""
    return _detect(path, _content_lines(path))


def read_profile(path: str | Path, format: str | None = None) -> Profile:
    """Read any supported ballot file into a `Profile`."""
    path = Path(path)
    check_ballot_file(path)
    lines = _content_lines(path)
    chosen = format or _detect(path, lines)
    try:
        reader = READERS[chosen]
    except KeyError:
        raise BallotFileError(path, f"unknown format {chosen!r}; choose one of "
                              f"{', '.join(sorted(READERS))}") from None
    looks = looks_like(lines)
    if looks is not None and looks[0] in _UNMISTAKABLE:
        _refuse_other(path, chosen, looks)
    try:
        return reader(path)
    except BallotFileError:
        if looks is not None:
            _refuse_other(path, chosen, looks)
        raise


def looks_like(lines: list[tuple[int, str]]) -> tuple[str, int] | None:
    """The format the first content lines clearly belong to, and the line that shows it."""
    if not lines:
        return None
    (number, first), second = lines[0], lines[1][1] if len(lines) > 1 else ""
    if first.startswith("{"):  # the JSON ballot format is an object
        return "json", number
    if first.casefold().startswith(CANDIDATES_PREFIX):
        return "csv", number
    if _BLT_HEADER.fullmatch(first) and _BLT_NEXT.fullmatch(second):
        return "blt", number
    if _SCOTTISH_HEADER.fullmatch(first) and _SCOTTISH_ROW.fullmatch(second):
        return "scottish-csv", number
    if "," in first and _LETTER.search(first):  # a header row of words
        return "csv", number
    return None


def _refuse_other(path: Path, chosen: str, looks: tuple[str, int]) -> None:
    found, number = looks
    if found != chosen:
        raise BallotFileError(path, f"this looks like {DESCRIPTIONS[found]}, not {chosen}; use "
                              f"--format {found}", line=number, field="format")


def _detect(path: Path, lines: list[tuple[int, str]]) -> str:
    suffix = path.suffix.casefold()
    first = lines[0][1] if lines and not lines[0][1].startswith("#") else ""
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


def _content_lines(path: Path, most: int = 2) -> list[tuple[int, str]]:
    """The first ``most`` lines that are not blank, with their numbers, within `_SNIFF_BYTES`:
    ``#`` comment lines skipped, except a plain CSV file's ``# candidates:`` line."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as error:
        raise read_error(path, error) from None
    found: list[tuple[int, str]] = []
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    start = number = 0
    while len(found) < most and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].strip()
        number, start = number + 1, end + 1
        if line and (not line.startswith("#") or line.casefold().startswith(CANDIDATES_PREFIX)):
            found.append((number, line))
    return found
