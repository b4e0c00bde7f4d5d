"""Who stands for the alliance in each seat, decided before the election is run.

The choice uses recorded results only (the base election, or ``ranked_at``), never
the swung or simulated votes: a pact is agreed before anyone votes.
"""

from __future__ import annotations

import numpy as np

from psephos.model.errors import ScenarioError
from psephos.model.scenario import Scenario
from psephos.model.table import NO_ROW, CandidateTable, Int64s, leaders, winners

NO_PARTY = -1


def standing_parties(table: CandidateTable, scenario: Scenario,
                     ranking: CandidateTable | None = None) -> Int64s:
    """Per seat, the party (index into ``table.parties``) that stands for the alliance.

    `NO_PARTY` where there is no pact: out of scope, no alliance party stood there at
    the base election, or (rule ``listed``) a seat not listed.
    """
    alliance = np.array([table.party_index(p) for p in scenario.alliance], dtype=np.int64)
    best = _best_placed(table, alliance)
    contested = (best >= 0) & table.in_scope
    if ranking is not None:
        ranked = _aligned(table, ranking, scenario.alliance,
                          scenario.ranked_at or ranking.election)
        best = np.where(ranked >= 0, ranked, best)
    rule = scenario.stand_aside
    if rule == "best-placed":
        chosen = best
    elif rule == "incumbent":
        top, _, _ = winners(table, table.votes, table.stood)
        winner = table.party[top]
        chosen = np.where(np.isin(winner, alliance), winner, best)
    elif rule == "listed":
        chosen = np.full(table.n_seats, NO_PARTY, dtype=np.int64)
    else:
        chosen = np.full(table.n_seats, table.party_index(rule), dtype=np.int64)
    chosen = np.where(contested, chosen, NO_PARTY)
    seats = table.find_seats(list(scenario.seats), "stand_aside.seats")
    for (key, party), seat in zip(scenario.seats.items(), seats, strict=True):
        if not table.in_scope[seat]:
            raise ScenarioError(f"stand_aside.seats.{key}", f"{table.seat_names[seat]} is out "
                                "of scope (Northern Ireland and the Speaker's seat are, unless "
                                "scope includes them)")
        chosen[seat] = table.party_index(party)
    return chosen


def standing_rows(table: CandidateTable, chosen: Int64s) -> Int64s:
    """Per seat, the row of the chosen party's best candidate (`NO_ROW` if none stood)."""
    votes = np.where(table.party == chosen[table.seat], table.votes, -1)
    running = table.party == chosen[table.seat]
    top, _ = leaders(table, votes, running)
    return np.where(chosen >= 0, top, NO_ROW)


def _best_placed(table: CandidateTable, alliance: Int64s) -> Int64s:
    """Per seat, the party of the alliance candidate with most votes (`NO_PARTY` if none).

    A tie goes to the candidate listed first (`leaders`): which ally stands is the pact's
    choice, agreed before the election, so no lot is drawn for it (docs/pact.md).
    """
    top, _ = leaders(table, table.votes, table.stood & np.isin(table.party, alliance))
    return np.where(top >= 0, table.party[np.maximum(top, 0)], NO_PARTY)


def _aligned(table: CandidateTable, ranking: CandidateTable, alliance: tuple[str, ...],
             name: str) -> Int64s:
    """The best-placed alliance party at ``ranking``, per seat of ``table`` (matched by id)."""
    index = {seat_id: s for s, seat_id in enumerate(ranking.seat_ids)}
    missing = [i for i, s in zip(table.seat_ids, table.in_scope, strict=True)
               if s and i not in index]
    if missing:
        raise ScenarioError("stand_aside.ranked_at", f"{len(missing)} seats of "
                            f"{table.election} are not in {name} (different boundaries), "
                            f"e.g. {missing[0]}")
    members = np.array([ranking.party_index(p) for p in alliance if p in ranking.parties],
                       dtype=np.int64)
    best = _best_placed(ranking, members)
    out = np.full(table.n_seats, NO_PARTY, dtype=np.int64)
    for s, seat_id in enumerate(table.seat_ids):
        r = index.get(seat_id)
        if r is not None and best[r] >= 0:
            out[s] = table.party_index(ranking.parties[int(best[r])])
    return out
