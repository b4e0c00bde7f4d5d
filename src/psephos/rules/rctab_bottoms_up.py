"""RCTab's bottoms-up multi-seat modes: elimination only, no surplus transfers.

``bottomsUp``: candidates are eliminated as in RCTab's instant runoff until only as
many remain as there are seats; those are elected together (the reported threshold
is the Droop figure, floor(v / (s + 1)) + 1, which decides nothing).
``bottomsUpUsingPercentageThreshold``: the threshold is a percentage of the votes on
continuing papers (fixed at the first round with ``doesFirstRoundDetermineThreshold``);
the lowest candidate is eliminated (with ``cutoffElimination``, everyone under the
threshold at once) until every continuing candidate reaches it, and all are elected.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from psephos.ballots.profile import Profile
from psephos.count import NON_TRANSFERABLE, Count, Stage, from_units
from psephos.rules.alternative_vote import (
    Ballots,
    Int64s,
    RcvRules,
    TieBreak,
    choose_exclusions,
    count_options,
    inactive_by_category,
    transfers_total,
    weighted_sum,
)
from psephos.rules.errors import RuleError


def bottoms_up(profile: Profile, seats: int, *, rules: RcvRules, tiebreak: TieBreak) -> Count:
    """Count ``profile`` by RCTab's bottoms-up rule (fixed ``seats`` or percentage threshold)."""
    percentage = rules.percentage_threshold
    if percentage is None and seats < 1:
        raise RuleError("bottomsUp needs numberOfWinners of at least 1")
    n = profile.n_candidates
    continuing = np.ones(n, dtype=bool)
    for c in profile.withdrawn:
        continuing[c] = False
    ballots = Ballots(profile, rules)
    weights = profile.weights.astype(np.int64)
    ballots.advance(np.arange(weights.size, dtype=np.int64), continuing)
    held = ballots.owner >= 0
    tally = weighted_sum(ballots.owner[held], weights[held], n)
    droop = Decimal(int(tally.sum()) // (seats + 1) + 1)
    frozen: Decimal | None = None
    stages: list[Stage] = []
    history: list[Int64s] = []
    subjects: tuple[int, ...] = ()
    transfers: dict[int, dict[int, Decimal]] = {}
    elected: tuple[int, ...] = ()
    before = tally.copy()
    while True:
        number = len(stages) + 1
        history.append(tally.copy())
        live = [c for c in range(n) if continuing[c]]
        if percentage is None:
            threshold = droop
            done = len(live) <= seats
        else:
            threshold = frozen if frozen is not None else (
                Decimal(int(tally[live].sum())) * percentage / 100)
            if rules.first_round_threshold:
                frozen = threshold
            done = all(Decimal(int(tally[c])) >= threshold for c in live)
        if done:
            elected = tuple(sorted(live, key=lambda c: -int(tally[c])))
        stages.append(Stage(
            number=number, action="exclude" if subjects else "first",
            tallies=tuple(from_units(int(v), 0) for v in tally),
            changes=tuple(from_units(int(v), 0) for v in tally - before) if number > 1 else (),
            subjects=subjects, excluded=subjects, elected=elected,
            exhausted=from_units(int(weights[ballots.owner < 0].sum()), 0),
            exhausted_change=transfers_total(transfers, NON_TRANSFERABLE),
            threshold=threshold,
            inactive=inactive_by_category(ballots.owner, weights, 0),
            transfers=transfers,
        ))
        if done or not live:
            break
        if percentage is not None and rules.cutoff_elimination:
            out = [c for c in live if Decimal(int(tally[c])) < threshold]
        else:
            out = choose_exclusions(tally, live, rules, 1) or []
        if not out:
            low = min(int(tally[c]) for c in live)
            tied = [c for c in live if tally[c] == low]
            out = tied if len(tied) == 1 else [
                tiebreak.choose(tied, stage=number, eliminate=True, history=history)]
        for c in out:
            continuing[c] = False
        before = tally.copy()
        subjects = tuple(sorted(out))
        transfers = {}
        for c in subjects:
            rows = np.flatnonzero(ballots.owner == c)
            ballots.advance(rows, continuing)
            new, w = ballots.owner[rows], weights[rows]
            gone = new < 0
            moved = weighted_sum(new[~gone], w[~gone], n)
            flow = {int(r): from_units(int(moved[r]), 0) for r in np.flatnonzero(moved)}
            if int(w[gone].sum()):
                flow[NON_TRANSFERABLE] = from_units(int(w[gone].sum()), 0)
            transfers[c] = flow
            tally += moved
            tally[c] = 0
    return Count(
        method="rctab-bottoms-up", candidates=profile.candidates, seats=seats,
        elected=elected, stages=tuple(stages), valid=from_units(int(weights.sum()), 0),
        quota=stages[-1].threshold, precision=0, lots=tiebreak.drawn(),
        options=count_options(rules, tiebreak),
    )
