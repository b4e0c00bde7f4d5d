"""`Count`: the full audit trail of one count, stage by stage.

Every rendering (terminal table, JSON, CSV, RCTab summary, chart) is a view of
this one object. Vote values are `Decimal` at the rule's precision, so a value
printed is exactly the value counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

Action = Literal["first", "surplus", "exclude", "elect", "allocate"]

#: Recipient key in `Stage.transfers` for papers with no continuing preference.
NON_TRANSFERABLE = -1
#: Recipient key in `Stage.transfers` for value lost to rounding of transfer values.
ROUNDING_LOSS = -2


#: How a `Lot` reads when a rule settled the tie by an earlier stage, not by lot.
EARLIER_STAGE = "earlier stage"


@dataclass(frozen=True)
class Lot:
    """A decision of a tie: which of the tied candidates was chosen, and how (a lot, or
    `EARLIER_STAGE` and the stage's number where the rule looked back)."""

    stage: int
    tied: tuple[int, ...]
    chosen: int
    purpose: str
    how: str

    @property
    def by_earlier_stage(self) -> bool:
        """Whether an earlier stage, not a lot, settled the tie."""
        return self.how.startswith(EARLIER_STAGE)


@dataclass(frozen=True)
class Stage:
    """One stage of a count, numbered as the official count numbers them (1 = first preferences).

    ``tallies`` are each candidate's votes at the end of the stage; ``changes``
    what this stage moved to each candidate (negative for the candidate whose
    surplus or papers were transferred). ``exhausted`` and ``lost`` are running
    totals of non-transferable votes and of value lost to truncation.
    """

    number: int
    action: Action
    tallies: tuple[Decimal, ...]
    changes: tuple[Decimal, ...] = ()
    subjects: tuple[int, ...] = ()
    elected: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    exhausted: Decimal = Decimal(0)
    lost: Decimal = Decimal(0)
    transfer_value: Decimal | None = None
    exhausted_change: Decimal = Decimal(0)
    note: str = ""
    #: The winning threshold in force at this stage, for rules that recompute it (AV, RCTab).
    threshold: Decimal | None = None
    #: Running totals of inactive ballots by category (e.g. RCTab's "overvotes").
    inactive: Mapping[str, Decimal] = field(default_factory=dict)
    #: Per subject, where its votes went this stage: recipient index, or `NON_TRANSFERABLE`
    #: for exhausted papers and `ROUNDING_LOSS` for value lost to rounding.
    transfers: Mapping[int, Mapping[int, Decimal]] = field(default_factory=dict)
    #: Meek's keep factor per candidate in the iteration that produced ``tallies``.
    keep_factors: tuple[Decimal, ...] = ()


@dataclass(frozen=True)
class Count:
    """The result of counting a profile under one rule."""

    method: str
    candidates: tuple[str, ...]
    seats: int
    elected: tuple[int, ...]
    stages: tuple[Stage, ...]
    valid: Decimal
    quota: Decimal | None = None
    precision: int = 0
    lots: tuple[Lot, ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)

    @property
    def elected_names(self) -> list[str]:
        """Names of the elected candidates, in order of election."""
        return [self.candidates[i] for i in self.elected]

    @property
    def excluded(self) -> list[int]:
        """Candidates excluded, in order of exclusion."""
        return [c for stage in self.stages for c in stage.excluded]

    def tallies_by_name(self, stage: int) -> dict[str, Decimal]:
        """Candidate name -> votes at the end of ``stage`` (1-based)."""
        return dict(zip(self.candidates, self.stages[stage - 1].tallies, strict=True))


def from_units(units: int, precision: int) -> Decimal:
    """An integer count of ``10**-precision`` vote units as an exact Decimal, however long.

    Built from text, which Decimal stores digit for digit: ``Decimal.scaleb`` would round
    to the context's 28 digits.
    """
    return Decimal(f"{units}E-{precision}") if precision else Decimal(units)


def decimals(values: Iterable[Any], precision: int) -> tuple[Decimal, ...]:
    """``from_units`` over ``values``; a count repeats most values from stage to stage
    (zeros, quotas, the tallies a stage did not touch), so conversions are memoised."""
    return tuple(_cached_units(int(v), precision) for v in values)


_cached_units = lru_cache(maxsize=1 << 14)(from_units)
