"""A constituency hex map drawn on the server as inline SVG: one link per constituency.

Every hex is an ``<a href>`` (reachable with Tab, opened with Enter) whose accessible name
and ``<title>`` say the constituency and its result, with ``id="hex-<code>"`` and
``data-code`` so a script can recolour it later. A marked seat (a gain, or one a pact
changes) is drawn with a hatch or a ring in the text colour that contrasts with its fill,
never by colour alone. The layout comes from `psephos.uk.hexmaps`; this module only draws.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape

from psephos.explore.colours import DARK, LIGHT, text_colour
from psephos.uk.hexmaps import HexLayout

#: Fill of a hex with no result (its title says so; it is not a link).
NO_RESULT = "#e8e8e8"
#: How each mark is drawn over the fill, and what the legend calls it by default.
MARKS: dict[str, str] = {
    "flipped": "hatched: changed hands",
    "marked": "ringed: marked",
}
#: Circumradius of a hex in SVG user units.
SIZE = 10.0


@dataclass(frozen=True)
class HexSeat:
    """What one constituency's hex shows: its colour, its name for people, where it leads."""

    fill: str  # "#rrggbb"
    title: str  # the accessible name and tooltip, e.g. "Aldershot: Conservative hold"
    href: str
    marks: frozenset[str] = field(default_factory=frozenset)  # names from MARKS


def render_hexmap(layout: HexLayout, seats: Mapping[str, HexSeat], *, label: str,
                  map_id: str = "hexmap") -> str:
    """The SVG markup (safe to inline) of every hex in ``layout``, styled from ``seats``.

    ``seats`` maps constituency codes to what their hex shows; a hex without an entry is
    drawn in `NO_RESULT`, titled "<name>: no result", and is not a link. ``label`` names
    the map for assistive technology.
    """
    used: set[str] = set()
    for seat in seats.values():
        used.update(seat.marks)
    unknown = sorted(used - set(MARKS))
    if unknown:
        raise ValueError(f"unknown mark(s) {', '.join(unknown)}; use {', '.join(MARKS)}")
    width = math.sqrt(3) * SIZE
    step = 1.5 * SIZE
    q_min = min(h.q for h in layout.hexes)
    r_max = max(h.r for h in layout.hexes)
    cells: list[str] = []
    right = bottom = 0.0
    for cell in sorted(layout.hexes, key=lambda h: (-h.r, h.q)):
        x = (cell.q - q_min) * width + (width / 2 if cell.r % 2 else 0.0) + width / 2
        y = (r_max - cell.r) * step + SIZE
        right, bottom = max(right, x + width / 2), max(bottom, y + SIZE)
        cells.append(_cell(cell.constituency_id, cell.name, x, y, seats.get(cell.constituency_id)))
    attributes = (f'id="{escape(map_id)}" class="hexmap" role="group" '
                  f'aria-label="{escape(label)}" viewBox="0 0 {_n(right + 1)} {_n(bottom + 1)}" '
                  'xmlns="http://www.w3.org/2000/svg"')
    return (f"<svg {attributes}><defs>{_DEFS}</defs>"
            + "".join(cells) + "</svg>")


def mark_legend(marks: Iterable[str], labels: Mapping[str, str] | None = None) -> str:
    """A small SVG key per mark in ``marks`` (each a hex drawn as on the map, then its label)."""
    parts = []
    for mark in marks:
        text = (labels or {}).get(mark, MARKS[mark])
        parts.append(
            f'<span class="hexmap-key"><svg class="hexmap-key-swatch" viewBox="0 0 20 22" '
            f'aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
            f'<g transform="translate(10 11)"><path d="{_HEX}" fill="{NO_RESULT}"/>'
            f'{_mark_shape(mark, DARK)}</g></svg> {escape(text)}</span>')
    return "".join(parts)


def _cell(code: str, name: str, x: float, y: float, seat: HexSeat | None) -> str:
    place = f'x="{_n(x)}" y="{_n(y)}"'
    shape_id = 'href="#hex-shape"'
    if seat is None:
        return (f'<g class="hex hex-empty" data-code="{escape(code)}"><title>{escape(name)}: no '
                f'result</title><use {shape_id} {place} fill="{NO_RESULT}"/></g>')
    ink = text_colour(seat.fill)
    marks = "".join(
        f'<use href="#hex-{mark}-{"dark" if ink == DARK else "light"}" {place} '
        f'class="hex-mark"/>' for mark in sorted(seat.marks))
    classes = " ".join(["hex", *(f"hex-{mark}" for mark in sorted(seat.marks))])
    title = escape(seat.title)
    return (f'<a href="{escape(seat.href)}" id="hex-{escape(code)}" data-code="{escape(code)}" '
            f'class="{classes}" aria-label="{title}"><title>{title}</title>'
            f'<use {shape_id} {place} fill="{escape(seat.fill)}" class="hex-fill"/>{marks}</a>')


def _mark_shape(mark: str, ink: str) -> str:
    """The mark drawn over a hex centred on (0, 0): a hatch, or a ring inside the edge."""
    name = "dark" if ink == DARK else "light"
    if mark == "flipped":
        return f'<path d="{_HEX}" fill="url(#hatch-{name})" stroke="{ink}" stroke-width="1.2"/>'
    return (f'<path d="{_HEX}" fill="none" stroke="{ink}" stroke-width="2.4" '
            'transform="scale(0.7)"/>')


def _hex_path(cx: float, cy: float) -> str:
    """A pointy-topped hex of circumradius `SIZE` (less a hairline gap) around (cx, cy)."""
    radius = SIZE - 0.6
    points = [(cx + radius * math.cos(math.radians(60 * k - 30)),
               cy + radius * math.sin(math.radians(60 * k - 30))) for k in range(6)]
    return "M" + "L".join(f"{_n(px)} {_n(py)}" for px, py in points) + "Z"


def _defs() -> str:
    """The hex every cell reuses, each mark in both inks, and the hatch patterns they use.

    Their ids are document-wide, so a page shows one map (the same defs would serve two).
    """
    shapes = [f'<path id="hex-shape" d="{_HEX}"/>']
    for mark in MARKS:
        for name, ink in (("dark", DARK), ("light", LIGHT)):
            shapes.append(f'<g id="hex-{mark}-{name}">{_mark_shape(mark, ink)}</g>')
    patterns = [f'<pattern id="hatch-{name}" patternUnits="userSpaceOnUse" width="4" height="4" '
                f'patternTransform="rotate(45)"><rect width="1.6" height="4" fill="{ink}"/>'
                '</pattern>' for name, ink in (("dark", DARK), ("light", LIGHT))]
    return "".join(patterns + shapes)


def _n(value: float) -> str:
    """A coordinate to one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


_HEX = _hex_path(0, 0)
_DEFS = _defs()
