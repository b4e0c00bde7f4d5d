"""The security headers the server adds to every response, static files included."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any
from unittest import mock

from psephos.web import security
from psephos.web.security import (
    API_DOCS_CDN,
    SVG,
    AsgiSecurityHeaders,
    SecurityHeaders,
)

STRICT_PARTS = ["default-src 'none'", "script-src 'self'", "style-src 'self'",
                "img-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
                "base-uri 'none'"]


def _wsgi(path: str, headers: list[tuple[str, str]]) -> dict[str, str]:
    """What `SecurityHeaders` sends for an application answering ``path`` with ``headers``."""
    def inner(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", list(headers))
        return [b"ok"]

    sent: dict[str, str] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]],
                       *exc_info: Any) -> None:
        assert status == "200 OK"
        names = [k.lower() for k, _ in response_headers]
        assert len(names) == len(set(names)), f"a header twice: {names}"
        sent.update(response_headers)

    assert list(SecurityHeaders(inner)({"PATH_INFO": path}, start_response)) == [b"ok"]
    return sent


def test_pages_get_the_strict_policy_and_the_other_headers() -> None:
    sent = _wsgi("/vote/", [("Content-Type", "text/html; charset=utf-8")])
    policy = sent["Content-Security-Policy"]
    for part in STRICT_PARTS:
        assert part in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert sent["X-Frame-Options"] == "DENY"
    assert sent["Referrer-Policy"] == "same-origin"
    assert sent["Cross-Origin-Opener-Policy"] == "same-origin"
    assert sent["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in sent["Permissions-Policy"]


def test_static_files_get_them_too() -> None:
    sent = _wsgi("/static/contests/site.css", [("Content-Type", "text/css")])
    assert sent["Content-Security-Policy"].startswith("default-src 'none'")
    assert sent["X-Content-Type-Options"] == "nosniff"


def test_headers_already_set_are_kept() -> None:
    sent = _wsgi("/admin/", [("Content-Type", "text/html"), ("X-Frame-Options", "SAMEORIGIN"),
                             ("content-security-policy", "default-src 'self'")])
    assert sent["X-Frame-Options"] == "SAMEORIGIN"
    assert sent["content-security-policy"] == "default-src 'self'"
    assert "Content-Security-Policy" not in sent


def test_the_chart_may_style_itself_but_run_nothing() -> None:
    sent = _wsgi("/contests/x/declaration/chart.svg", [("Content-Type", "image/svg+xml")])
    assert sent["Content-Security-Policy"] == SVG
    assert "script-src" not in SVG


def test_api_docs_from_the_cdn_only_when_ninja_serves_no_files_of_its_own() -> None:
    html = [("Content-Type", "text/html")]
    with mock.patch.object(security, "_ninja_installed", return_value=False):
        assert _wsgi("/api/docs", html)["Content-Security-Policy"] == API_DOCS_CDN
        assert "unsafe-inline" not in _wsgi("/api/contests", html)["Content-Security-Policy"]
    with mock.patch.object(security, "_ninja_installed", return_value=True):
        assert "cdn" not in _wsgi("/api/docs", html)["Content-Security-Policy"]


def test_asgi() -> None:
    async def inner(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"ok"})

    messages: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        messages.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    asyncio.run(AsgiSecurityHeaders(inner)({"type": "http", "path": "/"}, receive, send))
    headers = {k.decode(): v.decode() for k, v in messages[0]["headers"]}
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert headers["X-Frame-Options"] == "DENY"
    assert messages[1]["body"] == b"ok"
