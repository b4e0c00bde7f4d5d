"""Start-up: the command line imports only what the subcommand it runs needs.

`psephos --version` must not import numpy, rich, Django or any counting, data or model
module; `psephos count` must not import Django, matplotlib, the official-results or pact
packages. Each check runs a fresh interpreter and lists the modules it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example-ward.blt"

PROBE = """
import json, sys
from psephos.cli.main import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_modules(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          check=True)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in roots or m.startswith(roots))


def test_version_imports_no_subcommand() -> None:
    modules = loaded_modules("--version")
    assert heavy(modules, ("numpy", "rich", "django", "matplotlib", "psephos.rules",
                           "psephos.ballots", "psephos.uk", "psephos.model",
                           "psephos.contests", "psephos.cli.count", "psephos.cli.contest",
                           "ssl", "email")) == []


@pytest.mark.parametrize("command", [
    ["count", str(EXAMPLE)],
    ["count", str(EXAMPLE), "--json"],
])
def test_count_imports_no_other_door(command: list[str]) -> None:
    modules = loaded_modules(*command)
    assert "psephos.rules.stv_scotland" in modules
    assert heavy(modules, ("django", "matplotlib", "psephos.uk", "psephos.model",
                           "psephos.contests", "psephos.web", "ssl", "urllib.request",
                           "psephos.cli.contest", "psephos.cli.pact")) == []


def test_subcommands_offer_no_shell_completion_options() -> None:
    """A subcommand loaded on demand is built as a group of its own; it must not grow the
    root's ``--install-completion`` options (the root has none either)."""
    from typer.testing import CliRunner

    from psephos.cli.main import SUBCOMMANDS, app

    for name in SUBCOMMANDS:
        shown = CliRunner().invoke(app, [name, "--help"]).output
        assert "--install-completion" not in shown, name


@pytest.mark.parametrize("command", [["--version"], ["count", str(EXAMPLE), "--json"],
                                     ["count", str(EXAMPLE), "--csv"], ["count", str(EXAMPLE)]])
def test_a_full_standard_output_is_one_line_and_exit_2(command: list[str]) -> None:
    """Standard output on a full device: one line on stderr, exit 2 (before: OSError
    traceback, exit 1)."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "psephos", *command], stdout=full,
                              stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr == "psephos: cannot write the output: No space left on device\n"


def test_a_reader_that_stops_reading_ends_the_command_quietly() -> None:
    """``psephos ... | head``: the reader has gone, so the command stops quietly with status 1
    (click's convention for a broken pipe), no traceback."""
    process = subprocess.Popen([sys.executable, "-m", "psephos", "count", str(EXAMPLE),
                                "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # nobody reads: the first write finds a broken pipe
    errors = process.stderr.read()
    assert process.wait(timeout=60) == 1
    assert errors == b""
