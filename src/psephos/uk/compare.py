"""One general election measured against another on the same seats: seats, votes, swing.

Seats are matched by ONS code, and every seat of each election must be in the other: an
election on other boundaries is refused, not half-compared (GE2024 is compared with the
notional GE2019 results on its boundaries, ``ge2019-notional``).

Shares are of each seat's valid votes, kept as exact fractions until they are shown. The
swing between two parties is Butler's two-party swing ("total vote" swing): the average of
one party's rise in share and the other's fall, ``((B1 - B0) - (A1 - A0)) / 2`` for a swing
from A to B, where 0 is the base election and 1 the later one (D. Butler and D. Stokes,
*Political Change in Britain*, 1969; the swing the BBC and the House of Commons Library
quote). A seat where either party had no candidate at either election has no swing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from psephos.uk.errors import UKDataError
from psephos.uk.results import winner
from psephos.uk.tables import PARTY_CODES, Constituency, GeneralElection

#: Decimal places of shares and swings in JSON (a millionth of the vote).
PLACES = 6


@dataclass(frozen=True)
class SeatChange:
    """One seat at both elections: votes by party code and the winners."""

    id: str
    name: str
    nation: str
    region: str
    votes: Mapping[str, int]  # party code -> votes at the later election
    votes_before: Mapping[str, int]  # at the base election
    valid_votes: int
    valid_votes_before: int
    winner: str
    winner_before: str
    swing: Fraction | None  # Butler swing for the comparison's pair; None: not contested

    @property
    def changed_hands(self) -> bool:
        return self.winner != self.winner_before

    def share(self, party: str) -> Fraction:
        return Fraction(self.votes.get(party, 0), self.valid_votes or 1)

    def share_before(self, party: str) -> Fraction:
        return Fraction(self.votes_before.get(party, 0), self.valid_votes_before or 1)

    def share_change(self, party: str) -> Fraction:
        return self.share(party) - self.share_before(party)

    @property
    def parties(self) -> tuple[str, ...]:
        """Parties with votes at either election, most votes at the later one first."""
        return _ordered(set(self.votes) | set(self.votes_before), self.votes, self.votes_before)


@dataclass(frozen=True)
class PartyChange:
    """One party over every seat: seats and votes at both elections, gains and losses."""

    party: str
    seats: int
    seats_before: int
    gains: int  # seats it won that it had not won at the base election
    losses: int
    votes: int
    votes_before: int
    share: Fraction
    share_before: Fraction

    @property
    def share_change(self) -> Fraction:
        return self.share - self.share_before


@dataclass(frozen=True)
class Comparison:
    """``election`` measured against ``base``; the swing runs from ``pair[0]`` to ``pair[1]``."""

    election: str
    base: str
    pair: tuple[str, str]
    swing: Fraction  # national Butler swing over every seat
    parties: tuple[PartyChange, ...]
    seats: tuple[SeatChange, ...]
    valid_votes: int
    valid_votes_before: int

    @property
    def changed_hands(self) -> int:
        return sum(seat.changed_hands for seat in self.seats)

    def to_json(self, title: str = "", base_title: str = "") -> dict[str, Any]:
        return {
            "election": self.election,
            "against": self.base,
            "title": title,
            "against_title": base_title,
            "pair": list(self.pair),
            "swing": _shown(self.swing),
            "constituencies": len(self.seats),
            "changed_hands": self.changed_hands,
            "valid_votes": self.valid_votes,
            "valid_votes_before": self.valid_votes_before,
            "parties": [{
                "party": p.party, "seats": p.seats, "seats_before": p.seats_before,
                "seats_change": p.seats - p.seats_before, "gains": p.gains, "losses": p.losses,
                "votes": p.votes, "votes_before": p.votes_before,
                "votes_change": p.votes - p.votes_before, "share": _shown(p.share),
                "share_before": _shown(p.share_before), "share_change": _shown(p.share_change),
            } for p in self.parties],
            "seats": [{
                "id": s.id, "name": s.name, "nation": s.nation, "region": s.region,
                "winner": s.winner, "winner_before": s.winner_before,
                "changed_hands": s.changed_hands,
                "swing": None if s.swing is None else _shown(s.swing),
                "valid_votes": s.valid_votes, "valid_votes_before": s.valid_votes_before,
                "votes": dict(s.votes), "votes_before": dict(s.votes_before),
                "share_change": {p: _shown(s.share_change(p)) for p in s.parties},
            } for s in self.seats],
        }


def compare_general_elections(election: GeneralElection, base: GeneralElection,
                              pair: tuple[str, str] | None = None) -> Comparison:
    """``election`` against ``base``, seat by seat (matched by ONS code) and by party.

    ``pair`` is (from, to) for the swing; by default the runner-up and the leader of
    ``election`` in votes over every seat, so a positive swing is towards the leader.
    """
    matched = _matched(election, base)
    votes: Counter[str] = Counter()
    votes_before: Counter[str] = Counter()
    for later, earlier in matched:
        votes.update(_by_party(later))
        votes_before.update(_by_party(earlier))
    chosen = _pair(pair, votes, votes_before)
    seats = tuple(_seat(later, earlier, chosen) for later, earlier in matched)
    valid = sum(s.valid_votes for s in seats)
    valid_before = sum(s.valid_votes_before for s in seats)
    a, b = chosen
    national = butler_swing(Fraction(votes[a], valid or 1), Fraction(votes_before[a],
                                                                     valid_before or 1),
                            Fraction(votes[b], valid or 1), Fraction(votes_before[b],
                                                                     valid_before or 1))
    won = Counter(s.winner for s in seats)
    won_before = Counter(s.winner_before for s in seats)
    gains = Counter(s.winner for s in seats if s.changed_hands)
    losses = Counter(s.winner_before for s in seats if s.changed_hands)
    codes = set(votes) | set(votes_before)
    order = sorted(codes, key=lambda p: (-won[p], -votes[p], -won_before[p],
                                         -votes_before[p], p))
    parties = tuple(PartyChange(
        party=p, seats=won[p], seats_before=won_before[p], gains=gains[p], losses=losses[p],
        votes=votes[p], votes_before=votes_before[p], share=Fraction(votes[p], valid or 1),
        share_before=Fraction(votes_before[p], valid_before or 1)) for p in order)
    return Comparison(election=election.election, base=base.election, pair=chosen,
                      swing=national, parties=parties, seats=seats, valid_votes=valid,
                      valid_votes_before=valid_before)


def butler_swing(from_share: Fraction, from_share_before: Fraction, to_share: Fraction,
                 to_share_before: Fraction) -> Fraction:
    """Butler's swing from one party to another: the mean of ``to``'s gain in share and
    ``from``'s loss."""
    return ((to_share - to_share_before) - (from_share - from_share_before)) / 2


def _matched(election: GeneralElection, base: GeneralElection
             ) -> list[tuple[Constituency, Constituency]]:
    """Each seat of ``election`` with the seat of ``base`` that has its ONS code."""
    by_id = {seat.id: seat for seat in base.constituencies}
    ids = {seat.id for seat in election.constituencies}
    missing = [s for s in election.constituencies if s.id not in by_id]
    extra = [s for s in base.constituencies if s.id not in ids]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"{len(missing)} of {election.election}'s "
                         f"{len(election.constituencies)} constituencies are not in "
                         f"{base.election} (e.g. {missing[0].id} {missing[0].name})")
        if extra:
            parts.append(f"{len(extra)} of {base.election}'s {len(base.constituencies)} are "
                         f"not in {election.election} (e.g. {extra[0].id} {extra[0].name})")
        raise UKDataError(
            f"{election.election} and {base.election} are not on the same boundaries: "
            f"{'; '.join(parts)}. Compare elections on the same seats: ge2010 to ge2019 "
            "share one set; ge2024 and ge2019-notional (the 2019 votes on the 2024 seats) "
            "the other")
    return [(seat, by_id[seat.id]) for seat in election.constituencies]


def _by_party(seat: Constituency) -> Counter[str]:
    votes: Counter[str] = Counter()
    for candidate in seat.candidates:
        votes[candidate.party_code] += candidate.votes
    return votes


def _pair(pair: tuple[str, str] | None, votes: Counter[str],
          votes_before: Counter[str]) -> tuple[str, str]:
    if pair is None:
        top = sorted(votes, key=lambda p: (-votes[p], p))
        if len(top) < 2:
            raise UKDataError("fewer than two parties have votes: no swing to measure")
        return top[1], top[0]
    first, second = pair
    for party in pair:
        if party not in PARTY_CODES:
            raise UKDataError(f"{party!r} is not a party code; choose from "
                              f"{', '.join(PARTY_CODES)}")
        if not votes[party] and not votes_before[party]:
            raise UKDataError(f"{party} has no votes at either election")
    if first == second:
        raise UKDataError(f"the swing needs two different parties, not {first} twice")
    return first, second


def _seat(later: Constituency, earlier: Constituency, pair: tuple[str, str]) -> SeatChange:
    votes = _by_party(later)
    before = _by_party(earlier)
    contested = all(party in votes and party in before for party in pair)
    valid = later.valid_votes
    valid_before = earlier.valid_votes
    swing = None
    if contested and valid and valid_before:
        a, b = pair
        swing = butler_swing(Fraction(votes[a], valid), Fraction(before[a], valid_before),
                             Fraction(votes[b], valid), Fraction(before[b], valid_before))
    order = _ordered(set(votes), votes, before)
    order_before = _ordered(set(before), before, votes)
    return SeatChange(
        id=later.id, name=later.name, nation=later.nation, region=later.region,
        votes={p: votes[p] for p in order}, votes_before={p: before[p] for p in order_before},
        valid_votes=valid, valid_votes_before=valid_before,
        winner=winner(later.candidates).party_code,
        winner_before=winner(earlier.candidates).party_code, swing=swing)


def _ordered(codes: set[str], first: Mapping[str, int],
             second: Mapping[str, int]) -> tuple[str, ...]:
    return tuple(sorted(codes, key=lambda p: (-first.get(p, 0), -second.get(p, 0), p)))


def _shown(value: Fraction) -> float:
    return round(float(value), PLACES)


def comparison_report(election: str, against: str, *, pair: tuple[str, str] | None = None,
                      mirror: Path | None = None, cache_dir: Path | None = None
                      ) -> dict[str, Any]:
    """The report of ``psephos results ELECTION --against BASE --json``: both general
    elections loaded (`load_general_election`) and compared."""
    from psephos.uk.catalogue import ELECTIONS, GENERAL_ELECTIONS
    from psephos.uk.general import load_general_election

    for name in (election, against):
        if name not in GENERAL_ELECTIONS:
            raise UKDataError(f"{name!r} is not a general election; a comparison is between two of "
                              f"{', '.join(GENERAL_ELECTIONS)}")
    later = load_general_election(election, mirror=mirror, cache_dir=cache_dir)
    earlier = load_general_election(against, mirror=mirror, cache_dir=cache_dir)
    return compare_general_elections(later, earlier, pair).to_json(
        ELECTIONS[election].title, ELECTIONS[against].title)
