"""Single transferable vote by Meek's method.

Meek's method (B. L. Meek 1969) as computed by Hill, Wichmann and Woodall, "Algorithm 123:
Single Transferable Vote by Meek's Method", Computer Journal 30(3), 1987; by New
Zealand's local elections (Local Electoral Regulations 2001, SR 2001/145, Schedule 1A);
by the PR Foundation's *Reference Meek Rule* (prfound.org/resources/reference/
reference-meek-rule/, steps A-C); and by OpenSTV/OpaVote and Droop. They agree on the
method and differ only in arithmetic and in when the iteration stops, which are the
options of `meek`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import MAX_EMAX, Context, Decimal
from typing import Literal

import numpy as np
import numpy.typing as npt

from psephos.ballots.errors import MAX_BALLOTS
from psephos.ballots.profile import Profile
from psephos.count import Action, Count, Stage, from_units
from psephos.exact import int_dtype, weighted_sum
from psephos.rules.errors import OptionError, ranked_standing
from psephos.rules.record import (
    TransferCount,
    elect_at_last_stage,
    finished,
    transfer_stage,
    uncontested,
)
from psephos.rules.units import FixedPoint
from psephos.rules.wigm import sure_losers

Split = Literal["hill", "schedule-1a", "openstv", "warren"]
KeepRounding = Literal["up", "down"]
Quota = Literal["droop", "exact"]
Defeat = Literal["single", "sure-loser", "sure-losers"]

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class _Rules(FixedPoint):
    limit: int
    split: Split
    keep_rounding: KeepRounding
    quota: Quota
    defeat: Defeat


def meek(
    profile: Profile,
    seats: int,
    *,
    places: int = 9,
    surplus_limit: Decimal = Decimal("0.000001"),
    split: Split = "hill",
    keep_rounding: KeepRounding = "up",
    quota: Quota = "droop",
    defeat: Defeat = "single",
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """Count ``profile`` for ``seats`` by Meek's method; the defaults are the PR Foundation
    Reference Meek Rule (Droop's ``meek-prf``).

    Each round (PRF B) iterates until a candidate is elected or the keep factors settle:

    - B.2.a each ballot gives each candidate in its order the ballot's remaining weight
      times the candidate's keep factor (1 for hopefuls, 0 once defeated); ``split``:
      ``"hill"`` keeps w x kf rounded up and passes on the rest (David Hill's
      implementation, which the NZ STV Calculator is reported to follow; PRF);
      ``"schedule-1a"`` rounds up both w x kf and w x (1 - kf), as Schedule 1A
      clause 10 words it; ``"openstv"`` rounds both down (OpenSTV, Droop);
      ``"warren"`` keeps min(kf, w) instead, which is Warren's variant (C. H. E. Warren,
      "Counting in STV elections", Voting matters 1, 1994; Droop's ``warren``).
    - B.2.b the quota is the votes held / (seats + 1) truncated to ``places``: plus one
      unit in the last place and reached at or above it (``quota="droop"``; PRF, NZ cl 5),
      or reached only when exceeded (``quota="exact"``; Droop with exact arithmetic).
    - B.2.c hopefuls reaching the quota are elected, ending the round.
    - B.2.e the iteration also ends when the total surplus of the elected is below
      ``surplus_limit`` (omega: 10^-6 for the PRF rule, 0.0001 in NZ cl 13) or is no
      smaller than in the previous iteration (a stable state); with
      ``defeat="sure-loser"`` (NZ cl 13) when the lowest hopeful plus the total surplus
      is below the next hopeful, with ``defeat="sure-losers"`` (Droop's safe batch) when
      the largest such set of lowest hopefuls can go, leaving enough for the seats.
    - B.2.f otherwise each elected candidate's keep factor becomes kf x quota / votes,
      each step rounded ``keep_rounding`` (up in PRF, NZ and Algorithm 123).
    - B.3 when the iteration ends without an election the lowest hopeful is defeated
      (keep factor 0); hopefuls within the total surplus of it are tied, and a tie is
      decided by lot: ``lot_order`` (names, earliest first) or a seeded draw, recorded.
    - B.1/C the count ends when the seats are filled (remaining hopefuls defeated) or the
      hopefuls left are no more than the seats left (all elected). So a contest with as
      many candidates standing as ``seats`` elects them all at the first stage, whose
      note says the election was uncontested; more seats than candidates standing
      (withdrawn ones do not stand) is a `RuleError`.

    One `Stage` per round: the tallies, keep factors (``Stage.keep_factors``) and quota
    (``Stage.threshold``) of the round's last iteration, with whoever it elected or
    defeated; stage 1 is the first iteration, the first preferences. ``exhausted`` is the
    weight left on ballots after their last hopeful; ``lost`` the rest of the valid
    votes (rounding; negative when rounding up creates votes). Values are integers in
    units of ``10**-places`` vote; ``Count.quota`` is the last round's quota. The
    arithmetic is exact at any size (int64 where a bound proves it fits, Python
    integers beyond: `psephos.exact`).
    """
    FixedPoint(places)  # places out of range are refused before the limit is read in units
    if not 0 < surplus_limit <= MAX_BALLOTS:
        # Past the most votes a file holds the limit means nothing, and 1E+999999999
        # would take a gigabyte in units.
        raise OptionError(f"option surplus_limit={surplus_limit}: expected a positive number "
                          f"of votes, at most {MAX_BALLOTS:,}")
    # In a context holding every digit: the default 28 would round a long limit.
    digits = len(surplus_limit.as_tuple().digits)
    limit = surplus_limit.scaleb(places, Context(prec=max(digits, 28), Emax=MAX_EMAX))
    if limit != limit.to_integral_value():
        raise OptionError(f"option surplus_limit={surplus_limit}: expected a multiple of "
                          f"10**-{places} (places={places})")
    rules = _Rules(places, int(limit), split, keep_rounding, quota, defeat)
    return _Meek.counted(profile, seats, rules, seed=seed, lot_order=lot_order)


def _ceil_div(a: Ints, b: int) -> Ints:
    return -((-a) // b)


@dataclass
class _Iteration:
    """Outcome of one distribution of votes."""

    votes: list[int]
    remaining: int
    quota: int
    surplus: int


class _Meek(TransferCount[_Rules]):
    """Mutable state of one count; only `meek` creates it."""

    def run(self) -> Count:
        profile, seats, rules = self.profile, self.seats, self.rules
        one = self.one = rules.one
        note = uncontested(len(ranked_standing(profile, seats, "Meek STV")), seats,
                           "Reference Meek Rule B.1/C")
        n = profile.n_candidates
        # w x kf reaches ONE**2; candidates' votes reach ballots x ONE (a little more when
        # rounding up creates votes): int64 while that provably fits, else Python ints.
        self.dtype = int_dtype(4 * one * one + 4 * one * max(profile.n_ballots, 1))
        self.mult: Ints = profile.weights.astype(self.dtype)
        self.column_bound = one * profile.n_ballots
        self.hopeful = [c not in profile.withdrawn for c in range(n)]
        eligible = np.array([*self.hopeful, False])
        ranked = eligible[profile.rankings].any(axis=1)
        self.valid = int(profile.weights[ranked].sum())
        self.kf = [one if h else 0 for h in self.hopeful]
        self.elected: list[int] = []
        self.stages: list[Stage] = []
        self.previous: list[int] = []
        quota = self.valid * one // (seats + 1) + (1 if rules.quota == "droop" else 0)

        while sum(self.hopeful) > seats - len(self.elected) > 0:
            it, status, losers = self._round()
            quota = it.quota
            if status == "elected":
                continue
            if not losers:
                losers = [self._lowest(it)]
            for c in losers:
                self.hopeful[c] = False
                self.kf[c] = 0
            self.stages[-1] = replace(self.stages[-1], excluded=tuple(losers),
                                      subjects=tuple(losers))
        if not self.stages:
            self._record(self._iterate(), "first", ())
        # C: elect the remaining hopefuls if seats are left (otherwise they are defeated).
        rest = sorted((c for c in range(n) if self.hopeful[c]), key=lambda c: -self._last(c))
        rest = rest[: seats - len(self.elected)]
        self.elected.extend(rest)
        elect_at_last_stage(self.stages, rest, note)
        return finished("warren" if rules.split == "warren" else "meek", seats, self.lots,
                        elected=self.elected, stages=self.stages, valid=self.valid,
                        places=rules.places, quota=quota,
                        options={"places": rules.places,
                                 "surplus_limit": from_units(rules.limit, rules.places),
                                 "split": rules.split, "keep_rounding": rules.keep_rounding,
                                 "quota": rules.quota, "defeat": rules.defeat})

    def _last(self, c: int) -> Decimal:
        return self.stages[-1].tallies[c]

    def _round(self) -> tuple[_Iteration, str, list[int]]:
        """One round of iterations (PRF B.2); returns its last iteration and why it ended."""
        rules, one = self.rules, self.one
        previous: int | None = None
        iterations = 0
        while True:
            iterations += 1
            it = self._iterate()
            reached = self._reached(it)
            losers: list[int] = []
            if reached:
                status = "elected"
            elif it.surplus < rules.limit:
                status = "omega"
            elif previous is not None and it.surplus >= previous:
                status = "stable"
            else:
                status = "iterate"
                if rules.defeat != "single":
                    hopeful = {c: it.votes[c] for c, h in enumerate(self.hopeful) if h}
                    most = 1 if rules.defeat == "sure-loser" else (
                        len(hopeful) - (self.seats - len(self.elected)))
                    losers = sure_losers(hopeful, it.surplus, most)
                    if losers:
                        status = "sure-losers"
            if status != "iterate":
                break
            previous = it.surplus
            # B.2.f: kf x quota / votes, each step rounded as the rule says.
            for c in self.elected:
                if self.rules.keep_rounding == "up":
                    kept = -(-self.kf[c] * it.quota // one)
                    self.kf[c] = -(-kept * one // it.votes[c])
                else:
                    self.kf[c] = self.kf[c] * it.quota // one * one // it.votes[c]
        for c in reached:
            self.hopeful[c] = False
            self.elected.append(c)
        action: Action = "first" if not self.stages else "elect" if reached else "exclude"
        note = (f"{iterations} iteration{'s' if iterations > 1 else ''}, ended by {status}; "
                f"total surplus {from_units(it.surplus, rules.places):f}")
        self._record(it, action, tuple(reached), note)
        return it, status, losers

    def _reached(self, it: _Iteration) -> list[int]:
        """B.2.c: hopefuls at or over the quota (over it, with ``quota="exact"``), largest first."""
        if self.rules.quota == "exact":
            found = [c for c, h in enumerate(self.hopeful) if h and it.votes[c] > it.quota]
        else:
            found = [c for c, h in enumerate(self.hopeful) if h and it.votes[c] >= it.quota]
        return sorted(found, key=lambda c: -it.votes[c])

    def _iterate(self) -> _Iteration:
        """B.2.a/b/d: distribute every ballot by the keep factors, then quota and surplus."""
        rules, one, n = self.rules, self.one, self.profile.n_candidates
        kf: Ints = np.array([*self.kf, 0], dtype=self.dtype)  # END (-1) reads the trailing 0
        rankings = self.profile.rankings
        weight: Ints = np.full(len(self.mult), one, dtype=self.dtype)
        votes: Ints = np.zeros(n + 1, dtype=self.dtype)
        for j in range(rankings.shape[1]):
            column = rankings[:, j]
            slot = np.where(column >= 0, column, n)  # END's share lands on votes[n], ignored
            k = kf[column]
            if rules.split == "hill":
                keep = _ceil_div(weight * k, one)
                weight = weight - keep
            elif rules.split == "schedule-1a":
                keep = _ceil_div(weight * k, one)
                weight = _ceil_div(weight * (one - k), one)
            elif rules.split == "openstv":
                keep = weight * k // one
                weight = weight * (one - k) // one
            else:
                keep = np.minimum(weight, k)
                weight = weight - keep
            # keep <= the ballot's weight <= ONE, so a column's sum is at most ballots x ONE.
            votes += weighted_sum(slot, keep * self.mult, n + 1, bound=self.column_bound)
        held = [int(v) for v in votes[:n]]
        total = sum(held)
        quota = total // (self.seats + 1) + (1 if rules.quota == "droop" else 0)
        surplus = max(0, sum(held[c] - quota for c in self.elected))
        return _Iteration(held, int((weight * self.mult).sum()), quota, surplus)

    def _lowest(self, it: _Iteration) -> int:
        """B.3: the lowest hopeful; those within the total surplus of it are tied."""
        hopeful = [c for c, h in enumerate(self.hopeful) if h]
        low = min(it.votes[c] for c in hopeful)
        tied = [c for c in hopeful if it.votes[c] <= low + it.surplus]
        if len(tied) == 1:
            return tied[0]
        return self.lots.draw(tied, stage=len(self.stages), purpose="defeat (B.3)")

    def _record(self, it: _Iteration, action: Action, elected: tuple[int, ...],
                note: str = "") -> None:
        before = self.previous or it.votes
        self.previous = it.votes
        self.stages.append(transfer_stage(
            len(self.stages) + 1, action, self.rules.places, tallies=it.votes, before=before,
            subjects=(), elected=elected, exhausted=it.remaining,
            lost=self.valid * self.one - sum(it.votes) - it.remaining, note=note,
            threshold=it.quota, keep_factors=self.kf))
