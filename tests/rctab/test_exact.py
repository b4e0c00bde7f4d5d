"""RCTab's engines are exact at any size: sums and fractional transfers past int64."""

from __future__ import annotations

from decimal import Decimal

from psephos.ballots.profile import profile_from_rankings
from psephos.rctab.bottoms_up import bottoms_up
from psephos.rctab.engine import RcvRules, instant_runoff
from psephos.rctab.multiwinner import count
from psephos.rctab.ties import RctabTieBreak

NAMES = ["A", "B", "C"]


def _tiebreak() -> RctabTieBreak:
    return RctabTieBreak(NAMES, "useCandidateOrder", None)


def test_fractional_surplus_past_int64_is_exact() -> None:
    """Issue #9: weight x transfer value (3e12 ballots x 10**10 units) overflowed int64."""
    a, b, c = range(3)
    profile = profile_from_rankings(NAMES, {(a, b): 3 * 10**12, (a, c): 10**12, (b,): 10**12,
                                            (c,): 5 * 10**11})
    result = count(profile, 2, mode="multiWinnerAllowMultipleWinnersPerRound",
                   rules=RcvRules(decimal_places=10), tiebreak=_tiebreak())
    unit = 10**10
    threshold = (55 * 10**11 // 3 + 1) * unit
    surplus = 4 * 10**12 * unit - threshold
    value = surplus * unit // (4 * 10**12 * unit)  # the transfer value, rounded down
    assert result.quota == Decimal(threshold) / unit
    second = result.stages[1]
    assert second.tallies[b] == Decimal(10**12 * unit + 3 * 10**12 * value) / unit
    assert second.tallies[c] == Decimal(5 * 10**11 * unit + 10**12 * value) / unit
    assert result.elected_names == ["A", "B"]
    moved = sum(second.transfers[a].values(), Decimal(0))
    assert moved == Decimal(surplus) / unit  # moved plus rounding residue is the surplus


def test_instant_runoff_and_bottoms_up_sum_past_int64() -> None:
    """Totals over 2**63 votes (weights each within int64) are summed exactly."""
    a, b, c = range(3)
    big = 4 * 10**18
    profile = profile_from_rankings(NAMES, {(a,): big + 3, (b, a): big + 1, (c, b): big + 2})
    irv = instant_runoff(profile, rules=RcvRules(), tiebreak=_tiebreak())
    assert irv.valid == Decimal(3 * big + 6)
    assert [int(v) for v in irv.stages[1].tallies] == [2 * big + 4, 0, big + 2]
    assert irv.elected_names == ["A"]
    up = bottoms_up(profile, 1, rules=RcvRules(), tiebreak=_tiebreak())
    assert up.elected_names == ["A"]
    assert sum(up.stages[-1].tallies) + up.stages[-1].exhausted == up.valid
