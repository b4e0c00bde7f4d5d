"""RCTab's tie-break modes, reproduced from their documented behaviour.

RCTab draws "random" lots with Java's `java.util.Random` seeded by the config's
``randomSeed``: the tied candidates are sorted by name and one is picked with
``nextDouble``. ``generatePermutation`` shuffles the name-sorted candidates once
(Java's ``Collections.shuffle``) and then behaves like ``useCandidateOrder``: the
earliest listed of the tied is elected, the latest listed excluded.
``previousRoundCountsThenRandom`` keeps the tied candidates with the fewest votes
(most, when electing) in the latest earlier round that separates them, then draws.
The linear-congruential generator below is the one the Java SE documentation specifies.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from psephos.count import Lot
from psephos.rules.errors import RuleError
from psephos.rules.ties import look_back

MODES = ("random", "useCandidateOrder", "generatePermutation",
         "previousRoundCountsThenRandom", "stopCountingAndAsk", "previousRoundCountsThenAsk")


class JavaRandom:
    """`java.util.Random`: a 48-bit linear congruential generator (Java SE API spec)."""

    _MULT = 0x5DEECE66D
    _MASK = (1 << 48) - 1

    def __init__(self, seed: int) -> None:
        self._state = (seed ^ self._MULT) & self._MASK

    def _next(self, bits: int) -> int:
        self._state = (self._state * self._MULT + 0xB) & self._MASK
        return self._state >> (48 - bits)

    def next_double(self) -> float:
        return ((self._next(26) << 27) + self._next(27)) * 2.0**-53

    def next_int(self, bound: int) -> int:
        bits = self._next(31)
        if bound & (bound - 1) == 0:
            return (bound * bits) >> 31
        while True:
            value = bits % bound
            if bits - value + bound - 1 < 2**31:
                return value
            bits = self._next(31)


def java_shuffle(items: Sequence[str], rnd: JavaRandom) -> list[str]:
    """`java.util.Collections.shuffle(list, rnd)` (Java SE API spec)."""
    out = list(items)
    for i in range(len(out), 1, -1):
        j = rnd.next_int(i)
        out[i - 1], out[j] = out[j], out[i - 1]
    return out


class RctabTieBreak:
    """Breaks ties the way an RCTab config's ``tiebreakMode`` says, recording each one."""

    def __init__(self, candidates: Sequence[str], mode: str, seed: int | None) -> None:
        if mode not in MODES:
            raise RuleError(f"unknown tiebreakMode {mode!r}")
        self.candidates = tuple(candidates)
        self.mode = mode
        self.seed = seed
        self._random = JavaRandom(seed) if seed is not None else None
        self.order: tuple[str, ...] = self.candidates
        if mode == "generatePermutation":
            self.order = tuple(java_shuffle(sorted(self.candidates), self._rng()))
        self._lots: list[Lot] = []

    def _rng(self) -> JavaRandom:
        if self._random is None:
            raise RuleError(f"tiebreakMode {self.mode} needs a randomSeed")
        return self._random

    def drawn(self) -> tuple[Lot, ...]:
        return tuple(self._lots)

    def choose(self, tied: Sequence[int], *, stage: int, eliminate: bool,
               history: Sequence[npt.NDArray[np.int64]]) -> int:
        tied = sorted(tied)
        purpose = "exclusion" if eliminate else "election"
        how = self.mode
        if self.mode in ("useCandidateOrder", "generatePermutation"):
            rank = {name: i for i, name in enumerate(self.order)}
            pick = max if eliminate else min
            chosen = pick(tied, key=lambda c: rank.get(self.candidates[c], len(rank)))
        else:
            draw: float | None = None
            if self.mode == "previousRoundCountsThenRandom":
                # RCTab's random stream advances at every tie in this mode, even one the
                # earlier rounds settle (as its test suite shows), so draw first.
                draw = self._rng().next_double()
            if self.mode.startswith("previousRoundCounts"):
                left, _ = look_back(history, tied, highest=not eliminate)
                if len(left) == 1:
                    chosen = left[0]
                    self._lots.append(Lot(stage, tuple(tied), chosen, purpose,
                                          "previous round counts"))
                    return chosen
                tied = left
            if self.mode.endswith("Ask"):
                raise RuleError(f"a tie at round {stage} needs an interactive decision "
                                f"({self.mode}); declare an order instead")
            by_name = sorted(tied, key=lambda c: self.candidates[c])
            index = int((draw if draw is not None else self._rng().next_double()) * len(by_name))
            chosen = by_name[index]
            how = f"random (Java seed {self.seed})"
        self._lots.append(Lot(stage, tuple(tied), chosen, purpose, how))
        return chosen
