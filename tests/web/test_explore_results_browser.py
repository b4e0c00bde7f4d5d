"""The official results pages in headless Chromium against the real server: the GE2019 map,
clicking and keyboard-opening a hex, and axe-core on every kind of results page (the Senedd
and London 2021 pages and one constituency page of each among them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from psephos.uk.general import load_general_election
from tests.web.axe_check import blocking_violations
from tests.web.browser import chromium, require_browser
from tests.web.live import LiveServer, serve

pytestmark = pytest.mark.browser

#: Desktop, and a phone 390 px wide.
VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, uk_data: Path) -> Iterator[LiveServer]:
    require_browser()
    folder = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "PSEPHOS_DATA_DIR": str(folder), "PSEPHOS_MIRROR": str(uk_data),
           "PSEPHOS_CACHE": str(folder / "cache")}
    env.pop("PSEPHOS_DATABASE_URL", None)
    with serve(f"sqlite:///{folder / 'results.sqlite3'}", env) as live:
        yield live


@pytest.fixture(scope="module")
def browser(server: LiveServer) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _winner(uk_data: Path, election: str, code: str) -> tuple[str, int]:
    """The seat's winner and majority, straight from the candidates' votes in the files."""
    seat = next(c for c in load_general_election(election, mirror=uk_data).constituencies
                if c.id == code)
    votes = sorted(seat.candidates, key=lambda c: -c.votes)
    return votes[0].name, votes[0].votes - votes[1].votes


def test_ge2019_shows_the_official_seats_and_650_hexes(server: LiveServer, browser: Any) -> None:
    page = browser.new_page()
    page.goto(server.url + "explore/results/ge2019")
    # Official: Conservative 365, Labour 202 (House of Commons Library, CBP-8749).
    assert page.locator("tr[data-party=con] td.seats").inner_text() == "365"
    assert page.locator("tr[data-party=lab] td.seats").inner_text() == "202"
    assert page.locator("svg.hexmap a.hex").count() == 650
    assert page.locator("svg.seats-chart").count() == 1
    page.close()


def test_senedd_and_london_2021_show_their_seats(server: LiveServer, browser: Any) -> None:
    page = browser.new_page(viewport=VIEWPORTS[1])
    page.goto(server.url + "explore/results/senedd2026")
    # As the data file states, not checked against an official source (data README).
    assert page.locator("#parties tr[data-party=pc] td.seats").inner_text() == "43"
    assert page.locator("#parties tr[data-party=reform] td.seats").inner_text() == "34"
    assert page.locator("#unverified").is_visible()
    assert page.locator("#senedd-constituencies tbody tr").count() == 16
    page.goto(server.url + "explore/results/lm2021")
    # Declared (London Elects, 2021): Khan 1,206,034; Assembly Labour 11, Conservative 9.
    assert page.locator('tr[data-candidate="Sadiq Aman KHAN"] td.final').inner_text() == (
        "1,206,034")
    assert page.locator("#parties tr[data-party=lab] td.seats").inner_text() == "11"
    assert page.locator("#parties tr[data-party=con] td.seats").inner_text() == "9"
    page.close()


def test_clicking_a_hex_opens_its_constituency(server: LiveServer, browser: Any,
                                               uk_data: Path) -> None:
    page = browser.new_page()
    page.goto(server.url + "explore/results/ge2019")
    code = "E14000530"
    name, majority = _winner(uk_data, "ge2019", code)
    title = page.locator(f"#hex-{code} title").text_content()
    assert title.startswith("Aldershot: Conservative") and f"majority {majority:,}" in title
    with page.expect_navigation():
        page.locator(f"#hex-{code}").click()
    assert page.url.endswith(f"/explore/results/ge2019/{code}")
    assert page.locator("h1").inner_text() == "Aldershot"
    assert page.locator("tr.elected th").inner_text().startswith(name)
    page.close()


def test_tab_reaches_a_hex_and_enter_opens_it(server: LiveServer, browser: Any,
                                              uk_data: Path) -> None:
    page = browser.new_page()
    page.goto(server.url + "explore/results/ge2019")
    for _ in range(60):  # from the top of the page: header, chart table, form, then the map
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-code')"):
            break
    focused = page.evaluate("document.activeElement.getAttribute('data-code')")
    assert focused, "Tab did not reach a hex"
    assert page.evaluate("document.activeElement.closest('svg.hexmap') !== null")
    stroke = page.evaluate("getComputedStyle(document.activeElement.querySelector('.hex-fill'))"
                           ".strokeWidth")
    assert stroke not in ("0px", "0"), "the focused hex shows no focus"
    name, _ = _winner(uk_data, "ge2019", focused)
    title = page.locator(f"#hex-{focused} title").text_content()
    assert page.locator(".hexmap-readout").inner_text() == title  # shown on focus too
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/explore/results/ge2019/{focused}")
    assert page.locator("tr.elected th").inner_text().startswith(name)
    page.close()


@pytest.mark.parametrize("path", ["explore/", "explore/results/", "explore/results/ge2019",
                                  "explore/results/ge2019/E14000530", "explore/results/sp2016",
                                  "explore/results/sp2016/glasgow-kelvin",
                                  "explore/results/lm2016", "explore/results/la2016",
                                  "explore/results/ge2024", "explore/results/senedd2026",
                                  "explore/results/senedd2026/bangor-conwy-mon",
                                  "explore/results/lm2021",
                                  "explore/results/lm2021/barnet-camden",
                                  "explore/results/sp2021", "explore/results/ge2019-notional"])
def test_no_blocking_accessibility_violations(server: LiveServer, browser: Any,
                                              path: str) -> None:
    refused: list[str] = []
    for viewport in VIEWPORTS:
        page = browser.new_page(viewport=viewport)
        page.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        response = page.goto(server.url + path)
        assert response.status == 200
        assert blocking_violations(page) == [], (path, viewport)
        page.close()
    assert refused == []


def test_unknown_election_and_constituency_are_not_found(server: LiveServer,
                                                         browser: Any) -> None:
    page = browser.new_page()
    for path in ("explore/results/ge1997", "explore/results/ge2019/nowhere",
                 "explore/results/senedd2026/nowhere", "explore/results/lm2021/nowhere"):
        response = page.goto(server.url + path)
        assert response.status == 404
        assert page.locator("h1").inner_text() == "Page not found"
    page.close()
