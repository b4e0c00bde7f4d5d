"""Exact integer arithmetic over numpy arrays: one kernel for every rule's sums and products.

Rules count in integer units (e.g. 0.00001 vote), and numpy's fast paths are exact only
within bounds: ``np.bincount`` adds in float64 (exact while every partial sum is below
2**53), int64 wraps silently past 2**63 - 1. Each function here checks a bound it can
prove, in Python integers, and takes the fastest path that is exact under it; past int64
it computes with Python integers in object arrays, so results are exact over any input.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[Any]

#: Below this every partial sum of integers is exact in a float64.
FLOAT_EXACT = 2**53
#: The largest int64.
INT64_MAX = 2**63 - 1


def int_dtype(bound: int) -> type:
    """``np.int64`` if every value and intermediate is at most ``bound`` in size, else ``object``
    (Python integers, exact at any size)."""
    return np.int64 if bound <= INT64_MAX else object


def magnitude(values: Ints) -> int:
    """The largest absolute value in ``values``, as a Python integer (0 when empty)."""
    if values.size == 0:
        return 0
    if values.dtype == object:
        return max(abs(int(v)) for v in values.ravel())
    return max(abs(int(values.max())), abs(int(values.min())))


def weighted_sum(index: Ints, amounts: Ints, n: int, *, bound: int | None = None) -> Ints:
    """Exact sums of integer ``amounts`` per ``index`` in ``range(n)``.

    int64 when every sum provably fits in it (the bound is the largest amount times the
    number of amounts), else object (Python integers). A caller that has proved a bound
    on every partial sum's size (e.g. the total of non-negative amounts) passes it as
    ``bound``, which saves scanning ``amounts`` for one.
    """
    index = np.asarray(index)
    amounts = np.asarray(amounts)
    if bound is None:
        bound = magnitude(amounts) * int(index.size)
    if bound < FLOAT_EXACT and amounts.dtype != object:
        if index.size == 0:
            return np.zeros(n, dtype=np.int64)
        return np.rint(np.bincount(index, weights=amounts, minlength=n)).astype(np.int64)
    dtype = int_dtype(bound)
    out: Ints = np.zeros(n, dtype=dtype)
    np.add.at(out, index, amounts.astype(dtype) if amounts.dtype != dtype else amounts)
    return out


def multiply(left: Ints, right: Ints | int) -> Ints:
    """Exact elementwise ``left * right``: int64 when the product provably fits, else object."""
    left = np.asarray(left)
    other = right if isinstance(right, int) else np.asarray(right)
    right_size = abs(other) if isinstance(other, int) else magnitude(other)
    dtype = int_dtype(magnitude(left) * right_size)
    if dtype is object:
        return _as(left, object) * (other if isinstance(other, int) else _as(other, object))
    return _as(left, np.int64) * other


def floor_divide(numerator: Ints, denominator: Ints | int) -> Ints:
    """Exact ``numerator // denominator``; the result is int64 whenever it fits."""
    quotient = np.asarray(numerator) // denominator
    return narrow(quotient)


def scale_floor(amounts: Ints, numerator: Ints | int, denominator: Ints | int) -> Ints:
    """Exact ``floor(amounts * numerator / denominator)`` elementwise, at any size."""
    return floor_divide(multiply(amounts, numerator), denominator)


def narrow(values: Ints) -> Ints:
    """``values`` as int64 if every value fits, else unchanged (object)."""
    values = np.asarray(values)
    if values.dtype == object and magnitude(values) <= INT64_MAX:
        return values.astype(np.int64)
    return values


def _as(values: Ints, dtype: type) -> Ints:
    return values if values.dtype == dtype else values.astype(dtype)
