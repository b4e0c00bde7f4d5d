"""The supplementary vote, as the Mayor of London was elected from 2000 to 2021.

Greater London Authority Act 1999, section 4 and Schedule 2, Part I, with the
counting rules for the mayoral election in the Greater London Authority Elections
Rules 2007 (SI 2007/3541). Each ballot has two columns: a first choice and a
supplementary (second) choice. (The Elections Act 2022 replaced the
supplementary vote with first past the post from the 2024 election.)
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from psephos.ballots.profile import Profile
from psephos.count import NON_TRANSFERABLE, Count, Stage, decimals
from psephos.exact import Ints, weighted_sum
from psephos.rules.errors import RuleError, standing
from psephos.rules.plurality import most_votes
from psephos.rules.record import finished, uncontested, votes_stage
from psephos.rules.ties import Lots


def supplementary_vote(
    profile: Profile,
    seats: int = 1,
    *,
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """Count ``profile`` by the supplementary vote (GLA Act 1999 Sch. 2 Part I).

    - Stage 1 ("first"): each ballot's first column is its first-preference vote.
      A ballot whose first column holds no single candidate (empty, overvoted) is
      rejected and counted nowhere, as the rules reject a paper with no first
      preference; ``exhausted`` at stage 1 holds those ballots, ``Count.valid`` the rest.
      A candidate with more than half of the valid first-preference votes is elected.
    - Stage 2 ("exclude"): otherwise the two candidates with the most first
      preferences stay in and all others are eliminated together. Each eliminated
      candidate's ballot adds one vote to a remaining candidate named in its SECOND
      column; only that column counts (a third or later rank of a longer ranking is
      ignored), and a second column that is empty, overvoted or names an eliminated
      candidate makes the ballot non-transferable. ``Stage.transfers`` gives, per
      eliminated candidate, where their ballots went. The remaining candidate with
      more votes is elected.
    - Equalities that decide who stays in or who wins are settled by lot: the first
      of the tied in ``lot_order`` (names, first drawn first), else a draw seeded by
      ``seed``; each lot is recorded in ``Count.lots``.

    Withdrawn candidates are refused (an SV paper has no later choice to move to). A
    single candidate is elected at stage 1, whose note says the election was uncontested
    (the Greater London Authority Elections Rules 2007, SI 2007/3541, Sch. 3 r.57(3)).
    """
    if seats != 1:
        raise RuleError(f"the supplementary vote fills one seat, not {seats}")
    if profile.withdrawn:
        raise RuleError("the supplementary vote cannot count a profile with withdrawn candidates")
    n = profile.n_candidates
    standing(n, (), seats)
    ranks = profile.rankings
    weights = profile.weights
    rows = len(weights)
    first = ranks[:, 0].astype(np.int64) if ranks.shape[1] else np.full(rows, -1, np.int64)
    second = ranks[:, 1].astype(np.int64) if ranks.shape[1] > 1 else np.full(rows, -1, np.int64)
    counted = first >= 0
    tally = weighted_sum(first[counted], weights[counted], n)
    valid = int(weights[counted].sum())
    rejected = int(weights[~counted].sum())
    lots = Lots(profile.candidates, seed=seed, order=lot_order)
    everyone = list(range(n))
    stages: list[Stage] = []
    majority = [c for c in everyone if 2 * int(tally[c]) > valid]
    if majority or n == 1:
        winner = majority[0] if majority else 0
        stages.append(_first_stage(tally, rejected, (winner,),
                                   uncontested(n, 1, "SI 2007/3541 Sch. 3 r.57(3)")))
        return finished("sv", 1, lots, elected=(winner,), stages=stages, valid=valid)
    if n == 2:
        # Two candidates and no majority: an equality of votes, decided by lot.
        winners = most_votes(tally, everyone, 1, lots, stage=1, purpose="equality of votes")
        stages.append(_first_stage(tally, rejected, winners))
        return finished("sv", 1, lots, elected=winners, stages=stages, valid=valid)
    finalists = most_votes(tally, everyone, 2, lots, stage=1,
                           purpose="the two candidates who remain in the contest")
    stages.append(_first_stage(tally, rejected, ()))
    out = [c for c in everyone if c not in finalists]

    # Stage 2: second preferences of the eliminated candidates' ballots.
    stays = np.zeros(n + 1, dtype=bool)  # index -1 (no candidate) lands on stays[n]
    stays[list(finalists)] = True
    moving = counted & ~np.isin(first, finalists)
    goes = moving & (second >= 0) & stays[np.where(second >= 0, second, n)]
    added = weighted_sum(second[goes], weights[goes], n)
    lost = int(weights[moving & ~goes].sum())
    new = tally.copy()
    new[out] = 0
    new = new + added  # not in place: either may hold Python integers (psephos.exact)
    # Who went where: a (from, to) table, column n for non-transferable ballots.
    dest = np.where(goes, second, n)[moving]
    table = weighted_sum(first[moving] * (n + 1) + dest, weights[moving],
                           n * (n + 1)).reshape(n, n + 1)
    transfers = {
        c: {**{f: Decimal(int(table[c, f])) for f in finalists},
            NON_TRANSFERABLE: Decimal(int(table[c, n]))}
        for c in out
    }
    (winner,) = most_votes(new, list(finalists), 1, lots, stage=2,
                           purpose="equality of votes after second preferences")
    stages.append(Stage(
        number=2,
        action="exclude",
        tallies=decimals(new.tolist(), 0),
        changes=decimals((new - tally).tolist(), 0),
        subjects=tuple(out),
        elected=(winner,),
        excluded=tuple(out),
        exhausted=Decimal(rejected + lost),
        exhausted_change=Decimal(lost),
        transfers=transfers,
        note="second preferences for the two remaining candidates added",
    ))
    return finished("sv", 1, lots, elected=(winner,), stages=stages, valid=valid)


def _first_stage(tally: Ints, rejected: int, elected: tuple[int, ...], also: str = "") -> Stage:
    """Stage 1; its note counts the ballots with no first preference, then ``also``."""
    blank = f"{rejected} ballots with no first preference" if rejected else ""
    return votes_stage(tally.tolist(), rejected, elected,
                       note="; ".join(filter(None, ("first-preference votes", blank, also))))
