"""`psephos contest trustees|shuffle|mix-files|add-mix|decryption-request|decrypt`: the
sealed ballot's steps on the server, each a thin call of its service (`psephos.contests.trustees`,
`psephos.contests.mixing`, `psephos.contests.opening`). The trustees' own steps are
`psephos trustee ...`, run on their own machines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from psephos.cli.contest import ContestArg, _actor, _contest, _services, contest_app
from psephos.cli.output import JsonOption, emit_json

trustees_app = typer.Typer(help="The trustees who hold the contest's key, and their key "
                                "ceremony.", no_args_is_help=True)
contest_app.add_typer(trustees_app, name="trustees")

JsonFiles = Annotated[list[Path], typer.Argument(help="JSON files, as the trustees sent them.")]


@trustees_app.command("add")
def trustees_add_command(ctx: typer.Context, contest: ContestArg, files: JsonFiles) -> None:
    """Add trustees from their public files (made with 'psephos trustee new'), in order.

    Example: psephos contest trustees add labour-2016 ann.public.json bob.public.json
    """
    with _services(ctx):
        from psephos.contests.errors import TrusteeError
        from psephos.contests.textfile import read_json_object
        from psephos.contests.trustees import add_trustees

        publics = [(str(f), read_json_object(f, "a trustee's public file", TrusteeError))
                   for f in files]
        added = add_trustees(_contest(contest), publics, actor=_actor())
    for trustee in added:
        typer.echo(f"trustee {trustee.index}: {trustee.name}")


@trustees_app.command("ceremony")
def trustees_ceremony_command(
    ctx: typer.Context, contest: ContestArg,
    threshold: Annotated[int, typer.Option("--threshold", min=1,
                                           help="How many trustees it takes to decrypt.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the ceremony file for "
                                                    "the trustees.")],
) -> None:
    """Start the key ceremony: write the ceremony file each trustee runs round 1 on.

    Example: psephos contest trustees ceremony labour-2016 --threshold 2 --out ceremony.json
    """
    with _services(ctx):
        from psephos.contests.textfile import write_json
        from psephos.contests.trustees import start_ceremony
        from psephos.files import check_target

        check_target(out, overwrite=False)
        document = start_ceremony(_contest(contest), threshold, actor=_actor())
        write_json(out, document)
    typer.echo(f"wrote {out}; each trustee now runs 'psephos trustee round1' on it")


@trustees_app.command("submit")
def trustees_submit_command(ctx: typer.Context, contest: ContestArg, files: JsonFiles) -> None:
    """Take trustees' round 1 or round 2 messages, each checked as it comes in.

    Example: psephos contest trustees submit labour-2016 ann.round1.json
    """
    with _services(ctx):
        from psephos.contests.errors import TrusteeError
        from psephos.contests.textfile import read_json_object
        from psephos.contests.trustees import submit_message

        found = _contest(contest)
        for file in files:
            message = read_json_object(file, "a trustee's ceremony message", TrusteeError)
            status = submit_message(found, message, actor=_actor(), source=str(file))
            typer.echo(f"{file}: accepted")
    _print_status(status.to_json())


@trustees_app.command("round1")
def trustees_round1_command(
    ctx: typer.Context, contest: ContestArg,
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Folder to write the messages "
                                                            "into.")],
) -> None:
    """Write every trustee's round 1 message (round1-trustee-<i>.json), which each needs
    for round 2.

    Example: psephos contest trustees round1 labour-2016 --out-dir round1/
    """
    with _services(ctx):
        from psephos.contests.trustees import write_round1_messages

        paths = write_round1_messages(_contest(contest), out_dir)
    typer.echo(f"wrote {len(paths)} messages into {out_dir}; each trustee now runs "
               "'psephos trustee round2' with them")


@trustees_app.command("status")
def trustees_status_command(ctx: typer.Context, contest: ContestArg,
                            as_json: JsonOption = False) -> None:
    """Where the key ceremony is, and (after the close) whose decryption shares are in.

    Example: psephos contest trustees status labour-2016 --json
    """
    with _services(ctx):
        from psephos.contests.mixing import is_mixed
        from psephos.contests.opening import decryption_status
        from psephos.contests.trustees import ceremony_status

        found = _contest(contest)
        document = ceremony_status(found).to_json()
        if is_mixed(found):
            document["decryption"] = decryption_status(found).to_json()
    if as_json:
        emit_json(document)
        return
    _print_status(document)


def _print_status(document: dict[str, Any]) -> None:
    typer.echo(f"trustees: {', '.join(document['trustees']) or 'none'}")
    typer.echo(f"ceremony: {document['state']}, threshold {document['threshold']}"
               + (" (run locally: weaker)" if document["local"] else ""))
    if document["election_key"]:
        typer.echo(f"election key: {document['election_key']}")
    if document["missing"]:
        typer.echo(f"missing: {document['missing']}")
    decryption = document.get("decryption")
    if isinstance(decryption, dict):
        for section, trustees in decryption["sections"].items():
            typer.echo(f"section {section}: shares from trustees "
                       f"{', '.join(map(str, trustees)) or 'none'}")
        typer.echo("ballots opened" if decryption["opened"] else
                   f"still needed: {decryption['missing'] or 'nothing; count it'}")


@trustees_app.command("local")
def trustees_local_command(
    ctx: typer.Context, contest: ContestArg,
    trustees: Annotated[int, typer.Option("--trustees", min=1, help="n: how many.")],
    threshold: Annotated[int, typer.Option("--threshold", min=1, help="k: how many decrypt.")],
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Folder for the trustees' private "
                                                            "files (mode 0600).")],
) -> None:
    """Run the whole key ceremony here, writing every trustee's private file (weaker:
    whoever holds k of the files can decrypt; for small ballots, demos and tests).

    Example: psephos contest trustees local labour-2016 --trustees 3 --threshold 2 --out-dir keys/
    """
    with _services(ctx):
        from psephos.contests.trustees import run_local_ceremony

        paths = run_local_ceremony(_contest(contest), trustees, threshold, out_dir,
                                   actor=_actor())
    for path in paths:
        typer.echo(f"wrote {path} (mode 0600): give it to its trustee, keep no copy")


@contest_app.command("shuffle")
def shuffle_command(ctx: typer.Context, contest: ContestArg) -> None:
    """After the close: shuffle and re-encrypt each section's ballots, with a proof of
    shuffle for each (logged).

    Example: psephos contest shuffle labour-2016
    """
    with _services(ctx):
        from psephos.contests.mixing import mix_contest

        mixes = mix_contest(_contest(contest), actor=_actor())
    for mix in mixes:
        proved = (f"; proof of shuffle {mix.shuffle_hash}" if mix.shuffle_hash
                  else "; nothing to prove")
        typer.echo(f"section {mix.section}: {mix.ballots} ballots mixed; sha256 "
                   f"{mix.mixed_sha256}{proved}")


@contest_app.command("mix-files")
def mix_files_command(
    ctx: typer.Context, contest: ContestArg,
    folder: Annotated[Path, typer.Argument(help="Folder to write the files into.")],
) -> None:
    """Write each section's chain of mixes so far (shuffle-<section>.json, then
    shuffle-<section>-<stage>.json) and its sealed list, for the next mixer's 'psephos
    trustee mix' of the last one.

    Example: psephos contest mix-files labour-2016 mixes/
    """
    with _services(ctx):
        from psephos.contests.mixing import write_chains

        paths = write_chains(_contest(contest), folder)
    for path in paths:
        typer.echo(str(path))


@contest_app.command("add-mix")
def add_mix_command(
    ctx: typer.Context, contest: ContestArg,
    section: Annotated[str, typer.Argument(help="The section's slug.")],
    file: Annotated[Path, typer.Argument(help="A trustee's re-mix (from 'psephos trustee "
                                              "mix').", metavar="SHUFFLE.json")],
) -> None:
    """Add a trustee's re-mix as the next stage of a section's chain of mixes, once its
    proof shows it re-mixes the chain's last output (logged); the decryption request then
    names it.

    Example: psephos contest add-mix labour-2016 members shuffle-members-1.json
    """
    with _services(ctx):
        from psephos.contests.errors import ContestError
        from psephos.contests.mixing import add_mix
        from psephos.contests.textfile import read_json_object

        document = read_json_object(file, "a shuffle file (psephos-shuffle/1)", ContestError)
        added = add_mix(_contest(contest), section, document, actor=_actor(),
                        source=str(file))
    typer.echo(f"section {added.section}: stage {added.stage} added, {added.ballots} "
               f"ballots re-mixed; proof of shuffle {added.shuffle_hash}; the decryption "
               "request names it")


@contest_app.command("decryption-request")
def decryption_request_command(
    ctx: typer.Context, contest: ContestArg,
    folder: Annotated[Path, typer.Argument(help="Folder to write one request a section into.")],
) -> None:
    """Write the decryption requests (one a section) for the trustees.

    Example: psephos contest decryption-request labour-2016 requests/
    """
    with _services(ctx):
        from psephos.contests.mixing import write_requests

        paths = write_requests(_contest(contest), folder, actor=_actor())
    for path in paths:
        typer.echo(str(path))


@contest_app.command("decrypt")
def decrypt_command(ctx: typer.Context, contest: ContestArg, files: JsonFiles) -> None:
    """Take trustees' decryption shares (from 'psephos trustee decrypt'), each checked.

    Example: psephos contest decrypt labour-2016 ann.shares-members.json
    """
    with _services(ctx):
        from psephos.contests.errors import TrusteeError
        from psephos.contests.opening import add_shares, decryption_status
        from psephos.contests.textfile import read_json_object

        found = _contest(contest)
        for file in files:
            response = read_json_object(file, "a trustee's decryption shares", TrusteeError)
            request = add_shares(found, response, actor=_actor(), source=str(file))
            typer.echo(f"{file}: accepted for section {request.section.slug}")
        status = decryption_status(found)
    typer.echo(f"still needed: {status.missing}" if status.missing else
               "enough shares for every section; run 'contest count'")
