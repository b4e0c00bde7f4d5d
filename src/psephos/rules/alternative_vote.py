"""The alternative vote (instant-runoff), plain and with RCTab's options.

The plain count is the UK Alternative Vote of the Parliamentary Voting System and
Constituencies Act 2011, Schedule 10 (never brought into force after the 2011
referendum): first preferences; a candidate with more than half of the votes of
continuing candidates is elected; otherwise the lowest candidate is excluded and
each of their papers passes to its next continuing preference. The same
procedure is "singleWinnerMajority" in RCTab, whose further options are honoured
through `RcvRules` so RCTab's own test suite can be replayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from psephos.ballots.profile import END, OVERVOTE, SKIPPED, Profile
from psephos.count import NON_TRANSFERABLE, Count, Lot, Stage, from_units
from psephos.rules.errors import RuleError
from psephos.rules.preferences import next_preference
from psephos.rules.ties import Lots

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

OvervoteRule = Literal["exhaustImmediately", "alwaysSkipToNextRank", "exhaustIfMultipleContinuing"]

#: Owner codes of inactive papers, one per RCTab category of inactive ballot.
EXHAUSTED, OVERVOTED, SKIPPED_RANKS, REPEATED = -1, -2, -3, -4
INACTIVE_CATEGORIES = {
    EXHAUSTED: "exhaustedChoices",
    OVERVOTED: "overvotes",
    REPEATED: "repeatedRankings",
    SKIPPED_RANKS: "skippedRankings",
}


@dataclass(frozen=True)
class RcvRules:
    """RCTab's rule options (config ``rules``); the defaults give the plain UK AV count.

    ``max_skipped``/``max_rankings`` of None mean unlimited. ``decimal_places`` is
    RCTab's ``decimalPlacesForVoteArithmetic``. ``undeclared`` is the index of the
    undeclared write-ins pseudo-candidate, who can never win and goes first.
    ``percentage_threshold`` and ``cutoff_elimination`` serve RCTab's bottoms-up mode.
    """

    overvote: OvervoteRule = "exhaustImmediately"
    max_skipped: int | None = None
    max_rankings: int | None = None
    exhaust_on_duplicate: bool = False
    batch_elimination: bool = False
    continue_until_two: bool = False
    minimum_vote_threshold: int = 0
    stop_after_round: int | None = None
    first_round_threshold: bool = False
    non_integer_threshold: bool = False
    hare_quota: bool = False
    decimal_places: int = 0
    undeclared: int | None = None
    percentage_threshold: Decimal | None = None
    cutoff_elimination: bool = False


class TieBreak(Protocol):
    """Chooses one of several tied candidates and remembers the decision."""

    def choose(self, tied: Sequence[int], *, stage: int, eliminate: bool,
               history: Sequence[Int64s]) -> int: ...

    def drawn(self) -> tuple[Lot, ...]: ...


class StatutoryTieBreak:
    """Ties as the UK Alternative Vote decides them, then by lot (`Lots`), recorded.

    Parliamentary elections rules 49 and 49A as substituted by PVSCA 2011 Sch. 10
    para 7: among candidates tied for exclusion, the one with the fewest first
    preferences goes; failing that, the fewest after the next stage, and so on (looking
    forward from the first stage, not back from the latest as the Scottish rules do).
    The two last candidates tied for election are separated the same way, by the most
    votes. With no stage before the tie (r.49(3), r.49A(1)(b)) or no difference at any
    stage, the returning officer decides by lot.
    """

    def __init__(self, lots: Lots) -> None:
        self.lots = lots

    def choose(self, tied: Sequence[int], *, stage: int, eliminate: bool,
               history: Sequence[Int64s]) -> int:
        remaining = list(tied)
        for past in history[:-1]:
            votes = {c: int(past[c]) for c in remaining}
            target = min(votes.values()) if eliminate else max(votes.values())
            remaining = [c for c in remaining if votes[c] == target]
            if len(remaining) == 1:
                return remaining[0]
        purpose = "exclusion (rule 49)" if eliminate else "election (rule 49A)"
        return self.lots.draw(remaining, stage=stage, purpose=purpose)

    def drawn(self) -> tuple[Lot, ...]:
        return tuple(self.lots.drawn)


def alternative_vote(
    profile: Profile,
    seats: int = 1,
    *,
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
    rules: RcvRules | None = None,
    tiebreak: TieBreak | None = None,
) -> Count:
    """Count ``profile`` by the alternative vote (instant-runoff) for one seat.

    Plain rules (PVSCA 2011 Sch. 10; RCTab ``singleWinnerMajority``): each round a
    continuing candidate with more than half the votes on continuing papers, i.e. at
    least floor(active / 2) + 1, is elected; otherwise the candidate with the fewest
    votes is excluded and each of their papers moves to its next continuing
    preference or becomes exhausted. Ties follow `StatutoryTieBreak` (rules 49/49A:
    earlier stages from the first preferences forward, then lot); a lot uses
    ``lot_order`` (names, first drawn first) or else a seeded draw, and the candidate
    drawn is excluded from a tie for last, or elected from a tie between the last
    two. Every lot is recorded in ``Count.lots``; ``tiebreak`` replaces the rule
    (e.g. with RCTab's).

    ``rules`` adds RCTab's options: overvote rule, ``maxSkippedRanksAllowed``,
    ``maxRankingsAllowed``, ``exhaustOnDuplicateCandidate``, batch elimination,
    ``minimumVoteThreshold``, ``continueUntilTwoCandidatesRemain``,
    ``doesFirstRoundDetermineThreshold``, ``stopTabulationEarlyAfterRound`` and
    undeclared write-ins (never elected; excluded first while they hold votes).
    Stage ``n`` is RCTab's round ``n``; ``Stage.inactive`` splits inactive papers
    by RCTab's categories and ``Stage.transfers`` says where each excluded
    candidate's papers went.
    """
    if seats != 1:
        raise RuleError("the alternative vote fills one seat; use a multi-seat rule for more")
    rules = rules or RcvRules()
    if tiebreak is None:
        tiebreak = StatutoryTieBreak(Lots(profile.candidates, seed=seed, order=lot_order))
    return _Irv(profile, rules, tiebreak).run()


class Ballots:
    """Where each distinct ranking's papers sit: a per-row rank pointer and owner.

    ``owner[i]`` is the candidate holding ranking ``i``'s papers, or a negative
    inactive code. Rules that stop a paper regardless of who is continuing (a
    skipped-rank gap, an overvote that exhausts, a repeated candidate) are found
    once, as a per-row ``stop`` column. A move reads the moved rows' marks one column
    at a time from their pointers (`_scan`), so its work follows the papers moved.
    """

    def __init__(self, profile: Profile, rules: RcvRules) -> None:
        rankings = profile.rankings
        if rules.max_rankings is not None and rankings.shape[1] > rules.max_rankings:
            rankings = rankings[:, : rules.max_rankings]
        self.rankings = np.ascontiguousarray(rankings)
        self.overvotes = profile.overvotes
        rows, width = self.rankings.shape
        self.width = width
        self.owner = np.full(rows, EXHAUSTED, dtype=np.int64)
        self.pos = np.full(rows, -1, dtype=np.int64)
        self.stop = np.full(rows, width, dtype=np.int64)
        self.stop_code = np.full(rows, EXHAUSTED, dtype=np.int64)
        self.dynamic = np.zeros(rows, dtype=bool)
        #: Row-major codes, read one (row, column) cell per paper with a flat index.
        self.flat = self.rankings.reshape(-1)
        if self.rankings.size and int(self.rankings.max()) >= profile.n_candidates:
            raise ValueError("a ranking names a candidate index beyond the candidate list")
        #: `Profile.is_simple`: no skips or overvotes to clamp before a lookup.
        self.simple = not profile.rankings.size or int(profile.rankings.min()) >= END
        #: No per-row stop before the last column and no exhaustIfMultipleContinuing rows.
        self.plain = (self.simple and not rules.exhaust_on_duplicate
                      and rules.max_skipped is None)
        self.has_dynamic = False
        if not self.plain:
            self._find_stops(rules)
            self.has_dynamic = bool(self.dynamic.any())

    def _find_stops(self, rules: RcvRules) -> None:
        for i, row in enumerate(self.rankings.tolist()):
            last = -1
            seen: set[int] = set()
            for col, code in enumerate(row):
                if code == END:
                    self.stop[i] = col
                    break
                if code == SKIPPED:
                    continue
                if rules.max_skipped is not None and col - last - 1 > rules.max_skipped:
                    self.stop[i], self.stop_code[i] = col, SKIPPED_RANKS
                    break
                last = col
                if code <= OVERVOTE:
                    if rules.overvote == "exhaustImmediately":
                        self.stop[i], self.stop_code[i] = col, OVERVOTED
                        break
                    if rules.overvote == "exhaustIfMultipleContinuing":
                        self.dynamic[i] = True
                    continue
                if rules.exhaust_on_duplicate and code in seen:
                    self.stop[i], self.stop_code[i] = col, REPEATED
                    break
                seen.add(code)

    def start(self, continuing: Bools) -> None:
        """Give every paper to its first continuing preference (the first stage)."""
        if not self.plain or self.width == 0:
            self.advance(np.arange(self.owner.size, dtype=np.int64), continuing)
            return
        # Most papers' first mark is a continuing candidate: take column 0 whole and
        # scan on only for the rest.
        first = self.rankings[:, 0].astype(np.int64)
        ok = _lookup(continuing)[first]
        self.owner[:] = np.where(ok, first, EXHAUSTED)
        self.pos[:] = 0
        if not ok.all():
            self._scan((~ok).nonzero()[0], continuing)

    def advance(self, rows: Int64s, continuing: Bools) -> None:
        """Move ``rows``' papers to their next continuing preference, or make them inactive."""
        if rows.size == 0:
            return
        if not self.has_dynamic:
            self._scan(rows, continuing)
            return
        tricky = rows[self.dynamic[rows]]
        start = self.pos[tricky].copy()
        self._scan(rows, continuing)
        for i, pos in zip(tricky.tolist(), start.tolist(), strict=True):
            self._advance_one(i, pos, continuing)

    def _scan(self, rows: Int64s, continuing: Bools) -> None:
        """Move each of ``rows`` to the first continuing candidate after its pointer (and
        before its stop); a row with none takes its stop code."""
        column, candidate = next_preference(
            self.rankings, rows, self.pos[rows], _lookup(continuing),
            None if self.plain else self.stop[rows], clip=not self.simple)
        found = column >= 0
        self.owner[rows] = np.where(found, candidate, self.stop_code[rows])
        self.pos[rows] = np.where(found, column, self.width)

    def _advance_one(self, i: int, pos: int, continuing: Bools) -> None:
        """exhaustIfMultipleContinuing: an overvote exhausts only if two or more marks continue."""
        for col in range(pos + 1, int(self.stop[i])):
            code = int(self.rankings[i, col])
            if code >= 0:
                if continuing[code]:
                    self.owner[i], self.pos[i] = code, col
                    return
            elif code <= OVERVOTE:
                live = [c for c in self.overvotes[OVERVOTE - code] if continuing[c]]
                if len(live) > 1:
                    self.owner[i], self.pos[i] = OVERVOTED, self.width
                    return
                if live:
                    self.owner[i], self.pos[i] = live[0], col
                    return
        self.owner[i], self.pos[i] = self.stop_code[i], self.width


def _lookup(continuing: Bools) -> Bools:
    """``continuing`` with one more False entry, so that code END (-1) indexes to False."""
    live = np.zeros(continuing.size + 1, dtype=bool)
    live[:-1] = continuing
    return live


def weighted_sum(index: Int64s, amounts: Int64s, n: int) -> Int64s:
    """Exact integer sums of ``amounts`` per ``index`` in ``range(n)``."""
    if index.size and int(np.abs(amounts).sum()) < 2**52:
        return np.bincount(index, weights=amounts, minlength=n).astype(np.int64)
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, index, amounts)
    return out


def inactive_by_category(owner: Int64s, amounts: Int64s, places: int) -> dict[str, Decimal]:
    """Inactive papers' value by RCTab category."""
    return {name: from_units(int(amounts[owner == code].sum()), places)
            for code, name in INACTIVE_CATEGORIES.items()}


def choose_exclusions(tally: Int64s, continuing: Sequence[int], rules: RcvRules,
                      unit: int) -> list[int] | None:
    """Who RCTab excludes without a tie-break: undeclared write-ins holding votes, those
    under the minimum vote threshold, a batch, or undeclared write-ins with none; None
    when it must be the single lowest."""
    uwi = rules.undeclared
    if uwi is not None and uwi in continuing and tally[uwi] > 0:
        return [uwi]
    minimum = rules.minimum_vote_threshold * unit
    below = [c for c in continuing if tally[c] < minimum]
    if below and len(below) < len(continuing):
        return below
    if rules.batch_elimination:
        ordered = sorted(continuing, key=lambda c: int(tally[c]))
        running, batch = 0, 0
        for k in range(len(ordered) - 1):
            running += int(tally[ordered[k]])
            if running < int(tally[ordered[k + 1]]):
                batch = k + 1
        if batch > 1:
            return sorted(ordered[:batch])
    if uwi is not None and uwi in continuing:
        return [uwi]
    return None


class _Irv:
    """Mutable state of one instant-runoff count; only `alternative_vote` creates it."""

    def __init__(self, profile: Profile, rules: RcvRules, tiebreak: TieBreak) -> None:
        self.profile = profile
        self.rules = rules
        self.tiebreak = tiebreak
        self.n = profile.n_candidates
        self.unit = 1  # integer votes; reported at rules.decimal_places
        self.continuing = np.ones(self.n, dtype=bool)
        for c in profile.withdrawn:
            self.continuing[c] = False
        self.ballots = Ballots(profile, rules)
        self.weights = profile.weights.astype(np.int64, copy=False)
        # Float sums are exact while every partial sum is an integer below 2**53; a bound
        # on them in Python integers, which cannot overflow.
        w = self.weights
        exact = not w.size or max(-int(w.min()), int(w.max())) * w.size < 2**53
        self.float_weights = self.weights.astype(np.float64) if exact else None
        #: Running totals of inactive papers by code, REPEATED..EXHAUSTED (only moves add).
        self.inactive = np.zeros(-REPEATED, dtype=np.int64)

    def _sums(self, rows: Int64s | None) -> Int64s:
        """Weight of ``rows`` (None: all) by owner: the inactive codes REPEATED..EXHAUSTED
        at indices 0-3, then candidate ``c`` at ``c + 4``."""
        owner = self.ballots.owner if rows is None else self.ballots.owner[rows]
        index = owner - REPEATED
        size = self.n - REPEATED
        if self.float_weights is not None:
            amounts = self.float_weights if rows is None else self.float_weights[rows]
            return np.bincount(index, weights=amounts, minlength=size).astype(np.int64)
        out = np.zeros(size, dtype=np.int64)
        np.add.at(out, index, self.weights if rows is None else self.weights[rows])
        return out

    def run(self) -> Count:
        rules, ballots = self.rules, self.ballots
        ballots.start(self.continuing)
        sums = self._sums(None)
        tally = sums[-REPEATED:].copy()
        self.inactive = sums[:-REPEATED].copy()
        valid = int(self.weights.sum())
        stages: list[Stage] = []
        history: list[Int64s] = []
        winner: int | None = None
        frozen: int | None = None
        pending: tuple[int, ...] = ()
        action: Literal["first", "exclude", "elect"] = "first"
        subjects: tuple[int, ...] = ()
        transfers: dict[int, dict[int, Decimal]] = {}
        before = tally.copy()
        while True:
            number = len(stages) + 1
            history.append(tally.copy())
            votes: list[int] = tally.tolist()
            live: list[int] = self.continuing.nonzero()[0].tolist()
            active = sum(votes[c] for c in live)
            threshold = frozen if frozen is not None else self._threshold(active)
            if rules.first_round_threshold and frozen is None:
                frozen = threshold
            elected: tuple[int, ...] = ()
            if winner is None:
                reached = [c for c in live if votes[c] >= threshold and c != rules.undeclared]
                eligible = [c for c in live if c != rules.undeclared]
                if not reached and len(eligible) <= 2 and len(eligible) == len(live):
                    # The last two (or one): the higher is elected, a tie broken as a tie.
                    reached = eligible
                if reached:
                    top = max(votes[c] for c in reached)
                    best = [c for c in reached if votes[c] == top]
                    winner = best[0] if len(best) == 1 else self.tiebreak.choose(
                        best, stage=number, eliminate=False, history=history)
                    elected = (winner,)
                    frozen = threshold
            done = winner is not None and (not rules.continue_until_two or len(live) <= 2)
            stop_now = (not done and rules.stop_after_round is not None
                        and number >= rules.stop_after_round)
            if stop_now:
                pending = tuple(self._exclusions(tally, live, number, history, winner))
            inactive: list[int] = self.inactive.tolist()
            stages.append(Stage(
                number=number,
                action=action,
                tallies=_whole(votes),
                changes=_whole((tally - before).tolist()) if number > 1 else (),
                subjects=subjects,
                elected=elected,
                excluded=subjects if action == "exclude" else (),
                exhausted=Decimal(sum(inactive)),
                exhausted_change=transfers_total(transfers, NON_TRANSFERABLE),
                threshold=Decimal(threshold),
                inactive={name: Decimal(inactive[code - REPEATED])
                          for code, name in INACTIVE_CATEGORIES.items()},
                transfers=transfers,
            ))
            if done or stop_now or not live:
                break
            before = tally.copy()
            if elected and rules.continue_until_two:
                action, subjects, transfers = "elect", (), {}
                continue
            out = self._exclusions(tally, live, number, history, winner)
            action, subjects = "exclude", tuple(out)
            transfers = self._exclude(out, tally)
        return Count(
            method="alternative-vote",
            candidates=self.profile.candidates,
            seats=1,
            elected=(winner,) if winner is not None else (),
            stages=tuple(stages),
            valid=Decimal(valid),
            quota=stages[-1].threshold,
            precision=0,
            lots=self.tiebreak.drawn(),
            options=self._options(pending),
        )

    def _options(self, pending: tuple[int, ...]) -> dict[str, object]:
        options = count_options(self.rules, self.tiebreak)
        if pending:
            options["pending_exclusion"] = pending
        return options

    @staticmethod
    def _threshold(active: int) -> int:
        """More than half of the active votes: floor(active / 2) + 1."""
        return active // 2 + 1

    def _exclusions(self, tally: Int64s, live: list[int], number: int,
                    history: Sequence[Int64s], winner: int | None) -> list[int]:
        candidates = [c for c in live if c != winner]
        chosen = choose_exclusions(tally, candidates, self.rules, self.unit)
        if chosen is not None:
            return chosen
        low = min(int(tally[c]) for c in candidates)
        tied = [c for c in candidates if tally[c] == low]
        if len(tied) == 1:
            return tied
        return [self.tiebreak.choose(tied, stage=number, eliminate=True, history=history)]

    def _exclude(self, out: Sequence[int], tally: Int64s) -> dict[int, dict[int, Decimal]]:
        """Exclude ``out`` together; move their papers on; return each one's transfers."""
        ballots = self.ballots
        for c in out:
            self.continuing[c] = False
        transfers: dict[int, dict[int, Decimal]] = {}
        for c in out:
            rows = (ballots.owner == c).nonzero()[0]
            ballots.advance(rows, self.continuing)
            sums = self._sums(rows)
            moved, gone = sums[-REPEATED:], sums[:-REPEATED]
            flow = {int(r): Decimal(int(moved[r])) for r in moved.nonzero()[0]}
            lost = int(gone.sum())
            if lost:
                flow[NON_TRANSFERABLE] = Decimal(lost)
            transfers[c] = flow
            tally += moved
            tally[c] = 0
            self.inactive += gone
        return transfers


def _whole(values: list[int]) -> tuple[Decimal, ...]:
    """Whole vote counts as Decimals: ``Decimal(int)`` is exact, the same value (digits,
    sign and exponent 0) as ``from_units(v, 0)``, and much cheaper."""
    return tuple(map(Decimal, values))


def count_options(rules: RcvRules, tiebreak: TieBreak) -> dict[str, object]:
    """The options a count ran with, as plain values for `Count.options`."""
    options: dict[str, object] = {f.name: getattr(rules, f.name) for f in fields(rules)
                                 if getattr(rules, f.name) not in (None, False)}
    lots = getattr(tiebreak, "lots", None)
    if isinstance(lots, Lots):
        options.update(seed=lots.seed, lot_order=lots.order)
    for key in ("mode", "seed"):
        value = getattr(tiebreak, key, None)
        if value is not None and not isinstance(lots, Lots):
            options[f"tiebreak_{key}"] = value
    return options


def transfers_total(transfers: dict[int, dict[int, Decimal]], key: int) -> Decimal:
    """The total of one recipient key over all subjects' transfers."""
    return sum((flow.get(key, Decimal(0)) for flow in transfers.values()), Decimal(0))


def with_elected(stage: Stage, more: tuple[int, ...]) -> Stage:
    return replace(stage, elected=stage.elected + more)
