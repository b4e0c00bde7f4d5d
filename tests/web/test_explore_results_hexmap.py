"""The server-drawn hex map: one focusable link per seat, marks beyond colour, readable text."""

from __future__ import annotations

import re

import pytest

from psephos.explore.colours import TEXT_CONTRAST, contrast_ratio, text_colour
from psephos.explore.hexmap import NO_RESULT, HexSeat, mark_legend, render_hexmap
from psephos.uk.hexmaps import Hex, HexLayout
from psephos.uk.parties import PARTIES, UNKNOWN

LAYOUT = HexLayout("test", "odd-r", (Hex("E1", "Alpha", 0, 0, "SE"), Hex("E2", "Beta", 1, 0, "SE"),
                                     Hex("E3", "Gamma & Co", 0, 1, "SE")))


@pytest.mark.parametrize("code", [*PARTIES, "unknown"])
def test_text_on_every_party_colour_meets_wcag_contrast(code: str) -> None:
    fill = PARTIES.get(code, UNKNOWN).colour
    assert contrast_ratio(fill, text_colour(fill)) >= TEXT_CONTRAST


def test_contrast_ratio_matches_wcag_extremes() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1)
    # WCAG's own worked figure: #767676 on white is 4.54:1.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_each_seat_is_a_titled_link_with_its_code_and_marks_are_drawn() -> None:
    seats = {"E1": HexSeat("#0087dc", "Alpha: Con hold", "/r/E1"),
             "E2": HexSeat("#e4003b", "Beta: Lab gain from Con", "/r/E2",
                           frozenset({"flipped"}))}
    svg = render_hexmap(LAYOUT, seats, label="Test map")
    assert svg.startswith("<svg") and 'aria-label="Test map"' in svg
    links = re.findall(r'<a href="([^"]+)" id="hex-(\w+)" data-code="(\w+)"', svg)
    assert links == [("/r/E1", "E1", "E1"), ("/r/E2", "E2", "E2")]
    assert '<title>Beta: Lab gain from Con</title>' in svg
    assert 'aria-label="Alpha: Con hold"' in svg
    # The gain is hatched (in white, which contrasts with Labour red), not only coloured.
    assert 'class="hex hex-flipped"' in svg and 'href="#hex-flipped-light"' in svg
    # A seat without a result is drawn, titled, escaped, and not a link.
    assert "<title>Gamma &amp; Co: no result</title>" in svg and NO_RESULT in svg
    assert 'id="hex-E3"' not in svg


def test_an_unknown_mark_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown mark"):
        render_hexmap(LAYOUT, {"E1": HexSeat("#000000", "t", "/", frozenset({"x"}))}, label="m")


def test_the_legend_names_each_mark() -> None:
    legend = mark_legend(["flipped"], {"flipped": "hatched: gained"})
    assert "hatched: gained" in legend and 'aria-hidden="true"' in legend
