"""What every subcommand shares: its ``--json`` option and emitter, output files written
whole or not at all, and user errors reported without a traceback."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from psephos.files import OutputError
from psephos.files import write_atomically as write_file

USAGE_ERROR = 2
T = TypeVar("T")

#: The one ``--json`` option: the whole result as one JSON object on standard output.
JsonOption = Annotated[bool, typer.Option(
    "--json", help="Print the whole result as one JSON object on standard output.")]


def fail(message: str) -> NoReturn:
    """Report a user's mistake on stderr and exit with status 2."""
    typer.echo(f"psephos: {message}", err=True)
    raise typer.Exit(USAGE_ERROR)


def emit_json(document: Any) -> None:
    """Write ``document`` (an object, or JSON text already made) to standard output."""
    text = document if isinstance(document, str) else json.dumps(
        document, indent=2, ensure_ascii=False)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def is_stdout(path: Path | None) -> bool:
    """Whether an output option was given as ``-``: standard output."""
    return path is not None and str(path) == "-"


def check_chart(path: Path | None) -> None:
    """Refuse, before any work, a ``--chart`` that is not a .png or .svg file name: a picture
    does not go to standard output."""
    if path is None:
        return
    if is_stdout(path):
        fail("--chart needs a file name ending in .png or .svg; a picture is not written "
             "to standard output")
    if path.suffix.casefold() not in (".png", ".svg"):
        fail(f"{path}: the chart file must end in .png or .svg")


def check_output(path: Path | None) -> None:
    """Refuse, before any work, an output path that is not a regular file or absent."""
    from psephos.files import check_target

    if path is None or is_stdout(path):
        return
    try:
        check_target(path)
    except OutputError as error:
        fail(str(error))


@contextmanager
def output_errors(path: Path) -> Iterator[None]:
    """Report a file that cannot be written (refused, or failing as it is written) as a
    user error, exit 2."""
    try:
        yield
    except OutputError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{path}: cannot be written ({error.strerror or error})")


def write_atomically(path: Path, write: Callable[[Path], T], **options: bool) -> T:
    """The floor's atomic writer, with its refusals reported as user errors (exit 2)."""
    with output_errors(path):
        return write_file(path, write, **options)


@contextmanager
def count_progress(label: str, unit: str, total: int | None
                   ) -> Iterator[Callable[[int], None]]:
    """A progress bar of ``unit`` done out of ``total`` (on stderr, only in a terminal, gone
    when done); yields the function that says how many are done."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(unit, total=total)
        yield lambda done: bar.update(task, completed=done)
