"""RCTab's multi-seat single transferable vote.

``multiWinnerAllowMultipleWinnersPerRound`` (and ``...AllowOnlyOneWinnerPerRound``):
a fixed threshold from the first round (Droop floor(v / (s + 1)) + 1, Hare v / s,
or with ``nonIntegerWinningThreshold`` v / (s + 1) plus one unit of the last decimal
place); every candidate reaching it is elected (or only the highest), and the
winners' surpluses move on next round by the fractional (weighted inclusive Gregory)
method: each paper carries ``value x surplus / total``, both rounded down to
``decimalPlacesForVoteArithmetic`` places. With no one elected, candidates are
eliminated as in RCTab's instant runoff. Continuing candidates who fit the seats
left are elected.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Literal, NamedTuple

import numpy as np

from psephos.ballots.profile import Profile
from psephos.count import NON_TRANSFERABLE, ROUNDING_LOSS, Count, Stage, decimals, from_units
from psephos.exact import Ints, int_dtype, multiply, scale_floor, weighted_sum
from psephos.rctab.engine import (
    Ballots,
    RcvRules,
    TieBreak,
    count_options,
    exclusions,
    inactive_by_category,
    move_papers,
    transfers_total,
)
from psephos.rules.errors import RuleError
from psephos.rules.papers import Int64s

STV_MODES = ("multiWinnerAllowMultipleWinnersPerRound", "multiWinnerAllowOnlyOneWinnerPerRound")


def count(profile: Profile, seats: int, *, mode: str, rules: RcvRules,
          tiebreak: TieBreak) -> Count:
    """Count ``profile`` for ``seats`` under RCTab's multi-seat ``mode``."""
    if mode not in STV_MODES:
        raise RuleError(f"RCTab winnerElectionMode {mode!r} is not supported")
    if seats < 1:
        raise RuleError("numberOfWinners must be at least 1")
    one = mode == "multiWinnerAllowOnlyOneWinnerPerRound"
    return _Stv(profile, seats, rules, tiebreak, one_per_round=one).run()


class _Move(NamedTuple):
    """What produced a round's tallies: the action, its subjects and where their votes went."""

    action: Literal["first", "exclude", "surplus"]
    subjects: tuple[int, ...]
    transfers: dict[int, dict[int, Decimal]]


class _Stv:
    """Mutable state of one count; only `count` creates it."""

    def __init__(self, profile: Profile, seats: int, rules: RcvRules, tiebreak: TieBreak,
                 one_per_round: bool) -> None:
        self.profile, self.seats, self.rules, self.tiebreak = profile, seats, rules, tiebreak
        self.one_per_round = one_per_round
        self.places = rules.decimal_places
        self.unit: int = 10**self.places
        self.n = profile.n_candidates
        self.continuing = np.ones(self.n, dtype=bool)
        for c in profile.withdrawn:
            self.continuing[c] = False
        self.ballots = Ballots(profile, rules)
        # Every paper's value, product and sum is at most the total weight in units: int64
        # when that fits, else Python integers (exact at any size).
        self.dtype = int_dtype(int(profile.weights.sum(dtype=object)) * self.unit)
        self.weights: Ints = profile.weights.astype(self.dtype)
        self.value: Ints = np.full(self.weights.size, self.unit, dtype=self.dtype)

    def _amounts(self, rows: Int64s | slice = slice(None)) -> Int64s:
        """Each paper's worth in vote units: its weight times its transfer value."""
        return multiply(self.weights[rows], self.value[rows]).astype(self.dtype)

    def _threshold(self, active: int) -> int:
        """The winning threshold in vote units, from the first round's active votes."""
        seats, unit = self.seats, self.unit
        if self.rules.hare_quota:
            return active // seats
        if self.rules.non_integer_threshold:
            return active // (seats + 1) + 1
        return (active // unit // (seats + 1) + 1) * unit

    def run(self) -> Count:
        ballots, n = self.ballots, self.n
        ballots.advance(np.arange(ballots.owner.size, dtype=np.int64), self.continuing)
        tally = self._tally()
        active = int(tally.sum())
        threshold = self._threshold(active)
        elected: list[int] = []
        stages: list[Stage] = []
        history: list[Int64s] = []  # every round's tallies, for tie-breaks
        move = _Move("first", (), {})
        before = tally.copy()
        while True:
            history.append(tally.copy())
            new = self._winners(tally, threshold, self.seats - len(elected))
            elected.extend(new)
            for c in new:
                self.continuing[c] = False
            stages.append(self._stage(len(stages) + 1, move, tally, before, new, threshold))
            live = [c for c in range(n) if self.continuing[c]]
            if len(elected) >= self.seats:
                stages.append(self._final_surplus(new, tally, threshold, stages[-1]))
                break
            if not live:
                closing = {**stages[-1].inactive, "finalRoundSurplus": Decimal(0)}
                stages[-1] = replace(stages[-1], inactive=closing)
                break
            before = tally.copy()
            if new:
                surplus = [c for c in new if tally[c] > threshold]
                if not surplus and len(elected) < self.seats:
                    # Nothing to transfer: the next round counts the same papers again.
                    move = _Move("surplus", tuple(new), {})
                    continue
                move = _Move("surplus", tuple(new), {
                    c: self._transfer_surplus(c, tally, threshold) for c in new})
                continue
            out = exclusions(tally, live, self.rules, self.unit, self.tiebreak,
                             stage=len(stages), history=history)
            for c in out:
                self.continuing[c] = False
            move = _Move("exclude", tuple(out), {c: self._move(c, tally, self.value) for c in out})
        return Count(
            method="rctab-stv", candidates=self.profile.candidates, seats=self.seats,
            elected=tuple(elected), stages=tuple(stages),
            valid=from_units(int(self.weights.sum(dtype=object)), 0),
            quota=from_units(threshold, self.places), precision=self.places,
            lots=self.tiebreak.drawn(), options=count_options(self.rules, self.tiebreak),
        )

    def _winners(self, tally: Ints, threshold: int, room: int) -> list[int]:
        """Who is elected this round: those reaching ``threshold`` (the highest first; only
        one with ``one_per_round``), or every continuing candidate when they fit the
        ``room`` left; nobody while undeclared write-ins still hold votes."""
        live = [c for c in range(self.n) if self.continuing[c]]
        uwi = self.rules.undeclared
        if room <= 0 or (uwi is not None and uwi in live and tally[uwi] > 0):
            return []
        reached = sorted((c for c in live if tally[c] >= threshold and c != uwi),
                         key=lambda c: -int(tally[c]))
        new = reached[:1] if self.one_per_round else reached[:room]
        rest = [c for c in live if c not in new]
        if rest and uwi not in rest and len(rest) <= room - len(new):
            new += sorted(rest, key=lambda c: -int(tally[c]))
        return new

    def _stage(self, number: int, move: _Move, tally: Ints, before: Ints, new: list[int],
               threshold: int) -> Stage:
        """Round ``number`` as a `Stage`: its tallies after ``move``, who it elected."""
        places, amounts = self.places, self._amounts()
        return Stage(
            number=number, action=move.action,
            tallies=decimals(tally, places),
            changes=decimals(tally - before, places)
            if number > 1 else (),
            subjects=move.subjects, elected=tuple(new),
            excluded=move.subjects if move.action == "exclude" else (),
            exhausted=from_units(int(amounts[self.ballots.owner < 0].sum(dtype=object)), places),
            exhausted_change=transfers_total(move.transfers, NON_TRANSFERABLE),
            threshold=from_units(threshold, places),
            inactive=inactive_by_category(self.ballots.owner, amounts, places),
            transfers=move.transfers,
        )

    def _final_surplus(self, new: list[int], tally: Int64s, threshold: int,
                       last: Stage) -> Stage:
        """RCTab's closing round: the last winners' surpluses leave the count as
        "finalRoundSurplus" instead of moving to later preferences."""
        transfers: dict[int, dict[int, Decimal]] = {}
        before = tally.copy()
        total_out = Decimal(0)
        for c in new:
            total = int(tally[c])
            if total <= threshold:
                continue
            surplus = total - threshold
            fraction = surplus * self.unit // total
            rows = np.flatnonzero(self.ballots.owner == c)
            value = scale_floor(self.value[rows], fraction, self.unit)
            out = int(multiply(self.weights[rows], value).sum(dtype=object))
            flow = {NON_TRANSFERABLE: from_units(out, self.places)}
            if surplus - out:
                flow[ROUNDING_LOSS] = from_units(surplus - out, self.places)
            transfers[c] = flow
            total_out += from_units(out, self.places)
            tally[c] = threshold
        inactive = dict(last.inactive)
        inactive["finalRoundSurplus"] = total_out
        return Stage(
            number=last.number + 1, action="surplus",
            tallies=decimals(tally, self.places),
            changes=decimals(tally - before, self.places),
            subjects=tuple(transfers), exhausted=last.exhausted + total_out,
            exhausted_change=total_out, threshold=last.threshold, inactive=inactive,
            transfers=transfers, note="final-round surpluses set aside",
        )

    def _tally(self) -> Int64s:
        held = np.flatnonzero(self.ballots.owner >= 0)
        return weighted_sum(self.ballots.owner[held], self._amounts(held), self.n).astype(
            self.dtype)

    def _transfer_surplus(self, c: int, tally: Int64s, threshold: int) -> dict[int, Decimal]:
        total = int(tally[c])
        surplus = total - threshold
        fraction = surplus * self.unit // total  # rounded down to the decimal places
        rows = np.flatnonzero(self.ballots.owner == c)
        new_value: Ints = scale_floor(self.value[rows], fraction, self.unit).astype(self.dtype)
        value = self.value.copy()
        value[rows] = new_value
        flow = self._move(c, tally, value)
        moved = sum((v for v in flow.values()), Decimal(0))
        residual = from_units(surplus, self.places) - moved
        if residual:
            flow[ROUNDING_LOSS] = residual
        tally[c] = threshold
        return flow

    def _move(self, c: int, tally: Int64s, value: Int64s) -> dict[int, Decimal]:
        """Move ``c``'s papers on at ``value``; return where they went."""
        rows = np.flatnonzero(self.ballots.owner == c)
        self.value[rows] = value[rows]
        moved, flow = move_papers(self.ballots, rows, self._amounts(rows), self.continuing,
                                  self.places)
        tally += moved.astype(self.dtype)
        tally[c] = 0
        return flow
