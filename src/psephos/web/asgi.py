"""The ASGI application `psephos serve` runs: Django, with these in front of it.

- the security headers on every response (`psephos.web.security`);
- a locked-out admin login answered after a delay (`psephos.web.logins`);
- ballots cast through the API, handed to the batcher of casts on the server's fast path
  (`psephos.web.fastcast`);
- the static files `collectstatic` wrote to ``STATIC_ROOT``, served by WhiteNoise with
  far-future cache headers on the hashed names;
- the lifespan protocol, to tune each worker's interpreter when it starts.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any

from django.core.asgi import get_asgi_application

from psephos.web.security import AsgiSecurityHeaders

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psephos.web.settings")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]

django_application = get_asgi_application()


class StaticFiles:
    """Known static files from WhiteNoise (a WSGI app, run in a thread); the rest to Django."""

    def __init__(self, application: Asgi) -> None:
        from asgiref.wsgi import WsgiToAsgi
        from django.conf import settings
        from whitenoise import WhiteNoise

        self.application = application
        self.whitenoise = WhiteNoise(_not_found, max_age=3600)
        if Path(settings.STATIC_ROOT).is_dir():  # `psephos serve` collects them first
            self.whitenoise.add_files(settings.STATIC_ROOT, prefix=settings.STATIC_URL)
        self.static = WsgiToAsgi(self.whitenoise)  # type: ignore[no-untyped-call]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "http" and scope.get("path") in self.whitenoise.files:
            await self.static(scope, receive, send)
        else:
            await self.application(scope, receive, send)


def _not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


class Lifespan:
    """The ASGI lifespan protocol, which Django does not speak: at a worker's start, Django
    is warmed up (`warm_up`) and the interpreter tuned for serving (`tune_for_serving`);
    HTTP goes on to the app."""

    def __init__(self, application: Asgi) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "lifespan":
            await self.application(scope, receive, send)
            return
        while True:
            message = await receive()
            if message.get("type") == "lifespan.startup":
                warm_up()
                tune_for_serving()
                await send({"type": "lifespan.startup.complete"})
            elif message.get("type") == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def _application() -> Lifespan:
    from psephos.web.fastcast import FastCast  # models: only once the apps are loaded
    from psephos.web.logins import LoginPacing

    return Lifespan(AsgiSecurityHeaders(LoginPacing(FastCast(StaticFiles(
        django_application)))))


def warm_up() -> None:
    """Import what Django's first request would import (every route, so the API and the
    explorer too) and compile the login page's templates, before any request: otherwise
    the first page a worker serves takes about half a second of the interpreter, and the
    casts it is batching wait for it (cast p99 7.5 -> 32 ms beside 8 password guessers on
    PostgreSQL in make reliability: the guessers' first requests)."""
    from django.contrib import admin
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the route modules, imported)
    for name in (admin.site.login_template or "admin/login.html", "contests/base.html"):
        get_template(name)


def tune_for_serving() -> None:
    """Two interpreter settings for a serving process, each measured with
    benchmarks/cast_load.py at 1,000 casts/s (p99 fell from about 100-130 ms to 33-46 ms):

    - the objects made while loading Django never die, so the collector stops walking them
      (``gc.freeze``), and collects the young generation less often: full collections
      over Django's objects were the long pauses in the tail;
    - the casting thread asks for the GIL back after every database call; a 1 ms switch
      interval (instead of 5) bounds how long the event loop keeps it meanwhile.
    """
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 100)
    sys.setswitchinterval(SWITCH_INTERVAL)


#: Allocations between young-generation collections (Python's default is 700).
GC_THRESHOLD = 20_000
#: Seconds a thread may hold the GIL while another waits for it (Python's default 0.005).
SWITCH_INTERVAL = 0.001

application = _application()

