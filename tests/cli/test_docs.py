"""Every command is documented in docs/cli.md and answers --help (as sqlite-utils does)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from psephos.cli.main import app

DOC = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
COMMANDS = [c.name or "" for c in app.registered_commands]


def test_there_are_commands() -> None:
    assert "count" in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_documented(command: str) -> None:
    assert f"## psephos {command}\n" in DOC


@pytest.mark.parametrize("command", COMMANDS)
def test_command_options_are_documented(command: str) -> None:
    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    for param in click_command.params:
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert re.search(rf"`{re.escape(opt)}[`,]", DOC), f"{opt} is not documented"


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
