"""Casting a ballot through the API on the server's own fast path (ASGI).

Casting is the one request that arrives in bulk, on the last evening of a ballot. Through
Django's request machinery, with a Python thread per request, a two-core server held under
500 casts a second: the threads spent their time handing the GIL to each other, and the
one writing a batch to the database waited for it after every statement. Here
``POST /api/contests/<slug>/ballots`` with a JSON body of the documented shape is read on
the event loop, and the casts are written by one thread per server process, which takes
every cast waiting, makes the same checks as the API view (`prepare_api_cast`), writes
them in one transaction (`psephos.contests.voting.CASTS`) and answers each (`receipt_for`)
once it has committed. The ballot, the refusals, their statuses and messages are the
view's. Anything else (another path or method, a body of another shape, a host not
allowed) goes on to Django untouched and gets Django's answer, so a malformed request is
told what ninja tells it, as documented at /api/docs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import DisallowedHost
from django.db import close_old_connections
from django.http import HttpRequest
from pydantic import ValidationError

from psephos.contests.api import BallotIn, prepare_api_cast, receipt_for
from psephos.contests.errors import ContestError
from psephos.contests.models import Contest
from psephos.contests.views.errors import status_for
from psephos.contests.views.throttle import TooManyFailures
from psephos.contests.voting import CASTS, PreparedCast

CAST_PATH = re.compile(r"/api/contests/(?P<slug>[-a-zA-Z0-9_]+)/ballots")
#: The largest body taken on the fast path; a bigger one is Django's to judge.
MAX_BODY = 64 * 1024
#: The most casts the writing thread takes into one transaction.
MAX_BATCH = 256
#: How often the writing thread lets Django close a connection that is too old or broken
#: (and so, on PostgreSQL, check it with a query), and reads the contests afresh: not
#: before every batch. A contest's state is checked by the statement that spends each
#: credential, so a contest closed a moment ago refuses the casts all the same.
REFRESH_SECONDS = 1.0

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]
#: What a cast is answered: status, JSON body, extra headers.
Answer = tuple[int, dict[str, str], list[tuple[str, str]]]

log = logging.getLogger("django.request")


class FastCast:
    """ASGI middleware: answers well-formed API casts itself, passes the rest on."""

    def __init__(self, application: Asgi) -> None:
        self.application = application
        self.writer = CastWriter()

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
        status, payload, extra = await self.writer.cast(request, match["slug"], ballot)
        content = json.dumps(payload).encode()
        headers = [(b"content-type", b"application/json; charset=utf-8"),
                   (b"content-length", str(len(content)).encode()),
                   *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra)]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})


@dataclass(eq=False)
class _Job:
    request: HttpRequest
    slug: str
    ballot: BallotIn
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Answer]


@dataclass(eq=False)
class CastWriter:
    """The thread that writes this process's API casts, a batch per transaction."""

    max_batch: int = MAX_BATCH
    _jobs: queue.SimpleQueue[_Job] = field(default_factory=queue.SimpleQueue)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def cast(self, request: HttpRequest, slug: str, ballot: BallotIn) -> Answer:
        """The answer to one cast, once the transaction holding it has committed."""
        loop = asyncio.get_running_loop()
        job = _Job(request, slug, ballot, loop, loop.create_future())
        self._start()
        self._jobs.put(job)
        return await job.future

    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="psephos-casts",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        checked = 0.0
        contests: dict[str, Contest] = {}
        while True:
            batch = [self._jobs.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
            try:
                if time.monotonic() - checked > REFRESH_SECONDS:
                    close_old_connections()  # what Django does around each request
                    contests = {}
                    checked = time.monotonic()
                answers = answer_batch(batch, contests)
            except Exception:
                log.exception("writing a batch of %d casts failed", len(batch))
                answers = [_FAILED] * len(batch)
            settled: dict[asyncio.AbstractEventLoop, list[tuple[_Job, Answer]]] = {}
            for job, answer in zip(batch, answers, strict=True):
                settled.setdefault(job.loop, []).append((job, answer))
            for loop, pairs in settled.items():  # one wake-up of each loop per batch
                loop.call_soon_threadsafe(_settle, pairs)


_FAILED: Answer = (500, {"message": "the server could not record the ballot; try again"}, [])


def _settle(pairs: list[tuple[_Job, Answer]]) -> None:
    for job, answer in pairs:
        if not job.future.done():  # the client may have gone
            job.future.set_result(answer)


def answer_batch(jobs: Sequence[_Job], contests: dict[str, Contest] | None = None
                 ) -> list[Answer]:
    """Check each cast as the API view does, write the good ones in one transaction, and
    answer each as the view would. ``contests``: those already looked up, by slug."""
    answers: list[Answer | None] = [None] * len(jobs)
    prepared: list[tuple[int, PreparedCast]] = []
    contests = {} if contests is None else contests
    for index, job in enumerate(jobs):
        try:
            cast = prepare_api_cast(job.request, job.slug, job.ballot.credential,
                                    job.ballot.ranking, contests)
        except (ContestError, TooManyFailures) as error:
            answers[index] = _refused(error)
        else:
            prepared.append((index, cast))
    outcomes = CASTS.commit([cast for _, cast in prepared]) if prepared else []
    for (index, cast), outcome in zip(prepared, outcomes, strict=True):
        job = jobs[index]
        try:
            answers[index] = (201, receipt_for(job.request, cast, outcome), [])
        except (ContestError, TooManyFailures) as error:
            answers[index] = _refused(error)
        except Exception:
            log.exception("casting a ballot failed: %s", job.request.path)
            answers[index] = _FAILED
    return [answer if answer is not None else _FAILED for answer in answers]


def _refused(error: ContestError | TooManyFailures) -> Answer:
    if isinstance(error, TooManyFailures):
        return 429, {"message": str(error)}, [("Retry-After", str(error.seconds))]
    return status_for(error), {"message": error.message}, []


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
