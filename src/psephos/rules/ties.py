"""Breaking ties: by looking back to earlier stages where a rule says so, then by lot,
made from an explicit input and recorded.

A lot is never a hidden random draw: the caller supplies either a declared
order (the order the returning officer drew, earliest drawn first) or a seed,
and every decision lands in `Count.lots`.
"""

from __future__ import annotations

import difflib
import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy.typing as npt

from psephos.count import Lot
from psephos.rules.errors import RuleError


class Lots:
    """Draws lots for one count and remembers each draw.

    A declared ``order`` must name candidates only, each once, and no empty name
    (`check_lot_order`); it need not name every candidate, only every one a lot is
    drawn between, which `draw` checks when a lot arises.
    """

    def __init__(self, candidates: Sequence[str], *, seed: int | None = None,
                 order: Sequence[str] | None = None) -> None:
        self.candidates = tuple(candidates)
        self.seed = seed
        self.order = check_lot_order(self.candidates, order) if order is not None else None
        self.drawn: list[Lot] = []
        self._random: random.Random | None = None

    def draw(self, tied: Sequence[int], *, stage: int, purpose: str) -> int:
        """Pick one of ``tied``: the first of them in the declared order, else by seeded draw."""
        tied = tuple(sorted(tied))
        if self.order is not None:
            rank = {name: i for i, name in enumerate(self.order)}
            missing = [self.candidates[c] for c in tied if self.candidates[c] not in rank]
            if missing:
                names = "; ".join(self.candidates[c] for c in tied)
                raise RuleError(
                    f"stage {stage} needs a lot ({purpose}) between {names}: the declared "
                    f"lot order must rank all of them but does not name {'; '.join(missing)}")
            chosen = min(tied, key=lambda c: rank[self.candidates[c]])
            how = "declared order"
        else:
            if self._random is None:
                self._random = random.Random(self.seed if self.seed is not None else 0)
            chosen = self._random.choice(tied)
            how = f"seeded draw (seed {self.seed if self.seed is not None else 0})"
        self.drawn.append(Lot(stage=stage, tied=tied, chosen=chosen, purpose=purpose, how=how))
        return chosen


def check_lot_order(candidates: Sequence[str], order: Sequence[str]) -> tuple[str, ...]:
    """``order`` as a tuple, or a `RuleError` for an empty name, a name that is not a
    candidate (with the nearest candidate names) or a name given twice."""
    order = tuple(order)
    known = set(candidates)
    for position, name in enumerate(order, start=1):
        if not name.strip():
            raise RuleError(f"lot order: item {position} is empty; give candidate names")
        if name not in known:
            near = difflib.get_close_matches(name, candidates, n=3)
            hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
            raise RuleError(f"lot order: {name!r} is not a candidate{hint}")
    repeated = sorted(name for name, times in Counter(order).items() if times > 1)
    if repeated:
        raise RuleError(f"lot order names {'; '.join(repeated)} more than once")
    return order


def look_back(history: Sequence[Sequence[int] | npt.NDArray[Any]], tied: Sequence[int], *,
              highest: bool) -> list[int]:
    """Those of ``tied`` with the most (``highest``) or fewest votes at the most recent
    earlier stage at which their votes differed, stage after stage back through
    ``history`` (each stage's votes; the last is the current stage, not consulted) until
    one is left or the stages run out; the rest need a lot. The rule of SSI 2007/42
    Sch. 1 r.49(2) and r.51(2), and of RCTab's "previous round counts"."""
    left = list(tied)
    for past in reversed(history[:-1]):
        best = (max if highest else min)(int(past[c]) for c in left)
        left = [c for c in left if int(past[c]) == best]
        if len(left) == 1:
            break
    return left
