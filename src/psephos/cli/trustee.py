"""`psephos trustee`: a trustee's side of a sealed-ballot contest, run on the trustee's own
machine with files only (no database, no network).

    psephos trustee new "Ann Smith" --out ann.private.json --public ann.public.json
    psephos trustee round1 ann.private.json ceremony.json --out ann.round1.json
    psephos trustee round2 ann.private.json ceremony.json round1/ --out ann.round2.json
    psephos trustee mix shuffle-members.json --out shuffle-members-1.json
    psephos trustee decrypt ann.private.json request-members.json \
        --shuffle shuffle-members.json --shuffle shuffle-members-1.json \
        --sealed sealed-members.json --out ann.shares.json

The private file holds the trustee's secret keys and, after round 2, its share of the
election key: it is written readable by its owner only (mode 0600) and kept secret.
docs/verifiability.md describes every file and check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from psephos.cli.output import JsonOption, emit_json, fail, write_atomically

trustee_app = typer.Typer(
    help="A trustee's side of a sealed-ballot contest: keys, key ceremony, decryption.",
    no_args_is_help=True, add_completion=False)

PrivateArg = Annotated[Path, typer.Argument(help="The trustee's private file.",
                                            metavar="PRIVATE.json")]
CeremonyArg = Annotated[Path, typer.Argument(help="The ceremony file from the server.",
                                             metavar="CEREMONY.json")]
OutOption = Annotated[Path, typer.Option("--out", help="The message to send to the server "
                                                       "(not overwritten if it exists).",
                                         metavar="FILE.json")]
WorkersOption = Annotated[int, typer.Option("--workers", min=1,
                                            help="Threads for the group operations.")]


def _read_json(path: Path, expected: str) -> Any:
    """The JSON document in ``path``, or a one-line error naming the file (exit 2)."""
    from psephos.files import input_problem

    problem = input_problem(path, expected)
    if problem is not None:
        fail(f"{path}: {problem}")
    try:
        return json.loads(path.read_bytes())
    except json.JSONDecodeError as error:
        fail(f"{path}: not JSON ({error.msg} at line {error.lineno} column {error.colno}); "
             f"expected {expected}")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text; expected {expected}")
    except OSError as error:
        fail(f"{path}: cannot be read ({error.strerror or error})")


def _checked(path: Path, expected: str, check: Any) -> Any:
    """The document in ``path`` after ``check(document)`` accepted it."""
    from psephos.crypto.errors import CeremonyError

    document = _read_json(path, expected)
    try:
        check(document)
    except CeremonyError as error:
        _refuse(path, str(error))
    return document


def _refuse(path: Path, message: str) -> NoReturn:
    """``psephos: FILE: what is wrong`` (the library's "who:" prefix dropped), exit 2."""
    for prefix in ("trustee private file: ", "ceremony: ", "decryption request: "):
        message = message.removeprefix(prefix)
    fail(f"{path}: {message}")


def _write_json(path: Path, document: Any, *, private: bool = False,
                overwrite: bool = False) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"),
                     private=private, overwrite=overwrite)


def _check_new_target(path: Path) -> None:
    """Refuse, before any work, an output that exists or cannot be written."""
    from psephos.files import OutputError, check_target

    try:
        check_target(path, overwrite=False)
    except OutputError as error:
        fail(str(error))


def _private(path: Path) -> dict[str, Any]:
    from psephos.crypto.trustees import read_private

    return _checked(path, "a trustee's private file", read_private)  # type: ignore[no-any-return]


def _ceremony(path: Path) -> dict[str, Any]:
    from psephos.crypto.ceremony import read_ceremony

    return _checked(path, "a ceremony file", read_ceremony)  # type: ignore[no-any-return]


@trustee_app.command("new")
def new_command(
    name: Annotated[str, typer.Argument(help="The trustee's name, as others will see it.")],
    out: Annotated[Path, typer.Option("--out", metavar="PRIVATE.json",
                                      help="The private file to make (mode 0600).")],
    public: Annotated[Path, typer.Option("--public", metavar="PUBLIC.json",
                                         help="The public file to give the server.")],
    as_json: JsonOption = False,
) -> None:
    """Make a trustee's keys: a private file to keep secret, a public file to hand in.

    Example: psephos trustee new "Ann Smith" --out ann.private.json --public ann.public.json
    """
    from psephos.crypto.ceremony import new_trustee

    if not name.strip():
        fail("NAME: a trustee needs a name")
    if out.resolve() == public.resolve():
        fail("--out and --public must be two different files")
    _check_new_target(out)
    _check_new_target(public)
    private_file, public_file = new_trustee(name)
    _write_json(out, private_file, private=True)
    _write_json(public, public_file)
    if as_json:
        emit_json({"name": public_file["name"], "private": str(out), "public": str(public),
                   "signing_key": public_file["signing_key"],
                   "box_key": public_file["box_key"]})
    else:
        typer.echo(f"{out}: private keys of {public_file['name']} (keep it secret)")
        typer.echo(f"{public}: public keys, to give the contest's organiser")


@trustee_app.command("round1")
def round1_command(private: PrivateArg, ceremony: CeremonyArg, out: OutOption,
                   as_json: JsonOption = False) -> None:
    """Round 1 of the key ceremony: commitments and the other trustees' sealed shares.

    Records this trustee's secret polynomial in PRIVATE.json. Run again, it writes the same
    message: a second polynomial would contradict the first.

    Example: psephos trustee round1 ann.private.json ceremony.json --out ann.round1.json
    """
    from psephos.crypto import ceremony as dkg
    from psephos.crypto.errors import CeremonyError

    _check_new_target(out)
    private_file = _private(private)
    ceremony_file = _ceremony(ceremony)
    try:
        updated, message = dkg.round1(private_file, ceremony_file)
    except CeremonyError as error:
        _refuse(_blamed(str(error), private, ceremony), str(error))
    if updated != private_file:
        _write_json(private, updated, private=True, overwrite=True)
    _write_json(out, message)
    if as_json:
        emit_json({"trustee": message["trustee"], "message": str(out),
                   "private_updated": updated != private_file})
    else:
        checked = dkg.read_ceremony(ceremony_file)
        names = ", ".join(t.name + (" (you)" if number == message["trustee"] else "")
                          for number, t in checked.trustees.items())
        typer.echo(f"ceremony {checked.hash[:16]}: {checked.contest!r}, any "
                   f"{checked.threshold} of {len(checked.trustees)} trustees: {names}")
        if updated != private_file:
            typer.echo(f"{private}: now holds this trustee's secret polynomial for the ceremony")
        typer.echo(f"{out}: round 1 message of trustee {message['trustee']}, to send to the "
                   "organiser")


def _round1_files(paths: list[Path]) -> list[Path]:
    """The files named, a folder standing for the .json files in it."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix == ".json" and p.is_file())
            if not found:
                fail(f"{path}: this folder holds no .json files; expected round 1 messages")
            files.extend(found)
        else:
            files.append(path)
    return files


@trustee_app.command("round2")
def round2_command(
    private: PrivateArg, ceremony: CeremonyArg,
    round1: Annotated[list[Path], typer.Argument(
        help="Every trustee's round 1 message: files, or folders of .json files.",
        metavar="ROUND1...")],
    out: OutOption,
    as_json: JsonOption = False,
) -> None:
    """Round 2 of the key ceremony: open and check this trustee's shares, then accept (the
    verification key) or complain about the trustees whose shares are wrong (exit 1).

    Example: psephos trustee round2 ann.private.json ceremony.json round1/ --out ann.round2.json
    """
    from psephos.crypto import ceremony as dkg
    from psephos.crypto.errors import CeremonyError

    _check_new_target(out)
    private_file = _private(private)
    ceremony_file = _ceremony(ceremony)
    messages = []
    by_trustee: dict[int, Path] = {}
    for path in _round1_files(round1):
        message = _checked(path, "a round 1 message",
                           lambda document: dkg.check_round1(ceremony_file, document))
        if message["trustee"] in by_trustee:
            fail(f"{path}: a second round 1 message of trustee {message['trustee']} (the "
                 f"first is {by_trustee[message['trustee']]})")
        by_trustee[message["trustee"]] = path
        messages.append(message)
    try:
        updated, reply = dkg.round2(private_file, ceremony_file, messages)
    except CeremonyError as error:
        _refuse(_blamed(str(error), private, ceremony, round1[0], by_trustee), str(error))
    if updated != private_file:
        _write_json(private, updated, private=True, overwrite=True)
    _write_json(out, reply)
    if as_json:
        emit_json({"trustee": reply["trustee"], "verification_key": reply["verification_key"],
                   "election_key": reply["election_key"], "complaints": reply["complaints"],
                   "message": str(out), "private_updated": updated != private_file})
    elif not reply["complaints"]:
        if updated != private_file:
            typer.echo(f"{private}: now holds this trustee's share of the election key (its "
                       "polynomial is deleted)")
        typer.echo(f"{out}: trustee {reply['trustee']} accepts; election key "
                   f"{reply['election_key']}")
    for complaint in reply["complaints"]:
        typer.echo(f"psephos: trustee {complaint['trustee']} ({by_trustee[complaint['trustee']]}"
                   f"): {complaint['problem']}", err=True)
    if reply["complaints"]:
        typer.echo(f"{out}: the complaint, to send to the organiser", err=True)
        raise typer.Exit(1)


def _blamed(message: str, private: Path, other: Path, round1: Path | None = None,
            by_trustee: dict[int, Path] | None = None) -> Path:
    """The file a refusal is about: the private file, a round 1 message, or else ``other``
    (the ceremony or request the step was given)."""
    if message.startswith("trustee private file:") or "round 1 has not been run" in message \
            or "holds no share" in message:
        return private
    if round1 is not None and message.startswith("round 1 message of trustee "):
        number = message.removeprefix("round 1 message of trustee ").split(":")[0]
        return (by_trustee or {}).get(int(number), round1) if number.isdigit() else round1
    if round1 is not None and message.startswith("round 1 messages:"):
        return round1
    return other


@trustee_app.command("decrypt")
def decrypt_command(
    private: PrivateArg,
    request: Annotated[Path, typer.Argument(help="The decryption request from the server.",
                                            metavar="REQUEST.json")],
    out: OutOption,
    shuffle: Annotated[list[Path] | None, typer.Option(
        "--shuffle", help="The section's chain of mixes, in order (shuffle-<section>.json, "
                          "then shuffle-<section>-1.json, …), the last the one the request "
                          "names: every proof is checked before anything is decrypted; "
                          "needs --sealed.",
        metavar="SHUFFLE.json")] = None,
    sealed: Annotated[Path | None, typer.Option(
        "--sealed", help="The section's sealed ballots as cast (sealed-<section>.json), the "
                         "input the shuffle's proof is checked against.",
        metavar="SEALED.json")] = None,
    workers: WorkersOption = 1,
    as_json: JsonOption = False,
) -> None:
    """This trustee's decryption shares of a request's ballots, with their proof; given
    the shuffle and the sealed ballots, only once the proof of shuffle shows the request's
    ballots to be those sealed ballots re-encrypted and permuted.

    Example: psephos trustee decrypt ann.private.json request-members.json
    --shuffle shuffle-members.json --shuffle shuffle-members-1.json
    --sealed sealed-members.json --out ann.shares.json
    """
    from psephos.crypto import decryption
    from psephos.crypto.errors import CeremonyError

    shuffle = shuffle or None
    if (shuffle is None) != (sealed is None):
        fail("--shuffle and --sealed go together: the proof of shuffle is checked against "
             "the sealed ballots it shuffled")
    _check_new_target(out)
    private_file = _private(private)
    request_file = _checked(request, "a decryption request", decryption.read_request)
    if shuffle is not None and sealed is not None:
        _check_shuffle(request_file, shuffle, sealed, workers)
    elif "shuffle" in request_file:
        typer.echo("note: the request names a shuffle whose proof was not checked (give "
                   "--shuffle and --sealed to check it)", err=True)
    try:
        response = decryption.decrypt_shares(private_file, request_file, workers=workers)
    except CeremonyError as error:
        _refuse(_blamed(str(error), private, request), str(error))
    _write_json(out, response)
    if as_json:
        emit_json({"trustee": response["trustee"], "ballots": request_file["count"],
                   "label": request_file["label"], "shares": str(out),
                   "shuffle_checked": shuffle is not None})
    else:
        if shuffle is not None:
            every = f" at each of its {len(shuffle)} stages" if len(shuffle) > 1 else ""
            typer.echo(f"{', '.join(map(str, shuffle))}: the proof of shuffle holds{every}: "
                       f"the request's ballots are {sealed}'s re-encrypted and permuted")
        typer.echo(f"{out}: trustee {response['trustee']}'s shares of {request_file['count']:,} "
                   f"ballots ({request_file['label']}), to send to the organiser")


def _check_shuffle(request: dict[str, Any], shuffles: list[Path], sealed: Path,
                   workers: int) -> None:
    """Refuse (exit 2, naming the file) unless ``shuffles`` is a chain of mixes from
    ``sealed`` whose proofs all hold, and the request names its last stage and holds its
    output."""
    from psephos.crypto.decryption import check_request_chain
    from psephos.crypto.errors import CeremonyError, ShuffleError
    from psephos.crypto.shuffle_file import read_sealed_list

    chain = [_read_json(path, "a shuffle file (psephos-shuffle/1)") for path in shuffles]
    try:
        inputs = read_sealed_list(_read_json(sealed, "a sealed ballots file "
                                                     "(psephos-sealed-ballots/1)"))
    except ShuffleError as error:
        _refuse(sealed, str(error).removeprefix("sealed ballots file: "))
    try:
        check_request_chain(request, chain, inputs, workers=workers)
    except CeremonyError as error:
        message = str(error)
        if message.startswith("decryption request:"):
            fail(f"not decrypting: {message}")
        blamed = shuffles[-1]
        if message.startswith("shuffle file (stage "):
            stage = message.removeprefix("shuffle file (stage ").split(")")[0]
            blamed = shuffles[int(stage)] if stage.isdigit() else blamed
            message = message.removeprefix(f"shuffle file (stage {stage}): ")
            message = f"stage {stage}: {message}"
        fail(f"{blamed}: not decrypting: {message.removeprefix('shuffle file: ')}")


@trustee_app.command("mix")
def mix_command(
    previous: Annotated[Path, typer.Argument(
        help="The section's last mix so far (shuffle-<section>.json, or the last "
             "shuffle-<section>-<stage>.json): its output is re-mixed.",
        metavar="PREVIOUS.json")],
    out: OutOption,
    workers: WorkersOption = 1,
    as_json: JsonOption = False,
) -> None:
    """Re-mix a section's ballots: shuffle and re-encrypt the previous mix's output with a
    proof, as the next stage of the section's chain, for the organiser to add with
    'psephos contest add-mix'. Keep nothing: the permutation and randomness are forgotten.

    Example: psephos trustee mix shuffle-members.json --out shuffle-members-1.json
    """
    from psephos.crypto.errors import ShuffleError
    from psephos.crypto.shuffle_file import mix_next, shuffle_hash

    _check_new_target(out)
    document = _read_json(previous, "a shuffle file (psephos-shuffle/1)")
    try:
        mixed = mix_next(document, workers=workers)
    except ShuffleError as error:
        _refuse(previous, str(error).removeprefix("previous shuffle file: "))
    _write_json(out, mixed)
    digest = shuffle_hash(mixed)
    if as_json:
        emit_json({"stage": mixed["stage"], "label": mixed["label"], "count": mixed["count"],
                   "previous": mixed["previous"], "shuffle": digest, "out": str(out)})
    else:
        typer.echo(f"{out}: stage {mixed['stage']} of {mixed['label']}, {mixed['count']:,} "
                   f"ballots re-mixed; shuffle hash {digest}; send it to the organiser")
