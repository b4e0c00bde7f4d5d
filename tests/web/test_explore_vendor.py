"""The vendored front-end modules (the explorer's chart library, the ballot page's crypto):
rebuilt from the committed lock file each is the committed file, byte for byte; and what the
explorer ships stays small and CSP-safe."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

FRONTEND = REPO / "frontend"
STATIC = REPO / "src" / "psephos" / "explore" / "static" / "explore"
VENDORED = STATIC / "vendor" / "charts.js"
BALLOT_CRYPTO = (REPO / "src" / "psephos" / "contests" / "static" / "contests" / "vendor"
                 / "ballot-crypto.js")
#: The most JavaScript and CSS (gzip-compressed, as served) the explorer's pages may load.
BUDGET = 500_000
#: What a strict CSP (no 'unsafe-eval') refuses to run.
EVAL = re.compile(r"\bnew Function\b|(?<![\w.$])eval\(")


def test_the_vendored_bundles_are_what_npm_ci_and_the_build_make(tmp_path: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("npm is missing: the vendored bundle cannot be checked")
        pytest.skip("npm is not on PATH")
    work = tmp_path / "frontend"
    work.mkdir()
    for name in ("package.json", "package-lock.json", "build.mjs"):
        shutil.copy2(FRONTEND / name, work / name)
    shutil.copytree(FRONTEND / "src", work / "src")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"], cwd=work,
                   check=True, capture_output=True, timeout=300)
    built, built_crypto = tmp_path / "charts.js", tmp_path / "ballot-crypto.js"
    subprocess.run(["node", "build.mjs", str(built), str(built_crypto)], cwd=work, check=True,
                   capture_output=True, timeout=120)
    assert built.read_bytes() == VENDORED.read_bytes(), "run `make vendor` and commit the file"
    assert built_crypto.read_bytes() == BALLOT_CRYPTO.read_bytes(), (
        "run `make vendor` and commit the file")


def test_the_explorer_ships_at_most_500_kb_of_script_and_style_gzipped() -> None:
    files = sorted(p for p in STATIC.rglob("*") if p.suffix in (".js", ".css"))
    site = REPO / "src" / "psephos" / "contests" / "static" / "contests" / "site.css"
    sizes = {p.name: len(gzip.compress(p.read_bytes(), 9)) for p in [*files, site]}
    assert VENDORED.name in sizes
    total = sum(sizes.values())
    print(f"explorer JS+CSS gzipped: {total:,} bytes {sizes}")
    assert total <= BUDGET, sizes


def test_no_shipped_script_needs_eval() -> None:
    for path in [*STATIC.rglob("*.js"), BALLOT_CRYPTO]:
        assert EVAL.search(path.read_text(encoding="utf-8")) is None, path
