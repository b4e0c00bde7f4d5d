"""Every counting rule, registered once: its name, function, label, seats rule and statute.

The command line, the web pages, the contests and their migration read this table and
keep no list of their own. Each function takes ``(profile, seats, **options)`` and
returns a `Count`; every rule honours ``seed`` and ``lot_order`` (how lots are drawn).
Functions are imported when first used, so reading the table costs no rule imports.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

from psephos.count import Count
from psephos.rules.errors import OptionError, RuleError

if TYPE_CHECKING:
    from psephos.ballots.profile import Profile

Rule = Callable[..., Count]

#: Options every rule takes, which have command-line options of their own.
LOT_OPTIONS = ("seed", "lot_order")
#: `describe_option` of an option that only a library caller can give (an object).
UNSETTABLE = "(not settable as text)"


@dataclass(frozen=True)
class RuleEntry:
    """One registered rule. ``seats`` is ``"one"`` for rules that fill a single seat;
    ``options`` names the options a user may set as text (``--option KEY=VALUE``), so
    help can list them without importing the rule (a test keeps them equal to
    `rule_options`)."""

    name: str
    module: str
    function: str
    label: str
    seats: Literal["one", "many"]
    statute: str
    options: tuple[str, ...] = ()

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
              "ERS97 / weighted inclusive Gregory method",
              ("places", "rounding", "quota", "defeat")),
    RuleEntry("meek", "psephos.rules.meek", "meek", "the single transferable vote (Meek)",
              "many", "Meek's method (Hill, Wichmann and Woodall, Computer Journal 1987)",
              ("places", "surplus_limit", "split", "keep_rounding", "quota", "defeat")),
    RuleEntry("dhondt", "psephos.rules.highest_averages", "dhondt", "the D'Hondt method",
              "many", "d'Hondt highest averages (Scotland Act 1998 s.7)", ("threshold",)),
    RuleEntry("sainte-lague", "psephos.rules.highest_averages", "sainte_lague",
              "the Sainte-Laguë method", "many", "Sainte-Laguë highest averages",
              ("modified", "threshold")),
    # Senedd from 2026: closed lists, d'Hondt per constituency.
    RuleEntry("senedd", "psephos.rules.closed_list", "senedd",
              "closed party lists by d'Hondt (Senedd)", "many",
              "Government of Wales Act 2006 ss.6-9 as substituted by the Senedd Cymru "
              "(Members and Elections) Act 2024 s.8"),
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

    ``seats`` defaults to the seats the profile declares, else 1. A lot order the file
    itself declares (Droop's BLT ``[tie]`` line, `Profile.lot_order`: the first named is
    chosen first) decides lots unless the caller gives a ``lot_order`` or a ``seed``.
    """
    chosen = entry(method)
    if (profile.lot_order and options.get("lot_order") is None
            and options.get("seed") is None):
        options["lot_order"] = profile.lot_order
    seats = seats if seats is not None else (profile.seats or 1)
    if chosen.seats == "one" and seats != 1:
        raise RuleError(f"{chosen.label} fills one seat, not {seats}")
    return chosen.load()(profile, seats, **options)


def default_method(seats: int) -> str:
    """The rule a count uses when none is named: AV for one seat, Scottish STV for more."""
    return "av" if seats == 1 else "stv-scotland"


def count_options(profile: Profile, method: str | None, seats: int | None, *,
                  seed: int | None = None, lot_order: Sequence[str] | None = None,
                  pairs: Sequence[str] = ()) -> tuple[str, dict[str, Any]]:
    """The rule to count ``profile`` by (`default_method` for its seats if none is named)
    and its options (``KEY=VALUE`` ``pairs``, the ``seed`` and a checked ``lot_order``),
    all checked before counting: a `RuleError` for an unknown rule, an `OptionError` for a
    wrong option. The command line and the explorer both start a count here."""
    seats = seats if seats is not None else (profile.seats or 1)
    name = method or default_method(seats)
    entry(name)
    options: dict[str, Any] = {"seed": seed, **parse_options(name, pairs)}
    if lot_order is not None:
        options["lot_order"] = tuple(lot_order)
    return name, options


def rule_options(method: str) -> dict[str, Any]:
    """The options of the rule named ``method`` other than `LOT_OPTIONS`: name -> the type
    its signature declares (keyword-only parameters, in signature order)."""
    function = entry(method).load()
    hints = typing.get_type_hints(function)
    return {name: hints[name] for name, parameter in inspect.signature(function).parameters.items()
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name not in LOT_OPTIONS}


def settable_options(method: str) -> dict[str, Any]:
    """`rule_options` that a user may give as text (``--option KEY=VALUE``)."""
    return {name: hint for name, hint in rule_options(method).items()
            if describe_option(hint) != UNSETTABLE}


def describe_option(hint: Any) -> str:
    """What an option of type ``hint`` accepts, for help and errors: ``hill|openstv``."""
    if typing.get_origin(hint) is Literal:
        return "|".join(map(str, typing.get_args(hint)))
    if hint is bool:
        return "true|false"
    if hint is int:
        return "a whole number"
    if hint is Decimal:
        return "a decimal number"
    if str in typing.get_args(hint):
        return "a number or fraction (e.g. 0.05 or 1/20)"
    return UNSETTABLE


def parse_options(method: str, pairs: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` texts as keyword arguments of the rule named ``method``, each checked and
    converted to the type its signature declares; a `RuleError` naming the rule's options
    (and their values) for anything else. ``-`` in a key reads as ``_``."""
    known = settable_options(method)
    options: dict[str, Any] = {}
    for pair in pairs:
        key, equals, text = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not equals or key not in known:
            listed = "; ".join(f"{name}={describe_option(hint)}" for name, hint in known.items())
            raise OptionError(f"option {pair!r}: {method} takes "
                            + (f"KEY=VALUE with KEY one of: {listed}" if known else "no options"))
        if key in options:
            raise OptionError(f"option {key} is given twice")
        options[key] = _convert(key, text.strip(), known[key])
    return options


def _convert(key: str, text: str, hint: Any) -> Any:
    expected = describe_option(hint)
    if typing.get_origin(hint) is Literal:
        if text in typing.get_args(hint):
            return text
    elif hint is bool:
        if text.casefold() in ("true", "false"):
            return text.casefold() == "true"
    elif hint is int:
        digits = text.removeprefix("-")
        # ASCII digits only, and few enough for `int` (it refuses over 4,300 digits).
        if digits.isascii() and digits.isdigit() and len(digits) <= 100:
            return int(text)
    elif hint is Decimal:
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            return number
    elif str in typing.get_args(hint):
        return text
    raise OptionError(f"option {key}={text!r}: expected {expected}")
