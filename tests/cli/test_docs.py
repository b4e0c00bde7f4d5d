"""Every command (and every command of a group, such as `psephos data get`) is documented in
docs/cli.md and answers --help with an example (as sqlite-utils does)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from psephos.cli.main import app

DOC = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Command paths under ``group``, through click's own listing (which loads lazy groups)."""
    found: list[tuple[str, ...]] = []
    for name in sorted(group.list_commands(None)):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


ROOT: Any = typer.main.get_command(app)
COMMANDS = _commands(ROOT)


def _click(path: tuple[str, ...]) -> Any:
    command = ROOT
    for name in path:
        command = command.get_command(None, name)
    return command


def test_there_are_commands() -> None:
    assert {("count",), ("results",), ("data", "get")} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_command_is_documented(path: tuple[str, ...]) -> None:
    assert f"## psephos {' '.join(path)}\n" in DOC


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_command_options_are_documented(path: tuple[str, ...]) -> None:
    for param in _click(path).params:
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert re.search(rf"`{re.escape(opt)}[`,]", DOC), f"{opt} is not documented"


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_user_docs_name_no_machine_paths() -> None:
    """README, BENCHMARKS.md, RELIABILITY.md and docs/ give commands as a user runs them
    from the repository root: no absolute paths of the machine they were written on (issue
    #9 found `cd /work/main && ...` and `/tmp/bench/...` in BENCHMARKS.md)."""
    root = Path(__file__).resolve().parents[2]
    pages = [root / "README.md", root / "BENCHMARKS.md", root / "RELIABILITY.md",
             *sorted((root / "docs").glob("*.md"))]
    found = [f"{page.name}:{number}: {line.strip()}"
             for page in pages
             for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"(?<![\w.])/(?:work|tmp|root|home)/", line)]
    assert found == []
