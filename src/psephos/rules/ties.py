"""Decisions by lot, made from an explicit input and recorded.

A lot is never a hidden random draw: the caller supplies either a declared
order (the order the returning officer drew, earliest drawn first) or a seed,
and every decision lands in `Count.lots`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from psephos.count import Lot


class Lots:
    """Draws lots for one count and remembers each draw."""

    def __init__(self, candidates: Sequence[str], *, seed: int | None = None,
                 order: Sequence[str] | None = None) -> None:
        self.candidates = tuple(candidates)
        self.seed = seed
        self.order = tuple(order) if order is not None else None
        self.drawn: list[Lot] = []
        self._random: random.Random | None = None

    def draw(self, tied: Sequence[int], *, stage: int, purpose: str) -> int:
        """Pick one of ``tied``: the first of them in the declared order, else by seeded draw."""
        tied = tuple(sorted(tied))
        if self.order is not None:
            rank = {name: i for i, name in enumerate(self.order)}
            missing = [self.candidates[c] for c in tied if self.candidates[c] not in rank]
            if missing:
                raise ValueError(f"the declared lot order does not name {', '.join(missing)}")
            chosen = min(tied, key=lambda c: rank[self.candidates[c]])
            how = "declared order"
        else:
            if self._random is None:
                self._random = random.Random(self.seed if self.seed is not None else 0)
            chosen = self._random.choice(tied)
            how = f"seeded draw (seed {self.seed if self.seed is not None else 0})"
        self.drawn.append(Lot(stage=stage, tied=tied, chosen=chosen, purpose=purpose, how=how))
        return chosen
