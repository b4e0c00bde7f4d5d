"""The Senedd 2026 results data module (``seneddResults2026.js``), read line by line.

The file is a JavaScript module of object literals, one entry a line::

    const seneddBaseline = {
      "Bangor Conwy Môn": {"Labour": 6.43, "Conservatives": 12.38, ...},
    };
    export const seneddValidVotes = {
      "Bangor Conwy Môn": 69130,
    };

It gives each constituency's vote shares (% of valid votes, to 2 dp), the seats each party
won, and the valid and rejected votes. It is not an official publication and has shares,
not votes: `psephos.uk.senedd` says what that means for the count.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from psephos.uk.errors import DataFileError
from psephos.uk.tabular import MAX_COUNT, read_text

#: The file's party keys, by exact label, and our party codes. "Other" is every minor party
#: and independent together (the file keeps them as one figure).
SENEDD_PARTY_KEYS: dict[str, str] = {
    "Labour": "lab",
    "Conservatives": "con",
    "PlaidCymru": "pc",
    "LibDems": "ld",
    "Greens": "green",
    "Reform": "reform",
    "Other": "other",
}
SHARES = "seneddBaseline"
SEATS = "actualSeats2026"
VALID = "seneddValidVotes"
REJECTED = "seneddInvalidVotes"
TOTAL_VALID = "totalValidVotes2026"
MAX_CONSTITUENCIES = 100
#: Half the last printed digit of a share: the true share lies within this of it.
ROUNDING = Decimal("0.005")

_OPEN = re.compile(r"^(?:export\s+)?const\s+(\w+)\s*=\s*\{\s*$")
_SCALAR = re.compile(r"^(?:export\s+)?const\s+(\w+)\s*=\s*(.*?);?\s*$")
_ENTRY = re.compile(r'^("(?:[^"\\]|\\.)*")\s*:\s*(.+?),?\s*$')


@dataclass(frozen=True)
class SeneddConstituency:
    """One constituency as the file gives it; shares in percent of valid votes, 2 dp."""

    name: str
    shares: dict[str, Decimal]  # party code -> share
    valid_votes: int
    rejected: int
    declared_seats: dict[str, int]  # party code -> seats won
    line: int  # of its shares entry


@dataclass(frozen=True)
class SeneddFile:
    constituencies: tuple[SeneddConstituency, ...]
    total_valid_votes: int  # as the file states it


@dataclass(frozen=True)
class _Entry:
    line: int
    value: Any


def read_senedd_file(path: Path) -> SeneddFile:
    """Every constituency of ``path``; a `DataFileError` (file, line, field) for anything else."""
    blocks, scalars = _blocks(path, read_text(path))
    for name in (SHARES, SEATS, VALID, REJECTED):
        if name not in blocks:
            raise DataFileError(path, f"no `const {name} = {{` object; is this "
                                "seneddResults2026.js?", line=1, field="header")
    if TOTAL_VALID not in scalars:
        raise DataFileError(path, f"no `const {TOTAL_VALID} = ...;`", line=1, field="header")
    shares = blocks[SHARES]
    if not shares or len(shares) > MAX_CONSTITUENCIES:
        raise DataFileError(path, f"{len(shares)} constituencies in {SHARES}",
                            field=SHARES)
    for name in (SEATS, VALID, REJECTED):
        if set(blocks[name]) != set(shares):
            odd = sorted(set(blocks[name]) ^ set(shares))[0]
            where = blocks[name].get(odd) or shares[odd]
            raise DataFileError(path, f"constituency {odd!r} is in only one of {SHARES} and "
                                f"{name}"[:200], line=where.line, field=name)
    out: list[SeneddConstituency] = []
    for name, entry in shares.items():
        seats = blocks[SEATS][name]
        percent = _party_values(path, entry, f"{SHARES}[{name!r}]", _share)
        if abs(sum(percent.values()) - 100) > ROUNDING * len(percent):
            raise DataFileError(path, f"the shares add to {sum(percent.values())}%, more "
                                "than rounding to 2 dp can put them off 100%",
                                line=entry.line, field=f"{SHARES}[{name!r}]")
        out.append(SeneddConstituency(
            name=name,
            shares=percent,
            valid_votes=_count(path, blocks[VALID][name], f"{VALID}[{name!r}]"),
            rejected=_count(path, blocks[REJECTED][name], f"{REJECTED}[{name!r}]"),
            declared_seats=_party_values(path, seats, f"{SEATS}[{name!r}]", _seat_count),
            line=entry.line))
    total, line = scalars[TOTAL_VALID]
    stated = _count(path, _Entry(line, _json(path, line, total, TOTAL_VALID)), TOTAL_VALID)
    summed = sum(c.valid_votes for c in out)
    if stated != summed:
        raise DataFileError(path, f"{stated:,} valid votes stated, but the constituencies "
                            f"add to {summed:,}", line=line, field=TOTAL_VALID)
    return SeneddFile(tuple(out), stated)


def _blocks(path: Path, text: str) -> tuple[dict[str, dict[str, _Entry]],
                                            dict[str, tuple[str, int]]]:
    """The file's objects (name -> key -> entry) and its other constants (name -> text)."""
    blocks: dict[str, dict[str, _Entry]] = {}
    scalars: dict[str, tuple[str, int]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        if current is None:
            opened = _OPEN.match(line)
            if opened:
                current = opened.group(1)
                if current in blocks:
                    raise DataFileError(path, f"{current} is declared twice", line=number,
                                        field=current)
                blocks[current] = {}
                continue
            scalar = _SCALAR.match(line)
            if scalar:
                scalars[scalar.group(1)] = (scalar.group(2), number)
            continue  # e.g. `export default ...;`
        if line in ("};", "}"):
            current = None
            continue
        entry = _ENTRY.match(line)
        if entry is None:
            raise DataFileError(path, f"expected `\"name\": value,`, found {line[:60]!r}",
                                line=number, field=current)
        key = _json(path, number, entry.group(1), current)
        if key in blocks[current]:
            raise DataFileError(path, f"{key!r} appears twice"[:200], line=number,
                                field=current)
        blocks[current][key] = _Entry(number, _json(path, number, entry.group(2),
                                                    f"{current}[{key!r}]"))
    if current is not None:
        raise DataFileError(path, f"the object {current} is never closed with `}};`",
                            field=current)
    return blocks, scalars


def _json(path: Path, line: int, text: str, field: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal, parse_int=int)
    except (ValueError, RecursionError):
        raise DataFileError(path, f"expected a number or an object of numbers, found "
                            f"{text[:60]!r}", line=line, field=field) from None


def _party_values(path: Path, entry: _Entry, field: str, convert: Any) -> dict[str, Any]:
    if not isinstance(entry.value, dict):
        raise DataFileError(path, "expected an object of party -> number", line=entry.line,
                            field=field)
    out: dict[str, Any] = {}
    for key, value in entry.value.items():
        code = SENEDD_PARTY_KEYS.get(key)
        if code is None:
            raise DataFileError(path, f"party {key!r}: expected one of "
                                f"{', '.join(SENEDD_PARTY_KEYS)}"[:200], line=entry.line,
                                field=field)
        out[code] = convert(path, entry.line, f"{field}[{key!r}]", value)
    missing = [k for k, c in SENEDD_PARTY_KEYS.items() if c not in out]
    if missing:
        raise DataFileError(path, f"no figure for {', '.join(missing)}", line=entry.line,
                            field=field)
    return out


def _share(path: Path, line: int, field: str, value: Any) -> Decimal:
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if (not isinstance(value, Decimal) or not 0 <= value <= 100
            or value != value.quantize(Decimal("0.01"))):
        raise DataFileError(path, f"expected a percentage from 0 to 100 with at most 2 "
                            f"decimals, found {value!r}"[:200], line=line, field=field)
    return value


def _seat_count(path: Path, line: int, field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
        raise DataFileError(path, f"expected a whole number of seats, found {value!r}"[:200],
                            line=line, field=field)
    return value


def _count(path: Path, entry: _Entry, field: str) -> int:
    value = entry.value
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise DataFileError(path, f"expected a whole number of votes, found {value!r}"[:200],
                            line=entry.line, field=field)
    return value
