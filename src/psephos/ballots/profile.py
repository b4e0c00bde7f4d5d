"""The compact ballot profile every rule counts.

A `Profile` holds each distinct ranking once, as a row of an integer matrix, with
the number of ballots that cast it. Cost of counting then grows with distinct
rankings, not with raw ballots.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TypedDict, Unpack

import numpy as np
import numpy.typing as npt

from psephos.exact import weighted_sum

#: Padding after the last preference of a ranking.
END = -1
#: A rank the voter left empty (only produced by readers of cast-vote records).
SKIPPED = -2
#: Codes at or below this stand for an overvote: ``OVERVOTE - k`` is ``Profile.overvotes[k]``.
OVERVOTE = -3

IntMatrix = npt.NDArray[np.int32]
IntVector = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Profile:
    """Distinct rankings with their weights.

    ``rankings[i, r]`` is the candidate index at rank ``r`` of ranking ``i``
    (0-based), ``END`` once the ranking is over.  Cast-vote-record readers may
    also write ``SKIPPED`` for an empty rank and ``OVERVOTE - k`` for a rank
    marked for several candidates (the set ``overvotes[k]``); rules that do not
    interpret those codes refuse such a profile (see `is_simple`).

    ``lot_order`` is an order for lots the file itself declares (Droop's BLT ``[tie]``
    line): candidate names, the first drawn first; empty when the file declares none.
    """

    candidates: tuple[str, ...]
    rankings: IntMatrix
    weights: IntVector
    blank: int = 0
    invalid: int = 0
    title: str = ""
    withdrawn: frozenset[int] = frozenset()
    overvotes: tuple[tuple[int, ...], ...] = ()
    parties: tuple[str, ...] = ()
    seats: int | None = None
    ballot_ids: tuple[str, ...] = field(default=(), compare=False)
    lot_order: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.rankings.ndim != 2:
            raise ValueError("rankings must be a 2-D matrix")
        if self.rankings.shape[0] != self.weights.shape[0]:
            raise ValueError("one weight per ranking is required")

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def n_ballots(self) -> int:
        """Valid ballots (blank and invalid ballots are counted separately)."""
        return int(self.weights.sum())

    @property
    def is_simple(self) -> bool:
        """True when every rank holds one candidate or `END` (no skips, no overvotes)."""
        return bool((self.rankings >= END).all())

    def index(self, name: str) -> int:
        """The index of a candidate by exact name."""
        try:
            return self.candidates.index(name)
        except ValueError:
            raise KeyError(f"no candidate named {name!r}") from None

    def first_preferences(self) -> IntVector:
        """Votes per candidate counting only first preferences of simple rankings."""
        first = self.rankings[:, 0] if self.rankings.shape[1] else np.full(len(self.weights), END)
        mask = first >= 0
        return weighted_sum(first[mask], self.weights[mask], self.n_candidates)

    def iter_rankings(self) -> Iterable[tuple[tuple[int, ...], int]]:
        """Each distinct ranking as a tuple of codes (without the padding) and its weight."""
        for row, weight in zip(self.rankings.tolist(), self.weights.tolist(), strict=True):
            end = row.index(END) if END in row else len(row)
            yield tuple(row[:end]), int(weight)


class ProfileDetails(TypedDict, total=False):
    """What a `Profile` holds besides its candidates, rankings and weights (see `Profile`)."""

    blank: int
    invalid: int
    title: str
    withdrawn: Iterable[int]
    overvotes: Sequence[tuple[int, ...]]
    parties: Sequence[str]
    seats: int | None
    lot_order: Sequence[str]


def profile_from_rankings(
    candidates: Sequence[str],
    rankings: Iterable[Sequence[int]] | Mapping[tuple[int, ...], int],
    weights: Iterable[int] | None = None,
    **details: Unpack[ProfileDetails],
) -> Profile:
    """Build a `Profile`, collapsing identical rankings and summing their weights.

    ``seats`` is the number of seats the file declares, if it declares one.
    ``rankings`` is either a sequence of rankings (with ``weights`` alongside,
    default 1 each) or a mapping ranking -> weight. Zero-weight rankings are dropped.
    """
    merged: dict[tuple[int, ...], int] = {}
    if isinstance(rankings, Mapping):
        pairs: Iterable[tuple[Sequence[int], int]] = rankings.items()
    elif weights is None:
        pairs = ((r, 1) for r in rankings)
    else:
        pairs = zip(rankings, weights, strict=True)
    for ranking, weight in pairs:
        if weight < 0:
            raise ValueError("ballot weights must not be negative")
        if weight:
            key = tuple(int(c) for c in ranking)
            merged[key] = merged.get(key, 0) + int(weight)
    return pack(candidates, merged, **details)


def pack(candidates: Sequence[str], merged: Mapping[tuple[int, ...], int],
         **details: Unpack[ProfileDetails]) -> Profile:
    """A `Profile` from already-collapsed rankings (ranking -> weight)."""
    lengths = np.fromiter(map(len, merged), dtype=np.int64, count=len(merged))
    width = int(lengths.max()) if len(lengths) else 0
    matrix = np.full((len(merged), width), END, dtype=np.int32)
    if width:
        # Scatter every preference at once: row i's codes fill its first lengths[i] columns.
        flat = np.fromiter(chain.from_iterable(merged), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(lengths)), lengths)
        cols = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        matrix[rows, cols] = flat
    if matrix.size and (matrix >= len(candidates)).any():
        raise ValueError("a ranking names a candidate index beyond the candidate list")
    weights = np.fromiter(merged.values(), dtype=np.int64, count=len(merged))
    return _profile(candidates, matrix, weights, details)


def pack_matrix(candidates: Sequence[str], rankings: npt.NDArray[np.int32],
                weights: npt.NDArray[np.int64], **details: Unpack[ProfileDetails]) -> Profile:
    """A `Profile` from a ranking matrix (END-padded; rows may repeat) and one weight per
    row: as `pack` gives for the same rankings, repeats merged in order of first appearance."""
    rows = rankings.shape[0]
    used = int((rankings != END).sum(axis=1).max()) if rankings.size else 0
    matrix = np.ascontiguousarray(rankings[:, :used], dtype=np.int32)
    if matrix.size and (matrix >= len(candidates)).any():
        raise ValueError("a ranking names a candidate index beyond the candidate list")
    weights = weights.astype(np.int64)
    if rows > 1 and used:
        keys = _row_keys(matrix, len(candidates))
        ordered = np.sort(keys)
        if (ordered[1:] == ordered[:-1]).any():  # some rows repeat: merge them
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            order = np.argsort(first, kind="stable")
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            merged = np.zeros(first.size, dtype=np.int64)
            np.add.at(merged, rank[inverse.ravel()], weights)
            matrix, weights = matrix[first[order]], merged
    return _profile(candidates, matrix, weights, details)


def _row_keys(matrix: IntMatrix, n: int) -> npt.NDArray[np.generic]:
    """One value per row, equal exactly when the rows are equal: the row as a number in base
    ``n + 1`` when that fits in int64 (codes run from `END` = -1 to ``n - 1``; sorting such
    numbers is fast), else the row's bytes."""
    width = matrix.shape[1]
    if matrix.min() >= END and (n + 1) ** width < 2**62:
        powers = (n + 1) ** np.arange(width - 1, -1, -1, dtype=np.int64)
        return (matrix.astype(np.int64) + 1) @ powers  # type: ignore[no-any-return]
    return matrix.view(np.dtype((np.void, matrix.itemsize * width))).ravel()


def _profile(candidates: Sequence[str], matrix: IntMatrix, weights: IntVector,
             details: ProfileDetails) -> Profile:
    return Profile(
        candidates=tuple(candidates),
        rankings=matrix,
        weights=weights,
        blank=details.get("blank", 0),
        invalid=details.get("invalid", 0),
        title=details.get("title", ""),
        withdrawn=frozenset(details.get("withdrawn", ())),
        overvotes=tuple(tuple(g) for g in details.get("overvotes", ())),
        parties=tuple(details.get("parties", ())),
        seats=details.get("seats"),
        lot_order=tuple(details.get("lot_order", ())),
    )
