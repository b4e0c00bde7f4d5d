"""Writing outputs whole or not at all, and reporting user errors without a traceback."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import typer

USAGE_ERROR = 2


def fail(message: str) -> NoReturn:
    """Report a user's mistake on stderr and exit with status 2."""
    typer.echo(f"psephos: {message}", err=True)
    raise typer.Exit(USAGE_ERROR)


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Run ``write`` on a temporary file beside ``path``, then rename it into place.

    A failure leaves no half-written file behind.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        fail(f"{path}: the folder {directory} does not exist")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
