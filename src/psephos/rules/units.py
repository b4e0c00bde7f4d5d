"""Fixed-point vote units: the decimal places a rule counts to, and one vote in them."""

from __future__ import annotations

from dataclasses import dataclass

from psephos.rules.errors import OptionError

#: Most decimal places a fixed-point rule counts to. The arithmetic is exact at any
#: precision (Python integers), but a `Count` holds its values as exact decimals built from
#: their digits as text (`psephos.count.from_units`), and Python refuses to write an
#: integer of over 4,300 digits as text. A count's values stay below 10**(places + 16)
#: (at most 10**13 ballots, each worth at most one vote), so 4,000 places leaves room; it
#: is also far past any published rule (Droop's reference counts use 18).
MAX_PLACES = 4000


@dataclass(frozen=True)
class FixedPoint:
    """Arithmetic in integer units of ``10**-places`` vote, ``places`` from 0 to `MAX_PLACES`."""

    places: int

    def __post_init__(self) -> None:
        if not 0 <= self.places <= MAX_PLACES:
            raise OptionError(f"option places={self.places}: expected a whole number from 0 "
                            f"to {MAX_PLACES}")

    @property
    def one(self) -> int:
        """One vote, in units."""
        return int(10**self.places)
