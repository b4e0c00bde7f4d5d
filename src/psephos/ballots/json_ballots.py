"""psephos's own JSON ballot format.

::

    {"candidates": ["Alice", "Bob", "Carol"], "seats": 1, "title": "Example",
     "ballots": [{"ranking": ["Alice", "Bob"], "count": 120}, {"ranking": ["Carol"]}]}

``count`` defaults to 1; an empty ranking is a blank ballot; ``seats`` and ``title`` are
optional.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from psephos.ballots.errors import (
    MAX_BALLOTS,
    BallotFileError,
    ballot_count,
    check_ballots,
    check_candidates,
    check_matrix,
    read_error,
    shown,
)
from psephos.ballots.profile import Profile, pack


def read_json_ballots(path: str | Path) -> Profile:
    """Read a psephos JSON ballot file into a `Profile`."""
    path = Path(path)
    data = _load(path)
    if not isinstance(data, dict):
        raise BallotFileError(path, "expected a JSON object at the top level")
    candidates = data.get("candidates")
    if not isinstance(candidates, list) or not candidates or not all(
            isinstance(c, str) and c for c in candidates):
        raise BallotFileError(path, "expected a non-empty list of names", field="candidates")
    check_candidates(path, len(candidates))
    for k, name in enumerate(candidates):
        _check_text(path, name, f"candidates[{k}]")
    if len(set(candidates)) != len(candidates):
        raise BallotFileError(path, "a candidate is named twice", field="candidates")
    seats = data.get("seats")
    if seats is not None and (not isinstance(seats, int) or isinstance(seats, bool)
                              or not 1 <= seats <= len(candidates)):
        raise BallotFileError(path, f"expected a whole number from 1 to {len(candidates)}",
                              field="seats")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise BallotFileError(path, "expected a string", field="title")
    _check_text(path, title, "title")
    ballots = data.get("ballots")
    if not isinstance(ballots, list):
        raise BallotFileError(path, "expected a list of ballots", field="ballots")
    index = {name: i for i, name in enumerate(candidates)}
    merged: dict[tuple[int, ...], int] = {}
    blank = total = preferences = 0
    for k, ballot in enumerate(ballots):
        where = f"ballots[{k}]"
        if not isinstance(ballot, dict) or not isinstance(ballot.get("ranking"), list):
            raise BallotFileError(path, "expected {\"ranking\": [...], \"count\": n}", field=where)
        count = _count(path, ballot.get("count", 1), f"{where}.count")
        total += count
        check_ballots(path, total, field=f"{where}.count")
        ranking: list[int] = []
        seen: set[int] = set()
        for name in ballot["ranking"]:
            if not isinstance(name, str) or name not in index:
                raise BallotFileError(path, f"{shown(name)} is not one of the candidates",
                                      field=f"{where}.ranking")
            if index[name] in seen:
                raise BallotFileError(path, f"{shown(name)} is ranked twice",
                                      field=f"{where}.ranking")
            seen.add(index[name])
            ranking.append(index[name])
        preferences += len(ranking)
        if not ranking:
            blank += count
        elif count:
            merged[tuple(ranking)] = merged.get(tuple(ranking), 0) + count
    check_matrix(path, merged, preferences)
    return pack(candidates, merged, blank=blank, title=title, seats=seats)


class _Digits:
    """A JSON integer too long for Python to convert (over 4,300 digits), kept as its number
    of digits and its line, so that the field holding it can say so."""

    def __init__(self, digits: int, line: int) -> None:
        self.digits, self.line = digits, line

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"


def _parse_int(text: str) -> Callable[[str], int | _Digits]:
    """``int`` for JSON's integers, but one too long to convert becomes a `_Digits`."""
    def whole(token: str) -> int | _Digits:
        try:
            return int(token)
        except ValueError:  # Python's limit on converting long digit strings
            return _Digits(len(token.lstrip("-")), text.count("\n", 0, text.find(token)) + 1)
    return whole


def _count(path: Path, value: object, field: str) -> int:
    """A ballot's ``count``: a whole number from 0 to `MAX_BALLOTS`."""
    if isinstance(value, _Digits):
        raise BallotFileError(path, f"{value!r} is too large; at most {MAX_BALLOTS:,} "
                              "ballots are supported", line=value.line, field=field)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BallotFileError(path, f"expected a whole number of ballots, found {shown(value)}",
                              field=field)
    return ballot_count(path, value, line=None, field=field)


def _load(path: Path) -> Any:
    """The parsed JSON, or a clean error for bad syntax, bad UTF-8 or nesting too deep for
    Python's parser (integers too long to convert are kept as `_Digits`)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        return json.loads(text, parse_int=_parse_int(text))
    except json.JSONDecodeError as error:
        raise BallotFileError(path, f"invalid JSON: {error.msg}", line=error.lineno) from None
    except UnicodeDecodeError as error:
        raise BallotFileError(path, f"not UTF-8 text ({error.reason})") from None
    except RecursionError:
        raise BallotFileError(path, "invalid JSON: nested too deeply") from None
    except OSError as error:
        raise read_error(path, error) from None


def _check_text(path: Path, text: str, field: str) -> None:
    """Refuse a string with a lone surrogate (JSON's ``\\ud800``): it cannot be printed or saved."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BallotFileError(path, f"{shown(text)} is not valid Unicode (a lone surrogate)",
                              field=field) from None
