"""Seeded draws for a pact under the additional member system: both layers, every region.

Each draw draws one national error per party (sd ``national_sd``) and applies it to both
votes: to the candidates' shares in the Westminster model's own draws
(`psephos.model.draws.seat_winners`, with seat noise, the pact's stand-asides and transfers),
which give the constituency winners, and to the party's list share in every region. A list
without a party code of its own (Alba, a new list, "Others") gets its own national error.
Each list also gets one normal draw per region (sd ``list_sd``, by default
`psephos.model.ams.LIST_SD`, the spread of the
regions' list swings around the national one from 2016 to 2021); shares are floored at zero,
and only lists with votes get noise. The list votes are made whole again (rounded) and each
region's seven list seats counted by d'Hondt (`HolyroodRegion.allocate`) from the drawn
constituency seats.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from psephos.model.ams import MAJORITY, AmsDraws, AmsResult
from psephos.model.draws import seat_winners
from psephos.rules.highest_averages import seats_won

CHUNK = 500  # draws per call of the constituency draws



def simulate_ams(result: AmsResult, progress: Callable[[int], None] | None = None
                 ) -> AmsDraws:
    """Run ``result.scenario.constituency.draws`` draws; ``progress`` gets the draws done."""
    scenario = result.scenario.constituency
    rng = np.random.default_rng(scenario.seed)
    pact = result.constituency
    parties = pact.stages.table.parties
    region_of = [seat.region for seat in pact.seats]
    names = sorted({n for r in result.regions for n in r.list_votes_after})
    own = [n for n in names if n not in parties]  # lists with no party code: own noise
    column = {n: parties.index(n) if n in parties else len(parties) + own.index(n)
              for n in names}
    totals: list[Counter[str]] = []
    lots = 0
    for start in range(0, scenario.draws, CHUNK):
        size = min(CHUNK, scenario.draws - start)
        national = rng.standard_normal((size, len(parties) + len(own)), dtype=np.float32)
        national *= np.float32(scenario.national_sd)
        seats, winners = seat_winners(pact, rng, national[:, :len(parties)])
        for d in range(size):
            total: Counter[str] = Counter()
            by_region: dict[str, Counter[str]] = {r.name: Counter() for r in result.regions}
            for s, party in zip(seats, winners[d], strict=True):
                by_region[region_of[s]][parties[party]] += 1
            for region in result.regions:
                votes = region.counted.list_votes
                given = np.array([v.votes for v in votes], dtype=np.float64)
                valid = given.sum()
                if valid <= 0:
                    continue
                noise = (national[d, [column[v.contestant] for v in votes]].astype(np.float64)
                         + rng.standard_normal(len(votes)) * result.scenario.list_sd)
                shares = np.where(given > 0, np.maximum(given / valid + noise, 0.0), 0.0)
                drawn = np.rint(shares * valid).astype(np.int64)
                count = replace(region.counted, constituency_seats=dict(by_region[region.name]),
                                list_votes=tuple(replace(v, votes=int(n)) for v, n in
                                                 zip(votes, drawn, strict=True))).allocate()
                lots += len(count.lots)
                total.update(by_region[region.name])
                total.update({n: k for n, k in seats_won(count).items() if k})
            totals.append(total)
        if progress is not None:
            progress(start + size)
    return _summary(result, totals, lots)


def _summary(result: AmsResult, totals: list[Counter[str]], lots: int) -> AmsDraws:
    scenario = result.scenario.constituency
    seen = sorted({p for total in totals for p in total})
    matrix = np.array([[total.get(p, 0) for p in seen] for total in totals], dtype=np.int64)
    low, mid, high = np.quantile(matrix, [0.05, 0.5, 0.95], axis=0,
                                 method="inverted_cdf").astype(np.int64)
    order = sorted(range(len(seen)), key=lambda i: (-int(mid[i]), seen[i]))
    return AmsDraws(
        n=scenario.draws, seed=scenario.seed,
        intervals={seen[i]: (int(low[i]), int(high[i])) for i in order},
        median={seen[i]: int(mid[i]) for i in order},
        mean={seen[i]: float(matrix[:, i].mean()) for i in order},
        majority={seen[i]: float((matrix[:, i] >= MAJORITY).mean()) for i in order
                  if (matrix[:, i] >= MAJORITY).any()},
        list_lots=lots)
