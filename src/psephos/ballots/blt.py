"""BLT ballot files: the ERS / OpenSTV / OpaVote / Droop form and the Scottish variant.

Layout::

    4 2                 candidates, seats
    -3                  optional: withdrawn candidates, negated
    12 1 2 0            weight, preferences (1-based), 0 ends the ballot
    (id) 1 3 0          a ballot may carry an id in parentheses
    0                   end of ballots
    "Name" ...          one name per candidate, quoted or not
    "Title"             the election title (the Scottish files give the ward name)

The Scottish council files (scot-elex) add quirks this reader accepts: trailing
commas, names written as two quoted strings (name, then party) or as one CSV-escaped
string with the party in doubled quotes, and
names given only as ``# ALTERNATIVE NAME k: Name (Party)`` comment lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from psephos.ballots.errors import BallotFileError
from psephos.ballots.profile import Profile, pack

_ALT_NAME = re.compile(r"^#\s*ALTERNATIVE NAME\s+(\d+)\s*:\s*(.*)$", re.IGNORECASE)
_TWO_QUOTED = re.compile(r'^"([^"]*)"\s+"([^"]*)"$')
_PARTY = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")


def read_blt(path: str | Path) -> Profile:
    """Read a BLT file into a `Profile`, collapsing identical rankings."""
    path = Path(path)
    lines = _lines(path)
    number, text = _next_content(lines, path, "the header line 'candidates seats'")
    header = text.replace(",", " ").split()
    if len(header) != 2 or not all(t.isdigit() for t in header):
        raise BallotFileError(path, f"expected 'candidates seats', found {text!r}", line=number,
                              field="header")
    n, seats = int(header[0]), int(header[1])
    if n < 1:
        raise BallotFileError(path, "there must be at least one candidate", line=number,
                              field="header")
    withdrawn: set[int] = set()
    merged: dict[tuple[int, ...], int] = {}
    while True:
        number, text = _next_content(lines, path, "a ballot line or the closing 0")
        tokens = text.replace(",", " ").split()
        if tokens == ["0"]:
            break
        if tokens and tokens[0].startswith("-") and not withdrawn and not merged:
            withdrawn = {_withdrawn(t, n, path, number) for t in tokens}
            continue
        ranking, weight = _ballot(tokens, n, path, number)
        if weight:
            merged[ranking] = merged.get(ranking, 0) + weight
    names, alternatives, rest = _names(lines)
    if len(names) < n and len(alternatives) == n:
        names = [alternatives[k] for k in sorted(alternatives)]
    if len(names) < n:
        raise BallotFileError(path, f"expected {n} candidate names after the ballots, "
                              f"found {len(names)}", field="candidates")
    candidates = names[:n]
    title_lines = names[n:] + rest
    title = title_lines[0] if title_lines else ""
    if len(set(candidates)) != n:
        raise BallotFileError(path, "two candidates have the same name", field="candidates")
    parties = _parties(candidates)
    return pack(candidates, merged, title=title, withdrawn={c - 1 for c in withdrawn},
                parties=parties, seats=seats)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open(encoding="utf-8-sig", errors="strict") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line.strip()
    except UnicodeDecodeError as error:
        raise BallotFileError(path, f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise BallotFileError(path, error.strerror or str(error)) from None


def _next_content(lines: Iterator[tuple[int, str]], path: Path, expected: str) -> tuple[int, str]:
    for number, text in lines:
        if text.strip(",") and not text.startswith("#"):
            return number, text
    raise BallotFileError(path, f"the file ended where {expected} was expected")


def _withdrawn(token: str, n: int, path: Path, number: int) -> int:
    try:
        value = -int(token)
    except ValueError:
        raise BallotFileError(path, f"expected a negative candidate number, found {token!r}",
                              line=number, field="withdrawn") from None
    if not 1 <= value <= n:
        raise BallotFileError(path, f"withdrawn candidate {value} is not between 1 and {n}",
                              line=number, field="withdrawn")
    return value


def _ballot(tokens: list[str], n: int, path: Path, number: int) -> tuple[tuple[int, ...], int]:
    if tokens and tokens[0].startswith("(") and tokens[0].endswith(")"):
        tokens = tokens[1:]
    if len(tokens) < 2 or tokens[-1] != "0":
        raise BallotFileError(path, "expected 'weight preference ... 0'", line=number,
                              field="ballot")
    if not tokens[0].isdigit():
        raise BallotFileError(path, f"expected a whole-number weight, found {tokens[0]!r}",
                              line=number, field="weight")
    weight = int(tokens[0])
    seen: list[int] = []
    for token in tokens[1:-1]:
        if not token.isdigit():
            raise BallotFileError(path, f"expected a candidate number, found {token!r}",
                                  line=number, field="preference")
        candidate = int(token)
        if not 1 <= candidate <= n:
            raise BallotFileError(path, f"candidate {candidate} is not between 1 and {n}",
                                  line=number, field="preference")
        if candidate - 1 not in seen:
            seen.append(candidate - 1)
    return tuple(seen), weight


def _names(lines: Iterator[tuple[int, str]]) -> tuple[list[str], dict[int, str], list[str]]:
    names: list[str] = []
    alternatives: dict[int, str] = {}
    for _number, text in lines:
        if not text.strip(","):
            continue
        alt = _ALT_NAME.match(text)
        if alt:
            alternatives[int(alt.group(1))] = " ".join(alt.group(2).split())
        elif not text.startswith("#"):
            names.append(_clean_name(text))
    return names, alternatives, []


def _clean_name(text: str) -> str:
    """A candidate name or title with the Scottish files' quoting normalised to ``Name (Party)``."""
    text = text.rstrip(",").strip()
    two = _TWO_QUOTED.match(text)
    if two:
        return f"{two.group(1).strip()} ({two.group(2).strip()})"
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].replace('""', '"')
        inner = re.match(r'^(.*?)\s*"([^"]*)"$', text)
        if inner and inner.group(1):
            return f"{inner.group(1).strip()} ({inner.group(2).strip()})"
    return text.strip()


def _parties(candidates: list[str]) -> tuple[str, ...]:
    found = [_PARTY.match(c) for c in candidates]
    if all(found):
        return tuple(m.group(2) for m in found if m)
    return ()
