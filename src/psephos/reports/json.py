"""A `Count` as one JSON object (format ``psephos-count/1``, see docs/count-json.md).

Vote values are decimal strings at the rule's precision, never floats, so a reader
gets back exactly the figures the count produced; candidates are keyed by name so
the file reads on its own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from psephos.count import NON_TRANSFERABLE, ROUNDING_LOSS, Count, Lot, Stage
from psephos.reports.labels import votes

#: Keys in ``transfers`` for votes that went to no candidate.
PILES = ("non-transferable", "lost")
#: Written as ``format``; bump the number on any change a reader would notice.
FORMAT = "psephos-count/1"


def count_to_dict(count: Count) -> dict[str, Any]:
    """The whole count as plain JSON-ready values (str, int, None, list, dict).

    Raises ValueError if two candidates share a name, since tallies are keyed by name.
    Stage fields a rule leaves empty are written empty (``{}``/``null``), never left out.
    """
    names = count.candidates
    if len(set(names)) != len(names) or set(names) & set(PILES):
        raise ValueError("candidate names must be unique (and not a pile's name) to key "
                         "tallies by name")
    p = count.precision
    return {
        "format": FORMAT,
        "method": count.method,
        "seats": count.seats,
        "quota": None if count.quota is None else votes(count.quota, p),
        "valid": format(count.valid, "f"),
        "precision": p,
        "candidates": list(names),
        "elected": [names[c] for c in count.elected],
        "excluded": [names[c] for c in count.excluded],
        "lots": [_lot(lot, names) for lot in count.lots],
        "options": _plain(count.options),
        "stages": [_stage(stage, names, p) for stage in count.stages],
    }


def count_to_json(count: Count, *, indent: int | None = 2) -> str:
    """`count_to_dict` as JSON text: keys in a fixed order, UTF-8 names left readable."""
    return json.dumps(count_to_dict(count), indent=indent, ensure_ascii=False)


def _stage(stage: Stage, names: Sequence[str], p: int) -> dict[str, Any]:
    return {
        "number": stage.number,
        "action": stage.action,
        "subjects": [names[c] for c in stage.subjects],
        "tallies": {n: votes(v, p) for n, v in zip(names, stage.tallies, strict=True)},
        "changes": {n: votes(v, p) for n, v in zip(names, stage.changes, strict=True)}
        if stage.changes else {},
        "elected": [names[c] for c in stage.elected],
        "excluded": [names[c] for c in stage.excluded],
        "exhausted": votes(stage.exhausted, p),
        "exhausted_change": votes(stage.exhausted_change, p),
        "lost": votes(stage.lost, p),
        "transfer_value": None if stage.transfer_value is None
        else votes(stage.transfer_value, p),
        "threshold": None if stage.threshold is None else votes(stage.threshold, p),
        "inactive": {k: votes(v, p) for k, v in stage.inactive.items()},
        "transfers": {names[s]: {_recipient(r, names): votes(v, p) for r, v in flow.items()}
                      for s, flow in stage.transfers.items()},
        "keep_factors": {n: format(k, "f")
                         for n, k in zip(names, stage.keep_factors, strict=True)}
        if stage.keep_factors else {},
        "note": stage.note,
    }


def _recipient(r: int, names: Sequence[str]) -> str:
    """A candidate's name, or the pile a transfer went to instead."""
    return {NON_TRANSFERABLE: PILES[0], ROUNDING_LOSS: PILES[1]}.get(r) or names[r]


def _lot(lot: Lot, names: Sequence[str]) -> dict[str, Any]:
    return {
        "stage": lot.stage,
        "tied": [names[c] for c in lot.tied],
        "chosen": names[lot.chosen],
        "purpose": lot.purpose,
        "how": lot.how,
    }


def _plain(value: object) -> Any:
    """Options as JSON values: tuples become lists, Decimals strings, anything else its str."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_plain(v) for v in items]
    return str(value)
