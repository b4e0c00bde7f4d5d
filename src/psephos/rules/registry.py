"""Every counting rule, registered once: its name, function, label, seats rule and statute.

The command line, the web pages, the contests and their migration read this table and
keep no list of their own. Each function takes ``(profile, seats, **options)`` and
returns a `Count`; every rule honours ``seed`` and ``lot_order`` (how lots are drawn).
Functions are imported when first used, so reading the table costs no rule imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from psephos.ballots.profile import Profile
from psephos.count import Count
from psephos.rules.errors import RuleError

Rule = Callable[..., Count]


@dataclass(frozen=True)
class RuleEntry:
    """One registered rule. ``seats`` is ``"one"`` for rules that fill a single seat."""

    name: str
    module: str
    function: str
    label: str
    seats: Literal["one", "many"]
    statute: str

    def load(self) -> Rule:
        """The rule's function, imported on first use."""
        rule: Rule = getattr(importlib.import_module(self.module), self.function)
        return rule


_ENTRIES = (
    RuleEntry("plurality", "psephos.rules.plurality", "plurality", "first past the post",
              "many", "Representation of the People Act 1983, Sch. 1 r.49"),
    RuleEntry("av", "psephos.rules.alternative_vote", "alternative_vote",
              "the alternative vote", "one",
              "Parliamentary Voting System and Constituencies Act 2011, Sch. 10"),
    RuleEntry("sv", "psephos.rules.supplementary_vote", "supplementary_vote",
              "the supplementary vote", "one",
              "Greater London Authority Act 1999, Sch. 2 Part I"),
    RuleEntry("stv-scotland", "psephos.rules.stv_scotland", "stv_scotland",
              "the single transferable vote (Scottish rules)", "many",
              "Scottish Local Government Elections Order 2007 (SSI 2007/42), Sch. 1 rr.45-52"),
    RuleEntry("wigm", "psephos.rules.wigm", "wigm",
              "the single transferable vote (weighted inclusive Gregory)", "many",
              "ERS97 / weighted inclusive Gregory method"),
    RuleEntry("meek", "psephos.rules.meek", "meek", "the single transferable vote (Meek)",
              "many", "Meek's method (Hill, Wichmann and Woodall, Computer Journal 1987)"),
    RuleEntry("dhondt", "psephos.rules.highest_averages", "dhondt", "the D'Hondt method",
              "many", "d'Hondt highest averages (Scotland Act 1998 s.7)"),
    RuleEntry("sainte-lague", "psephos.rules.highest_averages", "sainte_lague",
              "the Sainte-Laguë method", "many", "Sainte-Laguë highest averages"),
)

#: Rule name -> its entry, in the order the command line lists them.
RULES: dict[str, RuleEntry] = {entry.name: entry for entry in _ENTRIES}


def entry(name: str) -> RuleEntry:
    """The entry for ``name``, or a `RuleError` naming the choices."""
    try:
        return RULES[name]
    except KeyError:
        raise RuleError(f"unknown method {name!r}; choose one of {', '.join(RULES)}") from None


def count(profile: Profile, method: str, seats: int | None = None, **options: Any) -> Count:
    """Count ``profile`` by the rule named ``method``.

    ``seats`` defaults to the seats the profile declares, else 1.
    """
    chosen = entry(method)
    seats = seats if seats is not None else (profile.seats or 1)
    if chosen.seats == "one" and seats != 1:
        raise RuleError(f"{chosen.label} fills one seat, not {seats}")
    return chosen.load()(profile, seats, **options)
