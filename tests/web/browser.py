"""Driving Debian's headless chromium (never a downloaded browser) with Playwright.

Without /usr/bin/chromium the browser tests skip, except under ``CI=true``, where a
missing browser is a failure: CI must not pass by testing nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def require_browser() -> None:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    require_browser()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


def focused(page: Any) -> dict[str, str]:
    """The focused element: tag, id, text and the colours that show focus."""
    return page.evaluate(  # type: ignore[no-any-return]
        """() => { const e = document.activeElement; return {
            tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || '').trim(),
            background: getComputedStyle(e).backgroundColor,
            outline: getComputedStyle(e).outlineStyle }; }""")


def tab_to(page: Any, text: str, *, limit: int = 15) -> dict[str, str]:
    """Press Tab until the focused element's text is ``text``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["text"] == text:
            return now
    raise AssertionError(f"Tab never reached {text!r}")


def submit(page: Any) -> None:
    """Press Enter on the focused control and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
