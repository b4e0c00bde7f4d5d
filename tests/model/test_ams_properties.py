"""Invariants of the pact model under the additional member system, on random regions
(hypothesis): layers add up to the region's seats, and a party's seats never fall when its
list votes rise (d'Hondt is monotone in a party's own votes)."""

from __future__ import annotations

import datetime
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psephos.model.ams import AmsScenario, recount_region, run_ams_pact
from psephos.model.list_plan import ListPlan
from psephos.model.scenario import Scenario
from psephos.rules.highest_averages import seats_won
from psephos.uk.holyrood import (
    LIST_SEATS,
    HolyroodConstituency,
    HolyroodElection,
    HolyroodRegion,
    ListVote,
)
from psephos.uk.tables import Candidate

PARTIES = ("snp", "con", "lab", "green", "ld")
SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def regions(draw: st.DrawFn) -> HolyroodElection:
    """One region: up to 10 constituencies (each won by a random party, unopposed, so the
    winner is certain) and random list votes for every party and "Others"."""
    winners = draw(st.lists(st.sampled_from(PARTIES), min_size=1, max_size=10))
    seats = tuple(HolyroodConstituency(
        name=f"Seat {i}", region="Region",
        candidates=(Candidate(name=f"{p} {i}", party_code=p, party_name=p,
                              votes=draw(st.integers(1, 40_000))),))
        for i, p in enumerate(winners))
    votes = tuple(ListVote(p, p, draw(st.integers(1, 200_000))) for p in PARTIES)
    votes += (ListVote("Others", "other", draw(st.integers(0, 50_000))),)
    region = HolyroodRegion(name="Region", id="", constituency_seats=dict(Counter(winners)),
                            list_votes=votes, aggregates=("Others",))
    return HolyroodElection(election="sp2021", date=datetime.date(2021, 5, 6),
                            regions=(region,), constituencies=seats)


def run(election: HolyroodElection, plan: ListPlan):  # type: ignore[no-untyped-def]
    return run_ams_pact(election, AmsScenario(Scenario("sp2021", ()), plan))


@SETTINGS
@given(election=regions(), data=st.data())
def test_layers_add_up_to_the_regions_seats(election: HolyroodElection,
                                            data: st.DataObject) -> None:
    source, destination = data.draw(st.lists(st.sampled_from(PARTIES), min_size=2,
                                             max_size=2, unique=True))
    rate = data.draw(st.floats(0, 1))
    withdraw = data.draw(st.booleans())
    plan = ListPlan(withdrawn=(source,) if withdraw else (),
                    transfers={source: {destination: rate}})
    region = run(election, plan).regions[0]
    seats = len(election.constituencies) + LIST_SEATS
    assert sum(region.constituency_after.values()) == len(election.constituencies)
    assert sum(region.constituency_after.values()) + sum(region.list_after.values()) == seats
    assert sum(region.seats_after.values()) == sum(region.seats_before.values()) == seats
    assert "Others" not in region.list_after  # an aggregate is no list
    # the list votes are conserved, less what a withdrawn list's voters abstain
    lost = sum(m.abstained for m in region.moves)
    assert sum(region.list_votes_after.values()) + lost == sum(
        region.list_votes_before.values())


@SETTINGS
@given(election=regions(), data=st.data())
def test_a_party_gaining_list_votes_never_loses_seats(election: HolyroodElection,
                                                      data: st.DataObject) -> None:
    """Through the model: another list's voters move to ``party``."""
    party, source = data.draw(st.lists(st.sampled_from(PARTIES), min_size=2, max_size=2,
                                       unique=True))
    rate = data.draw(st.floats(0, 1))
    region = run(election, ListPlan(transfers={source: {party: rate}})).regions[0]
    assert region.seats_after.get(party, 0) >= region.seats_before.get(party, 0)
    assert region.seats_after.get(source, 0) <= region.seats_before.get(source, 0)


@SETTINGS
@given(election=regions(), party=st.sampled_from(PARTIES), more=st.integers(0, 300_000))
def test_dhondt_is_monotone_in_a_partys_own_votes(election: HolyroodElection, party: str,
                                                  more: int) -> None:
    """Through the region's recount: only ``party``'s list votes rise."""
    region = election.regions[0]
    risen = tuple(ListVote(v.party_name, v.party_code, v.votes + (more if v.contestant == party
                                                                   else 0))
                  for v in region.list_votes)
    seats = region.constituency_seats
    before = seats_won(recount_region(region, seats, region.list_votes))[party]
    after = seats_won(recount_region(region, seats, risen))[party]
    assert after >= before
