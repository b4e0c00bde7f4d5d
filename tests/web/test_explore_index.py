"""The explorer's front page is reachable from every page's header and links its tools."""

from __future__ import annotations

from django.test import Client


def test_the_header_links_the_explorer_and_the_explorer_links_its_tools() -> None:
    client = Client()
    home = client.get("/")
    assert home.status_code == 200
    assert b'href="/explore/"' in home.content
    page = client.get("/explore/")
    assert page.status_code == 200
    for link in (b'href="/explore/count"', b'href="/explore/results/"', b'href="/explore/pact"'):
        assert link in page.content
    assert b"explore/explore.css" in page.content
