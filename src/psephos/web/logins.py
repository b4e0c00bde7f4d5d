"""Admin logins: the client address django-axes counts failures by (`psephos.web.settings`),
and the delay before a locked-out login is told so."""

from __future__ import annotations

import asyncio
import ipaddress
import random
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from psephos.contests.throttle import client_address

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]

LOGIN_PATH = "/admin/login/"


def login_client_ip(request: HttpRequest) -> str | None:
    """The address the rate limit on codes uses (behind trusted proxies, the client's own),
    or None when it is not an IP address (axes stores it in an address column)."""
    address = client_address(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


class LockoutDelay:
    """ASGI middleware: a refused admin login (429, locked out) is answered only after
    one to two times ``PSEPHOS_LOGIN_LOCKOUT_DELAY`` seconds (default 1), waited on the
    event loop, which holds no thread and no CPU. A guesser waits for each answer, so 8 of
    them send about 5 guesses a second instead of as many as the server can refuse: at
    about 90 refusals a second the refusals alone took the CPU casting needs (cast p99 from
    99 to 358 ms on SQLite in make reliability). The random part keeps guessers that
    started together from arriving together, a burst each second. This slows guessers that
    wait; it is no defence against a flood.
    """

    def __init__(self, application: Asgi) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (scope.get("type") == "http" and scope.get("method") == "POST"
                and scope.get("path") == LOGIN_PATH):
            await self.application(scope, receive, send)
            return

        async def delayed(message: Message) -> None:
            if message.get("type") == "http.response.start" and message.get("status") == 429:
                delay = float(getattr(settings, "PSEPHOS_LOGIN_LOCKOUT_DELAY", 1))
                await asyncio.sleep(delay * (1 + random.random()))
            await send(message)

        await self.application(scope, receive, delayed)
