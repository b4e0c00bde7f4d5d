"""Invariants of the pact model, on random small elections (hypothesis).

Votes are whole numbers throughout the central projection (every split is by largest
remainder), so conservation is asserted exactly, not within a tolerance.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from psephos.model import Scenario, ScenarioError, run_pact
from psephos.model.results import PactResult
from psephos.uk.tables import GeneralElection
from tests.model.elections import election

PARTIES = ("con", "lab", "ld", "green", "ind")
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def elections(draw: st.DrawFn, min_votes: int = 0) -> GeneralElection:
    seats = {}
    for i in range(draw(st.integers(1, 6))):
        size = draw(st.integers(1, 6))
        seats[f"seat {i}"] = [(draw(st.sampled_from(PARTIES)),
                               draw(st.integers(min_votes, 60_000))) for _ in range(size)]
    return election(seats)


def stood(result: GeneralElection) -> set[str]:
    return {c.party_code for s in result.constituencies for c in s.candidates}


@st.composite
def alliances(draw: st.DrawFn, base: GeneralElection) -> tuple[str, ...]:
    present = sorted(stood(base))
    assume(len(present) >= 2)
    return tuple(draw(st.lists(st.sampled_from(present), min_size=2, max_size=4, unique=True)))


def per_seat(result: PactResult, values: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    table = result.stages.table
    return np.bincount(table.seat, weights=values, minlength=table.n_seats)


@SETTINGS
@given(data=st.data(), rule=st.sampled_from(["best-placed", "incumbent"]))
def test_a_transfer_of_nothing_changes_no_seat(data: st.DataObject, rule: str) -> None:
    base = data.draw(elections())
    alliance = data.draw(alliances(base))
    result = run_pact(base, Scenario(election="test", alliance=alliance, stand_aside=rule,
                                     transfer=0.0))
    # A tie for first is drawn again among those still standing, so it may fall otherwise.
    settled = [s for s in result.seats if not s.lots]
    assert [s.after for s in settled] == [s.before for s in settled]
    assert [s.before for s in settled] == [s.base for s in settled]


@SETTINGS
@given(data=st.data(), alliance_share=st.floats(0, 1), other_share=st.floats(0, 1),
       swing=st.sampled_from(["none", "uniform", "proportional"]))
def test_votes_are_conserved_exactly_in_every_seat(
        data: st.DataObject, alliance_share: float, other_share: float, swing: str) -> None:
    base = data.draw(elections())
    alliance = data.draw(alliances(base))
    rule = data.draw(st.sampled_from(["best-placed", "incumbent", *alliance]))
    outsider = data.draw(st.sampled_from([p for p in PARTIES if p not in alliance]))
    row = {"ally": alliance_share, outsider: other_share * (1 - alliance_share)}
    poll = {data.draw(st.sampled_from(sorted(stood(base)))): data.draw(st.floats(0, 0.9))}
    try:
        chosen = Scenario(election="test", alliance=alliance, stand_aside=rule,
                          transfers={alliance[0]: row}, swing=swing,
                          poll=poll if swing != "none" else {})
        result = run_pact(base, chosen)
    except ScenarioError:  # a poll for a party with no votes: a proportional swing from nothing
        assume(False)
        raise
    stages = result.stages
    moved, abstained = stages.transferred.moved, stages.transferred.abstained
    assert (moved >= 0).all() and (abstained >= 0).all()
    np.testing.assert_array_equal(moved.sum(axis=1) + abstained,
                                  stages.swung[stages.plan.sources])
    lost = np.bincount(stages.table.seat[stages.plan.sources], weights=abstained,
                       minlength=stages.table.n_seats)
    after = per_seat(result, stages.transferred.votes)
    assert (after + lost == per_seat(result, stages.swung)).all()
    assert (per_seat(result, stages.swung) == per_seat(result, stages.table.votes)).all()
    assert stages.swung.dtype == np.int64 and stages.transferred.votes.dtype == np.int64


@SETTINGS
@given(data=st.data(), share=st.floats(0.0, 0.8), rise=st.floats(0.001, 0.2))
def test_a_higher_national_share_never_costs_a_seat_under_uniform_swing(
        data: st.DataObject, share: float, rise: float) -> None:
    base = data.draw(elections(min_votes=1))
    party = data.draw(st.sampled_from(sorted(stood(base))))
    others = [p for p in sorted(stood(base)) if p != party]
    assume(len(others) >= 2)
    alliance = tuple(others[:2])

    def run(poll_share: float) -> PactResult:
        return run_pact(base, Scenario(election="test", alliance=alliance, swing="uniform",
                                       poll={party: poll_share}))

    low, high = run(share), run(min(1.0, share + rise))
    for before, after in zip(low.seats, high.seats, strict=True):
        if before.before == party:
            assert after.before == party, before.name
        if before.after == party:
            assert after.after == party, before.name


@SETTINGS
@given(data=st.data())
def test_full_transfer_never_loses_the_alliance_a_seat_it_held(data: st.DataObject) -> None:
    base = data.draw(elections(min_votes=1))
    alliance = data.draw(alliances(base))
    rule = data.draw(st.sampled_from(["best-placed", "incumbent", "listed", *alliance]))
    names = [c.name for c in base.constituencies]
    listed = data.draw(st.dictionaries(st.sampled_from(names), st.sampled_from(alliance),
                                       min_size=1 if rule == "listed" else 0))
    for constituency in base.constituencies:  # an exact tie at the top is settled by lot
        top = sorted((c.votes for c in constituency.candidates), reverse=True)
        assume(len(top) < 2 or top[0] != top[1])
    result = run_pact(base, Scenario(election="test", alliance=alliance, stand_aside=rule,
                                     seats=listed))
    for seat in result.seats:
        if seat.before in alliance:
            assert seat.after in alliance, seat.name
