"""Seeded Monte Carlo draws around the central projection: how sure is each seat?

Each draw perturbs the swung vote shares, then stands down and transfers as the
pact says, then counts every seat:

* national noise: one normal draw per party per draw (sd ``national_sd``, in share
  points), added to that party's share in every seat: a polling error moves a party
  everywhere at once;
* seat noise: one normal draw per candidate per draw (sd ``seat_sd``): local swing;
* transfer noise (optional): one normal draw per stood-down party per draw (sd
  ``transfer_sd``) added to the share it sends to the alliance, kept within [0, 1].

Only candidates who stood get noise; shares are floored at zero. Shares are floats, so two
contenders can tie for first exactly (at zero, or by float32 rounding: a few seat-draws in
10,000 draws of a general election); each such tie is settled by a lot, every tied
contender equally likely, drawn from the same seeded generator (so a seed still gives the
same answer), and `DrawSummary.lots` counts them. Draws work in float32
shares (the central projection is the exact one); seats out of scope keep their result.
Work goes in chunks of draws so memory stays near `CHUNK_CELLS` floats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from psephos.model.results import DrawSummary, PactResult
from psephos.model.table import Int64s

Float32s = npt.NDArray[np.float32]

CHUNK_CELLS = 1_000_000  # draws x candidates per chunk (4 MB of float32 per array)


@dataclass(frozen=True)
class _Layout:
    """The in-scope candidates as draw columns, and the pact as index arrays on them."""

    base: Float32s  # (n,) swung shares
    party: Int64s  # (n,) party index; non-noisy columns point at the zero column
    seat_sd: Float32s  # (n,) seat noise sd (0 for rows that did not stand)
    keep: Float32s  # (n,) 0 for stood-down columns
    layers: tuple[tuple[Int64s, Int64s, Int64s, Float32s, Float32s], ...]  # src, dst, party,
    # share, cap: one layer per rank of destination so no layer repeats a destination
    groups: tuple[tuple[Int64s, Int64s, Int64s], ...]  # per contender count c: positions
    # (into `seats`) of the seats with c contenders, their columns and parties (both k x c)
    seats: Int64s  # in-scope seat indices
    n_parties: int


def simulate(result: PactResult, progress: Callable[[int], None] | None = None
             ) -> DrawSummary:
    """Run ``result.scenario.draws`` draws and summarise seats and seat-by-seat chances.

    ``progress`` is called with the number of draws done after each chunk.
    """
    scenario = result.scenario
    layout = _layout(result)
    table = result.stages.table
    n_parties = layout.n_parties
    fixed = np.zeros(n_parties, dtype=np.int64)
    for seat in result.seats:
        if not seat.in_scope:
            fixed[table.parties.index(seat.after)] += 1
    rng = np.random.default_rng(scenario.seed)
    width = layout.base.size + 1
    chunk = max(1, CHUNK_CELLS // width)
    totals = np.empty((scenario.draws, n_parties), dtype=np.int64)
    wins = np.zeros(layout.seats.size * n_parties, dtype=np.int64)
    seat_offset = np.arange(layout.seats.size, dtype=np.int64) * n_parties
    lots = 0
    for start in range(0, scenario.draws, chunk):
        size = min(chunk, scenario.draws - start)
        winners, drawn = _draw(layout, rng, size, scenario.national_sd, scenario.transfer_sd)
        lots += drawn
        draw_offset = np.arange(size, dtype=np.int64)[:, None] * n_parties
        totals[start:start + size] = np.bincount(
            (winners + draw_offset).ravel(), minlength=size * n_parties
        ).reshape(size, n_parties) + fixed
        wins += np.bincount((winners + seat_offset).ravel(), minlength=wins.size)
        if progress is not None:
            progress(start + size)
    return _summary(result, layout, totals, wins.reshape(layout.seats.size, n_parties), lots)


def seat_winners(result: PactResult, rng: np.random.Generator, national: Float32s
                 ) -> tuple[Int64s, Int64s]:
    """Draws as `simulate` makes them, unsummarised, with the national noise given
    (``national``: draws x parties of ``result.stages.table``, in shares) so that a caller
    can move the same parties by the same error elsewhere (the list vote of a pact under the
    additional member system). Returns the in-scope seats (indices into ``result.seats``)
    and, per draw and such seat, the winning party (an index into the table's parties)."""
    layout = _layout(result)
    winners, _ = _draw(layout, rng, national.shape[0], 0.0, result.scenario.transfer_sd,
                       national)
    return layout.seats, winners


def _draw(layout: _Layout, rng: np.random.Generator, size: int, national_sd: float,
          transfer_sd: float, given: Float32s | None = None) -> tuple[Int64s, int]:
    """Winning party index per draw per in-scope seat, for ``size`` draws, and how many
    seat-draws a tie for first decided by lot. ``given``: the national noise, already
    drawn and scaled (else drawn here with ``national_sd``)."""
    n = layout.base.size
    national = np.zeros((size, layout.n_parties + 1), dtype=np.float32)
    if given is None:
        national[:, :-1] = rng.standard_normal((size, layout.n_parties), dtype=np.float32)
        national *= np.float32(national_sd)
    else:
        national[:, :-1] = given
    transfer = None
    if transfer_sd > 0:
        transfer = np.zeros((size, layout.n_parties + 1), dtype=np.float32)
        transfer[:, :-1] = rng.standard_normal((size, layout.n_parties), dtype=np.float32)
        transfer *= np.float32(transfer_sd)
    shares = rng.standard_normal((size, n), dtype=np.float32)
    shares *= layout.seat_sd
    shares += layout.base
    shares += national[:, layout.party]
    np.maximum(shares, 0, out=shares)
    after = np.empty((size, n + 1), dtype=np.float32)
    np.multiply(shares, layout.keep, out=after[:, :n])
    after[:, n] = -1.0
    for src, dst, party, share, cap in layout.layers:
        if transfer is None:
            after[:, dst] += shares[:, src] * share
        else:
            weight = np.clip(share + transfer[:, party], 0, cap)
            after[:, dst] += shares[:, src] * weight
    winners = np.empty((size, layout.seats.size), dtype=np.int64)
    lots = 0
    for positions, columns, parties in layout.groups:
        slot, drawn = _first_past_the_post(after, columns, rng)
        winners[:, positions] = parties[np.arange(positions.size)[None, :], slot]
        lots += drawn
    return winners, lots


def _first_past_the_post(after: Float32s, columns: Int64s, rng: np.random.Generator
                         ) -> tuple[Int64s, int]:
    """Per draw and seat (``columns``: k seats x c contenders), which contender has the
    largest share, and how many ties for first were settled by lot (`_by_lot`).

    One pass per contender over (draws x seats) arrays keeps the running best, the
    leader and whether the lead is shared: no extra pass is needed to find the ties.
    """
    best = after[:, columns[:, 0]]
    slot = np.zeros(best.shape, dtype=np.int64)
    shared = np.zeros(best.shape, dtype=bool)
    for j in range(1, columns.shape[1]):
        share = after[:, columns[:, j]]
        ahead = share > best
        shared |= share == best
        shared &= ~ahead
        slot[ahead] = j
        np.maximum(best, share, out=best)
    draw, seat = np.nonzero(shared)
    if draw.size:
        level = after[draw[:, None], columns[seat]] == best[draw, seat][:, None]
        slot[draw, seat] = _by_lot(level, rng)
    return slot, int(draw.size)


def _by_lot(level: npt.NDArray[np.bool_], rng: np.random.Generator) -> Int64s:
    """For each row of ``level`` (True where a contender shares the top share), one of the
    True columns, each equally likely, drawn from the draws' own seeded generator."""
    counts = np.count_nonzero(level, axis=1)
    pick = (rng.random(counts.size) * counts).astype(np.int64)  # 0 .. count-1
    rank = np.cumsum(level, axis=1) - 1  # rank of each tied column among the tied
    return np.asarray(np.argmax(level & (rank == pick[:, None]), axis=1), dtype=np.int64)


def _layout(result: PactResult) -> _Layout:
    stages = result.stages
    table = stages.table
    plan = stages.plan
    rows = np.flatnonzero(table.in_scope[table.seat])
    column = np.full(table.votes.size, -1, dtype=np.int64)
    column[rows] = np.arange(rows.size)
    valid = np.maximum(table.seat_totals(stages.swung), 1)
    base = (stages.swung / valid[table.seat])[rows].astype(np.float32)
    n_parties = len(table.parties)
    stood = table.stood[rows]
    party = np.where(stood, table.party[rows], n_parties)
    seat_sd = np.where(stood, result.scenario.seat_sd, 0.0).astype(np.float32)
    keep = (~plan.stood_down[rows]).astype(np.float32)
    running = table.stood & ~plan.stood_down
    running[stages.standing[stages.standing >= 0]] = True
    seats = np.flatnonzero(table.in_scope)
    groups = _contenders(table.seat[rows], table.party[rows], running[rows], seats)
    return _Layout(base, party, seat_sd, keep, _layers(result, column), groups, seats,
                   n_parties)


def _layers(result: PactResult, column: Int64s
            ) -> tuple[tuple[Int64s, Int64s, Int64s, Float32s, Float32s], ...]:
    """The transfers as edges (source column -> destination column, share), split in
    layers in which no destination repeats, so ``after[:, dst] += ...`` adds every edge.

    Alliance edges carry their source's party (for transfer noise) and a cap: the share
    left after the source's other destinations. Other edges carry the no-noise column.
    """
    plan = result.stages.plan
    table = result.stages.table
    k = plan.destinations.shape[1]
    received = np.where(plan.destinations >= 0, plan.shares, 0.0)
    left_for_alliance = 1.0 - (received.sum(axis=1) - received[:, 0])
    src = np.repeat(plan.sources, k)
    dst = plan.destinations.ravel()
    share = plan.shares.ravel()
    to_alliance = np.tile(np.arange(k) == 0, plan.sources.size)
    cap = np.where(to_alliance, np.repeat(left_for_alliance, k), share)
    live = (dst >= 0) & (share > 0) & (column[np.maximum(src, 0)] >= 0)
    src, dst, share, cap = src[live], dst[live], share[live], cap[live]
    party = np.where(to_alliance[live], table.party[src], len(table.parties))
    order = np.lexsort((np.arange(dst.size), dst))
    first = np.searchsorted(dst[order], dst[order], side="left")
    rank = np.empty(dst.size, dtype=np.int64)
    rank[order] = np.arange(dst.size) - first
    layers = []
    for r in range(int(rank.max()) + 1 if rank.size else 0):
        pick = rank == r
        layers.append((column[src[pick]], column[dst[pick]], party[pick],
                       share[pick].astype(np.float32), cap[pick].astype(np.float32)))
    return tuple(layers)


def _contenders(seat: Int64s, party: Int64s, running: npt.NDArray[np.bool_], seats: Int64s
                ) -> tuple[tuple[Int64s, Int64s, Int64s], ...]:
    """The contender columns of each seat, grouped by how many there are (no padding).

    A seat with no contender (impossible with real data) gets column -1, the sentinel
    column that never wins, and party 0.
    """
    columns = np.flatnonzero(running)
    seat_of = np.searchsorted(seats, seat[columns])
    counts = np.bincount(seat_of, minlength=seats.size)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    groups = []
    for count in sorted(set(counts.tolist())):  # (np.unique would load numpy.ma: 12 ms)
        positions = np.flatnonzero(counts == count)
        if count == 0:
            groups.append((positions, np.full((positions.size, 1), -1, dtype=np.int64),
                           np.zeros((positions.size, 1), dtype=np.int64)))
            continue
        picked = columns[first[positions][:, None] + np.arange(count)[None, :]]
        groups.append((positions, picked, party[picked]))
    return tuple(groups)


def _summary(result: PactResult, layout: _Layout, totals: Int64s, wins: Int64s,
             lots: int) -> DrawSummary:
    scenario = result.scenario
    parties = result.stages.table.parties
    seen = [p for p in range(len(parties)) if totals[:, p].any()]
    low, mid, high = np.quantile(totals[:, seen], [0.05, 0.5, 0.95], axis=0,
                                 method="inverted_cdf").astype(np.int64)
    line = len(result.seats) // 2 + 1
    order = sorted(range(len(seen)), key=lambda i: (-int(mid[i]), parties[seen[i]]))
    win_by_seat: list[dict[str, float]] = [{} for _ in result.seats]
    for i, seat in enumerate(layout.seats):
        hits = np.flatnonzero(wins[i])
        win_by_seat[seat] = {parties[p]: float(wins[i, p]) / scenario.draws
                             for p in sorted(hits, key=lambda p: -wins[i, p])}
    for s, seat_result in enumerate(result.seats):
        if not seat_result.in_scope:
            win_by_seat[s] = {seat_result.after: 1.0}
    return DrawSummary(
        n=scenario.draws, seed=scenario.seed, national_sd=scenario.national_sd,
        seat_sd=scenario.seat_sd, transfer_sd=scenario.transfer_sd,
        intervals={parties[seen[i]]: (int(low[i]), int(high[i])) for i in order},
        median={parties[seen[i]]: int(mid[i]) for i in order},
        mean={parties[seen[i]]: float(totals[:, seen[i]].mean()) for i in order},
        majority={parties[seen[i]]: float((totals[:, seen[i]] >= line).mean()) for i in order
                  if (totals[:, seen[i]] >= line).any()},
        majority_line=line,
        win=tuple(win_by_seat),
        lots=lots,
    )
