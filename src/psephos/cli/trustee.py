"""`psephos trustee`: a trustee's own steps, on their own machine, with their private file.

Nothing here talks to the server or its database: the trustee receives files (the
ceremony, the other trustees' round 1 messages, decryption requests) and sends files back
(their public file, their round 1 and round 2 messages, their decryption shares). Their
private file never leaves their machine; it is written with mode 0600 and updated in place
(whole or not at all) as the ceremony goes on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from psephos.cli.output import fail, write_atomically

trustee_app = typer.Typer(help="A trustee's steps: keys, the key ceremony, decryption.",
                          no_args_is_help=True, add_completion=False)

PrivateArg = Annotated[Path, typer.Argument(help="Your private file (keep it to yourself).")]
OutOption = Annotated[Path, typer.Option("--out", help="The file to send to the server.")]


def _read(path: Path, what: str) -> Any:
    """A JSON file's content; a user error (exit 2) naming the file if it cannot be read."""
    from psephos.files import input_problem

    problem = input_problem(path, what)
    if problem is not None:
        fail(f"{path}: {problem}")
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text; expected {what}")
    except json.JSONDecodeError as error:
        fail(f"{path}:{error.lineno}: not JSON ({error.msg}); expected {what}")


def _write(path: Path, document: Any, *, private: bool = False, overwrite: bool = True
           ) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, lambda p: p.write_text(text, encoding="utf-8"), private=private,
                     overwrite=overwrite)


def _step(run: Any, *args: Any) -> Any:
    """Run a ceremony or decryption step; its refusal is a user error, not a traceback."""
    from psephos.crypto.errors import CeremonyError

    try:
        return run(*args)
    except CeremonyError as error:
        fail(str(error))


@trustee_app.command("new")
def new_command(
    name: Annotated[str, typer.Argument(help="Your name, as the ceremony will show it.")],
    private: Annotated[Path, typer.Option("--private", help="New private file (mode 0600).")],
    public: Annotated[Path, typer.Option("--public", help="New public file, for the server.")],
) -> None:
    """Make your keys: a private file to keep, a public file to send.

    Example: psephos trustee new "Ann Example" --private ann.json --public ann.public.json
    """
    from psephos.crypto.ceremony import new_trustee

    if not name.strip():
        fail("a trustee needs a name")
    for path in (private, public):  # a trustee's keys are never written over
        if path.exists() or path.is_symlink():
            fail(f"{path}: already exists; it is not overwritten")
    secret, shown = new_trustee(name)
    _write(private, secret, private=True, overwrite=False)
    _write(public, shown, overwrite=False)
    typer.echo(f"wrote {private} (mode 0600; keep it) and {public} (send it to the server)")


@trustee_app.command("round1")
def round1_command(
    private: PrivateArg,
    ceremony: Annotated[Path, typer.Argument(help="The ceremony file from the server.")],
    out: OutOption,
) -> None:
    """Round 1 of the key ceremony: your commitments and a share for each other trustee.

    Example: psephos trustee round1 ann.json ceremony.json --out ann.round1.json
    """
    from psephos.crypto.ceremony import round1

    updated, message = _step(round1, _read(private, "your private file"),
                             _read(ceremony, "a ceremony file"))
    _write(private, updated, private=True)  # first: the message is no use without it
    _write(out, message)
    typer.echo(f"wrote {out}; send it to the server ({private} updated)")


@trustee_app.command("round2")
def round2_command(
    private: PrivateArg,
    ceremony: Annotated[Path, typer.Argument(help="The ceremony file from the server.")],
    round1: Annotated[Path, typer.Argument(help="Every trustee's round 1 messages, as the "
                                                "server lists them (a JSON list).")],
    out: OutOption,
) -> None:
    """Round 2: check the shares the others sent you, and publish your verification key.

    Example: psephos trustee round2 ann.json ceremony.json round1.json --out ann.round2.json
    """
    from psephos.crypto.ceremony import round2

    messages = _read(round1, "a JSON list of round 1 messages")
    if not isinstance(messages, list):
        fail(f"{round1}: expected a JSON list of round 1 messages")
    updated, message = _step(round2, _read(private, "your private file"),
                             _read(ceremony, "a ceremony file"), messages)
    _write(private, updated, private=True)  # first: the message is no use without it
    _write(out, message)
    typer.echo(f"wrote {out}; send it to the server ({private} updated)")


@trustee_app.command("decrypt")
def decrypt_command(
    private: PrivateArg,
    request: Annotated[Path, typer.Argument(help="A decryption request from the server.")],
    out: OutOption,
) -> None:
    """Your share of the decryption of one section's mixed ballots, with proofs.

    Example: psephos trustee decrypt ann.json request-members.json --out ann.members.json
    """
    from psephos.crypto.decryption import decrypt_shares

    response = _step(decrypt_shares, _read(private, "your private file"),
                     _read(request, "a decryption request"))
    _write(out, response)
    typer.echo(f"wrote {out}; send it to the server")
