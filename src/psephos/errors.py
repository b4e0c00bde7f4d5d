"""The one shape of a user's file mistake, shared by every reader: where, and what was expected."""

from __future__ import annotations

from pathlib import Path


class FileProblem(ValueError):
    """A file that cannot be read: ``path:line: field: message``."""

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
