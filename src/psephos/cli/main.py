"""`psephos`: the top-level command and its subcommands."""

from __future__ import annotations

import typer

from psephos import __version__
from psephos.cli.contest import contest_app
from psephos.cli.count import count_command
from psephos.cli.data import data_app
from psephos.cli.pact import pact_command
from psephos.cli.results import results_command
from psephos.cli.serve import serve_command

app = typer.Typer(
    name="psephos",
    help="Count, model and run elections the way British politics does them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("count")(count_command)
app.add_typer(data_app, name="data")
app.command("results")(results_command)
app.command("pact")(pact_command)
app.command("serve")(serve_command)
app.add_typer(contest_app, name="contest")


@app.callback(invoke_without_command=True)
def main(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Count, model and run elections the way British politics does them."""
    if version:
        typer.echo(__version__)
        raise typer.Exit()
