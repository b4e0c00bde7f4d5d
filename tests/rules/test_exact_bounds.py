"""Every rule is exact over the whole range the readers accept (up to 10**13 ballots).

Reported: a BLT with weights 3,000,000,000 and 1,000,000,000 (3 candidates, 2 seats)
elected C under Scottish STV, exit 0: the surplus x value product of r.48(3) wrapped
round in int64 and gave a negative transfer value. Here each rule is checked at the
bound against a reference in pure Python integers:

- ``stv_scotland``, plurality, the supplementary vote and d'Hondt against references
  written here, paper by paper (or ballot by ballot), with Python integers only;
- WIGM and Meek against themselves with `psephos.exact` forced onto Python integers
  everywhere (so the int64 fast paths, taken wherever a bound allows them, must give the
  same count to the last unit), at precisions where the int64 path is the one taken.

Each also keeps the invariant that votes are conserved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import psephos.exact
from psephos.ballots.blt import read_blt
from psephos.ballots.errors import MAX_BALLOTS
from psephos.ballots.profile import Profile, profile_from_rankings
from psephos.count import Count, from_units
from psephos.rules.highest_averages import dhondt, seats_won
from psephos.rules.meek import meek
from psephos.rules.plurality import plurality
from psephos.rules.stv_scotland import ONE, stv_scotland
from psephos.rules.supplementary_vote import supplementary_vote
from psephos.rules.wigm import wigm

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

Ranking = tuple[int, ...]


def test_the_reported_overflow_elects_a_and_b(tmp_path: Path) -> None:
    """The reproducer: A's surplus of 1,666,666,666 votes moves to B at 0.55555."""
    blt = tmp_path / "big.blt"
    blt.write_text('3 2\n3000000000 1 2 0\n1000000000 3 0\n0\n"A"\n"B"\n"C"\n"big"\n',
                   encoding="utf-8")
    count = stv_scotland(read_blt(blt), 2)
    assert count.elected_names == ["A", "B"]
    surplus = count.stages[1]
    assert surplus.transfer_value == Decimal("0.55555")
    # (3e9 - 1,333,333,334) x 10**5 x 10**5 // (3e9 x 10**5) = 55555; B gets 3e9 x 0.55555.
    assert count.tallies_by_name(2) == {"A": Decimal("1333333334.00000"),
                                        "B": Decimal("1666650000.00000"),
                                        "C": Decimal("1000000000.00000")}
    _conserved(count)


@contextmanager
def python_integers_only() -> Iterator[None]:
    """`psephos.exact` with no fast path: every sum and product in Python integers."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(psephos.exact, "INT64_MAX", -1)
        patch.setattr(psephos.exact, "FLOAT_EXACT", 0)
        yield


@st.composite
def big_profiles(draw: st.DrawFn, min_candidates: int = 2, max_candidates: int = 5,
                 total: int = MAX_BALLOTS) -> Profile:
    """Profiles with up to ``total`` ballots, most rows huge (near the readers' bound)."""
    n = draw(st.integers(min_candidates, max_candidates))
    ranking = st.permutations(range(n)).flatmap(
        lambda order: st.integers(1, n).map(lambda k: tuple(order[:k])))
    rows = draw(st.lists(ranking, min_size=1, max_size=6))
    share = total // len(rows)
    weights = [draw(st.one_of(st.integers(share // 2, share), st.integers(1, 1000)))
               for _ in rows]
    return profile_from_rankings([f"C{i}" for i in range(n)], rows, weights)


def _conserved(count: Count, valid: Decimal | None = None) -> None:
    """Tallies + exhausted + lost = the valid vote at every stage, exactly."""
    with localcontext() as exact:
        exact.prec = 200
        for stage in count.stages:
            total = sum(stage.tallies, Decimal(0)) + stage.exhausted + stage.lost
            assert total == (count.valid if valid is None else valid), stage.number


def _rankings(profile: Profile) -> list[tuple[Ranking, int]]:
    return list(profile.iter_rankings())


# --- Scottish STV: a paper-by-paper reference in Python integers -------------------------


def scottish_reference(profile: Profile, seats: int) -> tuple[list[int], list[list[int]]]:
    """SSI 2007/42 Sch. 1 rr.45-52 over Python integers (units of 10**-5 vote): who is
    elected and every stage's tallies. Ties as the rule: look back, then lot, here the
    candidates' order (the lot order the test declares)."""
    n = profile.n_candidates
    papers = [[ranking, weight, ONE, 0] for ranking, weight in _rankings(profile)]
    owner = [r[0] if r else None for r, _, _, _ in papers]
    valid = sum(w for (r, w, _, _) in papers if r)
    quota = (valid // (seats + 1) + 1) * ONE
    continuing = set(range(n))
    tally = [0] * n
    for (_, weight, value, _), c in zip(papers, owner, strict=True):
        if c is not None:
            tally[c] += weight * value
    elected: list[int] = []
    pending: list[int] = []
    history: list[list[int]] = []

    def move(i: int) -> None:
        ranking, weight, value, at = papers[i]
        nxt = next((k for k in range(at + 1, len(ranking)) if ranking[k] in continuing), None)
        papers[i][3] = len(ranking) if nxt is None else nxt
        owner[i] = None if nxt is None else ranking[nxt]
        if nxt is not None:
            tally[ranking[nxt]] += weight * value

    def look_back(tied: list[int], highest: bool) -> int:
        for past in reversed(history[:-1]):
            best = (max if highest else min)(past[c] for c in tied)
            keep = [c for c in tied if past[c] == best]
            if len(keep) < len(tied):
                tied = keep
        return min(tied)  # by lot: the declared order is the candidates' order

    def stage_end() -> None:
        reached = sorted((c for c in continuing if tally[c] >= quota),
                         key=lambda c: (-tally[c], profile.candidates[c]))
        for c in reached[: seats - len(elected)]:
            continuing.discard(c)
            elected.append(c)
            if tally[c] > quota:
                pending.append(c)
        history.append(list(tally))

    stage_end()
    while len(elected) < seats:
        if len(continuing) <= seats - len(elected):
            elected.extend(sorted(continuing, key=lambda c: (-tally[c], profile.candidates[c])))
            break
        if pending:
            top = max(tally[c] for c in pending)
            tied = [c for c in pending if tally[c] == top]
            c = tied[0] if len(tied) == 1 else look_back(tied, highest=True)
            pending.remove(c)
            total, surplus = tally[c], tally[c] - quota
            for i, paper in enumerate(papers):
                if owner[i] == c:
                    paper[2] = surplus * paper[2] // total
                    move(i)
            tally[c] = quota
        else:
            low = min(tally[c] for c in continuing)
            tied = sorted(c for c in continuing if tally[c] == low)
            c = tied[0] if len(tied) == 1 else look_back(tied, highest=False)
            continuing.discard(c)
            for i in range(len(papers)):
                if owner[i] == c:
                    move(i)
            tally[c] = 0
        stage_end()
    return elected, history


@SETTINGS
@given(st.sampled_from([MAX_BALLOTS, 10**16]).flatmap(
    lambda total: big_profiles(min_candidates=3, max_candidates=6, total=total)),
    st.integers(1, 3))
def test_stv_scotland_is_exact_at_the_bound(profile: Profile, seats: int) -> None:
    """At the readers' bound, and past it (10**16 ballots, which only a caller building a
    profile can give), where the tallies themselves leave int64."""
    seats = min(seats, profile.n_candidates)
    count = stv_scotland(profile, seats, lot_order=profile.candidates)
    elected, history = scottish_reference(profile, seats)
    assert list(count.elected) == elected
    assert [list(s.tallies) for s in count.stages] == [
        [from_units(v, 5) for v in tallies] for tallies in history]
    _conserved(count)


# --- WIGM and Meek: the fast paths against Python integers throughout --------------------


def _same_in_python_integers(rule: Callable[[], Count]) -> Count:
    fast = rule()
    with python_integers_only():
        slow = rule()
    assert fast == slow
    return fast


@SETTINGS
@given(big_profiles(min_candidates=3), st.integers(1, 3), st.sampled_from([0, 2, 4]),
       st.sampled_from(["truncate", "nearest"]), st.sampled_from(["droop", "exact"]))
def test_wigm_is_exact_at_the_bound(profile: Profile,
                                    seats: int, places: int, rounding: str,
                                    quota: str) -> None:
    seats = min(seats, profile.n_candidates)
    count = _same_in_python_integers(lambda: wigm(
        profile, seats, places=places, rounding=rounding, quota=quota,  # type: ignore[arg-type]
        lot_order=profile.candidates))
    _conserved(count)


@SETTINGS
@given(big_profiles(min_candidates=3, max_candidates=4), st.integers(1, 2),
       st.sampled_from(["hill", "openstv", "warren"]))
def test_meek_is_exact_at_the_bound(profile: Profile, seats: int, split: str) -> None:
    """At 3 places the int64 path is taken up to 10**13 ballots (sums to 10**16, past
    2**53 where float sums stop being exact); at the default 9 it is Python integers."""
    seats = min(seats, profile.n_candidates)
    count = _same_in_python_integers(lambda: meek(
        profile, seats, places=3, surplus_limit=Decimal("0.001"),
        split=split,  # type: ignore[arg-type]
        lot_order=profile.candidates))
    _conserved(count)


# --- Plurality, the supplementary vote, d'Hondt: Python-integer references ----------------


@SETTINGS
@given(big_profiles(), st.integers(1, 2))
def test_plurality_is_exact_at_the_bound(profile: Profile, seats: int) -> None:
    seats = min(seats, profile.n_candidates)
    votes = [0] * profile.n_candidates
    for ranking, weight in _rankings(profile):
        for c in ranking[:seats]:
            votes[c] += weight
    count = plurality(profile, seats, lot_order=profile.candidates)
    assert list(count.stages[0].tallies) == [Decimal(v) for v in votes]
    assert count.valid == profile.n_ballots  # every generated ranking names someone


@SETTINGS
@given(big_profiles(min_candidates=3))
def test_supplementary_vote_is_exact_at_the_bound(profile: Profile) -> None:
    count = supplementary_vote(profile, lot_order=profile.candidates)
    first = [0] * profile.n_candidates
    for ranking, weight in _rankings(profile):
        first[ranking[0]] += weight
    assert list(count.stages[0].tallies) == [Decimal(v) for v in first]
    if len(count.stages) == 2:
        stays = {c for c, v in enumerate(count.stages[1].tallies) if v}
        final = [v if c in stays else 0 for c, v in enumerate(first)]
        for ranking, weight in _rankings(profile):
            if ranking[0] not in stays and len(ranking) > 1 and ranking[1] in stays:
                final[ranking[1]] += weight
        assert list(count.stages[1].tallies) == [Decimal(v) for v in final]
    _conserved(count, valid=Decimal(profile.n_ballots))


def dhondt_reference(votes: Sequence[int], seats: int) -> list[int]:
    """Seats won by d'Hondt, comparing v1 x (s2 + 1) with v2 x (s1 + 1) in integers; ties
    to the earliest listed (the declared lot order)."""
    won = [0] * len(votes)
    for _ in range(seats):
        best = None
        for i, v in enumerate(votes):
            if v and (best is None or v * (won[best] + 1) > votes[best] * (won[i] + 1)):
                best = i
        assert best is not None
        won[best] += 1
    return won


@SETTINGS
@given(big_profiles(), st.integers(1, 12))
def test_dhondt_is_exact_at_the_bound(profile: Profile, seats: int) -> None:
    count = dhondt(profile, seats, lot_order=profile.candidates)
    first = [0] * profile.n_candidates
    for ranking, weight in _rankings(profile):
        first[ranking[0]] += weight
    assert list(seats_won(count).values()) == dhondt_reference(first, seats)
    assert count.valid == sum(first)
    for stage in count.stages:
        held = [count.elected[: stage.number - 1].count(c) for c in range(len(first))]
        assert list(stage.tallies) == [
            from_units(v * 10**5 // (h + 1), 5)
            for v, h in zip(first, held, strict=True)]


def test_a_proved_bound_picks_the_same_exact_path() -> None:
    """`weighted_sum(bound=...)`, which the rules pass to skip a scan, sums alike."""
    index = np.array([0, 1, 1, 2])
    amounts = np.array([3, 10**12, 10**12, 5], dtype=np.int64)
    plain = psephos.exact.weighted_sum(index, amounts, 3)
    assert plain.tolist() == [3, 2 * 10**12, 5]
    assert psephos.exact.weighted_sum(index, amounts, 3, bound=3 * 10**12).tolist() == \
        plain.tolist()
    wide = psephos.exact.weighted_sum(index, amounts, 3, bound=2**63)
    assert wide.dtype == object
    assert wide.tolist() == plain.tolist()
