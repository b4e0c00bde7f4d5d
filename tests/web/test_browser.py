"""Voting in headless Chromium with the keyboard only, against the real production server.

Uses Debian's chromium (``apt-get install chromium``), never a downloaded browser. Without
it the tests skip, except under ``CI=true``, where a missing browser is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import chromium, focused, require_browser, submit, tab_to
from tests.web.live import LiveServer, serve_demo

FOCUS_BACKGROUND = "rgb(255, 221, 0)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_browser()
    with serve_demo(tmp_path_factory.mktemp("serve")) as live:
        yield live


@pytest.fixture(scope="module")
def browser(server: LiveServer) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.mark.browser
def test_serve_prints_its_url_and_an_admin_password(server: LiveServer) -> None:
    printed = "\n".join(server.output)
    assert f"serving {server.url}" in printed
    assert "admin account 'admin', password " in printed


@pytest.mark.browser
def test_vote_with_the_keyboard_only(server: LiveServer, browser: Any) -> None:
    page = browser.new_page()
    page.goto(server.vote_link)
    assert page.locator("html").get_attribute("lang") == "en-GB"

    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Skip to main content"
    assert skip["background"] == FOCUS_BACKGROUND, "focus must be visible"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "pref-1", "after the skip link comes the 1st preference"
    page.keyboard.type("Owen")  # type-ahead picks the option, as a keyboard user would
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "pref-2"
    page.keyboard.type("Jer")
    page.keyboard.press("Tab")
    button = focused(page)
    assert button["text"] == "Continue to check your ballot"
    assert button["background"] == FOCUS_BACKGROUND
    submit(page)

    assert page.locator("h1").inner_text() == "Check your ballot before you cast it"
    assert page.locator("ol.ranking li").all_text_contents() == [
        "1st preference: Owen Smith", "2nd preference: Jeremy Corbyn"]
    tab_to(page, "Cast my vote")
    submit(page)

    tracker = page.locator("#tracker").inner_text()
    assert page.locator("h1").inner_text() == "Your vote has been cast"
    assert len(tracker) == 24
    tab_to(page, "look up your tracker on the board")
    submit(page)
    assert "Found." in page.locator("#lookup-result").inner_text()
    assert tracker in page.locator("ul.trackers").inner_text()
    page.close()


@pytest.mark.browser
def test_errors_are_announced_and_linked(server: LiveServer, browser: Any) -> None:
    page = browser.new_page()
    page.goto(server.url + "vote/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "code"
    page.keyboard.type("AAAA-BBBB-CCCC-DDDD")
    submit(page)
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "We do not recognise this code" in summary.inner_text()
    summary.locator("a").focus()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "code", "the summary's link takes focus to the field"
    page.close()


@pytest.mark.browser
def test_admin_signs_in_with_the_printed_password(server: LiveServer, browser: Any) -> None:
    line = next(x for x in server.output if "admin account 'admin', password " in x)
    password = line.split("password ")[1].split()[0]
    page = browser.new_page()
    page.goto(server.url + "admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    submit(page)
    assert "Site administration" in page.content()
    assert page.evaluate("getComputedStyle(document.body).fontFamily"), "admin CSS is served"
    page.close()


@pytest.mark.browser
def test_security_headers_and_no_policy_violations(server: LiveServer, browser: Any) -> None:
    """The real server sends the headers, and no page needs anything the policy refuses."""
    page = browser.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    for path in ("", "contests/labour-2016-demo/", "vote/", "admin/login/",
                 "contests/labour-2016-demo/board", "no-such-page/"):
        response = page.goto(server.url + path)
        headers = response.headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
    page.goto(server.vote_link)
    css = page.goto(page.evaluate("document.querySelector('link[rel=stylesheet]').href"))
    assert css.headers["content-security-policy"].startswith("default-src 'none'")
    assert refused == []
    page.close()
