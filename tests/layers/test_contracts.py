"""The layer contracts of ../shared/DESIGN.md (import-linter, configured in pyproject.toml)
hold for the tree, and break when a module imports upwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(source: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter with the project's contracts over the ``psephos`` package in ``source``."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    return subprocess.run([str(LINT), "--no-cache", str(ROOT / "pyproject.toml")],
                          capture_output=True, text=True, env=env, cwd=source, check=False)


def copy_of_tree(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "psephos", source / "psephos",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return source


def test_contracts_hold() -> None:
    done = lint(ROOT / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(("module", "imported", "contract"), [
    ("rules/upward.py", "psephos.cli.output", "Layers"),
    ("ballots/upward.py", "psephos.rules.registry", "Layers"),
    ("exact.py", "psephos.ballots.profile", "Layers"),
    ("contests/upward.py", "psephos.web.settings", "Layers"),
    ("uk/upward.py", "psephos.model", "Layers"),
    ("model/upward.py", "psephos.contests.models", "Layers"),
    ("rules/framework.py", "rich.console", "Counting core"),
    ("verify/upward.py", "psephos.contests.counting", "The verifier"),
    ("verify/upward.py", "django.db", "The verifier"),
])
def test_an_upward_import_breaks_a_contract(tmp_path: Path, module: str, imported: str,
                                            contract: str) -> None:
    source = copy_of_tree(tmp_path)
    with (source / "psephos" / module).open("a", encoding="utf-8") as upward:
        upward.write(f"\nimport {imported}\n")
    done = lint(source)
    assert done.returncode != 0
    broken = [line for line in done.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), done.stdout
    assert f"psephos.{module[:-3].replace('/', '.')} -> " in done.stdout
