"""Keep benchmarks/cvr_readers.py runnable: every format written and counted at a few hundred
ballots, every count electing the same winner. Nothing is timed against a limit.

RCTab itself runs beside psephos only when ``PSEPHOS_RCTAB_JAR`` names an RCTab jar (and
``PSEPHOS_RCTAB_JAVA`` a Java runtime new enough for it); without them that test is skipped.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "benchmarks"


@pytest.fixture
def cvr_readers() -> Iterator[ModuleType]:
    """benchmarks/cvr_readers.py loaded as a script is (not registered as a module)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("cvr_readers", BENCHMARKS / "cvr_readers.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.mark.slow
def test_every_format_is_written_and_counted_alike(tmp_path: Path, cvr_readers: ModuleType,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert cvr_readers.main(["--ballots", "300", "--runs", "2", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "RCTab" not in lines[0]  # no RCTab columns unless --rctab-jar is given
    rows = [line.split("|") for line in lines[2:]]
    assert [row[1].strip() for row in rows] == list(cvr_readers.FORMATS)
    assert {row[5].strip() for row in rows} == {rows[0][5].strip()}  # one winner everywhere
    assert all(row[2].strip() == "300" for row in rows)


def test_rctab_winner_is_read_from_rctab_report(tmp_path: Path, cvr_readers: ModuleType,
                                                rctab_data: Path) -> None:
    """RCTab's winner comes from the detailed report it writes (here its own test case's);
    an output folder with no report is a failure, never a winner."""
    results = tmp_path / "output" / "2026-01-01_00-00 Results"
    results.mkdir(parents=True)
    report = rctab_data / "generic_csv_test" / "generic_csv_test_expected_detailed_report.json"
    (results / "2026-01-01_00-00_detailed_report.json").write_bytes(report.read_bytes())
    assert cvr_readers.rctab_winner(tmp_path / "output") == "Cucumber"
    with pytest.raises(cvr_readers.RctabFailed):
        cvr_readers.rctab_winner(tmp_path / "nothing")


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("PSEPHOS_RCTAB_JAR"),
                    reason="set PSEPHOS_RCTAB_JAR (and PSEPHOS_RCTAB_JAVA) to run RCTab")
def test_rctab_counts_the_same_files_alike(tmp_path: Path, cvr_readers: ModuleType,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """With an RCTab jar, RCTab counts the same generic CSV and elects the same candidate."""
    arguments = ["--ballots", "300", "--runs", "1", "--formats", "generic", "--out",
                 str(tmp_path), "--rctab-jar", os.environ["PSEPHOS_RCTAB_JAR"],
                 "--java", os.environ.get("PSEPHOS_RCTAB_JAVA", "java")]
    assert cvr_readers.main(arguments) == 0  # 1 if the winners differ
    lines = capsys.readouterr().out.splitlines()
    assert "RCTab / psephos" in lines[0]
    generic = [cell.strip() for cell in lines[3].split("|")]
    assert generic[1] == "generic"
    assert float(generic[6]) > 0 and float(generic[7]) > 0
    assert generic[8] == generic[5]
