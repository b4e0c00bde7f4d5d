"""The ballot paper: the candidates a ranking may name, in ballot order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection

from psephos.contests.casting.cache import BoundedCache
from psephos.contests.errors import InvalidRanking
from psephos.contests.models import Candidate, Contest
from psephos.contests.nominations import ballot_candidates


@dataclass(frozen=True)
class BallotPaper:
    """The candidates on a ballot, in order, and how a ranking names them (key or name)."""

    names: tuple[str, ...]
    pks: tuple[int, ...]
    _lookup: dict[str, int] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def of(cls, candidates: Sequence[Candidate]) -> BallotPaper:
        lookup = {c.name.casefold(): c.pk for c in candidates}
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
            pk = self._lookup.get(text) or self._lookup.get(text.casefold())
            if pk is None:
                raise InvalidRanking(f"{text!r} is not a candidate on this ballot; the "
                                     f"candidates are {', '.join(self.names)}")
            if pk in chosen:
                raise InvalidRanking(f"{text!r} is ranked more than once")
            chosen.append(pk)
        if not chosen:
            raise InvalidRanking("the ballot ranks no candidate; rank at least one")
        return chosen


#: Ballot papers of opened contests. The paper is fixed at the opening and never changes
#: after it, so it is read once per process; the key includes the database and the contest's
#: creation time, so a contest re-created with a reused id is never served a stale paper.
_PAPERS: BoundedCache[tuple[str, int, object], BallotPaper] = BoundedCache(1000)


def ballot_paper(contest: Contest) -> BallotPaper:
    """The contest's ballot paper; cached once it is fixed (the contest has opened)."""
    key = (str(connection.settings_dict.get("NAME")), contest.pk, contest.created_at)
    paper = _PAPERS.get(key)
    if paper is not None:
        return paper
    candidates = ballot_candidates(contest)
    paper = BallotPaper.of(candidates)
    if contest.state != Contest.State.DRAFT and candidates:  # fixed at the opening, for good
        _PAPERS.put(key, paper)
    return paper
