"""Writing a file whole or not at all, and never over anything that is not a regular file;
reading only regular files.

The one atomic writer every door uses: the content goes to a temporary file beside the
target, is flushed to disk, and is renamed over the target only when complete. A target
that exists and is not a regular file (a folder, a device such as ``/dev/full``, a
symbolic link, a pipe) is refused, never replaced.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class OutputError(ValueError):
    """A file cannot be written where the user asked: ``path: why``."""

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{path}: {message}")


def input_problem(path: str | Path, expected: str = "a file") -> str | None:
    """Why ``path`` cannot be read as ``expected`` (e.g. "a ballot file"), or None if it is
    a regular file.

    Checked before opening: a named pipe or a terminal would block the read, and a device
    such as ``/dev/null`` would read as an empty file.
    """
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as error:  # e.g. a name too long for the file system
        return error.strerror or str(error)
    if stat.S_ISDIR(mode):
        return f"this is a folder; expected {expected}"
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "a special file")
        return f"this is {kind}, not a regular file; expected {expected}"
    return None


_KINDS = {stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket"}


def check_target(path: str | Path, *, overwrite: bool = True) -> Path:
    """``path`` if a regular file may be written there; else an `OutputError` saying why."""
    path = Path(path)
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputError(path, f"cannot be written ({error.strerror or error})") from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise OutputError(path, "is a folder; give a file name")
        if stat.S_ISLNK(mode):
            raise OutputError(path, "is a symbolic link; give the file itself")
        if not stat.S_ISREG(mode):
            raise OutputError(path, "is not a regular file (a device, pipe or socket); "
                                    "it is not replaced")
        if not overwrite:
            raise OutputError(path, "already exists; it is not overwritten")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(path, f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(path, f"the folder {folder} cannot be written to")
    return path


def write_atomically(path: str | Path, write: Callable[[Path], T], *, private: bool = False,
                     overwrite: bool = True) -> T:
    """Call ``write`` on a temporary file beside ``path``, then rename it over ``path``.

    The file gets the usual permissions (``0o666`` less the umask), or ``0o600`` when
    ``private``. A failure anywhere leaves ``path`` as it was and no temporary file behind.
    Returns what ``write`` returned.
    """
    path = check_target(path, overwrite=overwrite)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.part-",
                                        suffix=path.suffix)
    except OSError as error:
        raise OutputError(path, f"cannot be written ({error.strerror or error})") from None
    os.close(handle)
    temporary = Path(name)
    try:
        result = write(temporary)
        os.chmod(temporary, 0o600 if private else 0o666 & ~_umask())
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        if not overwrite and path.exists():
            raise OutputError(path, "already exists; it is not overwritten")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return result


def write_bytes_atomically(path: str | Path, data: bytes, **options: bool) -> None:
    """``data`` as the whole content of ``path``, by `write_atomically`."""
    write_atomically(path, lambda temporary: temporary.write_bytes(data), **options)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection":
#: https://owasp.org/www-community/attacks/CSV_Injection): = + - @, tab and carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_cell(value: object) -> object:
    """A cell of a CSV file meant for people and spreadsheets, safe to open in one: text
    that a spreadsheet would run as a formula gets a leading ``'`` (OWASP's advice), so
    ``=HYPERLINK(...)`` in a member's name shows as text. Numbers (``-3.5``) stay numbers.
    Not for files a program reads back exactly (the ballot files for ``psephos count``)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_row(row: Iterable[object]) -> list[object]:
    """`spreadsheet_cell` of every cell of ``row``."""
    return [spreadsheet_cell(value) for value in row]
