"""`psephos data get/list ge2019-notional`, `psephos results ge2019-notional` and
`psephos results ge2024 --against ge2019-notional` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app
from psephos.uk import count_general_election, load_general_election
from psephos.uk.compare import compare_general_elections

runner = CliRunner()
#: Rallings & Thrasher's notional winners (their Win19 column; data README).
NOTIONAL_SEATS = {"con": 372, "lab": 200, "snp": 48, "ld": 8, "dup": 8, "sf": 7, "pc": 2,
                  "sdlp": 2, "green": 1, "alliance": 1, "speaker": 1}


@pytest.fixture(autouse=True)
def no_user_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PSEPHOS_MIRROR", raising=False)
    monkeypatch.delenv("PSEPHOS_CACHE", raising=False)


@pytest.fixture()
def raw(uk_data: Path) -> Path:
    return uk_data / "raw"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_data_get_list_and_results(raw: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    code, out, _ = run("data", "get", "ge2019-notional", "--mirror", str(raw),
                       "--cache-dir", cache)
    assert code == 0 and out.count("copied:") == 2
    code, out, _ = run("data", "list", "--json", "--cache-dir", cache)
    listing = {e["election"]: e for e in json.loads(out)["elections"]}
    notional = listing["ge2019-notional"]
    assert notional["cached"]
    assert [f["source"] for f in notional["files"]] == [
        "ralphascott/UKGE24_wpc_census_summaries @ d3726428 : "
        "data/results_spreadsheet_for_distribution.csv",
        "ralphascott/UKGE24_wpc_census_summaries @ d3726428 : data/clean_notionals.csv"]
    assert all("CC BY-SA 4.0" in f["licence"] for f in notional["files"])
    assert all(f["mirror_url"].startswith("https://raw.githubusercontent.com/ralphascott/")
               for f in notional["files"])
    table = runner.invoke(app, ["data", "list", "--cache-dir", cache], terminal_width=200)
    assert table.exit_code == 0
    assert "ge2019-notional" in table.stdout and "CC BY-SA 4.0" in table.stdout
    code, out, _ = run("results", "ge2019-notional", "--json", "--cache-dir", cache)
    assert code == 0
    data = json.loads(out)
    assert data["seats"] == NOTIONAL_SEATS and data["constituencies"] == 650
    code, out, _ = run("results", "ge2019-notional", "--cache-dir", cache)
    assert code == 0 and "372" in out and "Speaker" in out


def test_against_json_is_the_library_comparison(raw: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    code, out, _ = run("results", "ge2024", "--against", "ge2019-notional", "--json",
                       "--mirror", str(raw), "--cache-dir", str(cache))
    assert code == 0
    data = json.loads(out)
    later = load_general_election("ge2024", mirror=raw, cache_dir=cache)
    earlier = load_general_election("ge2019-notional", mirror=raw, cache_dir=cache)
    assert data == compare_general_elections(later, earlier).to_json(
        data["title"], data["against_title"])
    assert data["election"] == "ge2024" and data["against"] == "ge2019-notional"
    assert data["pair"] == ["con", "lab"] and len(data["seats"]) == 650
    parties = {p["party"]: p for p in data["parties"]}
    assert {p: parties[p]["seats_before"] for p in NOTIONAL_SEATS} == NOTIONAL_SEATS
    assert parties["lab"]["seats"] == count_general_election(later).seats["lab"] == 411
    assert parties["lab"]["seats_change"] == 411 - 200


def test_against_table_and_pair(raw: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    later = load_general_election("ge2024", mirror=raw, cache_dir=cache)
    earlier = load_general_election("ge2019-notional", mirror=raw, cache_dir=cache)
    result = runner.invoke(app, ["results", "ge2024", "--against", "ge2019-notional", "--pair",
                                 "Con,LD", "--mirror", str(raw), "--cache-dir", str(cache)],
                           terminal_width=200)
    assert result.exit_code == 0
    swing = compare_general_elections(later, earlier, pair=("con", "ld")).swing
    assert f"swing Con to LD {100 * float(swing):+.1f}" in result.stdout
    assert f"{compare_general_elections(later, earlier).changed_hands} of 650 seats changed "\
           "hands" in result.stdout
    assert "Aldershot" in result.stdout and "Lab (gain)" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("ge2024", "--against", "ge2019"), "not on the same boundaries: 645 of ge2024's 650"),
    (("ge2024", "--against", "sp2016"), "'sp2016' is not a general election"),
    (("ge2024", "--against", "ge1997"), "--against: unknown election 'ge1997'"),
    (("ge2024", "--pair", "con,lab"), "--pair needs --against"),
    (("ge2024", "--against", "ge2019-notional", "--pair", "con"), "--pair: expected two"),
    (("ge2024", "--against", "ge2019-notional", "--pair", "con,xyz"),
     "'xyz' is not a party code"),
])
def test_against_mistakes_exit_2(raw: Path, tmp_path: Path, args: tuple[str, ...],
                                 message: str) -> None:
    code, out, err = run("results", *args, "--mirror", str(raw), "--cache-dir",
                         str(tmp_path / "cache"))
    assert code == 2 and not out
    assert message in err and "Traceback" not in err


def test_a_malformed_notional_file_exits_2_and_caches_nothing(raw: Path, tmp_path: Path
                                                              ) -> None:
    folder = raw / "notionals_ge2019_on_2024"
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    data = (folder / "results_spreadsheet_for_distribution.csv").read_bytes()
    (mirror / "results_spreadsheet_for_distribution.csv").write_bytes(
        data.replace(b",,44423,", b',,"44,23",', 1))
    (mirror / "clean_notionals.csv").write_bytes((folder / "clean_notionals.csv").read_bytes())
    cache = tmp_path / "cache"
    code, out, err = run("results", "ge2019-notional", "--mirror", str(mirror), "--cache-dir",
                         str(cache))
    assert code == 2 and not out
    assert err.strip() == (f"psephos: {mirror / 'results_spreadsheet_for_distribution.csv'}:2: "
                           "total_votes: expected a whole number (commas only between "
                           "thousands), found '44,23'")
    code, _, err = run("data", "get", "ge2019-notional", "--mirror", str(mirror), "--cache-dir",
                       str(cache))
    assert code == 2 and "SHA-256" in err
    assert not (cache / "results_spreadsheet_for_distribution.csv").exists()


def test_pact_on_the_notional_base_and_ranked_at_it(raw: Path, tmp_path: Path) -> None:
    """ge2019-notional is a pact base (with a swing) and a --ranked-at for GE2024's seats."""
    from psephos.model import Scenario, run_pact

    cache = tmp_path / "cache"
    code, out, err = run("pact", "ge2019-notional", "--alliance", "lab,ld,green", "--swing",
                         "uniform", "--poll", "lab=0.34,con=0.24", "--json", "--mirror",
                         str(raw), "--cache-dir", str(cache))
    assert code == 0, err
    data = json.loads(out)
    assert {p: n for p, n in data["seats_base"].items() if n} == NOTIONAL_SEATS
    notional = load_general_election("ge2019-notional", mirror=raw, cache_dir=cache)
    expected = run_pact(notional, Scenario("ge2019-notional", ("lab", "ld", "green"),
                                           swing="uniform", poll={"lab": 0.34, "con": 0.24}))
    assert data["seats_before"] == dict(expected.seats_before)
    assert {p: n for p, n in data["seats"].items() if n} == dict(expected.seats_after)
    assert expected.seats_before["lab"] > NOTIONAL_SEATS["lab"]
    code, out, err = run("pact", "ge2024", "--alliance", "lab,ld", "--ranked-at",
                         "ge2019-notional", "--json", "--mirror", str(raw), "--cache-dir",
                         str(cache))
    assert code == 0, err
    code, _, err = run("pact", "ge2024", "--alliance", "lab,ld", "--ranked-at", "ge2019",
                       "--mirror", str(raw), "--cache-dir", str(cache))
    assert code == 2 and "different boundaries" in err
