"""Keep benchmarks/pact_draws.py runnable, at 200 draws (nothing is timed against a limit)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "pact_draws.py"


def test_benchmark_runs(uk_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("pact_draws", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.data_mirror() == uk_data / "raw"
    assert module.main(["--draws", "200", "--runs", "1", "--process"]) == 0
    out = capsys.readouterr().out
    assert "with 200 draws" in out and "con seats: central 300" in out
    assert "whole command:" in out
