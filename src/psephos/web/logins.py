"""Admin logins: the client address django-axes counts failures by (`psephos.web.settings`),
the pace at which a worker lets login requests through, and the delay before a
locked-out login is told so."""

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


class LoginPacing:
    """ASGI middleware in front of the admin login page (``/admin/login/``, any method):

    - each worker lets a login request through to Django no sooner than
      ``PSEPHOS_LOGIN_INTERVAL`` seconds (default 0.05) after the one before, waited on the
      event loop; one that would wait more than `MOST_WAITED` seconds is refused at once
      (429, ``Retry-After``), and Django never sees it. The login form is the heaviest
      page a stranger can ask for (about 10 ms of CPU): 8 password guessers asking for it
      at once held the interpreter for casting's tens of milliseconds (cast p99 7.5 ->
      48.6 ms on SQLite in make reliability). A person logging in does not notice.
    - a refused login (429, locked out by django-axes) is answered only after one to two
      times ``PSEPHOS_LOGIN_LOCKOUT_DELAY`` seconds (default 1), also on the event loop,
      which holds no thread and no CPU. A guesser waits for each answer, so 8 of them send
      about 5 guesses a second, not as many as the server can refuse. The random part
      keeps guessers that started together from arriving together.

    This slows guessers that wait for answers and bounds what a flood of login requests
    takes from voters; it is no defence against a flood of other requests.
    """

    def __init__(self, application: Asgi) -> None:
        self.application = application
        self._next_turn = 0.0
        self._last_start = float("-inf")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (scope.get("type") == "http" and scope.get("path") == LOGIN_PATH):
            await self.application(scope, receive, send)
            return
        wait = self._turn()
        if wait is None:
            await _refuse(send)
            return
        if wait > 0:
            await asyncio.sleep(wait)
        await self._after_the_last_start()

        async def delayed(message: Message) -> None:
            if message.get("type") == "http.response.start" and message.get("status") == 429:
                delay = float(getattr(settings, "PSEPHOS_LOGIN_LOCKOUT_DELAY", 1))
                await asyncio.sleep(delay * (1 + random.random()))
            await send(message)

        await self.application(scope, receive, delayed)

    async def _after_the_last_start(self) -> None:
        """Wait until ``PSEPHOS_LOGIN_INTERVAL`` after the last request let through really
        started, then count this one as started: a turn kept by a sleep that woke late (a
        busy loop) must not leave the next one closer than the interval."""
        interval = float(getattr(settings, "PSEPHOS_LOGIN_INTERVAL", DEFAULT_INTERVAL))
        loop = asyncio.get_running_loop()
        while (wait := self._last_start + interval - loop.time()) > 0:
            await asyncio.sleep(wait)
        self._last_start = loop.time()  # no await since the check: no other turn between

    def _turn(self) -> float | None:
        """Seconds until this request's turn (taken now), or None: it would wait too long."""
        interval = float(getattr(settings, "PSEPHOS_LOGIN_INTERVAL", DEFAULT_INTERVAL))
        now = asyncio.get_running_loop().time()
        turn = max(now, self._next_turn)
        if turn - now > MOST_WAITED:
            return None
        self._next_turn = turn + interval
        return turn - now


#: Seconds between login requests a worker lets through, by default.
DEFAULT_INTERVAL = 0.05
#: The longest a login request waits for its turn before it is refused instead.
MOST_WAITED = 5.0
BUSY = b"Too many login attempts are arriving at this moment. Wait a few seconds and try again."


async def _refuse(send: Send) -> None:
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"retry-after", str(int(MOST_WAITED)).encode()),
                            (b"content-length", str(len(BUSY)).encode())]})
    await send({"type": "http.response.body", "body": BUSY})
