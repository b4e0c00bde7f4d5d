"""Shared wording for the views: vote strings, short names, stage descriptions.

Kept in one place so the JSON, CSV, table and chart describe a stage the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_DOWN, Context, Decimal, getcontext

from psephos.count import Count, Stage

_PARTY = re.compile(r"\s*\([^()]*\)\s*$")


def votes(value: Decimal, precision: int) -> str:
    """``value`` as a plain decimal string with exactly ``precision`` places (no exponent).

    The values in a `Count` are already exact at the rule's precision, so this only
    fixes the written form: ``930`` becomes ``"930.00000"`` at five places. A value with
    more places than that is written in full rather than rounded. Exact at any length
    (a rule may count to hundreds of places): digits are padded as text, never rounded
    through a 28-digit context.
    """
    text = format(value, "f")
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places >= precision:
        return text
    return text + ("" if places else ".") + "0" * (precision - places)


def display(name: str) -> str:
    """``name`` with runs of spaces collapsed (some council files pad names to columns)."""
    return " ".join(name.split())


def shown(value: Decimal, places: int) -> str:
    """``value`` cut (not rounded) to ``places`` for display.

    Truncation never shows a candidate on 929.999 as having reached a quota of 930. The
    context holds every digit, so a value of any length is cut, never rounded.
    """
    digits = max(value.adjusted(), 0) + places + 2
    context = Context(prec=max(digits, getcontext().prec), rounding=ROUND_DOWN)
    return format(value.quantize(Decimal(1).scaleb(-places, context), context=context), "f")


def short_name(name: str) -> str:
    """The last word of ``name`` without its party: ``"Tom CASTLES (Lab)"`` -> ``"CASTLES"``."""
    bare = _PARTY.sub("", name).strip() or name.strip()
    return bare.split()[-1] if bare.split() else name


def short_names(candidates: Sequence[str]) -> list[str]:
    """A short label per candidate, falling back to the longer form where surnames clash."""
    short = [short_name(c) for c in candidates]
    bare = [_PARTY.sub("", c).strip() or c for c in candidates]
    out = []
    for i, name in enumerate(candidates):
        if short.count(short[i]) == 1:
            out.append(short[i])
        elif bare.count(bare[i]) == 1:
            out.append(bare[i])
        else:
            out.append(name)
    return out


_ACTIONS = {
    "first": "First preferences",
    "surplus": "Surplus of",
    "exclude": "Exclusion of",
    "elect": "Election of",
    "allocate": "Allocation",
}


def describe(stage: Stage, names: Sequence[str]) -> str:
    """What happened at ``stage``, e.g. ``"Surplus of CARRAGHER"``; ``names`` label candidates."""
    words = _ACTIONS.get(stage.action, stage.action.capitalize())
    if stage.action in ("first", "allocate") or not stage.subjects:
        return words
    return f"{words} {', '.join(names[c] for c in stage.subjects)}"


def status(count: Count) -> dict[int, tuple[str, int]]:
    """Candidate index -> (``"elected"`` or ``"excluded"``, stage number at which it happened)."""
    out: dict[int, tuple[str, int]] = {}
    for stage in count.stages:
        for c in stage.elected:
            out.setdefault(c, ("elected", stage.number))
        for c in stage.excluded:
            out.setdefault(c, ("excluded", stage.number))
    return out


def seats_at(count: Count) -> dict[int, list[int]]:
    """Candidate index -> the stages at which it won a seat (a list wins several)."""
    out: dict[int, list[int]] = {}
    for stage in count.stages:
        for c in stage.elected:
            out.setdefault(c, []).append(stage.number)
    return out


def is_allocation(count: Count) -> bool:
    """True for list counts (highest averages): seats are allocated, no votes move."""
    return all(stage.action in ("first", "allocate") for stage in count.stages)
