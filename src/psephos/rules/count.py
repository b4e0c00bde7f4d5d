"""`Count`: the full audit trail of one count, stage by stage.

Every rendering (terminal table, JSON, CSV, RCTab summary, chart) is a view of
this one object. Vote values are `Decimal` at the rule's precision, so a value
printed is exactly the value counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Action = Literal["first", "surplus", "exclude", "elect", "allocate"]


@dataclass(frozen=True)
class Lot:
    """A decision by lot: which of the tied candidates was chosen, and how."""

    stage: int
    tied: tuple[int, ...]
    chosen: int
    purpose: str
    how: str


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
    """An integer count of ``10**-precision`` vote units as an exact Decimal."""
    return Decimal(units).scaleb(-precision) if precision else Decimal(units)


def decimals(values: Sequence[int], precision: int) -> tuple[Decimal, ...]:
    return tuple(from_units(int(v), precision) for v in values)
