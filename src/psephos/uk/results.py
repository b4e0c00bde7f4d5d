"""Counting official results: every constituency by plurality, seats and votes by party."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from psephos.ballots.profile import profile_from_rankings
from psephos.count import Lot
from psephos.rules.plurality import plurality
from psephos.uk.errors import UKDataError
from psephos.uk.tables import Candidate, GeneralElection

#: Seed for a lot, should a constituency ever tie (none of the official files has a tie; a
#: real tie is decided by the returning officer's lot, which these files do not record).
TIE_SEED = 0


def winner(candidates: Sequence[Candidate]) -> Candidate:
    """The candidate first past the post (RPA 1983 Sch. 1 r.49), counted by `plurality`."""
    if not candidates:
        raise UKDataError("a constituency with no candidates")
    chosen, _ = first_past_the_post([c.name or c.party_name for c in candidates],
                                    [c.votes for c in candidates])
    return candidates[chosen]


def first_past_the_post(names: Sequence[str], votes: Sequence[int]) -> tuple[int, Lot | None]:
    """Which of one seat's candidates (in the publisher's order) is returned, and the lot if
    one decided it: `plurality` (RPA 1983 Sch. 1 r.49), a tie settled by the lot seeded
    `TIE_SEED`. The one first-past-the-post rule of ``psephos results`` and the pact model.

    The lot depends only on how many are tied and their order, so leaving out candidates
    who are not tied (or who stood down) does not change whom it picks.
    """
    labels = [f"{i}: {name}" for i, name in enumerate(names)]
    profile = profile_from_rankings(labels, [[i] for i in range(len(labels))],
                                    [int(v) for v in votes])
    count = plurality(profile, 1, seed=TIE_SEED)
    return count.elected[0], (count.lots[0] if count.lots else None)


@dataclass(frozen=True)
class SeatsAndVotes:
    """Seats won and votes cast per party code across an election."""

    election: str
    title: str
    seats: dict[str, int]
    votes: dict[str, int]
    constituencies: int
    valid_votes: int
    electorate: int
    winners: dict[str, str]  # constituency id -> winning party code

    def to_json(self) -> dict[str, Any]:
        return {
            "election": self.election,
            "title": self.title,
            "seats": self.seats,
            "votes": self.votes,
            "constituencies": self.constituencies,
            "valid_votes": self.valid_votes,
            "electorate": self.electorate,
        }


def count_general_election(election: GeneralElection, title: str = "") -> SeatsAndVotes:
    """Count every constituency of ``election``; parties ordered by seats, then votes."""
    seats: Counter[str] = Counter()
    votes: Counter[str] = Counter()
    winners: dict[str, str] = {}
    for seat in election.constituencies:
        top = winner(seat.candidates)
        seats[top.party_code] += 1
        winners[seat.id] = top.party_code
        for candidate in seat.candidates:
            votes[candidate.party_code] += candidate.votes
    order = sorted(votes, key=lambda p: (-seats[p], -votes[p], p))
    return SeatsAndVotes(
        election=election.election, title=title,
        seats={p: seats[p] for p in order if seats[p]},
        votes={p: votes[p] for p in order},
        constituencies=len(election.constituencies),
        valid_votes=sum(c.valid_votes for c in election.constituencies),
        electorate=sum(c.electorate for c in election.constituencies),
        winners=winners,
    )


@dataclass(frozen=True)
class CandidateShare:
    """One candidate's votes and share of the valid votes in their seat."""

    name: str
    party_code: str
    party_name: str
    votes: int
    share: float  # of the seat's valid votes, 0..1


@dataclass(frozen=True)
class SeatResult:
    """One seat's declaration: candidates by votes, the winner, majority and turnout."""

    candidates: tuple[CandidateShare, ...]  # most votes first; the winner first
    winner: CandidateShare
    runner_up: CandidateShare | None
    majority: int  # winner's votes less the runner-up's (all votes if unopposed)
    valid_votes: int
    electorate: int | None  # None where the source has none
    turnout: float | None  # valid votes / electorate, where there is an electorate


def seat_result(candidates: Sequence[Candidate], *, valid_votes: int | None = None,
                electorate: int | None = None) -> SeatResult:
    """The declaration of one first-past-the-post seat, its winner from `winner`.

    ``valid_votes`` defaults to the candidates' votes summed; a zero ``electorate`` is taken
    as unknown (the GE2010 flat file's Speaker seat has one), so no turnout is shown.
    """
    top = winner(candidates)
    total = valid_votes if valid_votes else sum(c.votes for c in candidates)
    others = sorted((c for c in candidates if c is not top), key=lambda c: -c.votes)
    ordered = [top, *others]
    shares = tuple(CandidateShare(c.name, c.party_code, c.party_name, c.votes,
                                  c.votes / total if total else 0.0) for c in ordered)
    second = shares[1] if len(shares) > 1 else None
    return SeatResult(
        candidates=shares, winner=shares[0], runner_up=second,
        majority=shares[0].votes - (second.votes if second else 0), valid_votes=total,
        electorate=electorate or None,
        turnout=total / electorate if electorate else None)


def gains(current: SeatsAndVotes, previous: SeatsAndVotes) -> dict[str, str]:
    """Seats whose winning party differs from ``previous`` (same boundaries): id -> the party
    that held it before. Seats absent from ``previous`` are left out."""
    return {seat: previous.winners[seat] for seat, party in current.winners.items()
            if seat in previous.winners and previous.winners[seat] != party}
