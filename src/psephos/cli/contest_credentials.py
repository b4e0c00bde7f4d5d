"""`psephos contest credentials|mail|postal`: handing voters their credentials (files for a
mailing house, e-mails, postal packs), sending the mail, and recording returned paper
ballots; each a thin call of its service in `psephos.contests`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from psephos.cli.contest import (
    ContestArg,
    _actor,
    _contest,
    _services,
    _voter,
    credentials_app,
    mail_app,
    postal_app,
    warn_if_links_are_local,
)
from psephos.cli.output import JsonOption, emit_json, write_atomically
from psephos.files import spreadsheet_row

CREDENTIAL_COLUMNS = ("member_number", "name", "email", "section", "link_token", "postal_code",
                      "url")


@credentials_app.command("issue")
def issue_command(
    ctx: typer.Context, contest: ContestArg,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write the clear credentials once to this new file (mode 0600).")] = None,
) -> None:
    """Issue a credential to every voter without one.

    Example: psephos contest credentials issue labour-2016 --out credentials.csv
    """
    with _services(ctx):
        from psephos.contests.credentials import issue_credentials, vote_url

        found = _contest(contest)
        if out is None:
            issued = issue_credentials(found, actor=_actor())
        else:
            warn_if_links_are_local()

            def write(path: Path) -> int:
                with path.open("w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(CREDENTIAL_COLUMNS)
                    return issue_credentials(found, actor=_actor(), sink=lambda v, s: (
                        writer.writerow(spreadsheet_row([
                            v.member_number, v.name, v.email, v.section.slug,
                            s.link_token, s.postal_code, vote_url(found, s.link_token)]))))

            # The clear credentials exist nowhere else: owner-only, never over a file.
            issued = write_atomically(out, write, private=True, overwrite=False)
    where = f"; clear credentials in {out} (mode 0600)" if out else (
        "; deliver them with 'credentials mail' or 'credentials postal-pack'")
    typer.echo(f"issued {issued} credentials{where}")


@credentials_app.command("reissue")
def reissue_command(ctx: typer.Context, contest: ContestArg,
                    member: Annotated[str, typer.Argument(help="The voter's member number.")]
                    ) -> None:
    """Replace one voter's credential and print the new one (the old stops working).

    Example: psephos contest credentials reissue labour-2016 M1234
    """
    with _services(ctx):
        from psephos.contests.credentials import reissue, vote_url

        found = _contest(contest)
        secret = reissue(_voter(found, member), actor=_actor())
        warn_if_links_are_local()
    typer.echo(f"link token:  {secret.link_token}\npostal code: {secret.postal_code}\n"
               f"url:         {vote_url(found, secret.link_token)}")


@credentials_app.command("mail")
def queue_mail_command(ctx: typer.Context, contest: ContestArg) -> None:
    """Queue a ballot e-mail to every voter not yet sent one (send with 'mail send').

    Example: psephos contest credentials mail labour-2016
    """
    with _services(ctx):
        from psephos.contests.credentials import queue_credential_emails

        queued = queue_credential_emails(_contest(contest), actor=_actor())
        warn_if_links_are_local()
    typer.echo(f"queued {queued} ballot e-mails")


@credentials_app.command("postal-pack")
def postal_pack_command(ctx: typer.Context, contest: ContestArg,
                        out: Annotated[Path, typer.Argument(help="New CSV file for the printer.")]
                        ) -> None:
    """Write the postal print file with fresh postal codes (mode 0600).

    Example: psephos contest credentials postal-pack labour-2016 postal.csv
    """
    with _services(ctx):
        from psephos.contests.credentials import postal_pack
        from psephos.files import check_target

        check_target(out, overwrite=False)  # before any code is minted
        warn_if_links_are_local()
        written = postal_pack(_contest(contest), out, actor=_actor())
    typer.echo(f"wrote {written} postal codes to {out}")


@mail_app.command("send")
def mail_send_command(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Send at most this many.")]
    = None,
) -> None:
    """Send the queued e-mails that are due (failures are retried later with backoff).

    Example: psephos contest mail send --limit 1000
    """
    with _services(ctx):
        from psephos.contests.outbox import outbox_counts, send_pending

        warn_if_links_are_local()
        sent = send_pending(limit=limit)
        counts = outbox_counts()
    typer.echo(f"sent {sent}; outbox: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@postal_app.command("import")
def postal_import_command(
    ctx: typer.Context, contest: ContestArg,
    file: Annotated[Path, typer.Argument(help="The batch: CSV, postal_code then the ranking.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")]
    = False,
    as_json: JsonOption = False,
) -> None:
    """Record a batch of returned paper ballots, reporting every refused row by its line.

    Example: psephos contest postal import labour-2016 batch-0001.csv
    """
    with _services(ctx):
        from psephos.contests.postal import import_postal

        report = import_postal(_contest(contest), file, dry_run=dry_run, actor=_actor())
    if as_json:
        emit_json(report.to_json())
        return
    prefix = "dry run, nothing written: " if dry_run else ""
    typer.echo(f"{prefix}{report.rows} papers: {report.recorded} recorded, "
               f"{len(report.rejected)} rejected; sha256 {report.sha256}")
    for row in report.rejected:
        typer.echo(f"  line {row.line}: rejected: {row.reason}")
