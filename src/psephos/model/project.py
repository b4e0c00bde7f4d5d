"""Run a pact scenario on an election: swing, stand aside, transfer, count every seat.

The central projection is exact in whole votes; `psephos.model.draws` adds the
uncertainty around it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from psephos.count import Lot
from psephos.model.errors import ScenarioError
from psephos.model.results import LotRecord, PactResult, SeatResult, Stages
from psephos.model.scenario import Scenario
from psephos.model.standaside import standing_parties, standing_rows
from psephos.model.swing import swing_changes, swung_votes
from psephos.model.table import (
    NO_ROW,
    Bools,
    CandidateTable,
    Int64s,
    add_rows,
    candidate_table,
    winners,
)
from psephos.model.transfers import apply_transfers, transfer_plan
from psephos.uk.tables import GeneralElection


def run_pact(election: GeneralElection, scenario: Scenario, *,
             ranking: GeneralElection | None = None,
             progress: Callable[[int], None] | None = None) -> PactResult:
    """The seats ``election`` would have given under ``scenario``.

    ``ranking`` is the election named by ``scenario.ranked_at`` (best-placed judged
    there); draws run when ``scenario.draws`` is above zero, calling ``progress`` with
    the number of draws done after each chunk.
    """
    _check_names(election, scenario, ranking)
    table = _scoped(election, scenario)
    _check_alliance(table, scenario)
    change = swing_changes(table, scenario)
    swung = swung_votes(table, change, scenario.swing)
    ranked = _scoped(ranking, scenario) if ranking is not None else None
    chosen = standing_parties(table, scenario, ranked)
    missing = (chosen >= 0) & (standing_rows(table, chosen) == NO_ROW)
    seats = np.flatnonzero(missing).astype(np.int64)
    table, old = add_rows(table, seats, chosen[seats])
    swung = _spread(swung, old, table.votes.size, 0)
    change = _spread(change, old, table.votes.size, 0.0 if scenario.swing == "uniform" else 1.0)
    standing = standing_rows(table, chosen)
    plan = transfer_plan(table, scenario, standing)
    moved = apply_transfers(swung, plan)
    stages = Stages(table, change, swung, standing, plan, moved)
    result = _result(scenario, stages)
    if scenario.draws:
        from psephos.model.draws import simulate

        result = replace(result, draws=simulate(result, progress))
    return result


def _result(scenario: Scenario, stages: Stages) -> PactResult:
    table = stages.table
    running_after: Bools = table.stood & ~stages.plan.stood_down
    running_after[stages.standing[stages.standing >= 0]] = True
    base_top, _, lots_base = winners(table, table.votes, table.stood)
    top_b, second_b, lots_b = winners(table, stages.swung, table.stood)
    after = stages.transferred.votes
    top_a, second_a, lots_a = winners(table, after, running_after)
    lots = _lot_records(table, {"base": lots_base, "without pact": lots_b,
                                "with pact": lots_a})
    cast_before = table.seat_totals(stages.swung)
    lost = np.bincount(table.seat[stages.plan.sources], weights=stages.transferred.abstained,
                       minlength=table.n_seats)
    cast_after = cast_before - np.rint(lost).astype(np.int64)
    margin_b = _margins(stages.swung, top_b, second_b)
    margin_a = _margins(after, top_a, second_a)
    code = table.parties
    seats = tuple(
        SeatResult(
            id=table.seat_ids[s], name=table.seat_names[s], nation=table.nations[s],
            region=table.regions[s], in_scope=bool(table.in_scope[s]),
            base=code[table.party[base_top[s]]], before=code[table.party[top_b[s]]],
            after=code[table.party[top_a[s]]],
            standing=code[table.party[stages.standing[s]]] if stages.standing[s] >= 0 else None,
            margin_before=int(margin_b[s]), margin_after=int(margin_a[s]),
            cast_before=int(cast_before[s]), cast_after=int(cast_after[s]),
            lots=lots.get(s, ()),
        )
        for s in range(table.n_seats)
    )
    return PactResult(
        scenario=scenario,
        seats_base=_tally(s.base for s in seats),
        seats_before=_tally(s.before for s in seats),
        seats_after=_tally(s.after for s in seats),
        seats=seats,
        stages=stages,
    )


def _lot_records(table: CandidateTable, by_result: dict[str, dict[int, Lot]]
                 ) -> dict[int, tuple[LotRecord, ...]]:
    """Per seat, the lots that decided its winner, said with names and parties."""
    def who(row: int) -> str:
        party = table.parties[int(table.party[row])]
        return f"{table.names[row]} ({party})" if table.names[row] else party

    out: dict[int, tuple[LotRecord, ...]] = {}
    for result, lots in by_result.items():
        for seat, lot in lots.items():
            record = LotRecord(result, tuple(who(r) for r in lot.tied), who(lot.chosen),
                               lot.how)
            out[seat] = (*out.get(seat, ()), record)
    return out


def _margins(votes: Int64s, top: Int64s, second: Int64s) -> Int64s:
    runner_up = np.where(second >= 0, votes[np.maximum(second, 0)], 0)
    return np.asarray(votes[top] - runner_up, dtype=np.int64)


def _tally(winners: object) -> dict[str, int]:
    counts = Counter(winners)  # type: ignore[call-overload]
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _spread(values: NDArray[Any], old: Int64s, n: int, fill: float) -> NDArray[Any]:
    out = np.full(n, fill, dtype=values.dtype)
    out[old] = values
    return out


def _scoped(election: GeneralElection, scenario: Scenario) -> CandidateTable:
    return candidate_table(election, northern_ireland=scenario.northern_ireland,
                           speaker=scenario.speaker)


def _check_names(election: GeneralElection, scenario: Scenario,
                 ranking: GeneralElection | None) -> None:
    if election.election != scenario.election:
        raise ScenarioError("election", f"the scenario is for {scenario.election}, "
                            f"but the results given are {election.election}")
    wanted = scenario.ranked_at
    if ranking is not None and wanted is not None and ranking.election != wanted:
        raise ScenarioError("stand_aside.ranked_at", f"the scenario ranks at {wanted}, "
                            f"but the ranking results given are {ranking.election}")
    if wanted is not None and wanted != scenario.election and ranking is None:
        raise ScenarioError("stand_aside.ranked_at", f"give the {wanted} results to rank at")


def parties_that_stood(election: GeneralElection, *, northern_ireland: bool = False,
                       speaker: bool = False) -> tuple[str, ...]:
    """The parties with candidates in the seats a pact of that scope covers, most votes
    first: those an alliance can be made of."""
    return _parties_in_scope(candidate_table(election, northern_ireland=northern_ireland,
                                             speaker=speaker))


def _parties_in_scope(table: CandidateTable) -> tuple[str, ...]:
    scoped = table.in_scope[table.seat] & table.stood
    votes = np.bincount(table.party[scoped], weights=table.votes[scoped],
                        minlength=len(table.parties))
    present = [p for p in range(len(table.parties)) if np.any(table.party[scoped] == p)]
    return tuple(table.parties[p] for p in sorted(present, key=lambda p: (-votes[p], p)))


def _check_alliance(table: CandidateTable, scenario: Scenario) -> None:
    present = set(_parties_in_scope(table))
    for party in scenario.alliance:
        if party not in present:
            raise ScenarioError("alliance", f"{party} had no candidates in scope at "
                                f"{table.election}; parties that stood: "
                                f"{', '.join(p for p in table.parties if p in present)}")
