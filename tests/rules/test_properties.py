"""Invariants every count must keep, over random profiles (hypothesis)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from psephos.ballots.profile import Profile, profile_from_rankings
from psephos.count import Count

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def profiles(draw: st.DrawFn, min_candidates: int = 2, max_candidates: int = 7) -> Profile:
    n = draw(st.integers(min_candidates, max_candidates))
    names = [f"C{i}" for i in range(n)]
    ranking = st.permutations(range(n)).flatmap(
        lambda order: st.integers(1, n).map(lambda k: tuple(order[:k])))
    rows = draw(st.lists(st.tuples(ranking, st.integers(1, 60)), min_size=1, max_size=25))
    return profile_from_rankings(names, [r for r, _ in rows], [w for _, w in rows])


def _rule(module: str, name: str) -> Callable[..., Count]:
    return getattr(importlib.import_module(f"psephos.rules.{module}"), name)  # type: ignore[no-any-return]


def stv_scotland(profile: Profile, seats: int) -> Count:
    return _rule("stv_scotland", "stv_scotland")(profile, seats, seed=1)


def _permuted(profile: Profile, order: list[int]) -> Profile:
    """The same ballots with the candidates listed in another order."""
    where = {old: new for new, old in enumerate(order)}
    names = [profile.candidates[old] for old in order]
    rankings = [tuple(where[c] for c in ranking) for ranking, _ in profile.iter_rankings()]
    return profile_from_rankings(names, rankings, [w for _, w in profile.iter_rankings()])


@SETTINGS
@given(profiles(), st.integers(1, 4))
def test_stv_scotland_conserves_votes_and_fills_seats(profile: Profile, seats: int) -> None:
    assume(seats <= profile.n_candidates)
    count = stv_scotland(profile, seats)
    valid = Decimal(profile.n_ballots)
    for stage in count.stages:
        assert sum(stage.tallies) + stage.exhausted + stage.lost == valid
        assert stage.lost >= 0 and stage.exhausted >= 0
    assert len(count.elected) == seats
    assert len(set(count.elected)) == seats


@SETTINGS
@given(profiles(), st.integers(1, 4), st.randoms(use_true_random=False))
def test_stv_scotland_candidate_order_irrelevant_without_lots(
        profile: Profile, seats: int, rng: object) -> None:
    assume(seats <= profile.n_candidates)
    order = list(range(profile.n_candidates))
    rng.shuffle(order)  # type: ignore[attr-defined]
    first = stv_scotland(profile, seats)
    second = stv_scotland(_permuted(profile, order), seats)
    assume(not first.lots and not second.lots)
    assert first.elected_names == second.elected_names
    for a, b in zip(first.stages, second.stages, strict=True):
        by_name_a = dict(zip(first.candidates, a.tallies, strict=True))
        by_name_b = dict(zip(second.candidates, b.tallies, strict=True))
        assert by_name_a == by_name_b


@SETTINGS
@given(profiles())
def test_first_stage_is_first_preferences(profile: Profile) -> None:
    count = stv_scotland(profile, 1)
    expected = profile.first_preferences()
    assert [int(v) for v in count.stages[0].tallies] == expected.tolist()
    assert np.array_equal(expected, profile.first_preferences())


@SETTINGS
@given(profiles(), st.integers(1, 4), st.randoms(use_true_random=False))
def test_stv_scotland_declared_lots_make_order_irrelevant(
        profile: Profile, seats: int, rng: object) -> None:
    """With lots drawn by a declared order of names, listing order changes nothing at all."""
    assume(seats <= profile.n_candidates)
    order = list(range(profile.n_candidates))
    rng.shuffle(order)  # type: ignore[attr-defined]
    drawn = sorted(profile.candidates, reverse=True)
    first = _rule("stv_scotland", "stv_scotland")(profile, seats, lot_order=drawn)
    second = _rule("stv_scotland", "stv_scotland")(_permuted(profile, order), seats,
                                                   lot_order=drawn)
    assert first.elected_names == second.elected_names
    assert [(lot.stage, first.candidates[lot.chosen]) for lot in first.lots] == [
        (lot.stage, second.candidates[lot.chosen]) for lot in second.lots]


RANKED = ["av", "stv-scotland", "wigm", "meek"]


def _by_method(name: str) -> Callable[..., Count]:
    from psephos.rules.registry import RULES

    return RULES[name].load()


@SETTINGS
@given(profiles(), st.integers(1, 3), st.sampled_from(RANKED))
def test_ranked_methods_conserve_votes_and_fill_seats(
        profile: Profile, seats: int, method: str) -> None:
    """Tallies + non-transferable + lost to truncation = valid votes, at every stage."""
    if method == "av":
        seats = 1
    assume(seats <= profile.n_candidates)
    count = _by_method(method)(profile, seats, seed=7)
    valid = Decimal(profile.n_ballots)
    for stage in count.stages:
        assert sum(stage.tallies) + stage.exhausted + stage.lost == valid, stage.number
    assert len(set(count.elected)) == seats


@SETTINGS
@given(profiles())
def test_fptp_equals_av_when_one_candidate_has_a_majority(profile: Profile) -> None:
    first = profile.first_preferences()
    top = int(first.argmax())
    assume(2 * int(first[top]) > profile.n_ballots)
    fptp = _by_method("plurality")(profile, 1, seed=3)
    av = _by_method("av")(profile, 1, seed=3)
    assert fptp.elected == av.elected == (top,)
    assert len(av.stages) == 1
