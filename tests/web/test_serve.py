"""`psephos serve` refuses bad options in one line with exit status 2, before serving."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app
from tests.web.live import free_port


@pytest.fixture(autouse=True)
def _keep_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """serve sets these for its workers; put them back afterwards."""
    for name in ("PSEPHOS_DATABASE_URL", "PSEPHOS_ALLOWED_HOSTS", "PSEPHOS_PUBLIC_URL"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def _serve(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["serve", *args])
    return result.exit_code, result.output


def test_bad_port_and_workers() -> None:
    assert _serve("--port", "0") == (2, "psephos: --port must be between 1 and 65535, not 0\n")
    code, output = _serve("--workers", "0", "--port", str(free_port()))
    assert (code, output) == (2, "psephos: --workers must be at least 1, not 0\n")


def test_port_in_use() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, output = _serve("--port", str(port))
    assert code == 2
    assert output.startswith(f"psephos: cannot listen on 127.0.0.1:{port}: ")
    assert output.count("\n") == 1


def test_bad_database_url() -> None:
    code, output = _serve("--port", str(free_port()), "--database", "mysql://x@y/z")
    assert code == 2
    assert output.startswith("psephos: database URL 'mysql://x@y/z': ")
    assert output.count("\n") == 1
