"""`psephos count` end to end through the real command (CliRunner and a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from psephos.cli.main import app

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "example-ward.blt"
runner = CliRunner()


def test_json_has_the_documented_fields(scotland_stv: Path) -> None:
    ward = scotland_stv / "blt_files" / "8_cands" / "north_lanarkshire_2017_ward11.blt"
    result = runner.invoke(app, ["count", str(ward), "--method", "stv-scotland", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["method"] == "stv-scotland"
    assert data["seats"] == 4
    assert data["quota"] == "930.00000"
    assert data["elected"] == ["Tracy CARRAGHER (SNP)", "Tom CASTLES (Lab)",
                               "Fergus MACGREGOR (SNP)", "Gordon ENCINIAS (Lab)"]
    assert data["stages"][0]["number"] == 1
    assert data["stages"][5]["tallies"]["James BROOKS (IANL)"] == "517.13156"
    assert [s["action"] for s in data["stages"]][:3] == ["first", "surplus", "surplus"]


def test_default_method_for_several_seats_is_scottish_stv() -> None:
    result = runner.invoke(app, ["count", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["method"] == "stv-scotland"


def test_table_output_names_the_elected() -> None:
    result = runner.invoke(app, ["count", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "ANDERSON" in result.stdout


def test_csv_output() -> None:
    result = runner.invoke(app, ["count", str(EXAMPLE), "--csv"])
    assert result.exit_code == 0, result.output
    assert "Morag ANDERSON (SNP)" in result.stdout


def test_bad_file_exits_2_with_line_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.blt"
    bad.write_text("3 1\n5 1 2 0\n2 1 7 0\n0\n\"A\"\n\"B\"\n\"C\"\n", encoding="utf-8")
    chart = tmp_path / "chart.png"
    done = subprocess.run(
        [sys.executable, "-m", "psephos", "count", str(bad), "--chart", str(chart)],
        capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert f"{bad}:3: preference: candidate 7 is not between 1 and 3" in done.stderr
    assert "Traceback" not in done.stderr
    assert not chart.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["count", str(tmp_path / "nope.blt")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_unknown_method_exits_2() -> None:
    result = runner.invoke(app, ["count", str(EXAMPLE), "--method", "borda"])
    assert result.exit_code == 2
    assert "unknown method 'borda'" in result.output


def test_chart_written_whole(tmp_path: Path) -> None:
    chart = tmp_path / "transfers.svg"
    result = runner.invoke(app, ["count", str(EXAMPLE), "--chart", str(chart), "--json"])
    assert result.exit_code == 0, result.output
    assert chart.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert [p.name for p in tmp_path.iterdir()] == ["transfers.svg"]
