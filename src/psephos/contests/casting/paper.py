"""The ballot paper: the candidates a ranking may name, in ballot order.

A ranking names a candidate by key, by exact name, or by a name that compares equal to
one (`psephos.contests.names.name_key`: case and Unicode forms ignored). Names are unique
under that comparison (the definition, the admin and the nominations refuse a clash); if
a database holds two that clash anyway, neither is reachable by the loose comparison, so
a ballot is never stored for a candidate its voter did not name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection

from psephos.contests.casting.cache import BoundedCache
from psephos.contests.errors import InvalidRanking
from psephos.contests.models import Candidate, Contest
from psephos.contests.names import name_key
from psephos.contests.nominations import ballot_candidates

#: Marks a loose (compared) name in the lookup, so it never meets an exact name or a key.
_LOOSE = "\x00"


@dataclass(frozen=True)
class BallotPaper:
    """The candidates on a ballot, in order, and how a ranking names them (key or name)."""

    names: tuple[str, ...]
    pks: tuple[int, ...]
    _lookup: dict[str, int] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def of(cls, candidates: Sequence[Candidate]) -> BallotPaper:
        keys: dict[str, list[int]] = {}
        for c in candidates:
            keys.setdefault(_LOOSE + name_key(c.name), []).append(c.pk)
        lookup = {key: pks[0] for key, pks in keys.items() if len(pks) == 1}
        lookup.update({c.name: c.pk for c in candidates})
        lookup.update({str(c.pk): c.pk for c in candidates})  # a key beats a name
        return cls(tuple(c.name for c in candidates), tuple(c.pk for c in candidates), lookup)

    @cached_property
    def slots(self) -> dict[int, int]:
        """Each candidate key's place on the paper (0 first): its slot in a sealed ballot."""
        return {pk: n for n, pk in enumerate(self.pks)}

    def resolve(self, ranking: Sequence[str | int]) -> list[int]:
        """Candidate keys for a ranking given as names or keys; `InvalidRanking` if it cannot be."""
        chosen: list[int] = []
        for item in ranking:
            text = str(item).strip()
            if not text:
                continue
            pk = self._lookup.get(text) or self._lookup.get(_LOOSE + name_key(text))
            if pk is None:
                raise InvalidRanking(f"{text!r} is not a candidate on this ballot; the "
                                     f"candidates are {', '.join(self.names)}")
            if pk in chosen:
                raise InvalidRanking(f"{text!r} is ranked more than once")
            chosen.append(pk)
        if not chosen:
            raise InvalidRanking("the ballot ranks no candidate; rank at least one")
        return chosen


#: Ballot papers of opened contests. The paper is fixed at the opening, and from then on
#: the model guard (`psephos.contests.locking`) refuses any change to a candidate, so it is
#: read once per process. The key includes the database, the contest's creation time (a
#: contest re-created with a reused id is another entry) and how many times this process
#: has seen one of the contest's candidates saved or deleted (`paper_changed`), so even a
#: change the lock allows (in a draft) is never served from a stale paper.
_PAPERS: BoundedCache[tuple[str, int, object, int], BallotPaper] = BoundedCache(1000)
_CHANGES: dict[int, int] = {}


def paper_changed(contest_id: int) -> None:
    """A candidate of this contest was saved or deleted: read its paper again."""
    _CHANGES[contest_id] = _CHANGES.get(contest_id, 0) + 1


def ballot_paper(contest: Contest) -> BallotPaper:
    """The contest's ballot paper; cached once it is fixed (the contest has opened)."""
    key = (str(connection.settings_dict.get("NAME")), contest.pk, contest.created_at,
           _CHANGES.get(contest.pk, 0))
    paper = _PAPERS.get(key)
    if paper is not None:
        return paper
    candidates = ballot_candidates(contest)
    paper = BallotPaper.of(candidates)
    if contest.state != Contest.State.DRAFT and candidates:  # fixed at the opening, for good
        _PAPERS.put(key, paper)
    return paper
