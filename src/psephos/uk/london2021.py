"""The Mayor of London and the London Assembly, 6 May 2021, counted by their own rules.

- Mayor: the supplementary vote (`psephos.rules.supplementary_vote`, GLA Act 1999 Sch. 2
  Part I) over a profile built exactly from the published first-choice x second-choice
  table: ``matrix[i][j]`` ballots rank i then j; the rest of i's first choices (no second
  choice, or i again, or a spoilt one) rank i alone. Unlike 2016, no figure is apportioned.
- Assembly: each of the 14 constituencies first past the post
  (`psephos.uk.results.first_past_the_post`), then the 11 London members by the additional
  member system with the 5% threshold (`psephos.rules.additional_member.london_assembly`,
  GLA Act 1999 s.4 and Sch. 2 paras 7-8), a party's constituency seats counting in its
  divisor.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psephos.ballots.profile import Profile, profile_from_rankings
from psephos.count import Count
from psephos.rules.additional_member import LONDON_THRESHOLD, london_assembly
from psephos.rules.errors import RuleError
from psephos.rules.highest_averages import seats_won
from psephos.rules.supplementary_vote import supplementary_vote
from psephos.uk.catalogue import entry
from psephos.uk.errors import UKDataError
from psephos.uk.london2021_tables import London2021, read_london2021
from psephos.uk.results import first_past_the_post

ROLES = ("mayor_matrix", "mayor_preferences", "assembly_constituencies", "assembly_list",
         "constituency_totals")


@dataclass(frozen=True)
class GLAElection2021:
    """The 2021 tables, checked, and the files they were read from."""

    election: str
    title: str
    date: datetime.date
    tables: London2021
    sources: tuple[str, ...]

    def mayor_profile(self) -> Profile:
        """Every valid first choice, with its second choice wherever the table records one."""
        candidates = self.tables.candidates
        rankings: dict[tuple[int, ...], int] = {}
        for i, row in enumerate(self.tables.matrix):
            for j, ballots in enumerate(row):
                if j != i:
                    rankings[(i, j)] = ballots
            rankings[(i,)] = candidates[i].first_choices - sum(row) + row[i]
        return profile_from_rankings([c.name for c in candidates], rankings,
                                     title="Mayor of London 2021")

    def mayor_count(self) -> Count:
        return supplementary_vote(self.mayor_profile())

    def assembly_winners(self) -> list[tuple[str, int]]:
        """Per constituency, the index of the candidate returned (first past the post)."""
        out: list[tuple[str, int]] = []
        for seat in self.tables.constituencies:
            chosen, _ = first_past_the_post([c.name for c in seat.candidates],
                                            [c.votes for c in seat.candidates])
            out.append((seat.name, chosen))
        return out

    def assembly_count(self) -> Count:
        """The 11 London members, each party's divisor starting at its constituency seats."""
        return london_assembly(self.assembly_constituency_seats(), self.tables.list_votes)

    def assembly_constituency_seats(self) -> dict[str, int]:
        """Constituency seats by London list: each counts for the list its winner's
        description names (exactly, else by party code); a winner with no London list is
        named by themself and takes no part in the London figures."""
        lists = self.tables.list_votes
        by_code: dict[str, list[str]] = {}
        for party in lists:
            by_code.setdefault(self.tables.list_code(party), []).append(party)
        constituency_seats: Counter[str] = Counter()
        for (_, chosen), seat in zip(self.assembly_winners(), self.tables.constituencies,
                                     strict=True):
            winner = seat.candidates[chosen]
            same = ([] if winner.party_code in ("other", "ind")
                    else by_code.get(winner.party_code, []))
            if winner.party_name in lists:
                constituency_seats[winner.party_name] += 1
            elif len(same) == 1:
                constituency_seats[same[0]] += 1
            elif same:
                raise UKDataError(f"{seat.name}: cannot tell which London list {winner.name} "
                                  f"({winner.party_name}) stood for")
            else:  # no London list: the seat takes no part in the London figures
                constituency_seats[winner.name] += 1
        return dict(constituency_seats)


def load_london2021(election: str = "lm2021", *, mirror: Path | None = None,
                    cache_dir: Path | None = None) -> GLAElection2021:
    """The 2021 GLA elections from the five tables (cached, or in a mirror)."""
    if election != "lm2021":
        raise UKDataError(f"unknown GLA 2021 election {election!r}; choose lm2021")
    from psephos.uk.store import find

    item = entry(election)
    paths = [find(item, role, mirror=mirror, cache_dir=cache_dir) for role in ROLES]
    return GLAElection2021(election, item.title, item.date, read_london2021(*paths),
                           tuple(str(p) for p in paths))


def count_london2021(election: GLAElection2021) -> dict[str, Any]:
    """The Mayor's two rounds and the Assembly's seats, as JSON."""
    try:
        mayor, assembly = _mayor(election), _assembly(election)
    except RuleError as error:  # e.g. no list reaching the threshold
        raise UKDataError(f"{election.election}: {error}") from None
    return {
        "election": election.election,
        "title": election.title,
        "seats": assembly["seats"],
        "mayor": mayor,
        "assembly": assembly,
        "notes": ["tables extracted from London Elects' declaration PDFs; the Mayor's count "
                  "uses the published first x second choice table, so every figure is exact"],
    }


def _mayor(election: GLAElection2021) -> dict[str, Any]:
    count = election.mayor_count()
    candidates = election.tables.candidates
    names = count.candidates
    first, final = count.stages[0], count.stages[-1]
    winner = candidates[count.elected[0]]
    votes: Counter[str] = Counter()
    for c in candidates:
        votes[c.party_code] += c.first_choices
    rounds: list[dict[str, Any]] = [
        {"round": 1, "votes": {names[i]: int(first.tallies[i]) for i in range(len(names))}}]
    if len(count.stages) > 1:
        finalists = sorted((i for i in range(len(names)) if i not in final.excluded),
                           key=lambda i: -int(final.tallies[i]))
        rounds.append({
            "round": 2,
            "votes": {names[i]: int(final.tallies[i]) for i in finalists},
            "second_preferences_added": {names[i]: int(final.changes[i]) for i in finalists},
            "non_transferable": int(final.exhausted_change)})
    return {
        "seats": {winner.party_code: 1},
        "votes": dict(votes.most_common()),
        "method": count.method,
        "elected": winner.name,
        "valid_first_choices": int(count.valid),
        "rounds": rounds,
        "second_choice_marks": {c.name: c.second_choices for c in candidates},
        "same_candidate_twice": sum(row[i] for i, row in enumerate(election.tables.matrix)),
    }


def _assembly(election: GLAElection2021) -> dict[str, Any]:
    tables = election.tables
    winners = election.assembly_winners()
    constituencies = []
    won: Counter[str] = Counter()
    for (name, chosen), seat in zip(winners, tables.constituencies, strict=True):
        ranked = sorted(seat.candidates, key=lambda c: -c.votes)
        winner = seat.candidates[chosen]
        won[winner.party_code] += 1
        constituencies.append({
            "constituency": name, "elected": winner.name, "party": winner.party_code,
            "votes": winner.votes, "majority": winner.votes - ranked[1].votes
            if len(ranked) > 1 else winner.votes, "valid_votes": seat.valid_votes})
    count = election.assembly_count()
    list_seats: Counter[str] = Counter()
    for party, n in seats_won(count).items():
        list_seats[tables.list_code(party)] += n
    list_votes: Counter[str] = Counter()
    for party, votes in tables.list_votes.items():
        list_votes[tables.list_code(party)] += votes
    total = won + list_seats
    order = sorted(list_votes | total, key=lambda p: (-total[p], -list_votes[p], p))
    return {
        "seats": {p: total[p] for p in order if total[p]},
        "constituency_seats": {p: won[p] for p in order if won[p]},
        "list_seats": {p: list_seats[p] for p in order if list_seats[p]},
        "votes": {p: list_votes[p] for p in order if list_votes[p]},
        "list_votes": dict(tables.list_votes),
        "valid_list_votes": sum(tables.list_votes.values()),
        "threshold": str(LONDON_THRESHOLD),
        "below_threshold": [count.candidates[i] for i in count.stages[0].excluded]
        if count.stages else [],
        "list_order": count.elected_names,
        "method": count.method,
        "constituencies": constituencies,
    }
