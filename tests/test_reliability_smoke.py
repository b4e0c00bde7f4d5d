"""`make reliability`'s harness still runs: one small check on SQLite, its table and file.

The harness (reliability/) drives the real server from outside, so a change to the
contest services or the server's start-up can break it without any other test noticing;
this runs its cheapest check (the linkage attack, a few seconds) end to end. Whether the
goal is met is the harness's figure, not this test's.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_reliability_harness_runs_and_writes_its_file(tmp_path: Path) -> None:
    out = tmp_path / "RELIABILITY.md"
    env = {k: v for k, v in os.environ.items() if k != "PSEPHOS_TEST_DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "reliability" / "run.py"), "--quick", "--only", "linkage",
         "--sqlite-only", "--out", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| linkage attack, roll order | SQLite |" in result.stdout
    assert "could not run" not in result.stdout
    text = out.read_text(encoding="utf-8")
    assert "| check | database | goal | measured | met |" in text
    assert not re.search(r"(?<![\w.])/(?:work|tmp|root|home)/", text)
