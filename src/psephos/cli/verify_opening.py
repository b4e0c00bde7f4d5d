"""`psephos verify-opening FILE --key HEX`: check a ballot opened on the confirm page.

The voter's independent check of Benaloh's cast-or-challenge (Benaloh, "Simple verifiable
elections", EVT 2006): the file the confirm page offers after "Check this ballot" holds the
sealed ballot, the ranking as slots on the paper and each slot's randomness; re-encrypting
that ranking with that randomness under the election key (taken from the published record,
not from the file) must give the very same bytes (`elgamal.check_opening`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from psephos.cli.output import fail
from psephos.crypto import elgamal, group

MATCH, MISMATCH = 0, 1


def _hex(value: Any, what: str, length: int) -> bytes:
    """``value`` read as ``length`` bytes of hex; exit status 2 if it is not."""
    try:
        data = bytes.fromhex(value) if isinstance(value, str) else None
    except ValueError:
        data = None
    if data is None or len(data) != length:
        fail(f"{what}: expected {length} bytes of hex, not {str(value)[:80]!r}")
    return data


def read_opening(path: Path) -> tuple[bytes, list[int], list[bytes], dict[str, Any]]:
    """The sealed ballot, slots and scalars of an opened-ballot file, and the whole file;
    exit status 2 if it is not one."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{path}: cannot read an opened ballot: {error}")
    if not isinstance(document, dict):
        fail(f"{path}: expected a JSON object with sealed, slots and scalars")
    slots, scalar_texts = document.get("slots"), document.get("scalars")
    if not isinstance(slots, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in slots):
        fail(f"{path}: slots: expected a list of whole numbers")
    if not isinstance(scalar_texts, list) or not scalar_texts:
        fail(f"{path}: scalars: expected a list of hex scalars, one a slot")
    scalars = [_hex(text, f"{path}: scalars.{n}", group.SCALAR_BYTES)
               for n, text in enumerate(scalar_texts)]
    sealed = _hex(document.get("sealed"), f"{path}: sealed",
                  len(scalars) * elgamal.CIPHERTEXT_BYTES)
    return sealed, slots, scalars, document


def verify_opening_command(
    file: Annotated[Path, typer.Argument(
        help="The opened ballot the confirm page offered (opened-ballot.json).",
        metavar="FILE")],
    key: Annotated[str, typer.Option(
        "--key", help="The contest's election key (hex), from its published record.")],
) -> None:
    """Check a ballot opened with "Check this ballot": that its sealed ballot is exactly the
    ranking it names, sealed under the election key with the randomness it reveals. Exit
    status 0 if it is, 1 if not, 2 if the file or the key cannot be read.

    Example: psephos verify-opening opened-ballot.json --key 5e3c...
    """
    election_key = _hex(key.strip(), "--key", group.POINT_BYTES)
    sealed, slots, scalars, document = read_opening(file)
    names = document.get("ranking")
    named = (f" ({', '.join(map(str, names))}, as the file names them)"
             if isinstance(names, list) and len(names) == len(slots) else "")
    if document.get("election_key") not in (None, election_key.hex()):
        typer.echo("note: the file's election key is not the one given; checking with --key")
    if elgamal.check_opening(election_key, sealed, slots, len(scalars), scalars):
        slots_text = ", ".join(str(slot + 1) for slot in slots) or "none"
        typer.echo(f"ok: the sealed ballot holds the ranking of paper places {slots_text}"
                   f"{named}")
        raise typer.Exit(MATCH)
    typer.echo("FAIL: the sealed ballot is not this ranking sealed with this randomness "
               "under this key")
    raise typer.Exit(MISMATCH)
