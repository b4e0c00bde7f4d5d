"""BLT ballot files: the ERS / OpenSTV / OpaVote / Droop form and the Scottish variant.

Layout::

    4 2                 candidates, seats
    -3                  optional: withdrawn candidates, negated
    12 1 2 0            weight, preferences (1-based), 0 ends the ballot
    (id) 1 3 0          a ballot may carry an id in parentheses
    2 0                 a ballot with no preference is blank
    0                   end of ballots
    "Name" ...          one name per candidate, quoted or not
    "Title"             the election title (the Scottish files give the ward name)

The Scottish council files (scot-elex) add quirks this reader accepts: trailing
commas, names written as two quoted strings (name, then party) or as one CSV-escaped
string with the party in doubled quotes, and
names given only as ``# ALTERNATIVE NAME k: Name (Party)`` comment lines (the title then
follows them).

A bad file raises `BallotFileError` with its line and field; numbers too large for the
counting arithmetic and rankings too ragged to pad are refused (see `psephos.ballots.errors`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from psephos.ballots.errors import (
    BallotFileError,
    check_ballots,
    check_header,
    check_matrix,
    shown,
    text_lines,
    whole_number,
)
from psephos.ballots.profile import Profile, pack

_ALT_NAME = re.compile(r"^#\s*ALTERNATIVE NAME\s+([0-9]{1,9})\s*:\s*(.*)$", re.IGNORECASE)
_TWO_QUOTED = re.compile(r'^"([^"]*)"\s+"([^"]*)"$')
_PARTY = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")


def read_blt(path: str | Path) -> Profile:
    """Read a BLT file into a `Profile`, collapsing identical rankings.

    A ballot with no preferences (``5 0``) is blank, as Droop and OpenSTV count it: it goes
    to ``Profile.blank``, not into the valid ballots.
    """
    path = Path(path)
    with closing(text_lines(path)) as raw:  # closed as soon as we are done, error or not
        return _read(path, ((number, text.strip()) for number, text in raw))


def _read(path: Path, lines: Iterator[tuple[int, str]]) -> Profile:
    number, text = _next_content(lines, path, "the header line 'candidates seats'")
    header = text.replace(",", " ").split()
    values = [v for v in map(whole_number, header) if v is not None]
    if len(header) != 2 or len(values) != 2:
        raise BallotFileError(path, f"expected 'candidates seats', found {shown(text)}",
                              line=number, field="header")
    n, seats = values
    check_header(path, n, seats, line=number)
    withdrawn: set[int] = set()
    merged: dict[tuple[int, ...], int] = {}
    blank = total = preferences = 0
    while True:
        number, text = _next_content(lines, path, "a ballot line or the closing 0")
        tokens = text.replace(",", " ").split()
        if tokens == ["0"]:
            break
        if tokens and tokens[0].startswith("-") and not withdrawn and not total:
            withdrawn = {_withdrawn(t, n, path, number) for t in tokens}
            continue
        ranking, weight = _ballot(tokens, n, path, number)
        total += weight
        check_ballots(path, total, line=number, field="weight")
        preferences += len(ranking)
        if not ranking:
            blank += weight
        elif weight:
            merged[ranking] = merged.get(ranking, 0) + weight
    names, alternatives = _names(lines)
    if len(names) < n and len(alternatives) == n:
        # The Glasgow 2007 files: names only in comments, then the ward name as the title.
        names = [alternatives[k] for k in sorted(alternatives)] + names
    if len(names) < n:
        raise BallotFileError(path, f"expected {n} candidate names after the ballots, "
                              f"found {len(names)}", field="candidates")
    for k, (number, name) in enumerate(names[:n], start=1):
        if not name:
            raise BallotFileError(path, f"candidate {k}'s name is empty", line=number,
                                  field="candidates")
    candidates = [name for _, name in names[:n]]
    title = names[n][1] if len(names) > n else ""
    if len(set(candidates)) != n:
        raise BallotFileError(path, "two candidates have the same name", field="candidates")
    check_matrix(path, merged, preferences)
    parties = _parties(candidates)
    return pack(candidates, merged, blank=blank, title=title,
                withdrawn={c - 1 for c in withdrawn}, parties=parties, seats=seats)


def _next_content(lines: Iterator[tuple[int, str]], path: Path, expected: str) -> tuple[int, str]:
    for number, text in lines:
        if text.strip(",") and not text.startswith("#"):
            return number, text
    raise BallotFileError(path, f"the file ended where {expected} was expected")


def _withdrawn(token: str, n: int, path: Path, number: int) -> int:
    value = whole_number(token[1:]) if token.startswith("-") else None
    if value is None:
        raise BallotFileError(path, f"expected a negative candidate number, found {shown(token)}",
                              line=number, field="withdrawn")
    if not 1 <= value <= n:
        raise BallotFileError(path, f"withdrawn candidate {value} is not between 1 and {n}",
                              line=number, field="withdrawn")
    return value


def _ballot(tokens: list[str], n: int, path: Path, number: int) -> tuple[tuple[int, ...], int]:
    """The ranking (0-based, repeats after the first dropped) and weight of a ballot line."""
    if tokens and tokens[0].startswith("(") and tokens[0].endswith(")"):
        tokens = tokens[1:]
    if len(tokens) < 2 or tokens[-1] != "0":
        raise BallotFileError(path, "expected 'weight preference ... 0'", line=number,
                              field="ballot")
    weight = whole_number(tokens[0])
    if weight is None:
        raise BallotFileError(path, f"expected a whole-number weight, found {shown(tokens[0])}",
                              line=number, field="weight")
    body = tokens[1:-1]
    if not all(t.isdigit() and t.isascii() and len(t) <= 18 for t in body):
        bad = next(t for t in body if whole_number(t) is None)
        raise BallotFileError(path, f"expected a candidate number, found {shown(bad)}",
                              line=number, field="preference")
    prefs = list(map(int, body))
    if prefs and not 1 <= min(prefs) <= max(prefs) <= n:
        candidate = next(c for c in prefs if not 1 <= c <= n)
        raise BallotFileError(path, f"candidate {candidate} is not between 1 and {n}",
                              line=number, field="preference")
    seen = dict.fromkeys(c - 1 for c in prefs)
    return tuple(seen), weight


def _names(
    lines: Iterator[tuple[int, str]],
) -> tuple[list[tuple[int, str]], dict[int, tuple[int, str]]]:
    """The name and title lines after the ballots, and the ``# ALTERNATIVE NAME k:`` comments
    by ``k``, each with its line number."""
    names: list[tuple[int, str]] = []
    alternatives: dict[int, tuple[int, str]] = {}
    for number, text in lines:
        if not text.strip(","):
            continue
        alt = _ALT_NAME.match(text)
        if alt:
            alternatives[int(alt.group(1))] = (number, " ".join(alt.group(2).split()))
        elif not text.startswith("#"):
            names.append((number, _clean_name(text)))
    return names, alternatives


def _clean_name(text: str) -> str:
    """A candidate name or title with the Scottish files' quoting normalised to ``Name (Party)``."""
    text = text.rstrip(",").strip()
    two = _TWO_QUOTED.match(text)
    if two:
        return f"{two.group(1).strip()} ({two.group(2).strip()})"
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].replace('""', '"')
        unescaped = text.strip()
        two = _TWO_QUOTED.match(unescaped)  # """Name"" ""Party""" is "Name" "Party" escaped
        if two:
            return f"{two.group(1).strip()} ({two.group(2).strip()})"
        if len(unescaped) >= 2 and unescaped[0] == unescaped[-1] == '"' \
                and '"' not in unescaped[1:-1]:
            return unescaped[1:-1].strip()  # """Ward 2""" is "Ward 2" escaped
        # Name "Party": found with rfind, as a regex backtracks quadratically on long lines.
        opening = text.rfind('"', 0, len(text) - 1) if text.endswith('"') else -1
        name = text[:opening].rstrip() if opening > 0 else ""
        if name:
            return f"{name.strip()} ({text[opening + 1:-1].strip()})"
    return text.strip()


def _parties(candidates: list[str]) -> tuple[str, ...]:
    found = [_PARTY.match(c) for c in candidates]
    if all(found):
        return tuple(m.group(2) for m in found if m)
    return ()
