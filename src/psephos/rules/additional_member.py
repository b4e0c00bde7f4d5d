"""The additional member system: list seats that top up constituency results.

- Scottish Parliament: Scotland Act 1998 ss.6-8. In each region, a party's
  "regional figure" is its regional votes / (constituency seats won in the region +
  regional seats already allocated + 1); each regional seat goes to the highest
  figure; an individual candidate on the regional ballot who is returned (in a
  constituency or as a regional member) is disregarded, and so is a party whose
  list is exhausted (s.8(3), (6)). No threshold.
- London Assembly: Greater London Authority Act 1999 s.4 and Sch. 2 paras 7-8. The
  "London figure" is London votes / (constituency members + London members already
  allocated + 1); a party or individual with less than 5 per cent of the London
  votes is disregarded.
- Senedd 1999-2021 (Government of Wales Act 2006 s.9): as Scotland.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import TypedDict, Unpack

from psephos.count import Count
from psephos.rules.errors import RuleError
from psephos.rules.highest_averages import Divisor, Share, highest_averages, seats_won

#: GLA Act 1999 Sch. 2 para 7: parties and individuals under 5% of the London votes are disregarded.
LONDON_THRESHOLD = Fraction(5, 100)


def additional_member(
    constituency_seats: Mapping[str, int],
    list_votes: Mapping[str, int],
    list_seats: int,
    *,
    threshold: Share = 0,
    divisor: Divisor = "dhondt",
    individuals: Collection[str] = (),
    list_lengths: Mapping[str, int] | None = None,
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """Allocate ``list_seats`` top-up seats (Scotland Act 1998 ss.7-8; GLA Act 1999 Sch. 2).

    ``constituency_seats``: seats each party (or individual) won in the constituencies
    of the region; names with no entry in ``list_votes`` (e.g. an independent who
    stood only in a constituency) take no part. ``list_votes``: regional/London list
    votes of every party list and individual candidate on the ballot. Each seat goes
    to the highest of votes / divisor(constituency seats + list seats already
    allocated) -- d'Hondt: + 1 -- among those not disregarded:

    - ``threshold``: share of all list votes below which a contestant is disregarded
      (0 in Scotland and Wales; `LONDON_THRESHOLD` = 5% for the London Assembly).
    - ``individuals``: names in ``list_votes`` that are individual candidates: each can
      take at most one seat, and none if already returned for a constituency (s.8(3)).
    - ``list_lengths``: for a party, how many of its list candidates can still be
      returned (list length less those already returned in constituencies); the party
      is disregarded once they are used up (s.8(6)). Default: unlimited.
    - Equal highest figures: decided by lot (``lot_order``, else ``seed``), recorded.

    Returns the `highest_averages` count with method "additional-member": one
    "allocate" stage per list seat; ``Count.elected`` names the contestant per seat;
    ``Count.options["total_seats"]`` is constituency + list seats per name.
    """
    if list_seats < 0:
        raise RuleError("list seats must not be negative")
    if any(int(s) < 0 for s in constituency_seats.values()):
        raise RuleError("constituency seats must not be negative")
    missing = [name for name in individuals if name not in list_votes]
    if missing:
        raise RuleError(f"individuals {', '.join(map(repr, missing))} have no list votes entry")
    initial = {name: int(s) for name, s in constituency_seats.items() if name in list_votes}
    limits: dict[str, int] = {}
    if list_lengths is not None:
        for name, length in list_lengths.items():
            if name not in list_votes:
                raise RuleError(f"list_lengths names {name!r}, who has no list votes entry")
            limits[name] = int(length)
    for name in individuals:
        limits[name] = 0 if int(constituency_seats.get(name, 0)) else 1
    count = highest_averages(list_votes, list_seats, divisor=divisor, threshold=threshold,
                             initial_seats=initial, limits=limits, seed=seed,
                             lot_order=lot_order)
    won = seats_won(count)
    names = [*count.candidates, *(n for n in constituency_seats if n not in list_votes)]
    totals = {name: int(constituency_seats.get(name, 0)) + won.get(name, 0) for name in names}
    return replace(count, method="additional-member", options={
        **count.options,
        "list_seats": won,
        "constituency_seats": {name: int(s) for name, s in constituency_seats.items()},
        "total_seats": totals,
        "individuals": sorted(individuals),
    })


class RegionOptions(TypedDict, total=False):
    """The options of `additional_member` that the named systems below pass on as given."""

    individuals: Collection[str]
    list_lengths: Mapping[str, int] | None
    seed: int | None
    lot_order: Sequence[str] | None


def scottish_parliament_region(constituency_seats: Mapping[str, int],
                               list_votes: Mapping[str, int], *, list_seats: int = 7,
                               **options: Unpack[RegionOptions]) -> Count:
    """One Holyrood region's regional seats (Scotland Act 1998 ss.7-8; Sch. 1: seven a region)."""
    return additional_member(constituency_seats, list_votes, list_seats, **options)


def london_assembly(constituency_seats: Mapping[str, int], list_votes: Mapping[str, int], *,
                    list_seats: int = 11, **options: Unpack[RegionOptions]) -> Count:
    """The eleven London members (GLA Act 1999 s.2(2)(b), Sch. 2 paras 7-8: 5% threshold)."""
    return additional_member(constituency_seats, list_votes, list_seats,
                             threshold=LONDON_THRESHOLD, **options)
