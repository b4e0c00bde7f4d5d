"""`psephos registrar credentials`: a registrar, apart from the server, mints voters' secrets;
and `psephos contest registrar-import`: the server takes in what the registrar hands over.
Thin calls of `psephos.contests.registrar_files` (no database) and
`psephos.contests.registrar`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psephos.cli.contest import ContestArg, _actor, _contest, _services, contest_app
from psephos.cli.output import count_progress, fail

#: Each paragraph on one line, as the help shows it.
REGISTRAR_HELP = "\n\n".join((
    "Mint voters' secrets away from the server, so that it never holds a private credential.",
    "The returning officer exports the roll (psephos contest electorate export); the "
    "registrar, on its own computer, mints every voter a link token and a postal code "
    "(psephos registrar credentials) and mails them from letters.csv; the server imports "
    "only server.json (the hashes that find a voter from a secret) and the public "
    "credential lists (psephos contest registrar-import).",
    "The server then cannot sign a ballot for a voter who abstains, nor tell which list "
    "entry is whose. In exchange, only the registrar can replace a voter's lost or "
    "compromised secrets: the server refuses to reissue them, to send a new link or to "
    "print a new postal code."))

registrar_app = typer.Typer(help=REGISTRAR_HELP, no_args_is_help=True, add_completion=False)


@registrar_app.callback()
def registrar_main() -> None:
    """Mint voters' secrets away from the server (see psephos registrar --help)."""


@registrar_app.command("credentials")
def credentials_command(
    contest: Annotated[str, typer.Option("--contest", help="The contest's slug.")],
    roll: Annotated[Path, typer.Option(
        "--roll", help="The roll: CSV with member_number and section columns, as "
                       "'psephos contest electorate export' writes it.")],
    out: Annotated[Path, typer.Option(
        "--out", help="A folder for letters.csv, server.json and credentials-SECTION.json "
                      "(made if absent; none of them is overwritten).")],
    postal_iterations: Annotated[int | None, typer.Option(
        "--postal-iterations", min=1,
        help="PBKDF2 iterations of a postal code: the contest's own "
             "(default 20,000).")] = None,
) -> None:
    """Mint every voter on the roll a link token and a postal code.

    Writes letters.csv (the secrets, for the registrar's own mailing; mode 0600: keep it
    off the server), server.json (member numbers and the hashes of their secrets: give it
    to the server) and each section's public credential list credentials-SECTION.json
    (give them to the server, which publishes them at the opening).

    Example: psephos registrar credentials --contest labour-2016 --roll roll.csv --out registrar/
    """
    from psephos.contests.errors import ContestError
    from psephos.contests.registrar_files import mint, read_roll
    from psephos.crypto.credentials import POSTAL_ITERATIONS
    from psephos.files import OutputError

    try:
        voters = read_roll(roll)
        with count_progress("minting", "voters", len(voters)) as progress:
            counts = mint(contest, voters, out,
                          postal_iterations=postal_iterations or POSTAL_ITERATIONS,
                          progress=progress)
    except ContestError as error:
        fail(error.message)
    except OutputError as error:
        fail(str(error))
    sections = ", ".join(f"{n} in {section}" for section, n in counts.items())
    typer.echo(f"minted credentials for {sum(counts.values())} voters ({sections}) in {out}: "
               "letters.csv (secret, mode 0600) for the mailing; server.json and "
               "credentials-*.json for the server")


@contest_app.command("registrar-import")
def registrar_import_command(
    ctx: typer.Context, contest: ContestArg,
    folder: Annotated[Path, typer.Argument(
        help="The registrar's folder: server.json and credentials-SECTION.json.")],
) -> None:
    """Import a registrar's server.json and credential lists into a draft contest.

    Creates each voter's credential from the hashes of their secrets and lists each
    section's entries; refuses (exit status 2, nothing imported) if anything does not match
    the roll or the contest. letters.csv is not needed and should not be on the server.

    Example: psephos contest registrar-import labour-2016 registrar/
    """
    with _services(ctx):
        from psephos.contests.registrar import import_registrar

        done = import_registrar(_contest(contest), folder, actor=_actor())
    for section, voters in done.voters.items():
        typer.echo(f"{section}: {voters} voters; list hash {done.lists[section]}")
    typer.echo(f"imported the registrar's credentials for {sum(done.voters.values())} voters")


