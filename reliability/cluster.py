"""A throwaway PostgreSQL cluster: initdb in a temporary folder, its own port, deleted after.

``initdb`` refuses to run as root, so as root the cluster belongs to the ``postgres``
system user (``runuser``). It listens on 127.0.0.1 only, with ``fsync`` and
``synchronous_commit`` on and PostgreSQL's default ``max_connections`` (100), so figures
taken on it are those of a default server; nobody else uses it, so a check that exhausts
its connections or kills it harms no one.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness import free_port


def _bin() -> Path:
    """Where ``initdb`` and ``pg_ctl`` are: on the PATH, else ``pg_config --bindir``."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    try:
        return Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                   check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        raise RuntimeError("pg_ctl is neither on the PATH nor named by pg_config") from None


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on its own port."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.data = folder, folder / "data"
        self.port = free_port()
        self.log = folder / "postgres.log"

    def _as_owner(self, *command: str) -> list[str]:
        if os.geteuid() != 0:
            return list(command)
        return ["runuser", "-u", "postgres", "--", *command]

    def init(self) -> None:
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        subprocess.run(self._as_owner(str(_bin() / "initdb"), "-D", str(self.data), "-A", "trust",
                                      "-U", "postgres", "--no-sync", "-E", "UTF8"),
                       check=True, capture_output=True, timeout=120)

    def start(self, attempts: int = 20) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=on -c synchronous_commit=on -c max_connections=100")
        for _ in range(attempts):
            result = subprocess.run(self._as_owner(
                str(_bin() / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
                "-w", "-t", "60", "start"), capture_output=True, text=True, timeout=90)
            if result.returncode == 0:
                return
            time.sleep(0.5)  # a killed postmaster's backends may still hold its memory
        raise RuntimeError(f"pg_ctl start failed: {result.stderr.strip() or result.stdout}")

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def kill(self) -> None:
        """kill -9 of the postmaster (its backends notice and exit)."""
        os.kill(self.postmaster(), signal.SIGKILL)

    def stop(self) -> None:
        subprocess.run(self._as_owner(str(_bin() / "pg_ctl"), "-D", str(self.data), "-m",
                                      "immediate", "-w", "stop"),
                       capture_output=True, timeout=60, check=False)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="psephos-reliability-pg-"))
    cluster = Cluster(folder)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


