"""Casting a ballot through the API on the server's fast path (ASGI): plumbing only.

Casting is the one request that arrives in bulk, on the last evening of a ballot. Through
Django's request machinery, with a Python thread per request, a two-core server held under
500 casts a second: the threads spent their time handing the GIL to each other, and the
one writing a batch to the database waited for it after every statement. Here
``POST /api/contests/<slug>/ballots`` with a JSON body of the documented shape is read on
the event loop and handed, without waiting, to the one batcher of casts
(`psephos.contests.casting.api.submit_api_cast`), whose thread makes the API view's checks,
writes the batch in one transaction and answers each cast as the view would; the answers
of a batch reach each event loop in one wake-up. Anything else (another path or method, a
body of another shape, a host not allowed) goes on to Django untouched and gets Django's
answer, so a malformed request is told what ninja tells it, as documented at /api/docs.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import weakref
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from pydantic import ValidationError

from psephos.contests.casting.api import Answer, BallotIn, submit_api_cast

CAST_PATH = re.compile(r"/api/contests/(?P<slug>[-a-zA-Z0-9_]+)/ballots")
#: The largest body taken on the fast path; a bigger one is Django's to judge.
MAX_BODY = 64 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


class FastCast:
    """ASGI middleware: answers well-formed API casts itself, passes the rest on."""

    def __init__(self, application: Asgi) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = CAST_PATH.fullmatch(str(scope.get("path", ""))) \
            if scope.get("type") == "http" and scope.get("method") == "POST" else None
        if match is None or not _header(scope, b"content-type").startswith("application/json"):
            await self.application(scope, receive, send)
            return
        body, whole = await _read_body(receive)
        ballot = _ballot(body) if whole else None
        request = _request(scope)
        if ballot is None or not _host_allowed(request):
            await self.application(scope, _replay(body, whole, receive), send)
            return
        status, payload, extra = await _cast(request, match["slug"], ballot)
        content = json.dumps(payload).encode()
        headers = [(b"content-type", b"application/json; charset=utf-8"),
                   (b"content-length", str(len(content)).encode()),
                   *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra)]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})


async def _cast(request: HttpRequest, slug: str, ballot: BallotIn) -> Answer:
    """The answer to one cast, once the transaction holding it has committed."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Answer] = loop.create_future()
    inbox = _inbox(loop)
    submit_api_cast(request, slug, ballot, lambda answer: inbox.deliver(future, answer))
    return await future


class _Inbox:
    """Answers for one event loop, delivered from the batcher's thread: the first answer
    of a batch schedules one wake-up of the loop, which settles every answer there is."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._answers: list[tuple[asyncio.Future[Answer], Answer]] = []
        self._lock = threading.Lock()

    def deliver(self, future: asyncio.Future[Answer], answer: Answer) -> None:
        with self._lock:
            self._answers.append((future, answer))
            first = len(self._answers) == 1
        if first:
            self.loop.call_soon_threadsafe(self._settle)

    def _settle(self) -> None:
        with self._lock:
            answers, self._answers = self._answers, []
        for future, answer in answers:
            if not future.done():  # the client may have gone
                future.set_result(answer)


#: One inbox per event loop, gone with its loop.
_INBOXES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Inbox] = \
    weakref.WeakKeyDictionary()
_INBOXES_LOCK = threading.Lock()


def _inbox(loop: asyncio.AbstractEventLoop) -> _Inbox:
    with _INBOXES_LOCK:
        inbox = _INBOXES.get(loop)
        if inbox is None:
            inbox = _INBOXES[loop] = _Inbox(loop)
        return inbox


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if bytes(key).lower() == name:
            return bytes(value).decode("latin-1")
    return ""


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The request body, and whether it is all there (within `MAX_BODY`, not cut off)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message.get("type") != "http.request":
            return b"".join(parts), False
        chunk = bytes(message.get("body", b""))
        parts.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(parts), True
        if size > MAX_BODY:
            return b"".join(parts), False


def _replay(body: bytes, whole: bool, receive: Receive) -> Receive:
    """A ``receive`` that gives Django the body already read, then the rest as it comes."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not whole}
        return await receive()

    return replay


def _ballot(body: bytes) -> BallotIn | None:
    """The ballot in a body of the documented shape, else None (Django will say why)."""
    if not body or len(body) > MAX_BODY:
        return None
    try:
        return BallotIn.model_validate_json(body)
    except ValidationError:
        return None


def _request(scope: Scope) -> HttpRequest:
    """What the checks read of a request: its address, host and forwarding headers."""
    request = HttpRequest()
    request.method = "POST"
    request.path = request.path_info = str(scope.get("path", ""))
    client = scope.get("client") or ("unknown", 0)
    server = scope.get("server") or ("", 80)
    request.META = {"REMOTE_ADDR": str(client[0]), "SERVER_NAME": str(server[0]),
                    "SERVER_PORT": str(server[1])}
    for key, value in scope.get("headers", ()):
        name = "HTTP_" + bytes(key).decode("latin-1").upper().replace("-", "_")
        text = bytes(value).decode("latin-1")
        request.META[name] = f"{request.META[name]},{text}" if name in request.META else text
    return request


def _host_allowed(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True
