"""Stand-aside and transfer: a stood-down candidate's votes split between the alliance
candidate, other parties' candidates and abstention, in whole votes.

Each stood-down candidate's vote ``v`` is split by largest remainder into its
destinations and abstention, so moved + abstained = ``v`` exactly, in every seat.
A destination party with no candidate in the seat (or one that itself stood down)
receives nothing: that share abstains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from psephos.model.apportion import largest_remainder
from psephos.model.presets import ALLIANCE
from psephos.model.scenario import Scenario
from psephos.model.table import NO_ROW, Bools, CandidateTable, Floats, Int64s


@dataclass(frozen=True)
class TransferPlan:
    """Who stands down and where their votes go; ``k`` destination columns per source.

    Column 0 is the alliance candidate; the others are ``labels[1:]`` (party codes).
    ``destinations`` holds `NO_ROW` where that destination does not stand in the seat.
    """

    sources: Int64s  # (m,) rows that stand down
    destinations: Int64s  # (m, k) receiving rows
    shares: Floats  # (m, k) share of the source's vote to each destination
    labels: tuple[str, ...]  # (k,)
    stood_down: Bools  # per row


@dataclass(frozen=True)
class Transferred:
    """Votes after the transfers, and exactly where each stood-down vote went."""

    votes: Int64s  # per row; stood-down rows hold 0
    moved: Int64s  # (m, k) whole votes to each destination
    abstained: Int64s  # (m,)


def transfer_plan(table: CandidateTable, scenario: Scenario, standing: Int64s) -> TransferPlan:
    """The plan for ``table`` given each seat's standing row (`NO_ROW`: no pact there)."""
    alliance = np.array([table.party_index(p) for p in scenario.alliance], dtype=np.int64)
    pact_seat = standing >= 0
    stood_down = (pact_seat[table.seat] & np.isin(table.party, alliance)
                  & (np.arange(table.votes.size) != standing[table.seat]))
    sources = np.flatnonzero(stood_down).astype(np.int64)
    rows = {p: scenario.transfer_row(p) for p in scenario.alliance}
    others = sorted({d for row in rows.values() for d in row if d != ALLIANCE},
                    key=table.parties.index)
    labels = (ALLIANCE, *others)
    shares = np.zeros((sources.size, len(labels)))
    for i, source in enumerate(sources):
        row = rows[table.parties[int(table.party[source])]]
        shares[i] = [row.get(label, 0.0) for label in labels]
    destinations = np.full((sources.size, len(labels)), NO_ROW, dtype=np.int64)
    destinations[:, 0] = standing[table.seat[sources]]
    if others:
        best = _best_rows(table, ~stood_down)
        for j, party in enumerate(others, start=1):
            destinations[:, j] = best[table.seat[sources], table.party_index(party)]
    return TransferPlan(sources, destinations, shares, labels, stood_down)


def apply_transfers(votes: Int64s, plan: TransferPlan) -> Transferred:
    """Move the stood-down votes; exact in whole votes (largest remainder per source)."""
    m, k = plan.destinations.shape
    given = votes[plan.sources]
    shares = np.where(plan.destinations >= 0, plan.shares, 0.0)
    quotas = given[:, None] * shares
    abstain = np.maximum(given - quotas.sum(axis=1), 0.0)
    flat = np.concatenate([quotas, abstain[:, None]], axis=1).ravel()
    group = np.repeat(np.arange(m, dtype=np.int64), k + 1)
    parts = largest_remainder(flat, group, given).reshape(m, k + 1)
    moved, abstained = parts[:, :k], parts[:, k]
    after = votes.copy()
    after[plan.stood_down] = 0
    received = plan.destinations >= 0
    np.add.at(after, plan.destinations[received], moved[received])
    return Transferred(after, moved, abstained)


def _best_rows(table: CandidateTable, running: Bools) -> Int64s:
    """Seats x parties: the row of each party's best running candidate (`NO_ROW` if none)."""
    n_parties = len(table.parties)
    out = np.full(table.n_seats * n_parties, NO_ROW, dtype=np.int64)
    rows = np.flatnonzero(running)
    key = table.seat[rows] * n_parties + table.party[rows]
    order = np.lexsort((rows, -table.votes[rows], key))
    ordered = key[order]
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])  # best row of each key
    out[ordered[first]] = rows[order][first]
    return out.reshape(table.n_seats, n_parties)
