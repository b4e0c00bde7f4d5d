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
