"""Fixed-point vote units: the decimal places a rule counts to, and one vote in them."""

from __future__ import annotations

from dataclasses import dataclass

from psephos.rules.errors import RuleError


@dataclass(frozen=True)
class FixedPoint:
    """Arithmetic in integer units of ``10**-places`` vote; ``places`` is not negative."""

    places: int

    def __post_init__(self) -> None:
        if self.places < 0:
            raise RuleError("places must not be negative")

    @property
    def one(self) -> int:
        """One vote, in units."""
        return int(10**self.places)
