"""A small HTTP/1.1 client on asyncio streams, for many concurrent clients on loopback.

One `Connection` is one keep-alive socket; a general client library spends more CPU per
request than the server under test can spare on a two-core machine (see
benchmarks/cast_load.py). Every wait is bounded by a timeout.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from dataclasses import dataclass, field

#: What a request that got no HTTP answer is recorded as (the server died, or timed out).
NO_ANSWER = "no answer"


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> object:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class Connection:
    def __init__(self, base: str, timeout: float = 30.0, source: str | None = None) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        #: The loopback address this client connects from (any of 127.0.0.0/8), so that
        #: many clients are many voters' addresses, as the server's per-address limits see.
        self.source = source
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"",
                      headers: dict[str, str] | None = None) -> Response:
        return await asyncio.wait_for(self._request(method, path, body, headers or {}),
                                      self.timeout)

    async def _request(self, method: str, path: str, body: bytes,
                       headers: dict[str, str]) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                self.host, self.port,
                local_addr=(self.source, 0) if self.source is not None else None)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        status_line = await self.reader.readline()
        if not status_line:
            self.close()
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        answer: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            answer[name.strip().lower()] = value.strip()
        length = int(answer.get("content-length", "-1"))
        if method == "HEAD" or status in (204, 304):
            content = b""
        elif length >= 0:
            content = await self.reader.readexactly(length)
        elif "chunked" in answer.get("transfer-encoding", ""):
            content = await self._chunked()
        else:
            content = await self.reader.read()
            self.close()
        if "close" in answer.get("connection", "").lower():
            self.close()
        return Response(status, content, answer)

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await self.reader.readline()
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()

    async def post_json(self, path: str, payload: object) -> Response:
        return await self.request("POST", path, json.dumps(payload).encode(),
                                  {"Content-Type": "application/json"})

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return await self.request("GET", path, headers=headers)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def outcome(connection: Connection, method: str, path: str, body: bytes = b"",
                  headers: dict[str, str] | None = None) -> tuple[str, Response | None]:
    """A request's status as text ("201"), or `NO_ANSWER`, with the response if any."""
    try:
        response = await connection.request(method, path, body, headers)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
        connection.close()
        return NO_ANSWER, None
    return str(response.status), response


def voter_address(index: int) -> str:
    """The loopback address of the ``index``-th voting client (127.0.1.1 onwards; never
    127.0.0.1, where the harness's attackers and its own requests come from)."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def cast_body(credential: str, ranking: list[str]) -> bytes:
    return json.dumps({"credential": credential, "ranking": ranking}).encode()


JSON = {"Content-Type": "application/json"}


def tally(statuses: list[str]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for status in statuses:
        counted[status] = counted.get(status, 0) + 1
    return dict(sorted(counted.items()))


def describe(counted: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counted.items()) or "none"


def server_errors(counted: dict[str, int]) -> int:
    return sum(n for k, n in counted.items() if k.startswith("5"))
