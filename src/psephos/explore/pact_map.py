"""The pact builder's hex map: each seat in the colour of its winner with the pact, the
seats the pact changes hatched (`psephos.explore.hexmap` draws it)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from psephos.explore.hexmap import HexSeat, mark_legend, render_hexmap
from psephos.explore.pact_view import seat_href
from psephos.uk.errors import UKDataError
from psephos.uk.hexmaps import HexLayout, load_hex_layout

log = logging.getLogger(__name__)

MAP_ID = "pact-map"
FLIPPED = {"flipped": "hatched: changes hands with the pact"}


def pact_map(election: str, seats: Sequence[dict[str, Any]], explain_href: str) -> str:
    """The map's SVG (safe to inline) for `pact_view`'s ``seats``, or "" without a layout;
    each hex links to its seat's explanation."""
    layout = _layout(election)
    if layout is None:
        return ""
    shown = {seat["id"]: HexSeat(fill=seat["fill"], title=seat["title"],
                                 href=seat_href(explain_href, seat["id"]),
                                 marks=frozenset({"flipped"}) if seat["flipped"] else frozenset())
             for seat in seats}
    return render_hexmap(layout, shown, label=f"Map of {election.upper()}'s constituencies, "
                                              "each in its winner's colour with the pact",
                         map_id=MAP_ID)


def pact_legend() -> str:
    return mark_legend(["flipped"], FLIPPED)


@lru_cache(maxsize=8)
def _layout(election: str) -> HexLayout | None:
    """The election's layout, read once per process (None, and a log line, without one)."""
    try:
        return load_hex_layout(election)
    except UKDataError as error:
        log.warning("pact builder: no hex map for %s: %s", election, error)
        return None
