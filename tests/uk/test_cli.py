"""`psephos data` and `psephos results` through the real command line (CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app
from tests.uk.conftest import FIXTURES
from tests.uk.official import SEATS, VALID_VOTES

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("election", sorted(SEATS))
def test_results_json(election: str, raw: Path, cache: Path) -> None:
    """`results --json` has the documented shape and the official seats (README totals)."""
    code, out, _ = run("results", election, "--json", "--mirror", str(raw),
                       "--cache-dir", str(cache))
    assert code == 0
    data = json.loads(out)
    assert data["election"] == election
    assert data["seats"] == SEATS[election]
    assert data["valid_votes"] == VALID_VOTES[election] == sum(data["votes"].values())
    assert data["constituencies"] == 650


def test_results_table(raw: Path, cache: Path) -> None:
    code, out, _ = run("results", "ge2024", "--mirror", str(raw), "--cache-dir", str(cache))
    assert code == 0
    assert "411" in out and "Reform" in out and "Lab " in out and "28,808,662" in out


def test_holyrood_results(raw: Path, cache: Path) -> None:
    """sp2016-feed: list seats by region (declared: Glasgow Lab 4 Con 2 Green 1)."""
    code, out, _ = run("results", "sp2016-feed", "--json", "--mirror", str(raw),
                       "--cache-dir", str(cache))
    assert code == 0
    data = json.loads(out)
    glasgow = next(r for r in data["regions"] if r["region"] == "Glasgow")
    assert glasgow["list_seats"] == {"lab": 4, "con": 2, "green": 1}
    assert glasgow["constituency_seats"] == {"snp": 9}
    code, out, _ = run("results", "sp2016-feed", "--mirror", str(raw), "--cache-dir",
                       str(cache))
    assert code == 0 and "Mid Scotland" in out


def test_mayor_results(raw: Path, cache: Path) -> None:
    """lm2016: Khan 1,310,143 to Goldsmith 994,614 (CBP-7598)."""
    code, out, _ = run("results", "lm2016", "--json", "--mirror", str(raw),
                       "--cache-dir", str(cache))
    assert code == 0
    data = json.loads(out)
    assert data["rounds"][1]["votes"] == {"Sadiq Aman KHAN": 1310143, "Zac GOLDSMITH": 994614}
    code, out, _ = run("results", "lm2016", "--mirror", str(raw), "--cache-dir", str(cache))
    assert code == 0 and "1,310,143" in out


def test_bad_election_name_lists_the_choices() -> None:
    code, out, err = run("results", "ge1997")
    assert code == 2 and not out
    assert "unknown election 'ge1997'" in err and "ge2010" in err and "lm2016" in err


def test_results_without_data_say_what_to_run(cache: Path) -> None:
    code, _, err = run("results", "ge2019", "--cache-dir", str(cache))
    assert code == 2
    assert "psephos data get ge2019" in err and "Traceback" not in err


def test_data_get_list_and_results_from_the_cache(raw: Path, cache: Path) -> None:
    code, out, _ = run("data", "get", "ge2019", "--mirror", str(raw), "--cache-dir", str(cache))
    assert code == 0 and out.count("copied:") == 2
    code, out, _ = run("data", "list", "--json", "--cache-dir", str(cache))
    listing = {e["election"]: e for e in json.loads(out)["elections"]}
    assert listing["ge2019"]["cached"] and not listing["ge2024"]["cached"]
    code, out, _ = run("data", "list", "--cache-dir", str(cache))
    assert code == 0 and "ge2019" in out
    code, out, _ = run("results", "ge2019", "--json", "--cache-dir", str(cache))
    assert code == 0 and json.loads(out)["seats"]["con"] == 365


def test_data_add(raw: Path, cache: Path) -> None:
    code, out, _ = run("data", "add", str(FIXTURES / "ec_sp2016_regional.csv"),
                       "--cache-dir", str(cache))
    assert code == 0 and "sp2016-ec-regional-results.csv" in out
    code, _, err = run("data", "add", str(FIXTURES / "challenge.html"), "--cache-dir", str(cache))
    assert code == 2 and "not a file psephos knows" in err


def test_data_get_unknown_and_missing(cache: Path, tmp_path: Path) -> None:
    code, _, err = run("data", "get", "ge1992", "--cache-dir", str(cache))
    assert code == 2 and "choose one of" in err
    code, _, err = run("data", "get", "ge2024", "--mirror", str(tmp_path), "--cache-dir",
                       str(cache))
    assert code == 2 and "not in the mirror" in err
