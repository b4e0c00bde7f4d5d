"""Uploaded files (rolls, postal batches): their lines as UTF-8 text, and their SHA-256."""

from __future__ import annotations

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
