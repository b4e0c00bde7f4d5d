"""`psephos pact` end to end on the real results (read from the data mirror)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()
PROGRESSIVE = "lab,ld,snp,pc,green"


@pytest.fixture(scope="module")
def mirror(uk_data: Path) -> list[str]:
    return ["--mirror", str(uk_data / "raw")]


def pact(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["pact", *args])
    return result.exit_code, result.output


def test_json_has_seats_flips_intervals_and_chances(mirror: list[str]) -> None:
    code, out = pact("ge2019", "--alliance", PROGRESSIVE, "--draws", "300", "--seed", "5",
                     "--json", *mirror)
    assert code == 0, out
    data = json.loads(out)
    assert data["format"] == "psephos-pact/1"
    assert data["seats"]["con"] == 300 and data["seats_before"]["con"] == 365
    assert data["change"]["ld"] == 17
    assert len(data["flips"]) == 65
    assert {"constituency", "before", "after", "margin_before", "margin_after"} <= set(
        data["flips"][0])
    low, high = data["intervals"]["con"]
    assert low <= high
    assert len(data["win_probability"]) == 650
    assert sum(data["win_probability"]["E14000768"].values()) == pytest.approx(1.0, abs=1e-3)
    assert data["scenario"]["draws"] == 300 and data["draws"]["seed"] == 5


def test_scenario_file_and_flags_give_the_same_result(mirror: list[str]) -> None:
    code_file, by_file = pact("--scenario", str(EXAMPLES / "progressive-alliance-2017.toml"),
                              "--json", *mirror)
    code_flags, by_flags = pact("ge2017", "--alliance", PROGRESSIVE, "--stand-aside",
                                "best-placed", "--transfer", "1.0", "--scope", "gb", "--json",
                                *mirror)
    assert code_file == code_flags == 0
    assert json.loads(by_file) == json.loads(by_flags)
    assert json.loads(by_file)["seats"]["con"] == 256


def test_flags_override_the_file(mirror: list[str]) -> None:
    code, out = pact("--scenario", str(EXAMPLES / "progressive-alliance-2017.toml"),
                     "--transfer", "0.5", "--ranked-at", "ge2015", "--json", *mirror)
    assert code == 0, out
    data = json.loads(out)
    assert data["scenario"]["transfer"] == 0.5 and data["scenario"]["ranked_at"] == "ge2015"
    assert data["scenario"]["alliance"] == ["lab", "ld", "snp", "pc", "green"]


def test_table_explain_csv_and_charts(tmp_path: Path, mirror: list[str]) -> None:
    table = tmp_path / "seats.csv"
    png, svg = tmp_path / "pact.png", tmp_path / "pact.svg"
    code, out = pact("ge2015", "--alliance", "lab,green", "--stand-aside", "lab", "--explain",
                     "Brighton, Pavilion", "--csv", str(table), "--chart", str(png), *mirror)
    assert code == 0, out
    assert "12 seats change hands" in out and "Brighton, Pavilion" in out
    assert "stands down" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert len(rows) == 650
    pavilion = next(r for r in rows if r["constituency"] == "Brighton, Pavilion")
    assert (pavilion["before"], pavilion["after"], pavilion["flipped"]) == ("green", "lab",
                                                                            "True")
    code, out = pact("ge2015", "--alliance", "lab,green", "--chart", str(svg), "--draws", "50",
                     *mirror)
    assert code == 0, out
    assert "<svg" in svg.read_text(encoding="utf-8")[:500]


def test_poll_by_nation(mirror: list[str]) -> None:
    code, out = pact("ge2019", "--alliance", "lab,ld", "--swing", "uniform", "--swing-by",
                     "nation", "--poll", "con=0.40,lab=0.35", "--poll", "Scotland:snp=0.40",
                     "--explain", "Glasgow North East", "--json", *mirror)
    assert code == 0, out
    swing = json.loads(out)["explain"]["swing"]
    assert swing.startswith("uniform by nation: ") and "snp -5.0 pts" in swing


@pytest.mark.parametrize(("args", "message"), [
    (["ge2019", "--alliance", "lab,libdem"],
     "--alliance: 'libdem' is not a choice; choose one of con, lab, ld"),
    (["ge2019", "--alliance", "lab,ld", "--swing", "sideways"],
     "--swing: 'sideways' is not a choice; choose one of none, uniform, proportional"),
    (["ge2019", "--alliance", "lab,ld", "--swing", "uniform"],
     "--poll: a uniform swing needs poll shares"),
    (["ge2019", "--alliance", "lab,ld", "--poll", "con=lots"],
     "--poll: 'con=lots' is not party=share"),
    (["ge2019", "--alliance", "lab,ld", "--transfer", "2"], "--transfer: 2 is not between 0"),
    (["ge2019", "--alliance", "lab,ld", "--explain", "Nowhere"],
     "--explain: no constituency 'Nowhere' in ge2019"),
    (["ge2019", "--alliance", "lab,reform"], "--alliance: reform had no candidates"),
    (["ge2019", "--alliance", "lab,ld", "--scope", "europe"], "--scope: 'europe' is not"),
    (["ge2031", "--alliance", "lab,ld"], "unknown general election 'ge2031'"),
    (["ge2024", "--alliance", "lab,ld", "--ranked-at", "ge2019"],
     "--ranked-at: "),
    (["--alliance", "lab,ld"], "give an ELECTION"),
    # Each of these was silently ignored or accepted before:
    (["ge2019", "--alliance", "lab,ld", "--poll", "con=0.4"],
     "--swing: poll shares need a swing model to apply them: uniform or proportional"),
    (["ge2019", "--alliance", "lab,ld", "--seed", "3"],
     "--seed: only matters with draws: give --draws N"),
    (["ge2019", "--alliance", "lab,ld", "--seat-sd", "0.1"],
     "--seat-sd: only matters with draws"),
    (["ge2019", "--alliance", "lab,ld,lab"], "--alliance: lab is named twice"),
    (["ge2019", "--alliance", "lab,ld", "--swing", "uniform", "--poll", "con=0.4,con=0.3"],
     "--poll: con is given twice"),
    (["ge2019", "--alliance", "lab,ld", "--stand-aside", "listed"],
     "--stand-aside: the listed rule needs the seats to list: write them in a scenario "
     "file's [stand_aside.seats] table"),
    (["ge2019", "--alliance", "lab,ld", "--explain", "Brighton Pavillion"],
     "no constituency 'Brighton Pavillion' in ge2019 (did you mean 'Brighton, Pavilion'"),
])
def test_mistakes_exit_2_with_a_clear_message(args: list[str], message: str,
                                              mirror: list[str]) -> None:
    code, out = pact(*args, *mirror)
    assert code == 2, out
    assert message in out
    assert "Traceback" not in out


def test_bad_scenario_file_names_the_file_and_key(tmp_path: Path, mirror: list[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('election = "ge2019"\nalliance = ["lab", "ld"]\n[swing]\nmodle = 1\n',
                   encoding="utf-8")
    code, out = pact("--scenario", str(bad), *mirror)
    assert code == 2
    assert f"{bad}: swing.modle: unknown key; choose one of model, by, poll, area_polls" in out


def test_an_error_writes_nothing(tmp_path: Path, uk_data: Path) -> None:
    chart, table = tmp_path / "c.png", tmp_path / "t.csv"
    done = subprocess.run(
        [sys.executable, "-m", "psephos", "pact", "ge2019", "--alliance", "lab,xx", "--csv",
         str(table), "--chart", str(chart), "--mirror", str(uk_data / "raw")],
        capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("psephos: --alliance: 'xx' is not a choice")
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_explain_takes_names_as_people_type_them(mirror: list[str]) -> None:
    # Before: only the exact spelling ("Brighton, Pavilion", "Ynys Mon") was found.
    for name, found in (("brighton pavilion", "Brighton, Pavilion"), ("YNYS MÔN", "Ynys Mon")):
        code, out = pact("ge2019", "--alliance", "lab,ld", "--explain", name, "--json",
                         *mirror)
        assert code == 0, out
        assert json.loads(out)["explain"]["name"] == found


def test_explain_says_gain_and_out_of_scope(mirror: list[str]) -> None:
    code, out = pact("ge2019", "--alliance", "lab,ld", "--explain", "Bury North", *mirror)
    assert code == 0 and "(Lab gain from Con)" in out and "->" not in out
    code, out = pact("ge2019", "--alliance", "lab,ld", "--explain", "Chorley", *mirror)
    assert code == 0 and "Out of scope: the Speaker's seat" in out


def test_no_flips_prints_a_sentence_not_an_empty_table(mirror: list[str]) -> None:
    code, out = pact("ge2019", "--alliance", "snp,pc", *mirror)
    assert code == 0, out
    assert "No seat changes hands." in out and "constituency" not in out


def test_csv_dash_is_standard_output(mirror: list[str]) -> None:
    code, out = pact("ge2019", "--alliance", "lab,ld", "--csv", "-", *mirror)
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 650 and rows[0]["id"]


@pytest.mark.parametrize("target", ["folder", "device", "symlink", "unwritable"])
@pytest.mark.parametrize("option", ["--csv", "--chart"])
def test_bad_output_targets_are_refused_before_any_work(
        tmp_path: Path, uk_data: Path, option: str, target: str) -> None:
    # Before: a folder or an unwritable folder gave a traceback after the whole run, and a
    # device or symlink was replaced.
    suffix = ".png" if option == "--chart" else ".csv"
    if target == "folder":
        path = tmp_path / f"out{suffix}"
        path.mkdir()
    elif target == "device":
        if option == "--chart":
            pytest.skip("a chart path must end in .png or .svg; no device does")
        path = Path("/dev/null")
    elif target == "symlink":
        path = tmp_path / f"link{suffix}"
        (tmp_path / "real").write_text("kept", encoding="utf-8")
        path.symlink_to(tmp_path / "real")
    else:
        if os.geteuid() == 0:
            pytest.skip("root can write anywhere")
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        path = locked / f"out{suffix}"
    done = subprocess.run(
        [sys.executable, "-m", "psephos", "pact", "ge2019", "--alliance", "lab,ld", option,
         str(path), "--draws", "100000", "--mirror", str(uk_data / "raw")],
        capture_output=True, text=True, check=False, timeout=20)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"psephos: {path}") and "Traceback" not in done.stderr
    assert path.is_char_device() or path.is_dir() or not path.exists() or (
        path.is_symlink() and (tmp_path / "real").read_text(encoding="utf-8") == "kept")


def test_draws_turned_off_on_the_command_line_keep_the_files_seed_quiet(
        mirror: list[str]) -> None:
    code, out = pact("--scenario", str(EXAMPLES / "united-left-2019-poll.toml"), "--draws", "0",
                     "--json", *mirror)
    assert code == 0, out
    assert "draws" not in json.loads(out)
