"""Uploaded files (rolls, postal batches): their lines as UTF-8 text, their CSV records read
strictly, and their SHA-256."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

from psephos.contests.errors import ContestError


def utf8_lines(path: Path, error: type[ContestError]) -> Iterator[str]:
    """The file's lines as text (a leading BOM dropped); ``error`` names a line that is not
    UTF-8 and says how to save the file."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise error(f"{path}:{number}: not UTF-8 text; save the file as "
                            "'CSV UTF-8'") from None
            yield line.removeprefix("\ufeff") if number == 1 else line


def file_sha256(path: Path) -> str:
    """The file's SHA-256, for the audit log (read in blocks by ``hashlib.file_digest``)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def csv_records(path: Path, error: type[ContestError]) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) for each record of a CSV file, read strictly (RFC 4180 quoting).

    No field of a roll or a batch holds a line break, so a record running over several
    lines is an unbalanced quote: read leniently, it swallows every row after it as one
    field (a stray quote once turned 1,001 members into one rejected row). Such a file,
    or one that is not well-formed CSV, is refused whole, naming the line where the
    record with the open quote starts."""
    reader = csv.reader(utf8_lines(path, error), strict=True)
    end = 0
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as problem:
            if "unexpected end of data" in str(problem):
                raise error(f"{path}:{start}: a quoted field opens on this line and is never "
                            "closed (an unbalanced quote?); nothing was imported") from None
            raise error(f"{path}:{start}: not well-formed CSV in the row starting on this "
                        f"line ({problem}; an unbalanced quote?); nothing was imported"
                        ) from None
        end = reader.line_num
        if end > start:
            raise error(f"{path}:{start}: a quoted field opens on this line and runs on to "
                        f"line {end} (an unbalanced quote?); nothing was imported")
        yield start, row
