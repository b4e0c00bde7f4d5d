"""Server-drawn SVG charts of results: seats by party against the majority line.

Bars carry their party's label and number as text beside them, so the chart reads without
colour; the table beneath each chart gives the same numbers to screen readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from psephos.uk.parties import party_colour, party_label

ROW = 26  # height of one bar's row
LABEL = 70  # width of the party labels on the left
PLOT = 300  # width of the plotted area
NUMBER = 50  # room for the number after the longest bar
INK = "#222222"


def seats_chart(seats: Mapping[str, int], *, total: int, majority: int | None,
                label: str) -> str:
    """Horizontal bars of ``seats`` (party code -> seats, in the order given), scaled to
    ``total`` seats or the largest party, whichever is more; a dashed line at ``majority``
    (none if None). ``label`` is the chart's accessible name."""
    rows = [(party, n) for party, n in seats.items() if n]
    scale_to = max([majority or 0, *(n for _, n in rows), 1])
    scale = PLOT / scale_to
    top = 22
    height = top + ROW * len(rows) + 8
    width = LABEL + PLOT + NUMBER
    parts = [f'<svg class="seats-chart" role="img" aria-label="{escape(label)}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (party, n) in enumerate(rows):
        y = top + i * ROW
        bar = max(n * scale, 1.0)
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 17}" text-anchor="end" fill="{INK}">'
            f'{escape(party_label(party))}</text>'
            f'<rect x="{LABEL}" y="{y + 3}" width="{bar:.1f}" height="{ROW - 6}" '
            f'fill="{party_colour(party)}" stroke="{INK}" stroke-width="0.5"/>'
            f'<text x="{LABEL + bar + 6:.1f}" y="{y + 17}" fill="{INK}">{n}</text>')
    if majority is not None:
        x = LABEL + majority * scale
        anchor = "end" if majority * scale > PLOT / 2 else "start"
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{height - 4}" stroke="{INK}" '
            f'stroke-dasharray="4 3"/><text x="{x:.1f}" y="{top - 8}" text-anchor="{anchor}" '
            f'fill="{INK}" class="chart-note">majority {majority} of {total}</text>')
    parts.append("</svg>")
    return "".join(parts)
