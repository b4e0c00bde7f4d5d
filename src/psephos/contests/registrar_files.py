"""The registrar's side: voters' secrets minted away from the server, and the files it hands
over (docs/verifiability.md, section 10.9).

A registrar reads the contest's roll (member number and section of each voter, as
`psephos contest electorate export` writes it), mints each voter a link token and a postal
code, derives their entry (`psephos.crypto.credentials.credential_pair`) and writes:

- ``letters.csv``: member number, section, link token and postal code, for the registrar's
  own mailing (mode 0600, never over an existing file). Nothing else holds the secrets.
- ``server.json`` (`SERVER_FORMAT`): each voter's member number, section and the hashes
  of their two secrets (`psephos.contests.tokens`), which is all the server needs to find
  a voter from a secret; and each section list's hash. No entry: the server never learns
  which entry is whose.
- ``credentials-<section>.json``: each section's list (`psephos-credentials/1`).

Runs without Django or a database: the registrar's computer holds no copy of the server.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psephos.contests import tokens
from psephos.contests.errors import RegistrarError
from psephos.crypto import credentials as public
from psephos.files import OutputError, spreadsheet_row, write_atomically

SERVER_FORMAT = "psephos-registrar-server/1"
ROLL_COLUMNS = ("member_number", "section")
LETTERS = "letters.csv"
LETTER_COLUMNS = ("member_number", "section", "link_token", "postal_code")
SERVER = "server.json"
#: Threads deriving the entries (PBKDF2 and libsodium release the GIL).
WORKERS = 2
#: Voters derived between two reports of progress.
CHUNK = 1000
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def list_name(section: str) -> str:
    """The file of a section's credential list."""
    return f"credentials-{section}.json"


@dataclass(frozen=True)
class RollEntry:
    member_number: str
    section: str


@dataclass(frozen=True)
class ServerVoter:
    member_number: str
    section: str
    link_hash: str
    postal_hash: str


@dataclass(frozen=True)
class ServerFile:
    """``server.json`` as read: what the server imports."""

    contest: str
    postal_iterations: int
    voters: list[ServerVoter]
    lists: dict[str, str]


def read_roll(path: Path) -> list[RollEntry]:
    """The voters of a roll file (CSV, UTF-8, a header naming ``member_number`` and
    ``section``; other columns are ignored). RegistrarError naming the line of a blank
    field, a section that is not a slug or a member number given twice."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in ROLL_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RegistrarError(f"{path}: line 1: the header has no "
                                     f"{' or '.join(missing)} column (expected "
                                     f"{', '.join(ROLL_COLUMNS)})")
            roll: list[RollEntry] = []
            line_of: dict[str, int] = {}
            for row in reader:
                line = reader.line_num
                number = (row.get("member_number") or "").strip()
                section = (row.get("section") or "").strip()
                if not number:
                    raise RegistrarError(f"{path}: line {line}: member_number is empty")
                if not _SLUG.match(section):
                    raise RegistrarError(f"{path}: line {line}: section {section!r} is not a "
                                         "section's slug (letters, digits, - and _)")
                if number in line_of:
                    raise RegistrarError(f"{path}: line {line}: member {number} is already on "
                                         f"line {line_of[number]}")
                line_of[number] = line
                roll.append(RollEntry(number, section))
    except UnicodeDecodeError:
        raise RegistrarError(f"{path}: is not UTF-8 text") from None
    except OSError as error:
        raise RegistrarError(f"{path}: cannot be read ({error.strerror or error})") from None
    if not roll:
        raise RegistrarError(f"{path}: the roll has no voters")
    return roll


def mint(contest: str, roll: Sequence[RollEntry], folder: Path, *,
         postal_iterations: int = public.POSTAL_ITERATIONS, workers: int = WORKERS,
         progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Mint every voter's secrets and write the registrar's files into ``folder`` (made if
    absent; refused if it holds any of them already). Returns the voters per section."""
    public.iterations_for(public.POSTAL, postal_iterations)  # ValueError if not >= 1
    if not contest:
        raise RegistrarError("the contest's slug is empty")
    targets = [folder / LETTERS, folder / SERVER,
               *(folder / list_name(s) for s in sorted({e.section for e in roll}))]
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for target in targets:
            if target.exists() or target.is_symlink():
                raise OutputError(target, "already exists; it is not overwritten")
    except OSError as error:
        raise RegistrarError(f"{folder}: cannot be written ({error.strerror or error})"
                             ) from None
    secrets = [(tokens.new_link_token(), tokens.new_postal_code()) for _ in roll]
    pairs: list[bytes] = []
    for start in range(0, len(secrets), CHUNK):
        pairs += public.credential_pairs(secrets[start:start + CHUNK], contest,
                                         workers=workers, postal_iterations=postal_iterations)
        if progress is not None:
            progress(len(pairs))
    by_section: dict[str, list[bytes]] = {}
    for entry, pair in zip(roll, pairs, strict=True):
        by_section.setdefault(entry.section, []).append(pair)
    lists = {section: public.list_document(contest, section, entries)
             for section, entries in sorted(by_section.items())}
    server = {
        "format": SERVER_FORMAT, "contest": contest, "postal_iterations": postal_iterations,
        "voters": [{"member_number": e.member_number, "section": e.section,
                    "link_hash": tokens.link_hash(link), "postal_hash": tokens.postal_hash(code)}
                   for e, (link, code) in zip(roll, secrets, strict=True)],
        "lists": {section: document["hash"] for section, document in lists.items()}}
    written: list[Path] = []
    try:
        for section, document in lists.items():
            written.append(_write_json(folder / list_name(section), document))
        written.append(_write_json(folder / SERVER, server))
        write_atomically(folder / LETTERS, lambda path: _write_letters(path, roll, secrets),
                         private=True, overwrite=False)
    except BaseException:
        for path in written:  # all the files or none
            path.unlink(missing_ok=True)
        raise
    return {section: len(entries) for section, entries in lists.items()}


def _write_json(path: Path, document: dict[str, Any]) -> Path:
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"),
                     overwrite=False)
    return path


def _write_letters(path: Path, roll: Sequence[RollEntry],
                   secrets: Sequence[tuple[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(LETTER_COLUMNS)
        for entry, (link, code) in zip(roll, secrets, strict=True):
            writer.writerow(spreadsheet_row([entry.member_number, entry.section, link, code]))


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistrarError(f"{path}: not found; give the folder the registrar "
                             "wrote") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise RegistrarError(f"{path}: cannot be read as JSON ({error})") from None


def _text(document: dict[str, Any], name: str, who: str) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise RegistrarError(f"{who}: {name} is not a text")
    return value


def read_server(path: Path) -> ServerFile:
    """``server.json``, checked for form; RegistrarError naming the voter or field."""
    document = _load(path)
    if not isinstance(document, dict) or document.get("format") != SERVER_FORMAT:
        raise RegistrarError(f"{path}: not a {SERVER_FORMAT} file")
    iterations = document.get("postal_iterations")
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 1:
        raise RegistrarError(f"{path}: postal_iterations is not a whole number, at least 1")
    lists = document.get("lists")
    if not isinstance(lists, dict) or not all(isinstance(h, str) for h in lists.values()):
        raise RegistrarError(f"{path}: lists is not each section's list hash")
    rows = document.get("voters")
    if not isinstance(rows, list):
        raise RegistrarError(f"{path}: voters is not a list")
    voters = []
    for at, row in enumerate(rows, start=1):
        who = f"{path}: voter {at}"
        if not isinstance(row, dict):
            raise RegistrarError(f"{who}: not an object")
        voter = ServerVoter(*(_text(row, name, who) for name in
                              ("member_number", "section", "link_hash", "postal_hash")))
        for name in ("link_hash", "postal_hash"):
            if not re.fullmatch(r"[0-9a-f]{64}", getattr(voter, name)):
                raise RegistrarError(f"{who}: {name} is not 64 hex digits")
        voters.append(voter)
    return ServerFile(_text(document, "contest", str(path)), iterations, voters, dict(lists))


def read_list_file(folder: Path, contest: str, section: str) -> list[bytes]:
    """The entries of ``credentials-<section>.json`` in ``folder``, its form and hash
    checked (`psephos.crypto.credentials.read_list`), and that it is ``contest``'s."""
    from psephos.crypto.errors import CeremonyError

    path = folder / list_name(section)
    document = _load(path)
    try:
        entries = public.read_list(document)
    except CeremonyError as error:
        raise RegistrarError(f"{path}: {error}") from None
    if document["contest"] != contest:
        raise RegistrarError(f"{path}: it is a list of contest {document['contest']!r}")
    if document["section"] != section:
        raise RegistrarError(f"{path}: it is the list of section {document['section']!r}")
    return entries
