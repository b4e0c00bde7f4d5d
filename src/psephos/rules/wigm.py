"""Single transferable vote by the weighted inclusive Gregory method (WIGM).

The plain WIGM rule as the Proportional Representation Foundation's *Reference WIGM
Rule* words it (prfound.org/resources/reference/reference-wigm-rule/, steps A-D) and as
Droop (github.com/jklundell/droop, rules ``wigm-prf`` and ``wigm``) counts it. The
Scottish council rule is a WIGM variant with its own ordering and rounding; it lives in
`psephos.rules.stv_scotland`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt

from psephos.ballots.profile import Profile
from psephos.count import Action, Count, Stage
from psephos.exact import int_dtype, weighted_sum
from psephos.rules.errors import ranked_standing
from psephos.rules.record import (
    TransferCount,
    elect_at_last_stage,
    finished,
    transfer_stage,
    uncontested,
)
from psephos.rules.units import FixedPoint

Quota = Literal["droop", "exact", "integer"]
Rounding = Literal["truncate", "nearest"]
Defeat = Literal["single", "sure-losers"]

#: Owner code for papers no hopeful candidate holds.
EXHAUSTED = -1

Ints = npt.NDArray[np.int64]
N = TypeVar("N", int, Ints)


@dataclass(frozen=True)
class _Rules(FixedPoint):
    rounding: Rounding
    quota: Quota
    defeat: Defeat

    def div(self, a: N, b: int) -> N:
        """``a / b`` rounded as D.4 says (operands are non-negative)."""
        if self.rounding == "truncate":
            return a // b
        return (2 * a + b) // (2 * b)


def wigm(
    profile: Profile,
    seats: int,
    *,
    places: int = 4,
    rounding: Rounding = "truncate",
    quota: Quota = "droop",
    defeat: Defeat = "single",
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """Count ``profile`` for ``seats`` by the PR Foundation Reference WIGM Rule.

    - A.1 quota (``quota``): ``"droop"`` = valid ballots / (seats + 1) to ``places``
      decimals plus one unit in the last place, reached at or above it (the reference
      rule; 0.0001 at four places); ``"exact"`` = the exact fraction, reached only when
      exceeded (Droop's ``wigm`` with exact arithmetic); ``"integer"`` =
      floor(valid / (seats + 1)) + 1, reached at or above it.
    - B.1 every hopeful candidate reaching the quota is elected with its surplus pending.
    - B.2 (``defeat="sure-losers"``) the largest set of lowest hopefuls whose votes plus
      all pending surpluses stay below the next hopeful is defeated at once, leaving
      enough hopefuls for the seats.
    - B.3 the largest pending surplus is transferred: every ballot the candidate holds
      goes on to its next hopeful at weight x surplus / the candidate's vote; the
      candidate keeps exactly the quota.
    - B.4 otherwise the lowest hopeful is defeated and each ballot moves at its weight.
    - D.1 ties (largest surplus, lowest vote) go by lot: ``lot_order`` (names, earliest
      first: the "predetermined random tiebreaking order") or a seeded draw, recorded.
    - D.3 the count ends once the seats are filled, or once the hopefuls left are no more
      than the seats left (they are all elected). So a contest with as many candidates
      standing as ``seats`` elects them all at the first stage, whose note says the
      election was uncontested; more seats than candidates standing (withdrawn ones do
      not stand) is a `RuleError`.
    - D.4 each multiplication and division is ``rounding`` (``"truncate"``, the reference,
      or ``"nearest"``, half up) to ``places`` decimals.

    The count-complete test comes where the rule puts it: after B.1 (no surplus moves
    once the seats are filled) and right after a defeat in B.2 and B.4, so the ballots of
    a defeat that completes the count are not transferred (its stage shows them still
    with the defeated candidate). Values are integers in units of ``10**-places`` vote;
    nothing is rounded but what D.4 prescribes, and the arithmetic is exact at any size
    (int64 where a bound proves it fits, Python integers beyond: `psephos.exact`).
    """
    rules = _Rules(places=places, rounding=rounding, quota=quota, defeat=defeat)
    return _Wigm.counted(profile, seats, rules, seed=seed, lot_order=lot_order)


def sure_losers(votes: dict[int, int], surplus: int, most: int) -> list[int]:
    """The largest set of lowest candidates whose total plus ``surplus`` stays below the
    next candidate, at most ``most`` of them (PRF WIGM B.2, Droop's Meek "safe" batch)."""
    order = sorted(votes, key=lambda c: votes[c])
    best = 0
    total = 0
    for k in range(1, min(most, len(order) - 1) + 1):
        total += votes[order[k - 1]]
        if total + surplus < votes[order[k]]:
            best = k
    return order[:best]


class _Wigm(TransferCount[_Rules]):
    """Mutable state of one count; only `wigm` creates it."""

    def run(self) -> Count:
        profile, seats, rules = self.profile, self.seats, self.rules
        note = uncontested(len(ranked_standing(profile, seats, "WIGM")), seats,
                           "Reference WIGM Rule D.3")
        n = profile.n_candidates
        one = rules.one
        # Products w x surplus reach ONE x ballots x ONE x (seats + 1), twice that plus the
        # divisor when rounding to nearest: int64 while that provably fits, else Python ints.
        self.dtype = int_dtype(4 * one * one * max(profile.n_ballots, 1) * (seats + 1))
        self.hopeful = np.ones(n + 1, dtype=bool)
        self.hopeful[n] = False  # index -1 (END) lands here
        for c in profile.withdrawn:
            self.hopeful[c] = False
        self.weights: Ints = profile.weights.astype(self.dtype)
        rows = len(self.weights)
        self.pos = np.full(rows, -1, dtype=np.int64)
        self.owner = np.full(rows, EXHAUSTED, dtype=np.int64)
        self.value: Ints = np.full(rows, one, dtype=self.dtype)
        self._advance(np.arange(rows))
        # Ballots ranking no hopeful candidate (blank, or only withdrawn ones) are not valid.
        valid = int(profile.weights[self.owner >= 0].sum())
        # A.1: the quota as a fraction qnum / qden of vote units.
        if rules.quota == "droop":
            self.qnum, self.qden = rules.div(valid * one, seats + 1) + 1, 1
        elif rules.quota == "exact":
            self.qnum, self.qden = valid * one, seats + 1
        else:
            self.qnum, self.qden = (valid // (seats + 1) + 1) * one, 1
        self.tally = self._tallies()
        self.exhausted = 0
        self.lost = 0
        self.elected: list[int] = []
        self.pending: list[int] = []
        self.stages: list[Stage] = []
        self._record("first", self.tally.copy(), (), None, 0)

        while len(self.elected) < seats:
            hopeful = [c for c in range(n) if self.hopeful[c]]
            if len(hopeful) <= seats - len(self.elected):
                order = sorted(hopeful, key=lambda c: -self.tally[c])
                self.elected.extend(order)
                elect_at_last_stage(self.stages, order, note)
                break
            losers = self._sure_losers(hopeful) if rules.defeat == "sure-losers" else []
            if losers:
                self._defeat(losers)
            elif self.pending:
                self._transfer_surplus(self._highest_pending())
            else:
                self._defeat([self._lowest(hopeful)])
        return finished("wigm", seats, self.lots, elected=self.elected, stages=self.stages,
                        valid=valid, places=rules.places, quota=self.qnum // self.qden,
                        options={"places": rules.places, "rounding": rules.rounding,
                                 "quota": rules.quota, "defeat": rules.defeat})

    def _reached(self, votes: int) -> bool:
        if self.rules.quota == "exact":
            return votes * self.qden > self.qnum
        return votes * self.qden >= self.qnum

    def _tallies(self) -> list[int]:
        held = self.owner >= 0
        tallies: list[int] = weighted_sum(self.owner[held], self.weights[held] * self.value[held],
                                          self.profile.n_candidates).tolist()
        return tallies

    def _advance(self, rows: npt.NDArray[np.int64]) -> None:
        """D.2: move the ballots of ``rows`` to their next hopeful, or mark them exhausted."""
        if rows.size == 0:
            return
        sub = self.profile.rankings[rows]
        width = sub.shape[1]
        ok = self.hopeful[sub] & (np.arange(width)[None, :] > self.pos[rows][:, None])
        has = ok.any(axis=1) & (self.value[rows] > 0)
        nxt = ok.argmax(axis=1)
        self.pos[rows] = np.where(has, nxt, width)
        self.owner[rows] = np.where(has, sub[np.arange(len(rows)), nxt], EXHAUSTED)

    def _elect_new(self) -> tuple[int, ...]:
        """B.1: hopefuls reaching the quota, largest first, their surpluses pending."""
        reached = [c for c in range(self.profile.n_candidates)
                   if self.hopeful[c] and self._reached(self.tally[c])]
        reached.sort(key=lambda c: -self.tally[c])
        reached = reached[: self.seats - len(self.elected)]
        for c in reached:
            self.hopeful[c] = False
            self.elected.append(c)
            self.pending.append(c)
        return tuple(reached)

    def _record(self, action: Action, before: list[int], subjects: tuple[int, ...],
                transfer_value: int | None, exhausted_change: int, note: str = "") -> None:
        number = len(self.stages) + 1
        elected = self._elect_new()
        self.stages.append(transfer_stage(
            number, action, self.rules.places, tallies=self.tally, before=before,
            subjects=subjects, elected=elected, exhausted=self.exhausted, lost=self.lost,
            transfer_value=transfer_value, exhausted_change=exhausted_change, note=note))

    def _highest_pending(self) -> int:
        """B.3: the pending candidate with the largest surplus; ties by lot (D.1)."""
        top = max(self.tally[c] for c in self.pending)
        tied = [c for c in self.pending if self.tally[c] == top]
        chosen = tied[0] if len(tied) == 1 else self.lots.draw(
            tied, stage=len(self.stages), purpose="order of equal surpluses (D.1)")
        self.pending.remove(chosen)
        return chosen

    def _lowest(self, hopeful: list[int]) -> int:
        """B.4: the hopeful with the fewest votes; ties by lot (D.1)."""
        low = min(self.tally[c] for c in hopeful)
        tied = [c for c in hopeful if self.tally[c] == low]
        if len(tied) == 1:
            return tied[0]
        return self.lots.draw(tied, stage=len(self.stages), purpose="defeat (D.1)")

    def _sure_losers(self, hopeful: list[int]) -> list[int]:
        """B.2: all pending surpluses count against the set (all scaled by ``qden``)."""
        surplus = sum(self._surplus(c) for c in self.pending)
        most = len(hopeful) - (self.seats - len(self.elected))
        return sure_losers({c: self.tally[c] * self.qden for c in hopeful}, surplus, most)

    def _surplus(self, c: int) -> int:
        """The surplus of ``c`` times ``qden`` (exact even when the quota is a fraction)."""
        return self.tally[c] * self.qden - self.qnum

    def _transfer_surplus(self, c: int) -> None:
        before = list(self.tally)
        total = self.tally[c]
        scaled = self._surplus(c)
        rows = np.flatnonzero(self.owner == c)
        one, div = self.rules.one, self.rules.div
        # B.3 + D.4: (weight x surplus) rounded, then / vote rounded.
        kept = div(self.value[rows] * scaled, one * self.qden)
        new = div(kept * one, total)
        self.value[rows] = new
        self._advance(rows)
        moved, gone = self._move(rows)
        self.tally[c] = self.qnum // self.qden
        self.exhausted += gone
        self.lost += total - self.tally[c] - sum(moved) - gone
        values = set(new.tolist())
        tv = int(values.pop()) if len(values) == 1 else None
        self._record("surplus", before, (c,), tv, gone)

    def _defeat(self, losers: list[int]) -> None:
        before = list(self.tally)
        for c in losers:
            self.hopeful[c] = False
        left = self.seats - len(self.elected)
        if int(self.hopeful[:-1].sum()) <= left:
            # D.3 right after the defeat: the count is complete, nothing is transferred.
            self._record("exclude", before, tuple(losers), None, 0,
                         note="count complete (D.3): ballots not transferred")
            return
        rows = np.flatnonzero(np.isin(self.owner, losers))
        self._advance(rows)
        _, gone = self._move(rows)
        for c in losers:
            self.tally[c] = 0
        self.exhausted += gone
        self._record("exclude", before, tuple(losers), None, gone)

    def _move(self, rows: npt.NDArray[np.int64]) -> tuple[list[int], int]:
        """Credit moved ballots to their new owners; return the credit and the exhausted value."""
        owner = self.owner[rows]
        amounts = self.weights[rows] * self.value[rows]
        held = owner >= 0
        moved = weighted_sum(owner[held], amounts[held], self.profile.n_candidates).tolist()
        for i, m in enumerate(moved):
            self.tally[i] += m
        return moved, int(amounts[~held].sum())
