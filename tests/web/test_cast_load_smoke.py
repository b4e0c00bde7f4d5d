"""Keep benchmarks/cast_load.py runnable: a tiny run on SQLite, nothing timed against a limit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "cast_load.py"


def test_tiny_run_casts_every_ballot_once() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--sqlite-only", "--voters", "60", "--rate", "50",
         "--rate-casts", "20", "--clients", "8", "--warmup", "5", "--workers", "1",
         "--max-seconds", "60"],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "| SQLite (1 worker, memory cache), flat out | 60 |" in result.stdout
    assert "| SQLite (1 worker, memory cache), at 50/s | 20 |" in result.stdout
    assert "| none | yes |" in result.stdout
    # the paced run's 20 casts are due within its first 0.4 s: one window holds them all
    assert "p99 ms by 5 s window (casts due in it): 0s " in result.stdout
    assert " (20)" in result.stdout.split("by 5 s window")[1]
