"""Reading a published record: every file the checks need, or `RecordError` naming the
file, the field and what was expected (exit status 2), before any check runs.

Only the shape is checked here (JSON objects, fields of the right JSON type, hex where hex
is due): whether the content is right (sizes, points, proofs, counts) is for the checks.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psephos.ballots.csv_ballots import read_csv_ballots
from psephos.ballots.errors import BallotFileError

Ranking = tuple[int, ...]

SEALED_FORMAT = "psephos-sealed-ballots/1"
MIXED_FORMAT = "psephos-mixed-ballots/1"
CEREMONY_FORMAT = "psephos-ceremony-record/1"
DECLARATION_FORMAT = "psephos-declaration/1"
BOARD_FORMAT = "psephos-board/1"

_KINDS: dict[type, str] = {str: "a string", int: "a whole number", list: "a list",
                           dict: "an object", bool: "true or false"}


class RecordError(ValueError):
    """A record that cannot be read: ``file:field: expected ...``."""


@dataclass(frozen=True)
class Ballots:
    """A ballots CSV file: its candidates and each ranking (candidate positions) it holds,
    blank ballots as the empty ranking."""

    candidates: tuple[str, ...]
    rankings: Counter[Ranking]


@dataclass
class SectionFiles:
    """The files of one section, as read."""

    slug: str
    sealed: list[tuple[str, bytes]]
    sealed_width: int
    mixed: list[bytes]
    mixed_width: int
    mixed_sha256: str
    request: dict[str, Any]
    shares: dict[int, dict[str, Any]]
    shuffle: dict[str, Any] | None
    ballots: Ballots
    #: The (contest, section) the sealed and the mixed list each say they are of.
    sealed_of: tuple[Any, Any] = (None, None)
    mixed_of: tuple[Any, Any] = (None, None)
    #: The trustees' re-mixes after ``shuffle``: shuffle-<section>-1.json, -2, … in order.
    remixes: list[Any] = field(default_factory=list)
    #: Each sealed ballot's public credential, signature and proof of randomness, in
    #: ``sealed``'s order.
    signed: list[tuple[bytes, bytes, bytes]] = field(default_factory=list)
    #: ``credentials-<section>.json``: the section's list as the opening committed it.
    credentials: dict[str, Any] = field(default_factory=dict)


@dataclass
class Record:
    """A whole record, as read."""

    folder: Path
    declaration: dict[str, Any]
    ceremony: dict[str, Any]
    trackers: list[str]
    ballots: Ballots
    sections: list[SectionFiles] = field(default_factory=list)
    #: ``board.json``: the board's key and its signed checkpoints.
    board: dict[str, Any] = field(default_factory=dict)

    @property
    def candidates(self) -> list[str]:
        return list(self.declaration["candidates"])


def read_json(folder: Path, name: str) -> dict[str, Any]:
    """The JSON object in ``folder/name``."""
    path = folder / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordError(f"{name}: missing from the record") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"{name}: cannot be read as UTF-8 text ({error})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordError(f"{name}:{error.lineno}: expected JSON ({error.msg})") from None
    if not isinstance(document, dict):
        raise RecordError(f"{name}: expected a JSON object")
    return document


def need(document: Any, name: str, key: str, kind: type) -> Any:
    """``document[key]``, of JSON type ``kind``."""
    value = document.get(key) if isinstance(document, dict) else None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RecordError(f"{name}:{key}: expected {_KINDS[kind]}")
    return value


def _format(document: dict[str, Any], name: str, expected: str) -> None:
    if document.get("format") != expected:
        raise RecordError(f"{name}:format: expected {expected!r}")


def _hex(text: Any, name: str, key: str) -> bytes:
    try:
        if not isinstance(text, str):
            raise ValueError
        data = bytes.fromhex(text)
    except ValueError:
        raise RecordError(f"{name}:{key}: expected lowercase hexadecimal") from None
    if data.hex() != text:
        raise RecordError(f"{name}:{key}: expected lowercase hexadecimal")
    return data


def read_declaration(folder: Path) -> dict[str, Any]:
    name = "declaration.json"
    document = read_json(folder, name)
    _format(document, name, DECLARATION_FORMAT)
    for key, kind in (("contest", str), ("method", str), ("seats", int), ("candidates", list),
                      ("elected", list), ("ballots", int), ("votes", dict), ("rounds", list),
                      ("sections", list), ("count", dict)):
        need(document, name, key, kind)
    if not all(isinstance(c, str) for c in document["candidates"]):
        raise RecordError(f"{name}:candidates: expected a list of names")
    for number, section in enumerate(document["sections"]):
        where = f"sections[{number}]"
        for key, kind in (("slug", str), ("ballots", int), ("votes", dict), ("rounds", list)):
            if not isinstance(section, dict) or not isinstance(section.get(key), kind):
                raise RecordError(f"{name}:{where}.{key}: expected {_KINDS[kind]}")
    return document


def read_ceremony_record(folder: Path) -> dict[str, Any]:
    name = "ceremony.json"
    document = read_json(folder, name)
    _format(document, name, CEREMONY_FORMAT)
    for key, kind in (("ceremony", dict), ("round1", list), ("round2", list),
                      ("threshold", int), ("election_key", str)):
        need(document, name, key, kind)
    return document


def _of(document: dict[str, Any]) -> tuple[Any, Any]:
    return document.get("contest"), document.get("section")


def _sealed_list(folder: Path, slug: str) -> tuple[list[tuple[str, bytes]], int,
                                                   tuple[Any, Any],
                                                   list[tuple[bytes, bytes, bytes]]]:
    name = f"sealed-{slug}.json"
    document = read_json(folder, name)
    _format(document, name, SEALED_FORMAT)
    width = need(document, name, "width", int)
    ballots = []
    signed = []
    for number, entry in enumerate(need(document, name, "ballots", list)):
        where = f"ballots[{number}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("tracker"), str):
            raise RecordError(f"{name}:{where}.tracker: expected a string")
        ballots.append((entry["tracker"], _hex(entry.get("sealed"), name, f"{where}.sealed")))
        signed.append((_hex(entry.get("credential"), name, f"{where}.credential"),
                       _hex(entry.get("signature"), name, f"{where}.signature"),
                       _hex(entry.get("proof"), name, f"{where}.proof")))
    return ballots, width, _of(document), signed


def _mixed_list(folder: Path, slug: str) -> tuple[list[bytes], int, str, tuple[Any, Any]]:
    name = f"mixed-{slug}.json"
    document = read_json(folder, name)
    _format(document, name, MIXED_FORMAT)
    width = need(document, name, "width", int)
    digest = need(document, name, "sha256", str)
    ballots = [_hex(text, name, f"ballots[{number}]")
               for number, text in enumerate(need(document, name, "ballots", list))]
    return ballots, width, digest, _of(document)


def _shares(folder: Path, slug: str) -> dict[int, dict[str, Any]]:
    pattern = re.compile(rf"shares-{re.escape(slug)}-trustee-([1-9][0-9]{{0,2}})\.json")
    found = {}
    for path in sorted(folder.iterdir()):
        matched = pattern.fullmatch(path.name)
        if matched:
            found[int(matched.group(1))] = read_json(folder, path.name)
    return found


def read_ballots(folder: Path, name: str) -> Ballots:
    """A ballots CSV file of the record (`psephos.ballots.csv_ballots`)."""
    path = folder / name
    if not path.is_file():
        raise RecordError(f"{name}: missing from the record")
    try:
        profile = read_csv_ballots(path)
    except BallotFileError as error:
        raise RecordError(f"{name}: {error}") from None
    rankings: Counter[Ranking] = Counter(dict(profile.iter_rankings()))
    if profile.blank:
        rankings[()] += profile.blank
    if profile.invalid:
        raise RecordError(f"{name}: expected valid ballots only, not {profile.invalid} "
                          "invalid")
    return Ballots(profile.candidates, rankings)


def read_section(folder: Path, slug: str) -> SectionFiles:
    sealed, sealed_width, sealed_of, signed = _sealed_list(folder, slug)
    mixed, mixed_width, mixed_sha256, mixed_of = _mixed_list(folder, slug)
    shuffle_name = f"shuffle-{slug}.json"
    shuffle = read_json(folder, shuffle_name) if (folder / shuffle_name).exists() else None
    return SectionFiles(slug, sealed, sealed_width, mixed, mixed_width, mixed_sha256,
                        read_json(folder, f"request-{slug}.json"), _shares(folder, slug),
                        shuffle, read_ballots(folder, f"ballots-{slug}.csv"), sealed_of,
                        mixed_of, _remixes(folder, slug), signed,
                        read_json(folder, f"credentials-{slug}.json"))


def read_board(folder: Path) -> dict[str, Any]:
    """``board.json``: its key (hex) and its blocks (each checked by the board checks)."""
    name = "board.json"
    document = read_json(folder, name)
    _format(document, name, BOARD_FORMAT)
    _hex(need(document, name, "key", str), name, "key")
    blocks = need(document, name, "blocks", list)
    for number, block in enumerate(blocks):
        if not isinstance(block, dict):
            raise RecordError(f"{name}:blocks[{number}]: expected an object")
    return document


def _remixes(folder: Path, slug: str) -> list[Any]:
    """shuffle-<section>-1.json, -2, … as long as they follow on."""
    found: list[Any] = []
    while (folder / f"shuffle-{slug}-{len(found) + 1}.json").exists():
        found.append(read_json(folder, f"shuffle-{slug}-{len(found) + 1}.json"))
    return found


def read_trackers(folder: Path) -> list[str]:
    path = folder / "trackers.txt"
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RecordError("trackers.txt: missing from the record") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"trackers.txt: cannot be read as UTF-8 text ({error})") from None


def read_record(folder: str | Path) -> Record:
    """Every file of the record in ``folder``; RecordError for the first that cannot be
    read, naming it by its path (``FOLDER/FILE:FIELD: expected ...``)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RecordError(f"{folder}: expected the folder of a published record")
    try:
        declaration = read_declaration(folder)
        record = Record(folder, declaration, read_ceremony_record(folder),
                        read_trackers(folder), read_ballots(folder, "ballots.csv"))
        slugs = [section["slug"] for section in declaration["sections"]]
        if len(set(slugs)) != len(slugs) or not all(re.fullmatch(r"[\w-]+", s)
                                                    for s in slugs):
            raise RecordError("declaration.json:sections: expected distinct section slugs")
        record.sections = [read_section(folder, slug) for slug in slugs]
        record.board = read_board(folder)
    except RecordError as error:
        raise RecordError(f"{folder / str(error)}") from None
    return record
