"""BLT ballot files: the ERS / OpenSTV / OpaVote / Droop form and the Scottish variant.

Layout::

    4 2                 candidates, seats
    -3                  optional: withdrawn candidates, negated
    [tie 2 1 4 3]       optional: Droop's option lines (see below)
    12 1 2 0            weight, preferences (1-based), 0 ends the ballot
    (id) 1 3 0          a ballot may carry an id in parentheses
    2 0                 a ballot with no preference is blank
    0                   end of ballots
    "Name" ...          one name per candidate, quoted or not
    "Title"             the election title (the Scottish files give the ward name)

Droop's option lines, between the header and the first ballot (an option may run over
several lines until its ``]``):

- ``[nick a b c]`` gives each candidate, in order, a nickname that ballots, ``[withdrawn]``
  and ``[tie]`` may use in place of the candidate's number;
- ``[withdrawn 3 b]`` withdraws candidates, as ``-3 -2`` does;
- ``[tie c b a]`` is the order in which ties are broken, first chosen first: it becomes
  `Profile.lot_order`, the declared lot order the rules use when no other is given.

Droop's ``[droop ...]`` (its own counting options), ``[undeclared ...]`` (Minneapolis
write-ins) and equal rankings (``b=c``) have no place in a `Profile` and are refused by name.
A ``#`` starts a comment to the end of a number line.

The Scottish council files (scot-elex) add quirks this reader accepts: trailing
commas, names written as two quoted strings (name, then party) or as one CSV-escaped
string with the party in doubled quotes, and
names given only as ``# ALTERNATIVE NAME k: Name (Party)`` comment lines (the title then
follows them).

The ballot lines are read in one pass of whole-array operations when they are plain
numbers (as in every real file); anything else, and every error, goes line by line, which
names the line. A bad file raises `BallotFileError` with its line and field; numbers too
large for the counting arithmetic and rankings too ragged to pad are refused (see
`psephos.ballots.errors`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from psephos.ballots import blt_arrays
from psephos.ballots.errors import (
    BallotFileError,
    ballot_count,
    check_ballots,
    check_header,
    check_matrix,
    file_text,
    shown,
    whole_number,
)
from psephos.ballots.profile import Profile, ProfileDetails, pack, pack_matrix

_ALT_NAME = re.compile(r"^#\s*ALTERNATIVE NAME\s+([0-9]{1,9})\s*:\s*(.*)$", re.IGNORECASE)
_TWO_QUOTED = re.compile(r'^"([^"]*)"\s+"([^"]*)"$')
_PARTY = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")
#: The line that closes the ballots, as the line-by-line reading finds it within plain numbers.
_CLOSING_ZERO = re.compile(r"^[ \t,]*0[ \t,]*$", re.MULTILINE)
#: Ballot lines that the whole-array reading takes: digits, blanks, commas, line ends.
_PLAIN = re.compile(r"[0-9 \t,\n]*")
_REFUSED_OPTIONS = {
    "droop": "it sets Droop's own counting options; choose the rule and its options when "
             "counting instead",
    "undeclared": "psephos has no rule for Minneapolis's undeclared write-in candidates",
}


def read_blt(path: str | Path) -> Profile:
    """Read a BLT file into a `Profile`, collapsing identical rankings.

    A ballot with no preferences (``5 0``) is blank, as Droop and OpenSTV count it: it goes
    to ``Profile.blank``, not into the valid ballots.
    """
    path = Path(path)
    return _read(path, _Lines(file_text(path)))


class _Lines:
    """The lines of a file's text, numbered from 1 and stripped, read forward from a mark."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.start = 0  # where the next line begins
        self.number = 0  # the number of the line read last

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> tuple[int, str]:
        if self.start > len(self.text) or (self.start == len(self.text) and self.number):
            raise StopIteration
        end = self.text.find("\n", self.start)
        end = len(self.text) if end < 0 else end
        line = self.text[self.start:end]
        self.start = end + 1
        self.number += 1
        return self.number, line.strip()

    def mark(self) -> tuple[int, int]:
        """Where reading stands, for `back`."""
        return self.start, self.number

    def back(self, mark: tuple[int, int]) -> None:
        """Go back to where `mark` was taken."""
        self.start, self.number = mark

    def skip_to(self, position: int) -> None:
        """Go on to the line that begins at ``position``."""
        self.number += self.text.count("\n", self.start, position)
        self.start = position


@dataclass
class _Header:
    """What the lines before the ballots declare."""

    n: int
    seats: int
    withdrawn: dict[int, int] = field(default_factory=dict)  # candidate (1-based) -> line
    nicknames: dict[str, int] = field(default_factory=dict)  # nickname -> candidate (1-based)
    tie: list[int] = field(default_factory=list)  # candidates (1-based), first chosen first


@dataclass
class _Ballots:
    """The ballots read line by line, identical rankings merged (0-based candidates)."""

    merged: dict[tuple[int, ...], int] = field(default_factory=dict)
    blank: int = 0
    total: int = 0
    preferences: int = 0


def _read(path: Path, lines: _Lines) -> Profile:
    header = _header(path, lines)
    fast = _plain_ballots(lines, header.n)
    ballots = _ballots(path, lines, header) if fast is None else None
    names, alternatives = _names(lines)
    n = header.n
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
    details: ProfileDetails = {"title": title, "withdrawn": {c - 1 for c in header.withdrawn},
                               "parties": _parties(candidates), "seats": header.seats,
                               "lot_order": [candidates[c - 1] for c in header.tie]}
    if fast is not None:
        details["blank"] = fast.blank
        return pack_matrix(candidates, fast.rankings, fast.weights, **details)
    assert ballots is not None
    check_matrix(path, ballots.merged, ballots.preferences)
    details["blank"] = ballots.blank
    return pack(candidates, ballots.merged, **details)


def _next_content(lines: _Lines, path: Path, expected: str) -> tuple[int, str]:
    """The next line that is not blank (commas aside) or a comment, its ``#`` comment cut."""
    for number, text in lines:
        if text.strip(",") and not text.startswith("#"):
            return number, text.split("#", 1)[0].rstrip() if "#" in text else text
    raise BallotFileError(path, f"the file ended where {expected} was expected")


def _header(path: Path, lines: _Lines) -> _Header:
    """The 'candidates seats' line, then any withdrawn and option lines; ``lines`` is left
    at the first ballot line."""
    number, text = _next_content(lines, path, "the header line 'candidates seats'")
    words = text.replace(",", " ").split()
    values = [v for v in map(whole_number, words) if v is not None]
    if len(words) != 2 or len(values) != 2:
        raise BallotFileError(path, f"expected 'candidates seats', found {shown(text)}",
                              line=number, field="header")
    header = _Header(values[0], values[1])
    check_header(path, header.n, header.seats, line=number)
    while True:
        mark = lines.mark()
        number, text = _next_content(lines, path, "a ballot line or the closing 0")
        tokens = text.replace(",", " ").split()
        if text.startswith("["):
            _option(path, lines, header, number, text)
        elif tokens and all(t.startswith("-") for t in tokens):
            for token in tokens:
                _withdraw(path, header, _withdrawn(token, header.n, path, number), number)
        else:
            lines.back(mark)
            return header


def _withdrawn(token: str, n: int, path: Path, number: int) -> int:
    value = whole_number(token[1:]) if token.startswith("-") else None
    if value is None:
        raise BallotFileError(path, f"expected a negative candidate number, found {shown(token)}",
                              line=number, field="withdrawn")
    if not 1 <= value <= n:
        raise BallotFileError(path, f"withdrawn candidate {value} is not between 1 and {n}",
                              line=number, field="withdrawn")
    return value


def _withdraw(path: Path, header: _Header, candidate: int, number: int) -> None:
    if candidate in header.withdrawn:
        raise BallotFileError(path, f"candidate {candidate} is withdrawn twice (first on line "
                              f"{header.withdrawn[candidate]})", line=number, field="withdrawn")
    header.withdrawn[candidate] = number


def _option(path: Path, lines: _Lines, header: _Header, number: int, text: str) -> None:
    """One of Droop's ``[name item ...]`` option lines, which may run on to its ``]``."""
    while "]" not in text:
        more = next(lines, None)
        if more is None:
            raise BallotFileError(path, "the option line has no closing ']'", line=number,
                                  field="option")
        text += " " + more[1].split("#", 1)[0]
    body, _, rest = text[1:].partition("]")
    if rest.strip(" \t,"):
        raise BallotFileError(path, f"unexpected {shown(rest.strip())} after the option's ']'",
                              line=number, field="option")
    name, *items = body.split() or [""]
    if name in _REFUSED_OPTIONS:
        raise BallotFileError(path, f"Droop's {shown('[' + body.strip() + ']')} line is not "
                              f"supported: {_REFUSED_OPTIONS[name]}", line=number,
                              field="option")
    if name == "nick":
        _nicknames(path, header, items, number)
    elif name == "withdrawn":
        for item in items:
            _withdraw(path, header, _candidate(path, header, item, number, "withdrawn"), number)
    elif name == "tie":
        header.tie = [_candidate(path, header, item, number, "tie") for item in items]
        if sorted(header.tie) != list(range(1, header.n + 1)):
            raise BallotFileError(path, f"Droop's [tie] line must name each of the {header.n} "
                                  "candidates once, in the order ties are broken",
                                  line=number, field="tie")
    else:
        raise BallotFileError(path, f"unknown option line {shown('[' + name + ']')}; expected "
                              "one of Droop's [nick], [withdrawn] or [tie]", line=number,
                              field="option")


def _nicknames(path: Path, header: _Header, items: list[str], number: int) -> None:
    if len(items) != header.n or len(set(items)) != header.n:
        raise BallotFileError(path, f"Droop's [nick] line must give each of the {header.n} "
                              f"candidates one nickname of its own, found {len(items)} "
                              f"({len(set(items))} different)", line=number, field="nick")
    for item in items:
        if item.isdigit() or "=" in item or item.startswith(("(", "-")):
            raise BallotFileError(path, f"nickname {shown(item)} could be read as a number or "
                                  "an equal ranking; expected a word", line=number,
                                  field="nick")
    header.nicknames = {item: k for k, item in enumerate(items, start=1)}


def _candidate(path: Path, header: _Header, token: str, number: int, what: str) -> int:
    """A candidate (1-based) named by number or by nickname."""
    value = header.nicknames.get(token)
    if value is not None:
        return value
    if not (token.isdigit() and token.isascii()):
        if "=" in token:
            raise BallotFileError(path, f"Droop's equal rankings ({shown(token)}) are not "
                                  "supported: a ranking puts one candidate at each rank",
                                  line=number, field=what)
        known = "a candidate number" + (" or nickname" if header.nicknames else "")
        raise BallotFileError(path, f"expected {known}, found {shown(token)}", line=number,
                              field=what)
    value = whole_number(token) or 0
    if not 1 <= value <= header.n:
        raise BallotFileError(path, f"candidate {shown(token)[1:-1]} is not between 1 and "
                              f"{header.n}", line=number, field=what)
    return value


def _plain_ballots(lines: _Lines, n: int) -> blt_arrays.Ballots | None:
    """The ballots in one pass of whole-array operations if they are plain numbers and
    good, with ``lines`` moved past the closing 0; else None, and ``lines`` is untouched."""
    text, start = lines.text, lines.start
    # The closing line is almost always a bare "0": found without a regex. Any line before
    # it that holds one number alone (another way to close) makes `blt_arrays` refuse.
    end = text.find("\n0\n", start - 1) + 1
    if end:
        after = end + 2
    else:
        closing = _CLOSING_ZERO.search(text, start)
        if closing is None:
            return None
        end, after = closing.start(), closing.end() + 1
    section = text[start:end]
    if not _PLAIN.fullmatch(section):
        return None
    found = blt_arrays.read(section, n)
    if found is not None:
        lines.skip_to(after)
    return found


def _ballots(path: Path, lines: _Lines, header: _Header) -> _Ballots:
    """The ballot lines one at a time, up to the closing 0."""
    found = _Ballots()
    while True:
        number, text = _next_content(lines, path, "a ballot line or the closing 0")
        tokens = text.replace(",", " ").split()
        if tokens == ["0"]:
            return found
        ranking, weight, written = _ballot(path, header, tokens, number)
        found.total += weight
        check_ballots(path, found.total, line=number, field="weight")
        found.preferences += written
        if not ranking:
            found.blank += weight
        elif weight:
            found.merged[ranking] = found.merged.get(ranking, 0) + weight


def _ballot(path: Path, header: _Header, tokens: list[str],
            number: int) -> tuple[tuple[int, ...], int, int]:
    """The ranking (0-based, repeats after the first dropped), weight and number of
    preferences written (repeats too) of a ballot line."""
    if tokens and tokens[0].startswith("("):  # a ballot id, which may hold spaces
        end = next((k for k, t in enumerate(tokens) if t.endswith(")")), len(tokens))
        tokens = tokens[end + 1:]
    if len(tokens) < 2 or tokens[-1] != "0":
        raise BallotFileError(path, "expected 'weight preference ... 0'", line=number,
                              field="ballot")
    weight = ballot_count(path, tokens[0], line=number, field="weight")
    prefs = [_candidate(path, header, t, number, "preference") for t in tokens[1:-1]]
    seen = dict.fromkeys(c - 1 for c in prefs)
    return tuple(seen), weight, len(prefs)


def _names(lines: _Lines) -> tuple[list[tuple[int, str]], dict[int, tuple[int, str]]]:
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
