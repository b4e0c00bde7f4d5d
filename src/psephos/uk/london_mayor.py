"""The Mayor of London 2016, counted by the supplementary vote from the publishers' figures.

What comes from where:

- first choices per candidate: summed over every ward and postal batch of London Elects'
  workbook (`psephos.uk.gla_workbook`);
- the second-choice votes added to the two finalists: the official totals (Khan +161,427,
  Goldsmith +84,859), from the transcribed ``london_mayor2016.csv`` (CBP-7598), because the
  workbook gives only each candidate's second-choice marks over all ballots, not the
  first x second cross-table an SV count needs;
- how those additions split among the ten eliminated candidates is published in neither, so
  the profile spreads each finalist's additions over the eliminated candidates' ballots in
  proportion to their first choices (largest remainders). The count's totals are therefore
  exact; its per-candidate transfer breakdown is not a published figure and is not shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psephos.ballots.profile import Profile, profile_from_rankings
from psephos.count import Count
from psephos.rules.supplementary_vote import supplementary_vote
from psephos.uk.catalogue import entry
from psephos.uk.errors import DataFileError, UKDataError
from psephos.uk.gla_workbook import MayoralVotes, read_gla_workbook
from psephos.uk.tables import PARTY_CODES
from psephos.uk.tabular import read_table

COLUMNS = ("candidate", "party_name", "party_code", "first_preferences",
           "second_preferences_added")


@dataclass(frozen=True)
class MayoralCandidateResult:
    name: str
    party_name: str
    party_code: str
    first_choices: int  # from the workbook
    second_choices: int  # second-choice marks on every ballot, from the workbook
    second_added: int | None  # official second preferences added (finalists only)


@dataclass(frozen=True)
class LondonMayorElection:
    election: str
    date: datetime.date
    candidates: tuple[MayoralCandidateResult, ...]
    wards: int
    sources: tuple[str, ...]

    @property
    def valid_first_choices(self) -> int:
        return sum(c.first_choices for c in self.candidates)

    def profile(self) -> Profile:
        """First choices as cast, and second choices for the finalists as officially added."""
        names = [c.name for c in self.candidates]
        finalists = [i for i, c in enumerate(self.candidates) if c.second_added is not None]
        others = [i for i in range(len(names)) if i not in finalists]
        rankings: dict[tuple[int, ...], int] = {(f,): self.candidates[f].first_choices
                                                for f in finalists}
        pool = sum(self.candidates[i].first_choices for i in others)
        moved = [0] * len(names)
        for f in finalists:
            added = self.candidates[f].second_added or 0
            for i, share in zip(others, _apportion(added, [self.candidates[i].first_choices
                                                            for i in others], pool),
                                strict=True):
                rankings[(i, f)] = share
                moved[i] += share
        for i in others:
            rankings[(i,)] = self.candidates[i].first_choices - moved[i]
        return profile_from_rankings(names, rankings, title="Mayor of London 2016")

    def count(self) -> Count:
        return supplementary_vote(self.profile())


def load_london_mayor(election: str = "lm2016", *, mirror: Path | None = None,
                      cache_dir: Path | None = None) -> LondonMayorElection:
    """The 2016 mayoral result from the ward workbook and the transcribed official additions."""
    if election != "lm2016":
        raise UKDataError(f"unknown London Mayor election {election!r}; choose lm2016")
    from psephos.uk.store import find

    item = entry(election)
    workbook = find(item, "wards", mirror=mirror, cache_dir=cache_dir)
    transcribed = find(item, "result", mirror=mirror, cache_dir=cache_dir)
    votes = read_gla_workbook(workbook)
    official = _read_official(transcribed, votes)
    candidates = tuple(
        MayoralCandidateResult(name=c.name, party_name=c.party_name, party_code=code,
                               first_choices=first, second_choices=second, second_added=added)
        for c, first, second, (code, added) in zip(
            votes.candidates, votes.first_choices, votes.second_choices, official, strict=True))
    return LondonMayorElection(election, item.date, candidates, votes.wards,
                               (str(workbook), str(transcribed)))


def _read_official(path: Path, votes: MayoralVotes) -> list[tuple[str, int | None]]:
    """Per workbook candidate: party code and official second preferences added (or None).

    Rows are matched by surname; each row's first preferences must equal the workbook's.
    """
    _, rows = read_table(path, COLUMNS, what="london_mayor2016.csv")
    by_surname = {c.surname.casefold(): i for i, c in enumerate(votes.candidates)}
    out: list[tuple[str, int | None] | None] = [None] * len(votes.candidates)
    for row in rows:
        surname = row.text("candidate").split()[-1:] or [""]
        index = by_surname.get(surname[0].casefold())
        if index is None:
            raise row.error(f"no candidate {row.text('candidate')!r} in the workbook"[:200],
                            "candidate")
        if row.count("first_preferences") != votes.first_choices[index]:
            raise row.error(f"{row.count('first_preferences'):,} first preferences, but the "
                            f"workbook's wards sum to {votes.first_choices[index]:,}",
                            "first_preferences")
        code = row.text("party_code")
        if code not in PARTY_CODES:
            raise row.error(f"{code!r} is not a party code"[:200], "party_code")
        added = row.count("second_preferences_added", blank=-1)
        out[index] = (code, None if added < 0 else added)
    missing = [votes.candidates[i].name for i, o in enumerate(out) if o is None]
    if missing:
        raise DataFileError(path, f"no row for {', '.join(missing)}"[:300])
    rows_out = [o for o in out if o is not None]
    finalists = [i for i, (_, added) in enumerate(rows_out) if added is not None]
    if len(finalists) != 2:
        raise DataFileError(path, f"{len(finalists)} candidates have second preferences "
                            "added; the supplementary vote has exactly 2 finalists")
    eliminated = sum(votes.first_choices) - sum(votes.first_choices[i] for i in finalists)
    if sum(rows_out[i][1] or 0 for i in finalists) > eliminated:
        raise DataFileError(path, "more second preferences added than the eliminated "
                            "candidates had ballots")
    return rows_out


def _apportion(total: int, weights: list[int], pool: int) -> list[int]:
    """``total`` split in proportion to ``weights`` (which sum to ``pool``), largest remainders."""
    if pool == 0:
        return [0] * len(weights)
    exact = [total * w for w in weights]
    shares = [e // pool for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] % pool), i))
    for i in order[:total - sum(shares)]:
        shares[i] += 1
    return shares


def mayor_rounds(election: LondonMayorElection) -> dict[str, Any]:
    """The two SV rounds as JSON: first choices, then the finalists after second preferences."""
    count = election.count()
    names = count.candidates
    first, final = count.stages[0], count.stages[-1]
    finalists = sorted((i for i, c in enumerate(election.candidates) if c.second_added is not None),
                       key=lambda i: -int(final.tallies[i]))
    winner = election.candidates[count.elected[0]]
    votes: dict[str, int] = {}
    for c in sorted(election.candidates, key=lambda c: -c.first_choices):
        votes[c.party_code] = votes.get(c.party_code, 0) + c.first_choices
    return {
        "election": election.election,
        "seats": {winner.party_code: 1},
        "votes": votes,
        "method": count.method,
        "elected": winner.name,
        "valid_first_choices": int(count.valid),
        "rounds": [
            {"round": 1, "votes": {names[i]: int(first.tallies[i]) for i in range(len(names))}},
            {"round": 2,
             "votes": {names[i]: int(final.tallies[i]) for i in finalists},
             "second_preferences_added": {names[i]: int(final.changes[i]) for i in finalists},
             "non_transferable": int(final.exhausted_change)},
        ],
        "second_choice_marks": {c.name: c.second_choices for c in election.candidates},
        "wards": election.wards,
        "notes": ["second preferences added to the finalists are the official totals "
                  "(transcribed, CBP-7598); the workbook has no first x second cross-table"],
    }
