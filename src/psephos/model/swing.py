"""Move a base election towards a poll: uniform or proportional swing, by area.

Uniform (additive) swing: a party's share in each seat changes by the change in its
share over the area, ``A = C + P - E``. Proportional swing: it changes by the same
ratio, ``A = C * P / E`` (Electoral Calculus's notation: ``C`` the seat share at the
base election, ``E`` the area share then, ``P`` the poll). Shares pushed below zero
are set to zero and each seat's shares are scaled back to 1, so a seat keeps its
valid vote; the votes are then whole again (largest remainder).

The area is the whole scope (``national``), the nation or the English region. A poll
names some parties; the parties it leaves out share what is left in proportion to
their base shares. An area without its own poll gets the national poll's change.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from psephos.model.apportion import largest_remainder
from psephos.model.errors import ScenarioError
from psephos.model.scenario import Scenario
from psephos.model.table import CandidateTable, Floats, Int64s

NATIONAL = "national"


def seat_areas(table: CandidateTable, level: str) -> tuple[str, ...]:
    """The area each seat belongs to at ``level`` (national, nation or region)."""
    if level == "nation":
        return table.nations
    if level == "region":
        return table.regions
    return (NATIONAL,) * table.n_seats


def swing_changes(table: CandidateTable, scenario: Scenario) -> Floats:
    """Per row, the swing the scenario applies: points added (uniform) or the ratio.

    Rows out of scope get no swing (0 or 1).
    """
    uniform = scenario.swing == "uniform"
    neutral = 0.0 if uniform else 1.0
    change = np.full(table.votes.size, neutral)
    if scenario.swing == "none":
        return change
    areas = seat_areas(table, scenario.swing_by)
    names = sorted(set(areas[s] for s in np.flatnonzero(table.in_scope)))
    _check_areas(scenario, names, scenario.swing_by)
    area_of_seat = np.array([names.index(a) if a in names else -1 for a in areas])
    row_area = area_of_seat[table.seat]
    scoped = table.in_scope[table.seat]
    n_parties = len(table.parties)
    base_national = _shares(table, np.where(scoped, 0, -1), 1)[0]
    _check_parties(table, scenario, base_national)
    by_area = _shares(table, np.where(scoped, row_area, -1), len(names))
    national_poll = (_complete(scenario.poll, base_national, table.parties)
                     if scenario.poll else None)
    per_area = np.full((len(names), n_parties), neutral)
    for a, name in enumerate(names):
        poll = scenario.area_polls.get(name)
        if poll is not None:
            target, base = _complete(poll, by_area[a], table.parties), by_area[a]
            where = f"swing.area_polls.{name}"
        elif national_poll is not None:
            target, base = national_poll, base_national
            where = "swing.poll"
        else:
            continue
        per_area[a] = target - base if uniform else _ratios(table, target, base, where)
    change[scoped] = per_area[row_area[scoped], table.party[scoped]]
    return change


def swung_votes(table: CandidateTable, change: Floats, model: str) -> Int64s:
    """The votes after applying per-row ``change``; each seat keeps its valid vote.

    Seats out of scope, and every seat when ``model`` is ``none``, keep their votes.
    """
    if model == "none":
        return table.votes.copy()
    uniform = model == "uniform"
    valid = table.seat_totals(table.votes)
    safe_valid = np.maximum(valid, 1)
    base = table.votes / safe_valid[table.seat]
    raw = base + change if uniform else base * change
    raw = np.where(table.stood, np.maximum(raw, 0.0), 0.0)
    total = np.bincount(table.seat, weights=raw, minlength=table.n_seats)
    empty = total[table.seat] <= 0
    shares = np.where(empty, base, raw / np.where(total > 0, total, 1.0)[table.seat])
    votes = largest_remainder(shares * valid[table.seat], table.seat, valid)
    return np.where(table.in_scope[table.seat], votes, table.votes)


def _shares(table: CandidateTable, row_area: Int64s, n_areas: int) -> Floats:
    """Each party's share of the valid vote in each area (rows with area -1 left out)."""
    keep = row_area >= 0
    n_parties = len(table.parties)
    cell = row_area[keep] * n_parties + table.party[keep]
    votes = np.bincount(cell, weights=table.votes[keep], minlength=n_areas * n_parties)
    votes = votes.reshape(n_areas, n_parties)
    totals = votes.sum(axis=1, keepdims=True)
    return np.asarray(votes / np.where(totals > 0, totals, 1.0), dtype=np.float64)


def _complete(poll: Mapping[str, float], base: Floats, parties: tuple[str, ...]) -> Floats:
    """A full share vector: the poll's parties as given, the rest split what is left."""
    target = np.zeros_like(base)
    listed = np.zeros(base.size, dtype=bool)
    for party, value in poll.items():
        index = parties.index(party)
        target[index] = value
        listed[index] = True
    left = max(0.0, 1.0 - float(target.sum()))
    rest = np.where(listed, 0.0, base)
    if rest.sum() > 0:
        target += left * rest / rest.sum()
    return target


def _ratios(table: CandidateTable, target: Floats, base: Floats, where: str) -> Floats:
    gone = (base <= 0) & (target > 0)
    if gone.any():
        party = table.parties[int(np.flatnonzero(gone)[0])]
        raise ScenarioError(f"{where}.{party}", f"{party} had no votes there at "
                            f"{table.election}, so a proportional swing cannot grow it")
    return np.where(base > 0, target / np.where(base > 0, base, 1.0), 1.0)


def _check_areas(scenario: Scenario, names: list[str], level: str) -> None:
    for area in scenario.area_polls:
        if area not in names:
            raise ScenarioError(f"swing.area_polls.{area}", f"no {level} called {area!r} in "
                                f"scope; choose one of {', '.join(names)}")


def _check_parties(table: CandidateTable, scenario: Scenario, base: Floats) -> None:
    polls = [("swing.poll", scenario.poll)]
    polls += [(f"swing.area_polls.{a}", p) for a, p in scenario.area_polls.items()]
    for key, poll in polls:
        for party, value in poll.items():
            if value > 0 and base[table.party_index(party)] <= 0:
                stood = [p for i, p in enumerate(table.parties) if base[i] > 0]
                raise ScenarioError(f"{key}.{party}", f"{party} had no candidates in scope at "
                                    f"{table.election}, and a swing cannot add candidates; "
                                    f"parties that stood: {', '.join(stood)}")
