"""Candidate names: one stored form, one comparison key, one list of what is refused.

Two names are one candidate when their keys are equal. The key is Unicode's
``NFKC_Casefold`` in Python terms (NFKC normalisation, full case folding, NFKC again:
Unicode Standard Annex #15, and The Unicode Standard 15.0, section 3.13 "Default Caseless
Matching", D145), with runs of spaces made one: "Anna Strauß" and "ANNA STRAUSS", or an
"é" typed as e + U+0301 and a precomposed "é", are the same name. Characters that make two
different names look alike or break a line are refused: control characters (general
category Cc), format characters (Cf: zero-width spaces and joiners, bidirectional
overrides and isolates, the byte order mark), line and paragraph separators (Zl, Zp),
surrogates, private-use and unassigned code points, and blanks at either end. The name
kept is the NFC form of what was given.

The definition reader, the admin's forms, the nomination services, the model guard
(`psephos.contests.locking`) and the ballot paper all go through here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

#: The longest name a candidate may have (the database column's length).
MAX_LENGTH = 200

_REFUSED = {
    "Cc": "a control character",
    "Cf": "an invisible format character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Cs": "a surrogate",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
}


def describe(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: the code point and, where Unicode has one, its name."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a candidate's name, or None if it can."""
    if not name.strip():
        return "is empty"
    for char in name:
        kind = _REFUSED.get(unicodedata.category(char))
        if kind is not None:
            return (f"contains {describe(char)} ({kind}, which can make two different "
                    "names look alike or break a line); type the name without it")
    if name != name.strip():
        return "has blanks at its start or end; remove them"
    if len(name) > MAX_LENGTH:
        return f"is {len(name)} characters long; at most {MAX_LENGTH} are allowed"
    return None


def stored_name(name: str) -> str:
    """The form a valid name is kept in (NFC: composed accents)."""
    return unicodedata.normalize("NFC", name)


def name_key(name: str) -> str:
    """The comparison key: two names with equal keys are one candidate."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


def first_clash(names: Iterable[str]) -> tuple[int, int] | None:
    """The positions ``(earlier, later)`` of the first two names with one key, or None."""
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        key = name_key(name)
        if key in seen:
            return seen[key], i
        seen[key] = i
    return None


def clash_message(first: str, second: str) -> str:
    """What to say when ``second`` is the same name as ``first`` once compared."""
    if first == second:
        return f"{second!r} appears twice"
    return (f"{second!r} is the same name as {first!r} once case and Unicode forms are "
            "ignored (voters could not tell them apart); make the names differ")
