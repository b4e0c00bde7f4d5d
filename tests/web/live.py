"""Starting the real `psephos serve` (Granian, forked workers) on a free port for a test."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VOTE_LINE = re.compile(r"vote as .*: (?P<link>http\S+) or code (?P<code>\S+) at ")


@dataclass(frozen=True)
class LiveServer:
    url: str
    vote_link: str
    postal_code: str
    output: list[str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(database_url: str, env: dict[str, str], *, port: int | None = None,
          workers: int = 1, demo: bool = False, timeout: float = 180.0) -> Iterator[LiveServer]:
    """`psephos serve` on ``database_url`` with ``env``; stopped with Ctrl-C (SIGINT)."""
    port = port or free_port()
    command = [sys.executable, "-m", "psephos", "serve", "--port", str(port),
               "--workers", str(workers), "--database", database_url,
               *(["--demo"] if demo else [])]
    process = subprocess.Popen(command, env={**env, "PYTHONUNBUFFERED": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            if "Started worker" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{port}/"
        if not ready.wait(timeout) or not _answers(url, timeout=30):
            raise RuntimeError("psephos serve did not start:\n" + "\n".join(output))
        match = next((m for line in output if (m := VOTE_LINE.search(line))), None)
        if demo and match is None:
            raise RuntimeError("psephos serve --demo printed no voting link:\n"
                               + "\n".join(output))
        yield LiveServer(url, match["link"] if match else "", match["code"] if match else "",
                         output)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serve_demo(folder: Path, *, timeout: float = 180.0) -> Iterator[LiveServer]:
    """`psephos serve --demo` on a temporary SQLite database."""
    env = {**os.environ, "PSEPHOS_DATA_DIR": str(folder)}
    env.pop("PSEPHOS_DATABASE_URL", None)
    with serve(f"sqlite:///{folder / 'demo.sqlite3'}", env, demo=True,
               timeout=timeout) as live:
        yield live


def _answers(url: str, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return bool(response.status == 200)
        except OSError:
            time.sleep(0.2)
    return False
