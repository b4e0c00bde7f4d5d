"""Closed party lists by d'Hondt in one constituency: the Senedd from 2026.

Government of Wales Act 2006 ss.6-9 ("voting and seat allocation at general elections"), as
substituted by the Senedd Cymru (Members and Elections) Act 2024 s.8; 16 constituencies of six
seats (2006 Act s.1(2), as substituted by the 2024 Act s.1). Each voter gives one vote, to a
registered party's list or to an individual candidate (s.6); a list names one to eight people
(s.7(3)). The seats are then allocated (ss.8-9) one at a time to the highest "seat allocation
figure": a party's votes / (seats it has been allocated + 1), an individual candidate's votes
undivided; an individual who has a seat, or a party whose list is used up, takes no further
part; equal highest figures are decided by lot (as the Electoral Commission's guidance for
candidates and agents sets out). That is highest-averages d'Hondt with limits, so the
arithmetic is `psephos.rules.highest_averages`; this module names the rule and its inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from psephos.ballots.profile import Profile
from psephos.count import Count
from psephos.rules.errors import RuleError, check_seats
from psephos.rules.highest_averages import first_preference_votes, highest_averages

#: Seats for each Senedd constituency (2006 Act s.1(2)(b), as substituted in 2024).
SENEDD_SEATS = 6
#: The most people a party's list may name (2006 Act s.7(3), as substituted in 2024).
SENEDD_LIST_LIMIT = 8


def closed_list(
    votes: Mapping[str, int],
    seats: int = SENEDD_SEATS,
    *,
    individuals: Sequence[str] | None = None,
    list_lengths: Mapping[str, int] | None = None,
    withdrawn: Sequence[str] = (),
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """Allocate one constituency's ``seats`` among party lists and individual candidates.

    - ``votes``: every list and individual candidate on the ballot -> votes.
    - ``individuals``: names in ``votes`` that are individual candidates (one seat at most).
    - ``list_lengths``: people on each party's list (default: as many as there are seats);
      a party is disregarded once its list is used up.
    - ``withdrawn``: names that take no seat (their votes are still counted).
    - Equal highest figures: decided by lot (``lot_order``, else ``seed``), recorded.

    Returns the `highest_averages` count with method "senedd": one "allocate" stage per seat.
    """
    check_seats(seats)
    limits: dict[str, int] = {}
    for name, length in (list_lengths or {}).items():
        if name not in votes:
            raise RuleError(f"list_lengths names {name!r}, who has no votes entry")
        if not 1 <= int(length) <= SENEDD_LIST_LIMIT:
            raise RuleError(f"the list of {name!r} names {length} people; a list names 1 to "
                            f"{SENEDD_LIST_LIMIT}")
        limits[name] = int(length)
    for name in individuals or ():
        if name not in votes:
            raise RuleError(f"individual {name!r} has no votes entry")
        if name in limits:
            raise RuleError(f"{name!r} is both an individual candidate and a party list")
        limits[name] = 1
    for name in withdrawn:
        limits[name] = 0
    count = highest_averages(votes, seats, divisor="dhondt", limits=limits, seed=seed,
                             lot_order=lot_order)
    return replace(count, method="senedd", options={
        **count.options, "individuals": sorted(individuals or ())})


def senedd(
    profile: Profile,
    seats: int = SENEDD_SEATS,
    *,
    individuals: Sequence[str] | None = None,
    list_lengths: Mapping[str, int] | None = None,
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """A Senedd constituency (GoWA 2006 ss.6-9 as substituted by the Senedd Cymru (Members and
    Elections) Act 2024 s.8): `closed_list` over the first preferences of ``profile``, each
    candidate a party list or (named in ``individuals``) an individual candidate; a
    withdrawn candidate takes no seat."""
    return closed_list(first_preference_votes(profile), seats, individuals=individuals,
                       list_lengths=list_lengths,
                       withdrawn=[profile.candidates[i] for i in profile.withdrawn],
                       seed=seed, lot_order=lot_order)
