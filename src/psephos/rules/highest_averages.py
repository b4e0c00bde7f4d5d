"""Highest-averages list allocation: d'Hondt, Sainte-Laguë, modified Sainte-Laguë.

Seats go one at a time to the contestant (party list or individual) with the
highest average, votes / divisor(seats already held). d'Hondt (divisors 1, 2, 3, ...)
is the rule of the Scotland Act 1998 ss.7-8, the Government of Wales Act 2006 s.9,
and the Greater London Authority Act 1999 Sch. 2 paras 7-8; it was also the rule of
the European Parliamentary Elections Act 2002 s.2 for Great Britain. Sainte-Laguë
(1, 3, 5, ...) and its modified form (1.4, 3, 5, ...) are the common alternatives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from psephos.ballots.profile import Profile
from psephos.count import Count, Stage, from_units
from psephos.rules.errors import OptionError, RuleError, check_seats
from psephos.rules.record import finished
from psephos.rules.ties import Lots, name_finder

Divisor = Literal["dhondt", "sainte-lague", "modified-sainte-lague"]
DIVISORS: tuple[Divisor, ...] = ("dhondt", "sainte-lague", "modified-sainte-lague")

#: Averages are compared as exact fractions; the recorded tallies are those averages
#: truncated (rounded towards zero) to this many decimal places.
PLACES = 5

Share = Fraction | Decimal | int | float | str


def divisor_for(held: int, divisor: Divisor) -> Fraction:
    """The divisor applied to a contestant already holding ``held`` seats."""
    if divisor == "dhondt":
        return Fraction(held + 1)
    if divisor == "sainte-lague":
        return Fraction(2 * held + 1)
    if divisor == "modified-sainte-lague":
        return Fraction(7, 5) if held == 0 else Fraction(2 * held + 1)
    raise RuleError(f"unknown divisor {divisor!r}; choose one of {', '.join(DIVISORS)}")


def as_share(value: Share) -> Fraction:
    """A vote share as an exact fraction; a float is read by its shortest repr (0.05 -> 1/20)."""
    try:
        share = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, ZeroDivisionError):
        share = None
    if share is None or not 0 <= share < 1:
        raise OptionError(f"option threshold={value}: expected a share of the votes in "
                          "[0, 1), e.g. 0.05 or 1/20")
    return share


def highest_averages(
    votes: Mapping[str, int],
    seats: int,
    *,
    divisor: Divisor = "dhondt",
    threshold: Share = 0,
    initial_seats: Mapping[str, int] | None = None,
    limits: Mapping[str, int] | None = None,
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """Allocate ``seats`` among the contestants of ``votes`` (name -> votes) by highest average.

    - ``divisor``: "dhondt" (votes / (s + 1)), "sainte-lague" (votes / (2s + 1)) or
      "modified-sainte-lague" (votes / 1.4 while s = 0, then / (2s + 1)), where s is the
      number of seats the contestant already holds.
    - ``threshold``: a share of all the votes in ``votes`` (e.g. ``0.05`` or ``"0.05"``,
      read exactly as 1/20); a contestant with less is disregarded. ``votes`` must hold
      every list and individual on the ballot so that the total is the valid vote.
    - ``initial_seats``: seats each contestant holds before this allocation (constituency
      seats in an additional member system); they count in s but are not allocated here.
    - ``limits``: the most seats a contestant may receive in this allocation (1 for an
      individual candidate; the length of a party's list); on reaching it the contestant
      is disregarded (Scotland Act 1998 s.8(3) and (6)). Contestants not named: no limit.
    - Contestants with no votes never receive a seat.
    - An equality of the highest averages is settled by lot: the first of the tied in
      ``lot_order`` if given, else a draw seeded by ``seed``; every lot is recorded.
      (When seats remain for every tied contestant, as Scotland Act s.8(7) gives each a
      seat, the order drawn does not change the seats won.)

    The count has one stage per seat (action "allocate"): ``tallies`` are each
    contestant's average when that seat was decided (0 for a contestant disregarded),
    truncated to `PLACES` decimals (the choice itself uses exact fractions), and
    ``elected`` is the contestant who took the seat. ``Count.elected`` lists, per seat
    in order of allocation, the contestant's index, so a party appears once per seat;
    `seats_won` tallies it.
    """
    names = tuple(votes)
    if seats < 0:
        raise RuleError("seats must not be negative")
    counts = [int(votes[name]) for name in names]
    if any(v < 0 for v in counts):
        raise RuleError("votes must not be negative")
    held = _per_name(names, initial_seats, "initial_seats")
    room = _limits(names, limits)
    share = as_share(threshold)
    divisor_for(0, divisor)  # reject an unknown divisor even when no seat is allocated
    total = sum(counts)
    below = tuple(i for i, v in enumerate(counts) if v < share * total)
    lots = Lots(names, seed=seed, order=lot_order)
    won = [0] * len(names)
    elected: list[int] = []
    stages: list[Stage] = []
    for number in range(1, seats + 1):
        averages: list[Fraction | None] = [
            None if i in below or counts[i] == 0 or _full(won[i], room[i])
            else Fraction(counts[i]) / divisor_for(held[i] + won[i], divisor)
            for i in range(len(names))
        ]
        live = [a for a in averages if a is not None]
        if not live:
            raise RuleError(f"seat {number} of {seats} cannot be filled: no contestant remains")
        top = max(live)
        tied = [i for i, a in enumerate(averages) if a == top]
        winner = tied[0] if len(tied) == 1 else lots.draw(
            tied, stage=number, purpose="equality of the highest averages")
        won[winner] += 1
        elected.append(winner)
        stages.append(Stage(
            number=number,
            action="allocate",
            tallies=tuple(Decimal(0) if a is None else _truncate(a) for a in averages),
            subjects=(winner,),
            elected=(winner,),
            excluded=below if number == 1 else (),
            note=f"seat {number}: {names[winner]}",
        ))
    return finished(divisor, seats, lots, elected=elected, stages=stages, valid=total,
                    places=PLACES, options={
                        "divisor": divisor,
                        "threshold": str(share),
                        "initial_seats": dict(zip(names, held, strict=True)),
                        "limits": {name: r for name, r in zip(names, room, strict=True)
                                   if r is not None},
                        "below_threshold": [names[i] for i in below],
                    })


def seats_won(count: Count) -> dict[str, int]:
    """Seats allocated per contestant of a highest-averages count (zeros included)."""
    tally = Counter(count.elected)
    return {name: tally[i] for i, name in enumerate(count.candidates)}


def dhondt(
    profile: Profile,
    seats: int,
    *,
    threshold: Share = 0,
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """d'Hondt over the first preferences of ``profile``, each candidate a party list.

    At least one seat (`RuleError` otherwise): a count that allocates nothing is a mistake
    here; `highest_averages` itself allows none, as an additional member region may have
    no list seat left.
    """
    check_seats(seats)
    return highest_averages(first_preference_votes(profile), seats, divisor="dhondt",
                            threshold=threshold, limits=_withdrawn(profile),
                            seed=seed, lot_order=lot_order)


def sainte_lague(
    profile: Profile,
    seats: int,
    *,
    modified: bool = False,
    threshold: Share = 0,
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """Sainte-Laguë (``modified``: first divisor 1.4) over the first preferences of
    ``profile``; at least one seat, as `dhondt`."""
    check_seats(seats)
    return highest_averages(first_preference_votes(profile), seats,
                            divisor="modified-sainte-lague" if modified else "sainte-lague",
                            threshold=threshold, limits=_withdrawn(profile),
                            seed=seed, lot_order=lot_order)


def first_preference_votes(profile: Profile) -> dict[str, int]:
    """Each candidate's first preferences, by name: the votes of a list count."""
    if len(set(profile.candidates)) != profile.n_candidates:
        raise RuleError("list allocation needs distinct candidate (party) names")
    return dict(zip(profile.candidates, (int(v) for v in profile.first_preferences()),
                    strict=True))


def _withdrawn(profile: Profile) -> dict[str, int] | None:
    if not profile.withdrawn:
        return None
    return {profile.candidates[i]: 0 for i in profile.withdrawn}


def _by_name(names: tuple[str, ...], given: Mapping[str, int], what: str) -> dict[str, int]:
    """``given`` keyed by the contestants' own spellings (names match after Unicode NFC
    normalisation, `name_finder`); a `RuleError` for a name that is no contestant's or a
    negative value."""
    find = name_finder(names)
    found = {name: find(name) for name in given}
    unknown = [name for name, own in found.items() if own is None]
    if unknown:
        raise RuleError(f"{what} names {', '.join(map(repr, unknown))}, who has no votes entry")
    repeated = sorted(own for own, times in Counter(found.values()).items()
                      if own is not None and times > 1)
    if repeated:
        raise RuleError(f"{what} names {', '.join(map(repr, repeated))} more than once")
    values = {own: int(given[name]) for name, own in found.items() if own is not None}
    if any(v < 0 for v in values.values()):
        raise RuleError(f"{what} must not be negative")
    return values


def _per_name(names: tuple[str, ...], given: Mapping[str, int] | None, what: str) -> list[int]:
    if given is None:
        return [0] * len(names)
    values = _by_name(names, given, what)
    return [values.get(name, 0) for name in names]


def _limits(names: tuple[str, ...], given: Mapping[str, int] | None) -> list[int | None]:
    """Per contestant, the most seats it may receive here (None: no limit)."""
    if given is None:
        return [None] * len(names)
    values = _by_name(names, given, "limits")
    return [values.get(name) for name in names]


def _full(won: int, limit: int | None) -> bool:
    return limit is not None and won >= limit


def _truncate(value: Fraction) -> Decimal:
    """``value`` to `PLACES` decimals, rounded down (averages are never negative), exact at
    any size: integer division, then the digits as they are (`from_units`, not ``scaleb``,
    which rounds to the context's 28 digits)."""
    return from_units(value.numerator * 10**PLACES // value.denominator, PLACES)
