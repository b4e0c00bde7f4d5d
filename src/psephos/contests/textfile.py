"""Reading an uploaded CSV's lines as UTF-8 text, naming the first line that is not."""

from __future__ import annotations

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
