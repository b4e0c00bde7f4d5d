"""The counting methods by name, as the command line and the web ask for them.

Every entry takes ``(profile, seats, **options)`` and returns a `Count`; the options
every entry honours are ``seed`` and ``lot_order`` (how lots are drawn), and each
passes any other option on to its rule. Rules written in other modules are imported
when first used, so this registry imports even where one of them is missing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from psephos.ballots.profile import Profile
from psephos.rules.count import Count
from psephos.rules.errors import RuleError

Method = Callable[..., Count]


def _single(name: str, seats: int) -> None:
    if seats != 1:
        raise RuleError(f"{name} fills one seat, not {seats}")


def _plurality(profile: Profile, seats: int, **options: Any) -> Count:
    """First past the post (one seat) or block plurality (RPA 1983 Sch. 1 r.49)."""
    from psephos.rules.plurality import plurality

    return plurality(profile, seats, **options)


def _av(profile: Profile, seats: int, **options: Any) -> Count:
    """The alternative vote (instant-runoff)."""
    _single("the alternative vote", seats)
    rule: Method = importlib.import_module("psephos.rules.alternative_vote").alternative_vote
    return rule(profile, seats, **options)


def _sv(profile: Profile, seats: int, **options: Any) -> Count:
    """The supplementary vote (GLA Act 1999 Sch. 2)."""
    from psephos.rules.supplementary_vote import supplementary_vote

    _single("the supplementary vote", seats)
    return supplementary_vote(profile, **options)


def _stv_scotland(profile: Profile, seats: int, **options: Any) -> Count:
    """STV as Scottish councils count it (SSI 2007/42 Sch. 1 rr.45-52)."""
    from psephos.rules.stv_scotland import stv_scotland

    return stv_scotland(profile, seats, **options)


def _wigm(profile: Profile, seats: int, **options: Any) -> Count:
    """STV by the weighted inclusive Gregory method."""
    rule: Method = importlib.import_module("psephos.rules.wigm").wigm
    return rule(profile, seats, **options)


def _meek(profile: Profile, seats: int, **options: Any) -> Count:
    """STV by Meek's method."""
    rule: Method = importlib.import_module("psephos.rules.meek").meek
    return rule(profile, seats, **options)


def _dhondt(profile: Profile, seats: int, **options: Any) -> Count:
    """d'Hondt over first preferences, each candidate a party list."""
    from psephos.rules.highest_averages import dhondt

    return dhondt(profile, seats, **options)


def _sainte_lague(profile: Profile, seats: int, **options: Any) -> Count:
    """Sainte-Laguë over first preferences, each candidate a party list."""
    from psephos.rules.highest_averages import sainte_lague

    return sainte_lague(profile, seats, **options)


#: CLI method name -> rule taking ``(profile, seats, **options)``.
METHODS: dict[str, Method] = {
    "plurality": _plurality,
    "av": _av,
    "sv": _sv,
    "stv-scotland": _stv_scotland,
    "wigm": _wigm,
    "meek": _meek,
    "dhondt": _dhondt,
    "sainte-lague": _sainte_lague,
}

#: Modules that implement each method, for callers that report what is installed.
MODULES: dict[str, str] = {
    "plurality": "psephos.rules.plurality",
    "av": "psephos.rules.alternative_vote",
    "sv": "psephos.rules.supplementary_vote",
    "stv-scotland": "psephos.rules.stv_scotland",
    "wigm": "psephos.rules.wigm",
    "meek": "psephos.rules.meek",
    "dhondt": "psephos.rules.highest_averages",
    "sainte-lague": "psephos.rules.highest_averages",
}


def count(profile: Profile, method: str, seats: int | None = None, **options: Any) -> Count:
    """Count ``profile`` by the method named ``method`` (a key of `METHODS`).

    ``seats`` defaults to the seats the profile declares, else 1.
    """
    try:
        rule = METHODS[method]
    except KeyError:
        raise RuleError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}") from None
    return rule(profile, seats if seats is not None else (profile.seats or 1), **options)
