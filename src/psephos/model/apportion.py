"""Whole votes from fractional ones, so every total the model reports is exact.

A swing moves shares and a transfer moves fractions of a party's vote, but a seat's
votes are whole numbers: each split below is by largest remainder (Hamilton), so the
parts add up exactly to the whole and each part is within one vote of its fair share.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Int64s = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def largest_remainder(quotas: Floats, group: Int64s, totals: Int64s) -> Int64s:
    """Whole numbers, one per quota, adding up to ``totals[g]`` over each group ``g``.

    ``group`` must be sorted (groups are contiguous); ``quotas`` are non-negative and
    add up, within float rounding, to each group's total. Each part is the floor of its
    quota plus one for the quotas with the largest remainders (ties: the first listed).
    """
    n = quotas.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    floors = np.floor(quotas)
    given = np.bincount(group, weights=floors, minlength=totals.size)
    short = totals - np.rint(given).astype(np.int64)
    remainders = quotas - floors
    order = np.lexsort((np.arange(n), -remainders, group))
    first_of_group = np.searchsorted(group, group, side="left")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - first_of_group[order]
    parts = floors.astype(np.int64) + (rank < short[group])
    if (short < 0).any():  # float rounding pushed the floors over the total: take back
        parts = _take_back(parts, remainders, group, -np.minimum(short, 0))
    return parts


def _take_back(parts: Int64s, remainders: Floats, group: Int64s, excess: Int64s) -> Int64s:
    """Remove ``excess[g]`` units in each group from the parts with the smallest remainders."""
    n = parts.size
    order = np.lexsort((np.arange(n), remainders, parts == 0, group))
    first_of_group = np.searchsorted(group, group, side="left")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - first_of_group[order]
    return parts - ((rank < excess[group]) & (parts > 0))
