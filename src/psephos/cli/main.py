"""`psephos`: the top-level command. Each subcommand's module is imported only when that
subcommand runs (or when help lists them), so start-up pays for one subcommand, not six."""

from __future__ import annotations

import errno
import importlib
import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from psephos import __version__

#: Subcommand name -> ``module:attribute``: a command function, or a Typer of subcommands.
SUBCOMMANDS: dict[str, str] = {
    "count": "psephos.cli.count:count_command",
    "data": "psephos.cli.data:data_app",
    "results": "psephos.cli.results:results_command",
    "pact": "psephos.cli.pact:pact_command",
    "serve": "psephos.cli.serve:serve_command",
    "contest": "psephos.cli.contest:contest_app",
    "trustee": "psephos.cli.trustee:trustee_app",
    "registrar": "psephos.cli.registrar:registrar_app",
    "verify": "psephos.cli.verify:verify_command",
    "verify-opening": "psephos.cli.verify_opening:verify_opening_command",
}


class LazySubcommands(TyperGroup):
    """A command group that imports a subcommand's module when the subcommand is asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(SUBCOMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        found = getattr(importlib.import_module(module), attribute)
        if not isinstance(found, typer.Typer):
            single = typer.Typer(add_completion=False)
            single.command(cmd_name)(found)
            found = single
        command = typer.main.get_command(found)
        command.name = cmd_name
        return command


app = typer.Typer(
    name="psephos",
    cls=LazySubcommands,
    help="Count, model and run elections the way British politics does them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print the version and exit."),
) -> None:
    """Count, model and run elections the way British politics does them."""


def run() -> None:
    """The ``psephos`` command: `app`, with a standard output that cannot be written reported
    in one line (exit status 2) instead of a traceback. A reader that stopped reading
    (``psephos ... | head``) ends the command quietly with status 1, as click does for a
    broken pipe inside a command; here also when the last flush finds it."""
    try:
        try:
            app()
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        sys.exit(1)
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG):
            raise
        _discard_stdout()
        sys.stderr.write(f"psephos: cannot write the output: {error.strerror or error}\n")
        sys.exit(2)


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's own flush at exit is silent."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
