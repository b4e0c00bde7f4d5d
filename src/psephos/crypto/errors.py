"""The errors of the ceremony, of threshold decryption and of the proof of shuffle."""

from __future__ import annotations


class CeremonyError(ValueError):
    """A ceremony or decryption message that must be refused; the message says which
    trustee, which step and what failed."""


class ShuffleError(CeremonyError):
    """A shuffle, its proof or its file that must be refused; the message says which check
    failed (the equation, the field, the ballot)."""
