"""First past the post, and block plurality for several seats.

Representation of the People Act 1983, Schedule 1 (the Parliamentary Elections
Rules), rules 49-50: the candidate with the most votes is returned, and where an
equality of votes would decide the result the returning officer decides between
the tied candidates by lot (rule 49). Elections with several vacancies in one
area (English and Welsh council wards) apply the same rule vote by vote: each
voter has as many votes as there are seats, and the candidates with the most
votes fill them (block plurality).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from psephos.ballots.profile import OVERVOTE, Profile
from psephos.count import Count
from psephos.exact import weighted_sum
from psephos.rules.errors import standing
from psephos.rules.record import finished, uncontested, votes_stage
from psephos.rules.ties import Lots

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def plurality(
    profile: Profile,
    seats: int = 1,
    *,
    seed: int | None = None,
    lot_order: Sequence[str] | None = None,
) -> Count:
    """Count ``profile`` by plurality (FPTP) for ``seats`` vacancies (RPA 1983 Sch. 1 r.49).

    Each ballot gives one vote to each of its first ``seats`` preferences (one seat:
    its first preference only, i.e. first past the post; several seats: block vote).
    Ranks left empty, ranks for a withdrawn candidate and repeats of a candidate
    already counted on the ballot are passed over; a rank marked for several
    candidates (an overvote) ends the ballot there. The ``seats`` candidates with the most votes are
    elected. An equality that decides who is elected is settled by lot: the first of
    the tied in ``lot_order`` (names, first drawn first) if given, else a draw seeded
    by ``seed``; each lot is recorded in ``Count.lots``.

    At least one seat, and no more seats than candidates standing (withdrawn candidates
    do not stand): a `RuleError` otherwise; as many seats as candidates elects them all
    (an uncontested return, r.50(2)), and the stage's note says so.

    The count has one stage ("first"): the votes, and ``exhausted`` = ballots that
    gave no vote to any candidate. ``Count.valid`` is the number of ballots that did.
    Counting is vectorised over the distinct rankings, so cost grows with them.
    """
    eligible = standing(profile.n_candidates, profile.withdrawn, seats)
    votes, voted = _votes(profile, seats)
    lots = Lots(profile.candidates, seed=seed, order=lot_order)
    elected = most_votes(votes, eligible, seats, lots, stage=1,
                         purpose="equality of votes (RPA 1983 Sch. 1 r.49)")
    valid = int(profile.weights[voted].sum())
    blank = int(profile.weights[~voted].sum())
    note = uncontested(len(eligible), seats, "RPA 1983 Sch. 1 r.50(2)")
    return finished("plurality" if seats == 1 else "block-plurality", seats, lots,
                    elected=elected,
                    stages=(votes_stage(votes.tolist(), blank, elected, note),),
                    valid=valid)


def most_votes(
    votes: Sequence[int] | Int64s,
    candidates: Sequence[int],
    k: int,
    lots: Lots,
    *,
    stage: int,
    purpose: str,
) -> tuple[int, ...]:
    """The ``k`` of ``candidates`` with the most ``votes``, highest first.

    Candidates tied across the cut-off are chosen one draw at a time by ``lots``;
    ties wholly inside or wholly outside the chosen set need no lot (they keep
    candidate order).
    """
    ordered = sorted(candidates, key=lambda c: (-int(votes[c]), c))
    if k <= 0:
        return ()
    if k >= len(ordered):
        return tuple(ordered)
    cut = int(votes[ordered[k - 1]])
    if int(votes[ordered[k]]) != cut:
        return tuple(ordered[:k])
    sure = [c for c in ordered if int(votes[c]) > cut]
    tied = [c for c in ordered if int(votes[c]) == cut]
    chosen: list[int] = []
    while len(sure) + len(chosen) < k:
        pick = lots.draw(tied, stage=stage, purpose=purpose)
        chosen.append(pick)
        tied.remove(pick)
    return tuple(sure + chosen)


def _votes(profile: Profile, seats: int) -> tuple[Int64s, Bools]:
    """Votes per candidate and, per ranking, whether it gave any vote."""
    n = profile.n_candidates
    ranks = profile.rankings
    weights = profile.weights
    if ranks.shape[1] == 0 or ranks.shape[0] == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(len(weights), dtype=bool)
    plain = profile.is_simple and not profile.withdrawn
    if plain:
        # Plain rankings: the votes are the first `seats` ranks, unless a candidate
        # repeats among them (then later ranks move up: take the general path).
        head = ranks[:, :seats]
        if _has_repeats(head):
            plain = False
        else:
            ranks = head
    mark: Bools = ranks >= 0
    if not plain:
        if profile.withdrawn:
            gone = np.zeros(n, dtype=bool)
            gone[list(profile.withdrawn)] = True
            mark &= ~gone[np.where(mark, ranks, 0)]
        over = ranks <= OVERVOTE
        if over.any():
            mark &= ~np.logical_or.accumulate(over, axis=1)
        if seats > 1:
            for j in range(1, ranks.shape[1]):
                repeat = (ranks[:, :j] == ranks[:, j : j + 1]) & mark[:, :j]
                mark[:, j] &= ~repeat.any(axis=1)
        # The first `seats` candidate marks of each ranking.
        mark &= np.cumsum(mark, axis=1) <= seats
    rows, cols = np.nonzero(mark)
    votes = weighted_sum(ranks[rows, cols], weights[rows], n)
    voted: Bools = np.asarray(mark.any(axis=1), dtype=bool)
    return votes, voted


def _has_repeats(ranks: npt.NDArray[np.int32]) -> bool:
    """Whether any row names one candidate in two of these ranks."""
    for j in range(1, ranks.shape[1]):
        if ((ranks[:, :j] == ranks[:, j : j + 1]) & (ranks[:, j : j + 1] >= 0)).any():
            return True
    return False
