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
from psephos.count import NON_TRANSFERABLE, Count, Stage, decimals, from_units
from psephos.exact import Ints, int_dtype, weighted_sum
from psephos.rctab import engine
from psephos.rctab.engine import RcvRules, TieBreak
from psephos.rules.errors import RuleError
from psephos.rules.papers import Int64s


def bottoms_up(profile: Profile, seats: int, *, rules: RcvRules, tiebreak: TieBreak) -> Count:
    """Count ``profile`` by RCTab's bottoms-up rule (fixed ``seats`` or percentage threshold)."""
    percentage = rules.percentage_threshold
    if percentage is None and seats < 1:
        raise RuleError("bottomsUp needs numberOfWinners of at least 1")
    n = profile.n_candidates
    continuing = np.ones(n, dtype=bool)
    for c in profile.withdrawn:
        continuing[c] = False
    ballots = engine.Ballots(profile, rules)
    weights = profile.weights
    dtype = int_dtype(int(weights.sum(dtype=object)))  # no tally or sum exceeds the total
    ballots.advance(np.arange(weights.size, dtype=np.int64), continuing)
    held = ballots.owner >= 0
    tally: Ints = weighted_sum(ballots.owner[held], weights[held], n).astype(dtype)
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
            tallies=decimals(tally, 0),
            changes=decimals(tally - before, 0) if number > 1 else (),
            subjects=subjects, excluded=subjects, elected=elected,
            exhausted=from_units(int(weights[ballots.owner < 0].sum(dtype=object)), 0),
            exhausted_change=engine.transfers_total(transfers, NON_TRANSFERABLE),
            threshold=threshold,
            inactive=engine.inactive_by_category(ballots.owner, weights, 0),
            transfers=transfers,
        ))
        if done or not live:
            break
        out = [c for c in live if Decimal(int(tally[c])) < threshold] if (
            percentage is not None and rules.cutoff_elimination) else []
        if not out:
            out = engine.exclusions(tally, live, rules, 1, tiebreak, stage=number, history=history)
        for c in out:
            continuing[c] = False
        before = tally.copy()
        subjects = tuple(sorted(out))
        transfers = {}
        for c in subjects:
            rows = np.flatnonzero(ballots.owner == c)
            moved, transfers[c] = engine.move_papers(ballots, rows, weights[rows], continuing, 0)
            tally += moved.astype(dtype)
            tally[c] = 0
    return Count(
        method="rctab-bottoms-up", candidates=profile.candidates, seats=seats,
        elected=elected, stages=tuple(stages), valid=from_units(int(weights.sum(dtype=object)), 0),
        quota=stages[-1].threshold, precision=0, lots=tiebreak.drawn(),
        options=engine.count_options(rules, tiebreak),
    )
