"""The one error of the ceremony and of threshold decryption."""

from __future__ import annotations


class CeremonyError(ValueError):
    """A ceremony or decryption message that must be refused; the message says which
    trustee, which step and what failed."""
