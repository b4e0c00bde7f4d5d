"""Security headers on every response the server sends, static files included.

The pages use no inline script or style, only the site's own files, so the
Content-Security-Policy allows only the site's own scripts, style sheets and images: an
injected ``<script>`` or ``style`` attribute would not run, and no page may be framed or
post a form elsewhere. Applied around the whole WSGI (or ASGI) application, not as Django
middleware, so that the files WhiteNoise serves get them too. Headers a response already
has (Django's ``X-Frame-Options``, ``Referrer-Policy``, ...) are left as they are.

When the site is served over HTTPS (``PSEPHOS_PUBLIC_URL``), every response also carries
HSTS (RFC 6797), static files included, and whether or not Django saw the request as
secure (behind a proxy it often cannot; browsers ignore the header over plain HTTP).

Two places need more than the strict policy: the transfer chart (matplotlib's SVG styles
itself inline) and the API's interactive docs, which django-ninja takes from a CDN with an
inline script unless ``ninja`` is in ``INSTALLED_APPS`` (then it serves its own files).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

STRICT = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
          "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
          "base-uri 'none'")
#: An SVG image styled inline by matplotlib; it can run nothing.
SVG = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
#: django-ninja's docs from its CDN (only when ``ninja`` is not an installed app).
API_DOCS_CDN = ("default-src 'none'; script-src 'self' https://cdn.jsdelivr.net "
                "'unsafe-inline'; style-src 'self' https://cdn.jsdelivr.net; img-src 'self' "
                "data: https://django-ninja.dev; connect-src 'self'; frame-ancestors 'none'; "
                "base-uri 'none'")
API_DOCS_PATH = "/api/docs"

COMMON = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)


def content_security_policy(path: str, content_type: str) -> str:
    if content_type.split(";")[0].strip().lower() == "image/svg+xml":
        return SVG
    if path.rstrip("/") == API_DOCS_PATH and not _ninja_installed():
        return API_DOCS_CDN
    return STRICT


def _ninja_installed() -> bool:
    from django.conf import settings

    return "ninja" in settings.INSTALLED_APPS


def strict_transport_security() -> tuple[tuple[str, str], ...]:
    """The HSTS header when the settings ask for it (`psephos.web.settings.https_settings`)."""
    from django.conf import settings

    seconds = int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0)
    return (("Strict-Transport-Security", f"max-age={seconds}"),) if seconds > 0 else ()


def headers_for(path: str, present: Iterable[str], content_type: str) -> list[tuple[str, str]]:
    """The security headers a response to ``path`` lacks (``present``: names it has)."""
    have = {name.lower() for name in present}
    wanted = [("Content-Security-Policy", content_security_policy(path, content_type)),
              *COMMON, *strict_transport_security()]
    return [(name, value) for name, value in wanted if name.lower() not in have]


class SecurityHeaders:
    """WSGI middleware adding `headers_for` to every response."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))

        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            kind = next((v for k, v in headers if k.lower() == "content-type"), "")
            extra = headers_for(path, (k for k, _ in headers), kind)
            return start_response(status, [*headers, *extra], *exc_info)

        return self.application(environ, start)


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class AsgiSecurityHeaders:
    """The same for an ASGI application."""

    def __init__(self, application: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.application(scope, receive, send)
            return
        path = str(scope.get("path", ""))

        async def sending(message: MutableMapping[str, Any]) -> None:
            if message.get("type") == "http.response.start":
                headers = list(message.get("headers", []))
                names = [bytes(k).decode("latin-1") for k, _ in headers]
                kind = next((bytes(v).decode("latin-1") for k, v in headers
                             if bytes(k).lower() == b"content-type"), "")
                headers += [(k.encode("latin-1"), v.encode("latin-1"))
                            for k, v in headers_for(path, names, kind)]
                message = {**message, "headers": headers}
            await send(message)

        await self.application(scope, receive, sending)
