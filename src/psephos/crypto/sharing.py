"""Shamir's secret sharing (Shamir, "How to share a secret", CACM 1979) with Feldman's
commitments (Feldman, FOCS 1987): a polynomial's values, what its commitments say they
must be, and the Lagrange coefficients that rebuild f(0) from any k values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from psephos.crypto import group


def evaluate(coefficients: list[bytes], at: int) -> bytes:
    """f(at) = Σ_l a_l·at^l mod ℓ, in constant-time scalar arithmetic."""
    total = bytes(group.SCALAR_BYTES)
    for power, coefficient in enumerate(coefficients):
        total = group.scalar_add(total, group.scalar_mul(coefficient,
                                                         group.scalar(at ** power)))
    return total


def committed(commitments: list[bytes], at: int) -> bytes:
    """Σ_l at^l·A_l: what f(at)·G must be."""
    total = group.IDENTITY
    for power, commitment in enumerate(commitments):
        total = group.add(total, group.mult(group.scalar(at ** power), commitment))
    return total


def summed_commitments(commitments: Sequence[Sequence[bytes]]) -> list[bytes]:
    """C_l = Σ_i A_il: the commitments to the sum of the dealers' polynomials."""
    return [_sum(dealt[power] for dealt in commitments) for power in range(len(commitments[0]))]


def _sum(points: Iterable[bytes]) -> bytes:
    total = group.IDENTITY
    for point in points:
        total = group.add(total, point)
    return total


def lagrange_at_zero(indices: Sequence[int]) -> dict[int, bytes]:
    """λ_j = Π_{m ≠ j} m / (m − j) mod ℓ for each trustee index j: Σ λ_j·f(j) = f(0)."""
    coefficients = {}
    for j in indices:
        numerator, denominator = 1, 1
        for m in indices:
            if m != j:
                numerator = numerator * m % group.ORDER
                denominator = denominator * (m - j) % group.ORDER
        coefficients[j] = group.scalar(numerator * pow(denominator, -1, group.ORDER))
    return coefficients
