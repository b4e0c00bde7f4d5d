"""Single transferable vote as Scottish councils count it.

The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1,
rules 45-52, carried unchanged into the 2011 Order (SSI 2011/399, rules 46-53).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from psephos.ballots.profile import Profile
from psephos.count import Action, Count, Stage
from psephos.exact import Ints, int_dtype, scale_floor, weighted_sum
from psephos.rules.errors import ranked_standing
from psephos.rules.preferences import next_preference
from psephos.rules.record import elect_at_last_stage, finished, transfer_stage, uncontested
from psephos.rules.ties import Lots

#: Rule 48(3): transfer values are calculated to five decimal places, remainder ignored.
PLACES = 5
ONE = 10**PLACES
#: Where the Order elects candidates who do not exceed the vacancies without a poll.
UNCONTESTED = "SSI 2007/42 Sch. 1 r.12"

#: Owner codes for a ranking's papers that no continuing candidate holds.
EXHAUSTED = -1


def stv_scotland(
    profile: Profile,
    seats: int,
    *,
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """Count ``profile`` for ``seats`` vacancies under SSI 2007/42 Schedule 1, rules 45-52.

    - r.45/46: first preferences; quota = floor(valid / (seats + 1)) + 1.
    - r.47: a candidate whose votes equal or exceed the quota is elected.
    - r.48: a surplus is transferred by the weighted inclusive Gregory method: every
      paper the candidate holds moves to its next continuing preference at
      ``surplus x value when received / candidate's total``, computed to five decimal
      places with the remainder ignored. Papers with no further preference are
      non-transferable.
    - r.49: the largest surplus goes first; surpluses arising meanwhile wait; equal
      surpluses are ordered by the most recent preceding stage at which the candidates'
      votes were unequal, and failing that by lot.
    - r.50/51: with no surplus left, the lowest continuing candidate is excluded and
      each paper moves at the value at which it was received; ties as in r.49 (lowest
      goes), then lot.
    - r.52: once continuing candidates equal vacancies left, they are all elected. So
      a contest with exactly as many candidates standing as ``seats`` elects them all
      at stage 1 (uncontested, as r.12 declares them elected without a poll), and stage
      1's note says so; more seats than candidates standing (withdrawn ones do not
      stand) is a `RuleError`.

    All values are integers in units of 0.00001 vote; nothing is rounded but the
    truncation the rule prescribes. The arithmetic is exact at any size: tallies and
    papers' values are int64 while the valid vote times 10**5 fits in it (every input
    the readers accept: at most 10**13 ballots), Python integers beyond; the surplus x
    value products of r.48(3) reach 10**28 and go through `psephos.exact.scale_floor`.
    A lot uses ``lot_order`` (names, first drawn first) if given, otherwise a seeded
    draw; every lot is recorded in ``Count.lots``.
    """
    return _Scottish(profile, seats, Lots(profile.candidates, seed=seed, order=lot_order)).run()


@dataclass(eq=False)
class _Scottish:
    """Mutable state of one count; only `stv_scotland` creates it."""

    profile: Profile
    seats: int
    lots: Lots

    def run(self) -> Count:
        profile, seats = self.profile, self.seats
        note = uncontested(len(ranked_standing(profile, seats, "Scottish STV")), seats,
                           UNCONTESTED)
        n = profile.n_candidates
        rankings = profile.rankings
        # A paper is never worth more than ONE, so every tally, weight x value and sum of
        # them is at most the ballots x ONE: the bound every exact sum below is given.
        self.bound = profile.n_ballots * ONE
        self.dtype = int_dtype(self.bound)
        weights: Ints = profile.weights.astype(self.dtype, copy=False)
        # Papers whose first preference is a withdrawn candidate move on before the count.
        self.continuing = np.ones(n + 1, dtype=bool)
        self.continuing[n] = False  # index -1 (END) lands here
        for c in profile.withdrawn:
            self.continuing[c] = False
        self.rankings = rankings
        self.weights = weights
        rows = len(weights)
        self.pos = np.full(rows, -1, dtype=np.int64)
        self.owner = np.full(rows, EXHAUSTED, dtype=np.int64)
        self.value = np.full(rows, ONE, dtype=np.int64)
        self._start()
        valid = int(weights[self.owner >= 0].sum())
        self.quota = (valid // (seats + 1) + 1) * ONE
        self.tally = self._tallies()
        self.exhausted = int(weights[self.owner == EXHAUSTED].sum()) * ONE
        self.lost = 0
        self.elected: list[int] = []
        self.pending: list[int] = []  # elected candidates whose surplus awaits transfer
        self.history: list[np.ndarray] = []
        self.stages: list[Stage] = []
        self._record("first", np.zeros(n, dtype=self.dtype), (), None, 0)

        while len(self.elected) < seats:
            continuing = [c for c in range(n) if self.continuing[c]]
            vacancies = seats - len(self.elected)
            if len(continuing) <= vacancies:
                # r.52: the remaining continuing candidates fill the last vacancies.
                order = sorted(continuing, key=self._election_order)
                self.elected.extend(order)
                elect_at_last_stage(self.stages, order, note)
                break
            if self.pending:
                self._transfer_surplus(self._next_surplus())
            else:
                self._exclude(self._lowest(continuing))
        return finished("stv-scotland", seats, self.lots, elected=self.elected,
                        stages=self.stages, valid=valid, places=PLACES, quota=self.quota)

    def _tallies(self) -> np.ndarray:
        held = self.owner >= 0
        sums = weighted_sum(self.owner[held], self.weights[held] * self.value[held],
                            self.profile.n_candidates, bound=self.bound)
        return sums.astype(self.dtype, copy=False)

    def _start(self) -> None:
        """Stage 1: each paper to its first preference; only withdrawn or empty ones search on."""
        if self.rankings.shape[1] == 0:
            return
        first = self.rankings[:, 0].astype(np.int64)
        settled = self.continuing[first]
        self.owner[settled] = first[settled]
        self.pos[settled] = 0
        self._advance((~settled).nonzero()[0])

    def _advance(self, rows: np.ndarray) -> None:
        """Move papers of ``rows`` to their next continuing preference, or mark them exhausted."""
        column, candidate = next_preference(self.rankings, rows, self.pos[rows], self.continuing)
        self.owner[rows] = candidate  # -1 where none: EXHAUSTED
        self.pos[rows] = np.where(column >= 0, column, self.rankings.shape[1])

    def _elect_new(self) -> tuple[int, ...]:
        """r.47: continuing candidates at or over quota, largest first."""
        reached = [c for c in range(self.profile.n_candidates)
                   if self.continuing[c] and self.tally[c] >= self.quota]
        reached.sort(key=self._election_order)
        room = self.seats - len(self.elected)
        reached = reached[:room] if len(reached) > room else reached
        for c in reached:
            self.continuing[c] = False
            self.elected.append(c)
            if self.tally[c] > self.quota:
                self.pending.append(c)
        return tuple(reached)

    def _election_order(self, c: int) -> tuple[int, str]:
        """Candidates elected at one stage are listed by votes, then by name (not list position)."""
        return (-int(self.tally[c]), self.profile.candidates[c])

    def _record(self, action: Action, before: np.ndarray, subjects: tuple[int, ...],
                transfer_value: int | None, exhausted_change: int) -> None:
        number = len(self.stages) + 1
        elected = self._elect_new()
        self.history.append(self.tally.copy())
        self.stages.append(transfer_stage(
            number, action, PLACES, tallies=self.tally.tolist(), before=before.tolist(),
            subjects=subjects, elected=elected, exhausted=self.exhausted, lost=self.lost,
            transfer_value=transfer_value, exhausted_change=exhausted_change))

    def _break_tie(self, tied: list[int], *, highest: bool, purpose: str) -> int:
        """r.49(2)/51(2): look back to the most recent stage where the tied differ, then lot;
        either way the decision is recorded in ``Count.lots``."""
        return self.lots.look_back_or_draw(self.history, tied, highest=highest,
                                           stage=len(self.stages), purpose=purpose)

    def _next_surplus(self) -> int:
        surplus = {c: int(self.tally[c]) - self.quota for c in self.pending}
        largest = max(surplus.values())
        tied = [c for c in self.pending if surplus[c] == largest]
        chosen = tied[0] if len(tied) == 1 else self._break_tie(
            tied, highest=True, purpose="order of equal surpluses (rule 49)")
        self.pending.remove(chosen)
        return chosen

    def _lowest(self, continuing: list[int]) -> int:
        low = min(int(self.tally[c]) for c in continuing)
        tied = [c for c in continuing if self.tally[c] == low]
        if len(tied) == 1:
            return tied[0]
        return self._break_tie(tied, highest=False, purpose="exclusion (rule 51)")

    def _transfer_surplus(self, c: int) -> None:
        before = self.tally.copy()
        total = int(self.tally[c])
        surplus = total - self.quota
        rows = (self.owner == c).nonzero()[0]
        # r.48(3): surplus x value when received / total, to 5 dp, remainder ignored.
        new_value = scale_floor(self.value[rows], surplus, total)  # exact: surplus x ONE
        self.value[rows] = new_value
        moved, exhausted_change = self._move(rows, new_value)
        self.tally[c] = self.quota
        self.lost += surplus - int(moved.sum()) - exhausted_change
        low, high = (int(new_value.min()), int(new_value.max())) if new_value.size else (0, -1)
        tv = high if low == high else None
        self._record("surplus", before, (c,), tv, exhausted_change)

    def _exclude(self, c: int) -> None:
        before = self.tally.copy()
        self.continuing[c] = False
        rows = (self.owner == c).nonzero()[0]
        _, exhausted_change = self._move(rows, self.value[rows])
        self.tally[c] = 0
        self._record("exclude", before, (c,), None, exhausted_change)

    def _move(self, rows: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, int]:
        """Pass ``rows``' papers, worth ``values`` each, to their next continuing preference:
        add them to the tallies and the exhausted papers; return (moved per candidate,
        value exhausted)."""
        self._advance(rows)
        # Index 0 collects the exhausted papers (owner -1), candidate c lands at c + 1.
        sums: Ints = weighted_sum(self.owner[rows] + 1, self.weights[rows] * values,
                            self.profile.n_candidates + 1, bound=self.bound)
        moved, exhausted_change = sums[1:], int(sums[0])
        self.tally += moved
        self.exhausted += exhausted_change
        return moved, exhausted_change
