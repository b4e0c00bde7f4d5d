"""Text that stays readable on a party's colour: WCAG 2.1 contrast, black or white per fill."""

from __future__ import annotations

DARK = "#000000"
LIGHT = "#ffffff"
#: WCAG 2.1 success criterion 1.4.3 (contrast, minimum) for normal-size text.
TEXT_CONTRAST = 4.5


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a ``#rrggbb`` colour (0 black ... 1 white)."""
    token = colour.removeprefix("#")
    if len(token) == 3:
        token = "".join(c * 2 for c in token)
    if len(token) != 6:
        raise ValueError(f"expected a colour such as #0087dc, found {colour!r}")
    channels = [int(token[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (always at least 4.58:1)."""
    return DARK if contrast_ratio(fill, DARK) >= contrast_ratio(fill, LIGHT) else LIGHT
