"""What a pact run returns: seat totals, every seat's outcome, the flips, the draws.

All renderings (table, JSON, CSV, chart) are views of one `PactResult`; `Stages`
keeps the arrays behind it so any seat can be explained step by step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from psephos.model.scenario import Scenario
from psephos.model.table import CandidateTable, Floats, Int64s
from psephos.model.transfers import TransferPlan, Transferred
from psephos.uk.parties import party_label


@dataclass(frozen=True)
class LotRecord:
    """A tie for first settled by lot (`psephos.uk.results.first_past_the_post`).

    ``result`` says which count tied: ``base``, ``without pact`` or ``with pact``.
    """

    result: str
    tied: tuple[str, ...]  # "name (party)", in the seat's order
    chosen: str
    how: str


@dataclass(frozen=True)
class SeatResult:
    """One seat: who won at the base election, after the swing, and with the pact.

    ``before`` is the swung result without the pact, so a flip is the pact's doing.
    Margins are winner minus runner-up in votes; ``cast_*`` are the votes counted
    (after the pact, the valid vote less the votes that abstained).
    """

    id: str
    name: str
    nation: str
    region: str
    in_scope: bool
    base: str
    before: str
    after: str
    standing: str | None  # the alliance party standing here; None: no pact here
    margin_before: int
    margin_after: int
    cast_before: int
    cast_after: int
    lots: tuple[LotRecord, ...] = ()  # ties for first, each settled by the count's lot

    @property
    def tied(self) -> bool:
        """Whether the winner with the pact tied the runner-up exactly (and won by lot)."""
        return any(lot.result == "with pact" for lot in self.lots)

    @property
    def flipped(self) -> bool:
        return self.before != self.after

    @property
    def share_margin_before(self) -> float:
        return self.margin_before / self.cast_before if self.cast_before else 0.0

    @property
    def share_margin_after(self) -> float:
        return self.margin_after / self.cast_after if self.cast_after else 0.0


@dataclass(frozen=True)
class DrawSummary:
    """Seeded Monte Carlo draws around the central projection.

    ``intervals`` are each party's 5th and 95th percentile seat totals; ``win`` holds,
    per seat (in seat order), each party's share of the draws it won in.
    """

    n: int
    seed: int
    national_sd: float
    seat_sd: float
    transfer_sd: float
    intervals: Mapping[str, tuple[int, int]]
    median: Mapping[str, int]
    mean: Mapping[str, float]
    majority: Mapping[str, float]  # share of draws with at least `majority_line` seats
    majority_line: int
    win: tuple[Mapping[str, float], ...]
    lots: int = 0  # seat-draws in which a tie for first was settled by lot


@dataclass(frozen=True)
class Stages:
    """The arrays behind a result: base, swung, stood-down and transferred votes."""

    table: CandidateTable  # including rows added for alliance parties named to stand
    swing: Floats  # per row: points added (uniform) or ratio (proportional)
    swung: Int64s  # per row
    standing: Int64s  # per seat: the alliance candidate's row, NO_ROW without a pact
    plan: TransferPlan
    transferred: Transferred


@dataclass(frozen=True)
class PactResult:
    """The outcome of one scenario: ``seats_*`` are party -> seats over every seat."""

    scenario: Scenario
    seats_base: Mapping[str, int]
    seats_before: Mapping[str, int]
    seats_after: Mapping[str, int]
    seats: tuple[SeatResult, ...]
    stages: Stages
    draws: DrawSummary | None = None

    @property
    def flips(self) -> tuple[SeatResult, ...]:
        """Seats the pact changes hands in, by the pre-pact margin in votes, closest first."""
        return tuple(sorted((s for s in self.seats if s.flipped),
                            key=lambda s: (s.margin_before, s.name)))

    @property
    def title(self) -> str:
        """What the scenario is, for tables and charts: "ge2017: pact of Lab, LD, SNP
        (best-placed at ge2015)"."""
        scenario = self.scenario
        allies = ", ".join(party_label(p) for p in scenario.alliance)
        rule = scenario.stand_aside
        rule = party_label(rule) + " stands" if rule in scenario.alliance else rule
        ranked = scenario.ranked_at
        at = f" at {ranked}" if ranked is not None and ranked != scenario.election else ""
        return f"{scenario.election}: pact of {allies} ({rule}{at})"

    @property
    def flips_title(self) -> str:
        n = len(self.flips)
        if not n:
            return "No seat changes hands"
        return f"{n} seat{'' if n == 1 else 's'} change{'s' if n == 1 else ''} hands"

    @property
    def parties(self) -> tuple[str, ...]:
        """Every party with a seat in any column, most seats (after the pact) first."""
        names = set(self.seats_base) | set(self.seats_before) | set(self.seats_after)
        return tuple(sorted(names, key=lambda p: (-self.seats_after.get(p, 0),
                                                  -self.seats_before.get(p, 0), p)))
