"""One seat, step by step: base votes, after swing, after stand-aside, after transfers.

Every number is read from the arrays the result was computed from, so the trace is
the computation, not a re-telling of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from psephos.model.presets import ALLIANCE
from psephos.model.results import PactResult


@dataclass(frozen=True)
class TraceRow:
    """One candidate through the steps (``added``: named to stand, did not stand at base)."""

    name: str
    party: str
    base: int
    swung: int
    kept: int  # after the stand-aside: 0 for a candidate who stood down
    received: int  # by transfer
    after: int
    stood_down: bool
    added: bool


@dataclass(frozen=True)
class TransferLine:
    """Where one stood-down candidate's votes went, in whole votes."""

    name: str
    party: str
    votes: int
    to: Mapping[str, int]  # destination label ("alliance" or party) -> votes
    abstained: int


@dataclass(frozen=True)
class SeatTrace:
    """The whole story of one seat under a scenario."""

    id: str
    name: str
    nation: str
    region: str
    in_scope: bool
    swing: str
    standing: str | None
    rows: tuple[TraceRow, ...]
    transfers: tuple[TransferLine, ...]
    before: str
    after: str
    winner: str  # the winning candidate's name, or "the PARTY candidate" where none is given
    margin_before: int
    margin_after: int
    win: Mapping[str, float] | None  # party -> share of draws won, with draws
    out_of_scope: str | None = None  # why the pact and swing leave this seat alone


def explain(result: PactResult, seat: str) -> SeatTrace:
    """Trace ``seat`` (constituency id or name, as `CandidateTable.find_seats` matches them)
    through ``result``."""
    stages = result.stages
    table = stages.table
    s = table.find_seat(seat, "explain")
    rows = range(int(table.starts[s]), int(table.starts[s + 1]))
    plan = stages.plan
    after = stages.transferred.votes
    received = np.zeros(table.votes.size, dtype=np.int64)
    lines: list[TransferLine] = []
    for i in np.flatnonzero(table.seat[plan.sources] == s):
        source = int(plan.sources[i])
        to: dict[str, int] = {}
        for j, label in enumerate(plan.labels):
            target = int(plan.destinations[i, j])
            if target >= 0 and plan.shares[i, j] > 0:
                received[target] += int(stages.transferred.moved[i, j])
                name = label if label == ALLIANCE else table.parties[int(table.party[target])]
                to[name] = to.get(name, 0) + int(stages.transferred.moved[i, j])
        lines.append(TransferLine(
            name=table.names[source], party=table.parties[int(table.party[source])],
            votes=int(stages.swung[source]), to=to,
            abstained=int(stages.transferred.abstained[i])))
    trace_rows = tuple(
        TraceRow(
            name=table.names[r], party=table.parties[int(table.party[r])],
            base=int(table.votes[r]), swung=int(stages.swung[r]),
            kept=0 if plan.stood_down[r] else int(stages.swung[r]),
            received=int(received[r]), after=int(after[r]),
            stood_down=bool(plan.stood_down[r]), added=not bool(table.stood[r]))
        for r in rows)
    outcome = result.seats[s]
    running = [row for row in trace_rows if not row.stood_down and row.party == outcome.after]
    top = max(running, key=lambda row: row.after) if running else None
    winner = (top.name or f"the {top.party} candidate") if top is not None else ""
    return SeatTrace(
        id=outcome.id, name=outcome.name, nation=outcome.nation, region=outcome.region,
        in_scope=outcome.in_scope, swing=_swing_text(result, s), standing=outcome.standing,
        rows=trace_rows, transfers=tuple(lines), before=outcome.before, after=outcome.after,
        winner=winner, margin_before=outcome.margin_before, margin_after=outcome.margin_after,
        win=result.draws.win[s] if result.draws is not None else None,
        out_of_scope=None if outcome.in_scope else _why_out(trace_rows),
    )


def _why_out(rows: tuple[TraceRow, ...]) -> str:
    """Why a seat is out of scope, and the ``--scope`` that brings it in."""
    if any(row.party == "speaker" for row in rows):
        return "the Speaker's seat, which the main parties do not contest (--scope all " \
               "includes it)"
    return "a Northern Ireland seat, where the GB parties do not organise (--scope uk " \
           "includes it)"


def _swing_text(result: PactResult, s: int) -> str:
    scenario = result.scenario
    table = result.stages.table
    if scenario.swing == "none" or not table.in_scope[s]:
        return "none"
    rows = range(int(table.starts[s]), int(table.starts[s + 1]))
    parts = []
    for r in rows:
        if not table.stood[r]:
            continue
        value = float(result.stages.swing[r])
        party = table.parties[int(table.party[r])]
        if scenario.swing == "uniform":
            parts.append(f"{party} {100 * value:+.1f} pts")
        else:
            parts.append(f"{party} x{value:.3f}")
    return f"{scenario.swing} by {scenario.swing_by}: " + ", ".join(dict.fromkeys(parts))
