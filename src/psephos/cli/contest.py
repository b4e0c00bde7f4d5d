"""`psephos contest`: run a members' ballot from the command line.

Every command calls the same services as the web pages (`psephos.contests`), against the
database named by ``--database`` (or ``PSEPHOS_DATABASE_URL``, else the SQLite file in the
user's data folder), which is brought up to date on first use. Django, the contests app
and rich are imported inside the commands, so other subcommands do not pay for them.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from psephos.cli.contest_roll import roll_app
from psephos.cli.output import JsonOption, count_progress, emit_json, fail, write_atomically

contest_app = typer.Typer(help="Run a members' ballot: define, import, open, vote, count.",
                          no_args_is_help=True, add_completion=False)
electorate_app = typer.Typer(help="The roll of voters.", no_args_is_help=True)
credentials_app = typer.Typer(help="Voters' credentials (links and postal codes).",
                              no_args_is_help=True)
mail_app = typer.Typer(help="The e-mail outbox.", no_args_is_help=True)
postal_app = typer.Typer(help="Returned paper ballots.", no_args_is_help=True)
contest_app.add_typer(electorate_app, name="electorate")
contest_app.add_typer(credentials_app, name="credentials")
contest_app.add_typer(mail_app, name="mail")
contest_app.add_typer(postal_app, name="postal")
contest_app.add_typer(roll_app, name="roll")

#: The channels a ballot can come through (as `psephos.contests.casting.service.CHANNELS`).
CHANNELS = ("web", "post", "phone", "cli")
ContestArg = Annotated[str, typer.Argument(help="The contest's slug.")]


@contest_app.callback()
def contest_main(
    ctx: typer.Context,
    database: Annotated[str | None, typer.Option(
        "--database", envvar="PSEPHOS_DATABASE_URL", metavar="URL",
        help="sqlite:///PATH or postgresql://USER@HOST:PORT/DB "
             "(default: SQLite in the user's data folder).")] = None,
) -> None:
    """Run a members' ballot: define, import, open, vote, count."""
    ctx.obj = {"database": database}


@contextmanager
def _services(ctx: typer.Context) -> Iterator[None]:
    """Connect (migrating on first use) and turn service errors into one-line messages."""
    from django.db import DatabaseError

    from psephos.contests.errors import ContestError  # plain exceptions: safe before setup
    from psephos.files import OutputError
    from psephos.web import setup

    try:
        setup((ctx.obj or {}).get("database"))
    except ValueError as error:
        fail(str(error))
    except DatabaseError as error:
        fail(f"cannot use the database: {error}".strip())
    try:
        yield
    except ContestError as error:
        fail(error.message)
    except OutputError as error:
        fail(str(error))
    except DatabaseError as error:
        fail(f"database error: {error}".strip())


def warn_if_links_are_local() -> None:
    """Say so (stderr) when the links handed out will point at this computer."""
    from psephos.contests.credentials import local_links_warning

    warning = local_links_warning()
    if warning is not None:
        typer.echo(f"psephos: warning: {warning}", err=True)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _contest(slug: str) -> Any:
    from psephos.contests.casting.lookup import get_contest

    return get_contest(slug)


def _voter(contest: Any, member_number: str) -> Any:
    from psephos.contests.errors import ContestError
    from psephos.contests.models import Voter

    voter = Voter.objects.filter(contest=contest, member_number=member_number).first()
    if voter is None:
        raise ContestError(f"no voter with member number {member_number!r} in {contest.slug!r}")
    return voter


@contest_app.command("init")
def init_command(ctx: typer.Context,
                 file: Annotated[Path, typer.Argument(help="Contest definition (TOML).")]) -> None:
    """Create a contest from a TOML definition.

    Example: psephos contest init examples/labour-2016.toml
    """
    with _services(ctx):
        from psephos.contests.definition import create_contest, load_definition

        contest = create_contest(load_definition(file), actor=_actor())
        typer.echo(f"created contest {contest.slug}: {contest.sections.count()} sections, "
                   f"{contest.candidates.count()} candidates, method {contest.method}")


@electorate_app.command("import")
def import_command(
    ctx: typer.Context, contest: ContestArg,
    file: Annotated[Path, typer.Argument(help="The roll: CSV (UTF-8) or XLSX.")],
    section: Annotated[str, typer.Option("--section", help="Section slug or name.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")]
    = False,
    as_json: JsonOption = False,
) -> None:
    """Import a section's electorate, reporting every rejected or duplicate row.

    Example: psephos contest electorate import labour-2016 members.csv --section members --dry-run
    """
    with _services(ctx):
        from psephos.contests.electorate import import_electorate

        with count_progress("importing", "rows", _line_count(file)) as progress:
            report = import_electorate(_contest(contest), file, section, dry_run=dry_run,
                                       actor=_actor(), progress=progress)
    if as_json:
        emit_json(report.to_json())
        return
    prefix = "dry run, nothing written: " if dry_run else ""
    typer.echo(f"{prefix}{report.rows} rows: {report.accepted} accepted, "
               f"{len(report.duplicates)} duplicates, {len(report.rejected)} rejected "
               f"into {report.section}")
    for row in report.rejected:
        typer.echo(f"  line {row.line}: rejected: {row.reason}")
    for dup in report.duplicates:
        typer.echo(f"  line {dup.line}: duplicate: {dup.reason}")


@electorate_app.command("export")
def export_roll_command(
    ctx: typer.Context, contest: ContestArg,
    out: Annotated[Path, typer.Argument(help="A new CSV file: member_number, section.")],
) -> None:
    """Write the roll a registrar mints credentials for: the member number and section of
    every eligible voter who has no credential yet.

    Example: psephos contest electorate export labour-2016 roll.csv
    """
    with _services(ctx):
        from psephos.contests.registrar import roll_rows
        from psephos.contests.registrar_files import ROLL_COLUMNS

        rows = roll_rows(_contest(contest))
        write_atomically(out, lambda path: _write_csv(path, ROLL_COLUMNS, rows),
                         overwrite=False)
    typer.echo(f"wrote {len(rows)} voters to {out}")


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, str]]) -> None:
    """A file for a program (the registrar's), so member numbers are written exactly."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@contest_app.command("open")
def open_command(ctx: typer.Context, contest: ContestArg) -> None:
    """Fix the ballot paper and open voting.

    Example: psephos contest open labour-2016
    """
    with _services(ctx):
        from psephos.contests.lifecycle import open_contest
        from psephos.contests.nominations import ballot_candidates

        found = _contest(contest)
        open_contest(found, actor=_actor())
        names = ", ".join(c.name for c in ballot_candidates(found))
        typer.echo(f"{found.slug} is open; on the ballot: {names}")


@contest_app.command("close")
def close_command(ctx: typer.Context, contest: ContestArg) -> None:
    """Close voting (and destroy the seals that let a revocation find a ballot).

    Example: psephos contest close labour-2016
    """
    with _services(ctx):
        from psephos.contests.lifecycle import close_contest

        found = _contest(contest)
        close_contest(found, actor=_actor())
        typer.echo(f"{found.slug} is closed: {found.ballots.filter(removed=False).count()} ballots")


@contest_app.command("vote")
def vote_command(
    ctx: typer.Context, contest: ContestArg,
    credential: Annotated[str, typer.Option("--credential", help="Link token or postal code.")],
    ranking: Annotated[str, typer.Option("--ranking",
                                         help="Candidates in order, comma-separated.")],
    channel: Annotated[str, typer.Option("--channel", help="web, post, phone or cli.")] = "cli",
) -> None:
    """Cast a ballot (the same path as the web booth); prints the tracker.

    Example: psephos contest vote labour-2016 --credential KBCR-BSCQ-5YWF-C9F3 --ranking "B,A"
    """
    if channel not in CHANNELS:
        fail(f"--channel: {channel!r} is not one of {', '.join(CHANNELS)}")
    with _services(ctx):
        from psephos.contests.casting.service import cast_ballot


        receipt = cast_ballot(_contest(contest), credential, ranking.split(","),
                              channel=channel)
    typer.echo(f"ballot recorded; tracker {receipt.tracker}")


@contest_app.command("revoke")
def revoke_command(
    ctx: typer.Context, contest: ContestArg,
    member: Annotated[str, typer.Argument(help="The voter's member number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (logged for review).")],
) -> None:
    """Withdraw a voter's vote before the close (their ballot, if cast, is removed).

    Example: psephos contest revoke labour-2016 M1234 --reason "suspended by the NEC"
    """
    with _services(ctx):
        from psephos.contests.lifecycle import revoke

        found = _contest(contest)
        revocation = revoke(_voter(found, member), actor=_actor(), reason=reason)
    removed = "; their ballot was removed" if revocation.ballot_removed else ""
    typer.echo(f"revoked {member} (revocation {revocation.pk}){removed}")


@contest_app.command("count")
def count_command(
    ctx: typer.Context, contest: ContestArg,
    as_json: JsonOption = False,
) -> None:
    """Count a closed contest and print the declaration, overall and by section.

    Example: psephos contest count labour-2016 --json > declaration.json
    """
    with _services(ctx):
        from psephos.contests.counting import count_contest

        declaration = count_contest(_contest(contest), actor=_actor())
    if as_json:
        emit_json(declaration.to_json())
        return
    typer.echo(f"{declaration.name}: electorate {declaration.electorate:,}, ballots "
               f"{declaration.ballots:,}, turnout {declaration.turnout}%")
    width = max(len(n) for n in declaration.candidates)
    for section in declaration.sections:
        typer.echo(f"  {section.name}: electorate {section.electorate:,}, ballots "
                   f"{section.ballots:,}, turnout {section.turnout}%")
        for name, votes in section.votes.items():
            typer.echo(f"    {name:<{width}}  {votes:>9,}")
    for round_ in declaration.rounds:
        typer.echo(f"  stage {round_.stage} ({round_.action}):")
        for name, tally in round_.tallies.items():
            typer.echo(f"    {name:<{width}}  {tally!s:>9}")
    typer.echo(f"elected: {', '.join(declaration.elected)}")
    if declaration.audit_head:  # an anchor for verify-log --anchor, and the key to check it
        head = declaration.audit_head
        typer.echo(f"audit log head: {head['seq']}:{head['hash']} (public key "
                   f"{head['public_key']})")


@contest_app.command("export")
def export_command(
    ctx: typer.Context, contest: ContestArg,
    folder: Annotated[Path, typer.Argument(help="A new or empty folder to write into.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Write into a folder that already holds files (same names are "
                        "replaced).")] = False,
) -> None:
    """Publish the record: shuffled ballots, trackers and the declaration.

    Example: psephos contest export labour-2016 record/
    """
    with _services(ctx):
        from psephos.contests.counting import export_contest

        files = export_contest(_contest(contest), folder, force=force)
    for path in files:
        typer.echo(str(path))


@contest_app.command("verify-log")
def verify_log_command(
    ctx: typer.Context,
    anchors: Annotated[list[str] | None, typer.Option(
        "--anchor", metavar="HASH|SEQ:HASH",
        help="An audit head written down earlier (from a declaration or the public board): "
             "it must still be in the log at its place. Repeatable.")] = None,
    public_keys: Annotated[list[str] | None, typer.Option(
        "--public-key", metavar="KEY",
        help="Check the signatures with this public key (hex or base64, as published with "
             "the declaration) instead of the key file. Repeatable.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Check the audit log: its hash chain, its signatures, the anchors given and every
    closed contest's ballots; exit status 1, listing every problem, if it was tampered with.

    Example: psephos contest verify-log --anchor 42:9f86d081884c7d65...
    """
    with _services(ctx):
        from psephos.contests.audit import Anchor, verify_log
        from psephos.contests.audit_keys import key_path

        result = verify_log(anchors=[Anchor.parse(a) for a in anchors or []],
                            public_keys=public_keys)
        key_file = key_path()
    if as_json:
        emit_json(result.to_json())
    elif result.ok:
        typer.echo(f"audit log intact: {result.entries} entries; head "
                   f"{result.head_seq}:{result.head}")
        for key in result.public_keys:
            typer.echo(f"signed by public key {key}")
        for anchor in result.anchors:
            typer.echo(f"anchor in place: {anchor}")
        for slug in result.contests_checked:
            typer.echo(f"ballots and marks as committed at the close: {slug}")
    if not result.signatures_checked:
        typer.echo(f"psephos: warning: signatures not checked: no signing key at "
                   f"{key_file} and no --public-key given", err=True)
    if result.ok:
        return
    if not as_json:
        for problem in result.problems:
            typer.echo(f"psephos: audit log: {problem}", err=True)
    raise typer.Exit(1)


@contest_app.command("timetable")
def timetable_command(
    ctx: typer.Context, contest: ContestArg,
    ical_file: Annotated[Path | None, typer.Option("--ical", help="Write an iCalendar file.")]
    = None,
) -> None:
    """Print the timetable, or write it as iCalendar.

    Example: psephos contest timetable labour-2016 --ical labour-2016.ics
    """
    with _services(ctx):
        from psephos.contests.timetable import events, ical

        found = _contest(contest)
        if ical_file is not None:
            text = ical(found)
            write_atomically(ical_file, lambda p: _write_text(p, text))
            typer.echo(f"wrote {ical_file}")
            return
        from django.utils import timezone

        for event in events(found):
            place = f" ({event.place})" if event.place else ""
            typer.echo(f"{timezone.localtime(event.start):%Y-%m-%d %H:%M}  {event.title}{place}")


@contest_app.command("tick")
def tick_command(ctx: typer.Context) -> None:
    """Open and close every contest whose time has come by its timetable; exit status 1 if
    one was due but could not be (the reason is printed). For cron or a systemd timer:
    psephos serve does the same every 30 seconds.

    Example: psephos contest tick
    """
    with _services(ctx):
        from psephos.contests.timekeeper import tick

        done = tick()
    for item in done:
        typer.echo(str(item))
    if not done:
        typer.echo("nothing is due to open or close")
    if any(item.action.startswith("not ") for item in done):
        raise typer.Exit(1)


@contest_app.command("status")
def status_command(ctx: typer.Context, contest: ContestArg) -> None:
    """Say where a contest is: its state and when voting opens and closes (UK time).

    Example: psephos contest status labour-2016
    """
    with _services(ctx):
        from psephos.contests import timetable

        found = _contest(contest)
        opens = found.opens_at or timetable.scheduled_open(found)
        notice = timetable.deadline(found)
        typer.echo(f"{found.slug}: {found.state}")
        if found.state == "draft" and opens is not None and opens <= timetable.now():
            typer.echo(f"  due to open since {timetable.uk_time(opens)}: psephos contest tick "
                       "opens it or says why it cannot")
        elif found.state != "draft" and found.opens_at is not None:
            typer.echo(f"  voting opened at {timetable.uk_time(found.opens_at)}")
        typer.echo(f"  {notice.sentence}" if notice else "  no ballot close in the timetable")


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


@contest_app.command("unlock-login")
def unlock_login_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The admin account's username.")],
) -> None:
    """Lift an admin account's lockout after too many wrong passwords, from every address.

    Example: psephos contest unlock-login alice
    """
    with _services(ctx):
        from axes.utils import reset

        lifted = reset(username=username)
    typer.echo(f"{username}: {lifted} failed login record{'s' if lifted != 1 else ''} "
               "cleared; they may log in again")


@contest_app.command("demo")
def demo_command(
    ctx: typer.Context,
    voters: Annotated[int, typer.Option("--voters", min=1, help="Synthetic voters.")] = 3000,
    turnout: Annotated[float, typer.Option("--turnout", min=0.0, max=1.0,
                                           help="Share of voters who vote at once.")] = 0.0,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    slug: Annotated[str, typer.Option("--slug")] = "labour-2016-demo",
) -> None:
    """Create an open demonstration contest shaped like Labour's 2016 election.

    Example: psephos contest demo --voters 3000 --turnout 0.5
    """
    with _services(ctx):
        from psephos.contests.demo import create_demo

        contest = create_demo(voters=voters, seed=seed, slug=slug, turnout=turnout)
        typer.echo(f"created and opened {contest.slug}: {contest.voters.count()} voters, "
                   f"{contest.ballots.filter(removed=False).count()} ballots")




def _line_count(file: Path) -> int | None:
    """Data rows in a CSV (lines less the header), cheaply; None for XLSX or unreadable files."""
    from psephos.files import input_problem

    if file.suffix.lower() == ".xlsx" or input_problem(file) is not None:
        return None  # the import says what is wrong with the file
    try:
        with file.open("rb") as handle:
            lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None
    return max(lines - 1, 0)


# The credentials, mail and postal commands, the sealed ballot's (trustees, shuffle,
# decrypt) and the registrar's import live in modules of their own, which add them to
# these apps when imported.
from psephos.cli import contest_credentials, contest_sealed, registrar  # noqa: E402, F401
