"""Keep benchmarks/cvr_readers.py runnable: every format written and counted at a few hundred
ballots, every count electing the same winner. Nothing is timed against a limit."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "benchmarks"


@pytest.mark.slow
def test_every_format_is_written_and_counted_alike(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("cvr_readers", BENCHMARKS / "cvr_readers.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.main(["--ballots", "300", "--runs", "2", "--out", str(tmp_path)]) == 0
    finally:
        sys.path.remove(str(BENCHMARKS))
    rows = [line.split("|") for line in capsys.readouterr().out.splitlines()[2:]]
    assert [row[1].strip() for row in rows] == list(module.FORMATS)
    assert {row[5].strip() for row in rows} == {rows[0][5].strip()}  # one winner everywhere
    assert all(row[2].strip() == "300" for row in rows)
