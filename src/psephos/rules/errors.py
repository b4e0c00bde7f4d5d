"""Errors a rule raises when asked something it cannot count, and the seat check every
candidate-electing rule shares."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psephos.ballots.profile import Profile


class RuleError(ValueError):
    """The profile or options do not fit the rule (e.g. fewer candidates than seats)."""


class OptionError(RuleError):
    """A rule's option is out of its range or of the wrong kind, whatever the ballots."""


def check_seats(seats: int) -> None:
    """A count fills at least one seat."""
    if seats < 1:
        raise RuleError(f"seats must be at least 1, not {seats}")


def standing(n_candidates: int, withdrawn: Collection[int], seats: int) -> list[int]:
    """The candidates still standing (not withdrawn), once ``seats`` is checked against them.

    At least one seat; never more seats than candidates standing, since a count cannot
    fill a seat nobody stands for. As many seats as candidates is an uncontested election:
    every rule then elects them all, as the statutes do (e.g. SSI 2007/42 Sch. 1 r.12,
    candidates not exceeding vacancies are declared elected without a poll).
    """
    check_seats(seats)
    eligible = [c for c in range(n_candidates) if c not in withdrawn]
    if len(eligible) < seats:
        gone = f" ({len(withdrawn)} withdrawn)" if withdrawn else ""
        raise RuleError(f"{_counted(seats, 'seat')} but only "
                        f"{_counted(len(eligible), 'candidate')} standing{gone}")
    return eligible


def ranked_standing(profile: Profile, seats: int, rule: str) -> list[int]:
    """`standing` for a transfer rule (``rule`` names it), which also needs plain rankings:
    one candidate a rank, no skipped or overvoted ranks."""
    if not profile.is_simple:
        raise RuleError(f"{rule} needs plain rankings (no skipped or overvoted ranks)")
    return standing(profile.n_candidates, profile.withdrawn, seats)


def _counted(number: int, noun: str) -> str:
    """``"1 seat"``, ``"3 seats"``, ``"0 candidates"``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
