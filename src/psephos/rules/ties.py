"""Breaking ties: by looking back to earlier stages where a rule says so, then by lot,
made from an explicit input and recorded.

A lot is never a hidden random draw: the caller supplies either a declared
order (the order the returning officer drew, earliest drawn first) or a seed,
and every decision lands in `Count.lots`.
"""

from __future__ import annotations

import difflib
import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy.typing as npt

from psephos.count import EARLIER_STAGE, Lot
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

    def look_back_or_draw(self, history: Sequence[Sequence[int] | npt.NDArray[Any]],
                          tied: Sequence[int], *, highest: bool, stage: int,
                          purpose: str) -> int:
        """One of ``tied`` by `look_back` through ``history`` (SSI 2007/42 Sch. 1 r.49(2),
        r.51(2)), else by lot among those still tied. A tie an earlier stage settles is
        recorded too, as a `Lot` whose ``how`` reads "earlier stage N", so the count shows
        how every tie was decided."""
        left, deciding = look_back(history, tied, highest=highest)
        if len(left) > 1:
            return self.draw(left, stage=stage, purpose=purpose)
        self.drawn.append(Lot(stage=stage, tied=tuple(sorted(tied)), chosen=left[0],
                              purpose=purpose, how=f"{EARLIER_STAGE} {deciding}"))
        return left[0]


def check_lot_order(candidates: Sequence[str], order: Sequence[str]) -> tuple[str, ...]:
    """``order`` as the candidates' own spellings, or a `RuleError` for an empty name, a name
    that is not a candidate (with the nearest candidate names) or a name given twice.

    Names match after Unicode NFC normalisation (`name_finder`), so a name typed in
    decomposed form ("De" + U+0301) finds the candidate written "Dé"."""
    find = name_finder(candidates)
    found: list[str] = []
    for position, name in enumerate(order, start=1):
        if not name.strip():
            raise RuleError(f"lot order: item {position} is empty; give candidate names")
        own = find(name)
        if own is None:
            near = difflib.get_close_matches(name, candidates, n=3)
            hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
            raise RuleError(f"lot order: {name!r} is not a candidate{hint}")
        found.append(own)
    repeated = sorted(name for name, times in Counter(found).items() if times > 1)
    if repeated:
        raise RuleError(f"lot order names {'; '.join(repeated)} more than once")
    return tuple(found)


def name_finder(candidates: Sequence[str]) -> Callable[[str], str | None]:
    """A lookup of a name a user typed: the candidate's own spelling, or None. The typed name
    matches a candidate spelled exactly so, else the one candidate whose name is the same
    after Unicode NFC normalisation; two candidates differing only in Unicode form are
    found by their exact spellings only (the normalised name would not say which)."""
    exact = set(candidates)
    forms: dict[str, list[str]] = {}
    for name in candidates:
        forms.setdefault(unicodedata.normalize("NFC", name), []).append(name)

    def find(name: str) -> str | None:
        if name in exact:
            return name
        same = forms.get(unicodedata.normalize("NFC", name), [])
        return same[0] if len(same) == 1 else None

    return find


def look_back(history: Sequence[Sequence[int] | npt.NDArray[Any]], tied: Sequence[int], *,
              highest: bool) -> tuple[list[int], int]:
    """Those of ``tied`` with the most (``highest``) or fewest votes at the most recent
    earlier stage at which their votes differed, stage after stage back through
    ``history`` (each stage's votes; the last is the current stage, not consulted) until
    one is left or the stages run out; the rest need a lot. The rule of SSI 2007/42
    Sch. 1 r.49(2) and r.51(2), and of RCTab's "previous round counts".
    Also returns the number (1-based) of the last stage consulted: the one that decided
    the tie when one candidate is left (0 when there is no earlier stage)."""
    left = list(tied)
    number = 0
    for number in range(len(history) - 1, 0, -1):
        past = history[number - 1]
        best = (max if highest else min)(int(past[c]) for c in left)
        left = [c for c in left if int(past[c]) == best]
        if len(left) == 1:
            break
    return left, number
