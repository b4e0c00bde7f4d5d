"""Voting in headless Chromium with the keyboard only, against the real production server.

Uses Debian's chromium (``apt-get install chromium``), never a downloaded browser. Without
it the tests skip, except under ``CI=true``, where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.live import LiveServer, serve_demo

CHROMIUM = Path("/usr/bin/chromium")
FOCUS_BACKGROUND = "rgb(255, 221, 0)"


def _require_browser() -> None:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    _require_browser()
    with serve_demo(tmp_path_factory.mktemp("serve")) as live:
        yield live


@pytest.fixture(scope="module")
def browser(server: LiveServer) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


def _focused(page: object) -> dict[str, str]:
    return page.evaluate(  # type: ignore[attr-defined, no-any-return]
        """() => { const e = document.activeElement; return {
            tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || '').trim(),
            background: getComputedStyle(e).backgroundColor,
            outline: getComputedStyle(e).outlineStyle }; }""")


def _tab_to(page: object, text: str, *, limit: int = 15) -> dict[str, str]:
    """Press Tab until the focused element's text is ``text``."""
    for _ in range(limit):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        focused = _focused(page)
        if focused["text"] == text:
            return focused
    raise AssertionError(f"Tab never reached {text!r}")


def _submit(page: object) -> None:
    """Press Enter on the focused control and wait for the page it leads to."""
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]


@pytest.mark.browser
def test_serve_prints_its_url_and_an_admin_password(server: LiveServer) -> None:
    printed = "\n".join(server.output)
    assert f"serving {server.url}" in printed
    assert "admin account 'admin', password " in printed


@pytest.mark.browser
def test_vote_with_the_keyboard_only(server: LiveServer, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server.vote_link)
    assert page.locator("html").get_attribute("lang") == "en-GB"

    page.keyboard.press("Tab")
    skip = _focused(page)
    assert skip["text"] == "Skip to main content"
    assert skip["background"] == FOCUS_BACKGROUND, "focus must be visible"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "pref-1", "after the skip link comes the 1st preference"
    page.keyboard.type("Owen")  # type-ahead picks the option, as a keyboard user would
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "pref-2"
    page.keyboard.type("Jer")
    page.keyboard.press("Tab")
    button = _focused(page)
    assert button["text"] == "Continue to check your ballot"
    assert button["background"] == FOCUS_BACKGROUND
    _submit(page)

    assert page.locator("h1").inner_text() == "Check your ballot before you cast it"
    assert page.locator("ol.ranking li").all_text_contents() == [
        "1st preference: Owen Smith", "2nd preference: Jeremy Corbyn"]
    _tab_to(page, "Cast my vote")
    _submit(page)

    tracker = page.locator("#tracker").inner_text()
    assert page.locator("h1").inner_text() == "Your vote has been cast"
    assert len(tracker) == 24
    _tab_to(page, "look up your tracker on the board")
    _submit(page)
    assert "Found." in page.locator("#lookup-result").inner_text()
    assert tracker in page.locator("ul.trackers").inner_text()
    page.close()


@pytest.mark.browser
def test_errors_are_announced_and_linked(server: LiveServer, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server.url + "vote/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "code"
    page.keyboard.type("AAAA-BBBB-CCCC-DDDD")
    _submit(page)
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "We do not recognise this code" in summary.inner_text()
    summary.locator("a").focus()
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "code", "the summary's link takes focus to the field"
    page.close()


@pytest.mark.browser
def test_admin_signs_in_with_the_printed_password(server: LiveServer, browser: object) -> None:
    line = next(x for x in server.output if "admin account 'admin', password " in x)
    password = line.split("password ")[1].split()[0]
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server.url + "admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    _submit(page)
    assert "Site administration" in page.content()
    assert page.evaluate("getComputedStyle(document.body).fontFamily"), "admin CSS is served"
    page.close()
