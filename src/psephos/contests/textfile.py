"""Uploaded files (rolls, postal batches, trustees' files): their lines as UTF-8 text, their
CSV records read strictly, their SHA-256, JSON documents read and written whole."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from psephos.contests.errors import ContestError
from psephos.files import input_problem, write_atomically


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


def read_json_object(path: str | Path, expected: str, error: type[ContestError]) -> dict[str, Any]:
    """A JSON file holding one object (a trustee's file or message); ``error`` says which
    file and what is wrong with it, never a traceback."""
    path = Path(path)
    unreadable = input_problem(path, expected)
    if unreadable is not None:
        raise error(f"{path}: {unreadable}")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text; expected {expected}") from None
    except json.JSONDecodeError as problem:
        raise error(f"{path}:{problem.lineno}: not JSON ({problem.msg}); expected "
                    f"{expected}") from None
    if not isinstance(data, dict):
        raise error(f"{path}: expected {expected} (a JSON object)")
    return data


def write_json(path: str | Path, document: Any, *, private: bool = False) -> Path:
    """Write a JSON document whole or not at all (owner-only when ``private``)."""
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, lambda p: p.write_text(text, encoding="utf-8"), private=private)
    return Path(path)
