"""RCTab's instant runoff ("singleWinnerMajority") and the machinery its other modes share.

`RcvRules` holds RCTab's rule options (the config's ``rules``); `Ballots` adds RCTab's
reasons for a paper to stop (skipped ranks, overvotes, repeated candidates, a limit on
rankings) to the shared pointer machinery of `psephos.rules.papers`; `instant_runoff`
replays RCTab's single-winner count so that its own test suite can be compared round by
round. The statutory alternative vote is `psephos.rules.alternative_vote`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Literal, Protocol

import numpy as np

from psephos.ballots.profile import END, OVERVOTE, SKIPPED, Profile
from psephos.count import NON_TRANSFERABLE, Count, Lot, Stage, from_units
from psephos.exact import Ints, int_dtype, weighted_sum
from psephos.rules.papers import EXHAUSTED, Bools, Int64s, Papers

OvervoteRule = Literal["exhaustImmediately", "alwaysSkipToNextRank", "exhaustIfMultipleContinuing"]

#: Owner codes of inactive papers, one per RCTab category of inactive ballot.
OVERVOTED, SKIPPED_RANKS, REPEATED = -2, -3, -4
INACTIVE_CATEGORIES = {
    EXHAUSTED: "exhaustedChoices",
    OVERVOTED: "overvotes",
    REPEATED: "repeatedRankings",
    SKIPPED_RANKS: "skippedRankings",
}


@dataclass(frozen=True)
class RcvRules:
    """RCTab's rule options (config ``rules``). The statutory AV count is
    `psephos.rules.alternative_vote`, not this engine.

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


def instant_runoff(profile: Profile, *, rules: RcvRules, tiebreak: TieBreak) -> Count:
    """Count ``profile`` for one seat as RCTab's ``singleWinnerMajority`` does.

    Each round a continuing candidate with more than half the votes on continuing papers,
    i.e. at least floor(active / 2) + 1, is elected (of the last two, the higher);
    otherwise the candidate with the fewest votes is eliminated and each of their papers
    moves to its next continuing preference or becomes inactive. ``rules`` adds RCTab's
    options: overvote rule, ``maxSkippedRanksAllowed``, ``maxRankingsAllowed``,
    ``exhaustOnDuplicateCandidate``, batch elimination, ``minimumVoteThreshold``,
    ``continueUntilTwoCandidatesRemain``, ``doesFirstRoundDetermineThreshold``,
    ``stopTabulationEarlyAfterRound`` and undeclared write-ins (never elected; excluded
    first while they hold votes). Ties go to ``tiebreak`` (`psephos.rctab.ties`), each one
    recorded in ``Count.lots``. Stage ``n`` is RCTab's round ``n``; ``Stage.inactive``
    splits inactive papers by RCTab's categories and ``Stage.transfers`` says where each
    excluded candidate's papers went.
    """
    return _Irv(profile, rules, tiebreak).run()


class Ballots(Papers):
    """`Papers` with RCTab's reasons for a paper to stop.

    Rules that stop a paper regardless of who is continuing (a skipped-rank gap, an
    overvote that exhausts, a repeated candidate) are found once, as a per-row ``stop``
    column and ``stop_code``; ``maxRankingsAllowed`` keeps only the first columns. Rows
    under ``exhaustIfMultipleContinuing`` whose overvote depends on who continues are
    ``dynamic`` and moved one by one after the vectorised scan.
    """

    def __init__(self, profile: Profile, rules: RcvRules) -> None:
        super().__init__(profile, rules.max_rankings)
        self.overvotes = profile.overvotes
        self.dynamic = np.zeros(self.owner.size, dtype=bool)
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

    def advance(self, rows: Int64s, continuing: Bools) -> None:
        """Move ``rows``' papers to their next continuing preference, or make them inactive."""
        if rows.size == 0 or not self.has_dynamic:
            super().advance(rows, continuing)
            return
        tricky = rows[self.dynamic[rows]]
        start = self.pos[tricky].copy()
        self._scan(rows, continuing)
        for i, pos in zip(tricky.tolist(), start.tolist(), strict=True):
            self._advance_one(i, pos, continuing)

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


def exclusions(tally: Int64s, continuing: Sequence[int], rules: RcvRules, unit: int,
               tiebreak: TieBreak, *, stage: int, history: Sequence[Int64s]) -> list[int]:
    """Who RCTab excludes this round: `choose_exclusions`, else the single lowest, a tie
    for lowest going to ``tiebreak``."""
    chosen = choose_exclusions(tally, continuing, rules, unit)
    if chosen is not None:
        return chosen
    low = min(int(tally[c]) for c in continuing)
    tied = [c for c in continuing if tally[c] == low]
    if len(tied) == 1:
        return tied
    return [tiebreak.choose(tied, stage=stage, eliminate=True, history=history)]


def move_papers(ballots: Ballots, rows: Int64s, amounts: Int64s, continuing: Bools,
                places: int) -> tuple[Int64s, dict[int, Decimal]]:
    """Move ``rows``' papers (worth ``amounts`` units of ``10**-places`` vote) to their next
    continuing preference: the units each candidate receives, and the flow by recipient
    (`NON_TRANSFERABLE` for papers that became inactive)."""
    ballots.advance(rows, continuing)
    new = ballots.owner[rows]
    gone = new < 0
    moved = weighted_sum(new[~gone], amounts[~gone], continuing.size)
    flow = {int(r): from_units(int(moved[r]), places) for r in np.flatnonzero(moved)}
    lost = int(amounts[gone].sum(dtype=object))
    if lost:
        flow[NON_TRANSFERABLE] = from_units(lost, places)
    return moved, flow


class _Irv:
    """Mutable state of one instant-runoff count; only `instant_runoff` creates it."""

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
        self.weights = profile.weights
        #: Every tally and partial sum is at most the total weight: int64 when that fits.
        self.dtype = int_dtype(int(self.weights.sum(dtype=object)))
        #: Running totals of inactive papers by code, REPEATED..EXHAUSTED (only moves add).
        self.inactive: Ints = np.zeros(-REPEATED, dtype=self.dtype)

    def _sums(self, rows: Int64s | None) -> Int64s:
        """Weight of ``rows`` (None: all) by owner: the inactive codes REPEATED..EXHAUSTED
        at indices 0-3, then candidate ``c`` at ``c + 4``."""
        owner = self.ballots.owner if rows is None else self.ballots.owner[rows]
        weights = self.weights if rows is None else self.weights[rows]
        return weighted_sum(owner - REPEATED, weights, self.n - REPEATED).astype(self.dtype)

    def run(self) -> Count:
        rules, ballots = self.rules, self.ballots
        ballots.start(self.continuing)
        sums = self._sums(None)
        tally = sums[-REPEATED:].copy()
        self.inactive = sums[:-REPEATED].copy()
        valid = int(self.weights.sum(dtype=object))
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
        return exclusions(tally, candidates, self.rules, self.unit, self.tiebreak,
                          stage=number, history=history)

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
    for key in ("mode", "seed"):
        value = getattr(tiebreak, key, None)
        if value is not None:
            options[f"tiebreak_{key}"] = value
    return options


def transfers_total(transfers: dict[int, dict[int, Decimal]], key: int) -> Decimal:
    """The total of one recipient key over all subjects' transfers."""
    return sum((flow.get(key, Decimal(0)) for flow in transfers.values()), Decimal(0))
