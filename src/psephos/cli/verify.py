"""`psephos verify RECORD`: check a contest's published record on its own (no database).

The checks are `psephos.verify`'s; this module prints them, one line each, or as JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from psephos.cli.output import JsonOption, emit_json, fail

if TYPE_CHECKING:
    from psephos.verify import Check


def verify_command(
    record: Annotated[Path, typer.Argument(
        help="The folder `psephos contest export` wrote.", metavar="RECORD")],
    allow_unproved_mix: Annotated[bool, typer.Option(
        "--allow-unproved-mix",
        help="A section whose mix has no published proof of shuffle is a warning, not a "
             "failure (records exported before mixes were proved).")] = False,
    board_key: Annotated[str | None, typer.Option(
        "--board-key", metavar="HEX",
        help="The board's public key as published at the opening (64 hex digits): the "
             "checkpoints must be signed by it, not just by the key board.json names.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Check everything a published record holds: the key ceremony, the public board's
    signed checkpoints, the credential lists committed at the opening, every ballot's
    signature and eligibility (one counted ballot per voter), each section's sealed
    and mixed ballots and the proof of shuffle between them, the decryption request, every
    trustee's shares and proofs, the opened ballots against the ballot files, and a
    recount against the declaration. One line a check; exit status 0 if all pass, 1 if
    one fails, 2 if the record cannot be read, 3 if only a proof of shuffle is missing.

    Example: psephos verify record/ --board-key 3f2a…
    """
    from psephos.verify import RecordError, verify_record

    pinned = None
    if board_key is not None:
        try:
            pinned = bytes.fromhex(board_key.strip())
        except ValueError:
            pinned = b""
        if len(pinned) != 32:
            fail(f"--board-key: expected 64 hexadecimal digits, got {board_key!r}")

    def show(check: Check) -> None:
        typer.echo(check.line())

    try:
        report = verify_record(record, allow_unproved_mix=allow_unproved_mix,
                               board_key=pinned, on_check=None if as_json else show)
    except RecordError as error:
        fail(str(error))
    if as_json:
        emit_json(report.to_json())
    else:
        typer.echo(report.summary())
    raise typer.Exit(report.exit_status)
