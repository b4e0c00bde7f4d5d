"""The one error every ballot reader raises for a bad file."""

from __future__ import annotations

from pathlib import Path


class BallotFileError(ValueError):
    """A ballot file that cannot be read: where, and what was expected there."""

    def __init__(self, path: str | Path, message: str, *, line: int | None = None,
                 field: str | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"
