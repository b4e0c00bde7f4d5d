"""The alternative vote of the Parliamentary Voting System and Constituencies Act 2011.

Schedule 1 to the Representation of the People Act 1983 (parliamentary elections rules)
as amended by PVSCA 2011 s. 9 and Schedule 10 (never brought into force after the 2011
referendum). Rule 45A: first preferences are counted; a candidate with more votes than
the other remaining candidates put together is elected; otherwise the candidate with
the fewest votes is eliminated and each of their papers is reallocated to its next
preference for a remaining candidate (a paper with none is not reallocated), stage by
stage; of the last two remaining, the one with more votes is elected. Ties: rules 49 and
49A as substituted by Sch. 10 para 7 (`StatutoryTieBreak`).

RCTab's instant runoff, with its many options, is `psephos.rctab.engine`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from psephos.ballots.profile import OVERVOTE, Profile
from psephos.count import EARLIER_STAGE, NON_TRANSFERABLE, Count, Lot, Stage
from psephos.exact import weighted_sum
from psephos.rules.errors import RuleError, standing
from psephos.rules.papers import EXHAUSTED, Int64s, Papers
from psephos.rules.ties import Lots


class StatutoryTieBreak:
    """Rules 49 and 49A (PVSCA 2011 Sch. 10 para 7), each decision recorded.

    Rule 49(2): of candidates tied for elimination, where there has been a previous
    elimination, the one allocated the fewest votes in accordance with first preferences
    goes; failing that, the one with the fewest after the next stage, and so on (looking
    forward from the first stage, not back from the latest as the Scottish rules do).
    Rule 49A(2): of the last two remaining candidates with equal votes, the one with the
    more votes, looked at the same way, is elected. Where there has been no previous
    stage, or no stage separates them (r.49(3), r.49A(3)), the returning officer decides
    by lot (`Lots`). A tie settled by an earlier stage is recorded too, as a `Lot` whose
    ``how`` reads "earlier stage N", so the count shows how it was decided.
    """

    def __init__(self, lots: Lots) -> None:
        self.lots = lots

    def choose(self, tied: Sequence[int], *, stage: int, eliminate: bool,
               history: Sequence[Sequence[int]]) -> int:
        """The candidate eliminated (``eliminate``) or elected among ``tied`` at ``stage``;
        ``history`` holds every stage's tallies so far, this one last."""
        remaining = sorted(tied)
        purpose = "exclusion (rule 49)" if eliminate else "election (rule 49A)"
        for number, past in enumerate(history[:-1], start=1):
            votes = {c: past[c] for c in remaining}
            target = min(votes.values()) if eliminate else max(votes.values())
            remaining = [c for c in remaining if votes[c] == target]
            if len(remaining) == 1:
                self.lots.drawn.append(Lot(stage=stage, tied=tuple(sorted(tied)),
                                           chosen=remaining[0], purpose=purpose,
                                           how=f"{EARLIER_STAGE} {number}"))
                return remaining[0]
        return self.lots.draw(remaining, stage=stage, purpose=purpose)


def alternative_vote(profile: Profile, seats: int = 1, *, seed: int | None = None,
                     lot_order: Sequence[str] | None = None) -> Count:
    """Count ``profile`` by the alternative vote (PVSCA 2011 Sch. 10, rule 45A) for one seat.

    Each stage a remaining candidate with more than half the votes on papers still in the
    count (at least floor(active / 2) + 1, the stage's ``threshold``) is elected; with
    two remaining, the one with more votes; otherwise the candidate with the fewest votes
    is eliminated and their papers move to their next remaining preference or become
    non-transferable. A rank left empty is passed over; a rank marked for several
    candidates (read from a cast-vote record) ends the paper, its next preference being
    unknown. Ties follow `StatutoryTieBreak` (rules 49/49A: earlier stages from the
    first preferences forward, then lot); a lot uses ``lot_order`` (names, first drawn
    first) or else a seeded draw, and the candidate drawn is eliminated from a tie for
    last, or elected from a tie between the last two. Every decision of a tie, by an
    earlier stage or by lot, is recorded in ``Count.lots``.
    """
    if seats != 1:
        raise RuleError("the alternative vote fills one seat; use a multi-seat rule for more")
    standing(profile.n_candidates, profile.withdrawn, seats)
    tiebreak = StatutoryTieBreak(Lots(profile.candidates, seed=seed, order=lot_order))
    return _Av(profile, tiebreak).run()


class _Av:
    """Mutable state of one count; only `alternative_vote` creates it."""

    def __init__(self, profile: Profile, tiebreak: StatutoryTieBreak) -> None:
        self.profile, self.tiebreak = profile, tiebreak
        self.n = profile.n_candidates
        self.continuing = np.ones(self.n, dtype=bool)
        self.continuing[list(profile.withdrawn)] = False
        self.papers = Papers(profile)
        overvoted = self.papers.rankings <= OVERVOTE
        rows = overvoted.any(axis=1)
        if rows.any():  # a paper stops at its first overvoted rank
            self.papers.stop[rows] = overvoted[rows].argmax(axis=1)
            self.papers.plain = False
        self.weights = profile.weights

    def _by_owner(self, rows: Int64s) -> list[int]:
        """Weight of ``rows``' papers by holder: non-transferable first, then each candidate."""
        owner = self.papers.owner[rows]
        return [int(v) for v in weighted_sum(owner - EXHAUSTED, self.weights[rows], self.n + 1)]

    def run(self) -> Count:
        papers, tiebreak = self.papers, self.tiebreak
        papers.start(self.continuing)
        every = np.arange(papers.owner.size, dtype=np.int64)
        sums = self._by_owner(every)
        exhausted, tally = sums[0], sums[1:]
        stages: list[Stage] = []
        history: list[list[int]] = []
        winner: int | None = None
        subjects: tuple[int, ...] = ()
        transfers: dict[int, dict[int, Decimal]] = {}
        before = list(tally)
        while True:
            number = len(stages) + 1
            history.append(list(tally))
            live = self.continuing.nonzero()[0].tolist()
            threshold = sum(tally[c] for c in live) // 2 + 1
            reached = [c for c in live if tally[c] >= threshold] or (live if len(live) <= 2
                                                                      else [])
            if reached:
                top = max(tally[c] for c in reached)
                best = [c for c in reached if tally[c] == top]
                winner = best[0] if len(best) == 1 else tiebreak.choose(
                    best, stage=number, eliminate=False, history=history)
            lost = transfers.get(subjects[0], {}).get(NON_TRANSFERABLE, Decimal(0)) \
                if subjects else Decimal(0)
            stages.append(Stage(
                number=number, action="exclude" if subjects else "first",
                tallies=tuple(map(Decimal, tally)),
                changes=tuple(Decimal(t - b) for t, b in zip(tally, before, strict=True))
                if number > 1 else (),
                subjects=subjects, elected=(winner,) if winner is not None else (),
                excluded=subjects, exhausted=Decimal(exhausted), exhausted_change=lost,
                threshold=Decimal(threshold), transfers=transfers,
            ))
            if winner is not None or not live:
                break
            low = min(tally[c] for c in live)
            tied = [c for c in live if tally[c] == low]
            out = tied[0] if len(tied) == 1 else tiebreak.choose(
                tied, stage=number, eliminate=True, history=history)
            before = list(tally)
            subjects = (out,)
            transfers = {out: self._eliminate(out, tally)}
            exhausted += int(transfers[out].get(NON_TRANSFERABLE, 0))
        return Count(
            method="alternative-vote", candidates=self.profile.candidates, seats=1,
            elected=(winner,) if winner is not None else (), stages=tuple(stages),
            valid=Decimal(int(self.weights.sum(dtype=object))), quota=stages[-1].threshold,
            precision=0, lots=tuple(tiebreak.lots.drawn),
            options={"seed": tiebreak.lots.seed, "lot_order": tiebreak.lots.order},
        )

    def _eliminate(self, out: int, tally: list[int]) -> dict[int, Decimal]:
        """Eliminate ``out`` and reallocate their papers (r.45A(3)); return where they went."""
        self.continuing[out] = False
        rows = (self.papers.owner == out).nonzero()[0]
        self.papers.advance(rows, self.continuing)
        sums = self._by_owner(rows)
        flow = {c: Decimal(v) for c, v in enumerate(sums[1:]) if v}
        if sums[0]:
            flow[NON_TRANSFERABLE] = Decimal(sums[0])
        for c, v in enumerate(sums[1:]):
            tally[c] += v
        tally[out] = 0
        return flow
