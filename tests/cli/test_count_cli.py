"""`psephos count` end to end through the real command (CliRunner and a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
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


# --- regressions of issue 9 ----------------------------------------------------------------

TIED_BLT = ('4 2\n5 1 0\n5 2 0\n5 3 0\n9 4 0\n0\n"Smith, John"\n"Jones"\n"Brown"\n"Green"\n'
            '"tie"\n')


def _tied(tmp_path: Path) -> Path:
    path = tmp_path / "tied.blt"
    path.write_text(TIED_BLT, encoding="utf-8")
    return path


def _plurality(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "psephos", "count", str(_tied(tmp_path)), "--method",
         "plurality", "--seats", "2", "--json", *args],
        capture_output=True, text=True, check=False)


def test_lot_order_repeated_takes_names_with_commas(tmp_path: Path) -> None:
    done = _plurality(tmp_path, "--lot-order", "Smith, John", "--lot-order", "Brown",
                      "--lot-order", "Jones")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["elected"] == ["Green", "Smith, John"]
    assert data["lots"][0]["how"] == "declared order"


def test_lot_order_file_one_name_a_line(tmp_path: Path) -> None:
    order = tmp_path / "order.txt"
    order.write_text("Jones\n\nSmith, John\nBrown\n", encoding="utf-8")
    done = _plurality(tmp_path, "--lot-order-file", str(order))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["elected"] == ["Green", "Jones"]


def test_lot_order_single_value_split_at_commas(tmp_path: Path) -> None:
    done = _plurality(tmp_path, "--lot-order", "Brown, Jones,Smith, John")
    assert done.returncode == 2
    assert "'Smith' is not a candidate; did you mean 'Smith, John'?" in done.stderr
    done = _plurality(tmp_path, "--lot-order", "Brown,Jones")
    assert done.returncode == 2
    assert "needs a lot" in done.stderr


def test_lot_order_missing_a_tied_candidate_names_them_all(tmp_path: Path) -> None:
    """Reported: a lot order naming fewer than the tied raised a traceback."""
    done = _plurality(tmp_path, "--lot-order", "Jones")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "between Smith, John; Jones; Brown" in done.stderr
    assert "does not name Smith, John; Brown" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(("args", "message"), [
    (["--lot-order", "Nobody"], "'Nobody' is not a candidate"),
    (["--lot-order", "Jones,,Brown"], "item 2 is empty"),
    (["--lot-order", "Jones", "--lot-order", " "], "item 2 is empty"),
    (["--lot-order", "Jones", "--lot-order-file", "order.txt"], "not both"),
    (["--lot-order-file", "absent.txt"], "absent.txt: no such file"),
    (["--lot-order-file", "pipe"], "pipe: this is a named pipe, not a regular file"),
    (["--lot-order-file", "."], ".: this is a folder"),
])
def test_bad_lot_orders_exit_2_without_traceback(tmp_path: Path, args: list[str],
                                                 message: str) -> None:
    """A lot-order file that is a pipe is refused before it is opened (before: blocked)."""
    import os

    os.mkfifo(tmp_path / "pipe")
    args = [str(tmp_path / a) if a in ("pipe", ".") else a for a in args]
    message = message.replace("pipe:", f"{tmp_path / 'pipe'}:").replace(".:", f"{tmp_path}:", 1)
    done = _plurality(tmp_path, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_meek_split_is_an_option(tmp_path: Path) -> None:
    """Reported: --method meek had no switch for the surplus split (Hill vs OpenSTV)."""
    runs = {split: runner.invoke(app, ["count", str(EXAMPLE), "--method", "meek", "--json",
                                       "--option", f"split={split}"])
            for split in ("hill", "openstv")}
    for split, result in runs.items():
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["options"]["split"] == split
    assert runs["hill"].stdout != runs["openstv"].stdout
    result = runner.invoke(app, ["count", str(EXAMPLE), "-m", "meek", "-o", "surplus-limit=0.0001",
                                 "-o", "places=6", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["options"]["surplus_limit"] == "0.000100"


@pytest.mark.parametrize(("args", "message"), [
    (["-m", "meek", "-o", "split=newland"], "split='newland': expected hill|schedule-1a|openstv"),
    (["-m", "meek", "-o", "splitting=hill"], "meek takes KEY=VALUE with KEY one of: places="),
    (["-m", "stv-scotland", "-o", "places=4"], "stv-scotland takes no options"),
    (["-m", "wigm", "-o", "places=four"], "expected a whole number"),
    # Reported: seats >= candidates elected everyone silently; --seats 0 elected nobody.
    (["--method", "dhondt", "--seats", "0"], "seats must be at least 1, not 0"),
    (["--method", "sainte-lague", "--seats", "0"], "seats must be at least 1, not 0"),
    (["--method", "stv-scotland", "--seats", "9"], "9 seats but only 7 candidates standing"),
    (["--method", "wigm", "--seats", "9"], "9 seats but only 7 candidates standing"),
    (["--method", "meek", "--seats", "9"], "9 seats but only 7 candidates standing"),
])
def test_rule_options_and_seats_that_do_not_fit_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["count", str(EXAMPLE), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_every_rule_option_is_in_the_registry_the_help_and_the_readme() -> None:
    from psephos.rules.registry import RULES, settable_options

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    result = runner.invoke(app, ["count", "--help"], env={"COLUMNS": "400"})
    help_text = " ".join(result.stdout.split())
    for method, entry in RULES.items():
        assert entry.options == tuple(settable_options(method)), method
        if entry.options:
            assert f"{method}: {', '.join(entry.options)}" in help_text, method
        for key in entry.options:
            assert f"| `{method}` | `{key}` |" in readme, (method, key)


def test_the_overflow_reproducer_elects_a_and_b(tmp_path: Path) -> None:
    """Reported: weights 3e9 and 1e9 elected C with a negative transfer value, exit 0."""
    blt = tmp_path / "big.blt"
    blt.write_text('3 2\n3000000000 1 2 0\n1000000000 3 0\n0\n"A"\n"B"\n"C"\n"big"\n',
                   encoding="utf-8")
    result = runner.invoke(app, ["count", str(blt), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["elected"] == ["A", "B"]
    assert data["stages"][1]["transfer_value"] == "0.55555"


def _count_to(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "psephos", "count", str(EXAMPLE), *args],
                          capture_output=True, text=True, check=False, cwd=tmp_path)


@pytest.mark.parametrize("option", ["--chart", "--rctab-summary"])
def test_output_folder_is_refused_before_counting(tmp_path: Path, option: str) -> None:
    """Reported: a folder gave a traceback (IsADirectoryError)."""
    folder = tmp_path / ("out.svg" if option == "--chart" else "out.json")
    folder.mkdir()
    done = _count_to(tmp_path, option, str(folder))
    assert done.returncode == 2
    assert f"{folder}: is a folder; give a file name" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert folder.is_dir() and not any(folder.iterdir())
    # Checked before anything is read or counted: the output is named, not the ballots.
    done = subprocess.run([sys.executable, "-m", "psephos", "count", "absent.blt", option,
                           str(folder)], capture_output=True, text=True, check=False,
                          cwd=tmp_path)
    assert done.returncode == 2
    assert "is a folder" in done.stderr and "absent.blt" not in done.stderr


@pytest.mark.parametrize("option", ["--chart", "--rctab-summary"])
def test_output_device_and_link_are_not_replaced(tmp_path: Path, option: str) -> None:
    """Reported: --chart /dev/full replaced the device node."""
    suffix = ".svg" if option == "--chart" else ".json"
    device = tmp_path / f"full{suffix}"
    device.symlink_to("/dev/full")  # a link to a device: refused as a link
    done = _count_to(tmp_path, option, str(device))
    assert done.returncode == 2
    assert "is a symbolic link" in done.stderr
    assert device.is_symlink()
    if option == "--rctab-summary":
        done = _count_to(tmp_path, option, "/dev/full")
        assert done.returncode == 2
        assert "/dev/full: is not a regular file" in done.stderr
        assert Path("/dev/full").is_char_device()


@pytest.mark.parametrize("option", ["--chart", "--rctab-summary"])
def test_output_in_a_missing_folder_is_refused(tmp_path: Path, option: str) -> None:
    target = tmp_path / "no" / ("chart.svg" if option == "--chart" else "summary.json")
    done = _count_to(tmp_path, option, str(target))
    assert done.returncode == 2
    assert "does not exist" in done.stderr
    assert done.stdout == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_output_in_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    done = _count_to(tmp_path, "--rctab-summary", str(folder / "summary.json"))
    assert done.returncode == 2
    assert "cannot be written to" in done.stderr


@pytest.mark.parametrize("target", ["/proc/summary.json", "/proc/chart.svg"])
def test_output_where_no_file_can_be_made_exits_2(tmp_path: Path, target: str) -> None:
    """A folder that takes no new file (here /proc, whatever the user's rights) gives a
    clear error, not a traceback."""
    option = "--chart" if target.endswith(".svg") else "--rctab-summary"
    done = _count_to(tmp_path, option, target)
    assert done.returncode == 2
    assert f"{target}: cannot be written" in done.stderr
    assert "Traceback" not in done.stderr


def test_rctab_summary_to_standard_output(tmp_path: Path) -> None:
    done = _count_to(tmp_path, "--rctab-summary", "-")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert "results" in summary
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "message"), [
    (["--rctab-summary", "-", "--json"], "cannot share it with --json or --csv"),
    (["--chart", "-"], "a picture is not written to standard output"),
    (["--chart", "chart.pdf"], "must end in .png or .svg"),
])
def test_output_clashes_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    done = _count_to(tmp_path, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_formats_named_in_help_are_the_readers() -> None:
    from psephos.ballots.readers import READERS
    from psephos.cli.count import FORMATS

    assert sorted(FORMATS) == sorted(READERS)


def test_count_module_imports_nothing_heavy() -> None:
    """`psephos --version` must not pay for numpy, rich, the readers, rules or reports."""
    code = ("import sys, psephos.cli.count; print(sorted(m for m in sys.modules if "
            "m.split('.')[0] in ('numpy', 'rich', 'matplotlib') or m.startswith("
            "('psephos.ballots', 'psephos.reports', 'psephos.rules.stv', 'psephos.rules.meek'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


# --- regressions of issue 9, from an outside tester's second round -------------------------

#: B and C tie for last at stage 2 (8 each); at stage 1 C had fewer, so r.51(2) excludes C.
LOOK_BACK_BLT = '4 1\n15 1 0\n8 2 0\n6 3 0\n2 4 3 0\n3 4 0\n0\n"A"\n"B"\n"C"\n"D"\n"t"\n'


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_scottish_tie_settled_by_an_earlier_stage_is_recorded(tmp_path: Path) -> None:
    """Reported: stv-scotland recorded nothing when r.51(2)'s look back decided a tie."""
    ward = _file(tmp_path, "e.blt", LOOK_BACK_BLT)
    result = runner.invoke(app, ["count", str(ward), "-m", "stv-scotland", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["excluded"][:2] == ["D", "C"]
    assert data["lots"] == [{"stage": 2, "tied": ["B", "C"], "chosen": "C",
                             "purpose": "exclusion (rule 51)", "how": "earlier stage 1"}]
    table = runner.invoke(app, ["count", str(ward), "-m", "stv-scotland"],
                          env={"COLUMNS": "200"})
    assert "Stage 2: C chosen by earlier stage 1 (exclusion (rule 51))." in " ".join(
        table.stdout.split())


@pytest.mark.parametrize(("method", "places"), [("wigm", 25), ("meek", 18), ("meek", 40),
                                                 ("wigm", 4000)])
def test_long_precisions_count_exactly(method: str, places: int) -> None:
    """Reported: -o places=25 gave a decimal.InvalidOperation traceback (the views rounded
    through a 28-digit context). Droop's reference counts use Meek at 18 places."""
    result = runner.invoke(app, ["count", str(EXAMPLE), "-m", method, "-o", f"places={places}",
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["precision"] == places
    quota = data["quota"]
    assert len(quota.partition(".")[2]) == places
    if method == "wigm":  # Droop quota: 4321 valid / 4 to `places` decimals, plus one unit
        assert quota == "1080.25" + "0" * (places - 3) + "1"
    table = runner.invoke(app, ["count", str(EXAMPLE), "-m", method, "-o", f"places={places}",
                                "--csv"])
    assert table.exit_code == 0, table.output
    assert runner.invoke(app, ["count", str(EXAMPLE), "-m", method, "-o",
                               f"places={places}"]).exit_code == 0


@pytest.mark.parametrize(("option", "expected"), [
    ("places=4001", "from 0 to 4000"),
    ("places=4400", "from 0 to 4000"),
    ("places=-1", "from 0 to 4000"),
    ("places=" + "9" * 5000, "expected a whole number"),  # past what int() reads
    ("places=\u00b2", "expected a whole number"),  # a digit to isdigit(), not to int()
])
@pytest.mark.parametrize("method", ["wigm", "meek"])
def test_places_out_of_range_exit_2_naming_the_range(method: str, option: str,
                                                     expected: str) -> None:
    """Reported: places=4400 leaked Python's int-digits limit; negatives had no range."""
    done = subprocess.run([sys.executable, "-m", "psephos", "count", str(EXAMPLE), "-m", method,
                           "-o", option], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("psephos: option places=")
    assert expected in done.stderr


def test_a_long_surplus_limit_is_read_to_its_last_digit() -> None:
    """A limit of 31 digits was rounded to 28 on its way into units."""
    limit = "0.1234567890123456789012345678901"
    result = runner.invoke(app, ["count", str(EXAMPLE), "-m", "meek", "-o", "places=40",
                                 "-o", f"surplus_limit={limit}", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["options"]["surplus_limit"] == limit + "0" * 9


@pytest.mark.parametrize(("limit", "expected"), [
    ("1E4400", "expected a positive number of votes, at most 10,000,000,000,000"),
    ("1E+999999999", "expected a positive number of votes, at most 10,000,000,000,000"),
    ("0", "expected a positive number of votes"),
    ("1E-10", "expected a multiple of 10**-9 (places=9)"),
])
def test_a_surplus_limit_out_of_range_exits_2(limit: str, expected: str) -> None:
    """1E4400 leaked Python's int-digits limit; 1E+999999999 ran for ever building 10**10**9."""
    done = subprocess.run([sys.executable, "-m", "psephos", "count", str(EXAMPLE), "-m", "meek",
                           "-o", f"surplus_limit={limit}"], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("psephos: option surplus_limit=")
    assert expected in done.stderr


UNCONTESTED_BLT = '4 3\n-4\n4 1 2 0\n3 2 0\n2 3 1 0\n1 4 0\n0\n"A"\n"B"\n"C"\n"D"\n"t"\n'


@pytest.mark.parametrize(("method", "rule"), [
    ("stv-scotland", "SSI 2007/42 Sch. 1 r.12"),
    ("wigm", "Reference WIGM Rule D.3"),
    ("meek", "Reference Meek Rule B.1/C"),
    ("plurality", "RPA 1983 Sch. 1 r.50(2)"),
])
def test_as_many_seats_as_candidates_standing_says_uncontested(tmp_path: Path, method: str,
                                                               rule: str) -> None:
    """Reported: 3 seats for 3 candidates standing (D withdrawn) elected them with no word."""
    ward = _file(tmp_path, "u.blt", UNCONTESTED_BLT)
    result = runner.invoke(app, ["count", str(ward), "-m", method, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(data["elected"]) == ["A", "B", "C"]
    note = f"uncontested: 3 candidates for 3 seats, all elected ({rule})"
    assert data["stages"][-1]["note"] == note
    assert len(data["stages"]) == 1
    table = runner.invoke(app, ["count", str(ward), "-m", method], env={"COLUMNS": "300"})
    assert f"Stage 1: {note}." in " ".join(table.stdout.split())


def test_a_single_candidate_for_mayor_is_elected_uncontested(tmp_path: Path) -> None:
    ward = _file(tmp_path, "mayor.blt", '1 1\n4 1 0\n0\n"A"\n"t"\n')
    result = runner.invoke(app, ["count", str(ward), "-m", "sv", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stages"][0]["note"] == (
        "first-preference votes; uncontested: 1 candidate for 1 seat, elected "
        "(SI 2007/3541 Sch. 3 r.57(3))")


def test_a_contested_count_has_no_uncontested_note() -> None:
    result = runner.invoke(app, ["count", str(EXAMPLE), "--json"])
    assert "uncontested" not in result.stdout


def test_lot_order_in_decomposed_unicode_finds_the_composed_name(tmp_path: Path) -> None:
    """Reported: --lot-order $'De\\u0301' was "not a candidate" for a candidate "Dé"."""
    ward = _file(tmp_path, "de.blt", '3 1\n3 1 0\n3 2 0\n3 3 0\n0\n"Dé"\n"B"\n"C"\n"t"\n')
    result = runner.invoke(app, ["count", str(ward), "-m", "plurality", "--lot-order",
                                 "De\u0301", "--lot-order", "C", "--lot-order", "B", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["elected"] == ["Dé"]
    assert data["options"]["lot_order"] == ["Dé", "C", "B"]  # the candidate's own spelling
    assert data["lots"][0]["chosen"] == "Dé"
    split = runner.invoke(app, ["count", str(ward), "-m", "plurality", "--lot-order",
                                "C,De\u0301,B", "--json"])
    assert split.exit_code == 0, split.output
    assert json.loads(split.stdout)["options"]["lot_order"] == ["C", "Dé", "B"]


def test_seat_errors_name_the_ballot_file_and_count_in_good_english(tmp_path: Path) -> None:
    """Reported: "only 1 candidates standing", and no file name on the message."""
    ward = _file(tmp_path, "ward.blt", '3 1\n-2 -3\n4 1 0\n0\n"A"\n"B"\n"C"\n"t"\n')
    done = subprocess.run([sys.executable, "-m", "psephos", "count", str(ward), "-m", "wigm",
                           "--seats", "2"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr == (f"psephos: {ward}: 2 seats but only 1 candidate standing "
                           "(2 withdrawn)\n")
    option = runner.invoke(app, ["count", str(ward), "-m", "wigm", "-o", "places=-1"])
    assert option.exit_code == 2
    assert "psephos: option places=-1" in option.output  # an option's error is not the file's


@pytest.mark.parametrize("threshold", ["abc", "1/0", "2"])
def test_a_bad_threshold_exits_2(threshold: str) -> None:
    """``-o threshold=abc`` raised a ValueError traceback, ``1/0`` a ZeroDivisionError."""
    done = subprocess.run([sys.executable, "-m", "psephos", "count", str(EXAMPLE), "-m", "dhondt",
                           "-o", f"threshold={threshold}"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2
    assert done.stderr == (f"psephos: option threshold={threshold}: expected a share of the "
                           "votes in [0, 1), e.g. 0.05 or 1/20\n")
