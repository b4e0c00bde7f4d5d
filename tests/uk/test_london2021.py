"""Mayor of London and London Assembly 2021, from the tables of London Elects' declarations.

Declared figures (London Elects, 8 May 2021, londonelects.org.uk/mayoral-results; HoC Library
CBP-9231): Mayor, 2,531,357 good first-preference votes and 2,203,377 good second-preference
votes; second preference unmarked 319,978 and rejected 8,002; first choices Khan 1,013,721 and
Bailey 893,051, second preferences added 192,313 and 84,550, final 1,206,034 to 977,601;
265,343 ballots gave the same candidate twice. Assembly: constituency
seats Lab 9, Con 5; London members Con 4, Green 3, Lab 2, LD 2; totals Lab 11, Con 9,
Green 3, LD 2.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app
from psephos.uk import DataFileError
from psephos.uk.catalogue import ELECTIONS
from psephos.uk.london2021 import count_london2021, load_london2021
from tests.uk.conftest import FIXTURES

ENTRY = ELECTIONS["lm2021"]


def test_mayor_is_the_declared_count(raw: Path, cache: Path) -> None:
    election = load_london2021(mirror=raw, cache_dir=cache)
    mayor = count_london2021(election)["mayor"]
    first, second = mayor["rounds"]
    assert mayor["elected"] == "Sadiq Aman KHAN" and mayor["seats"] == {"lab": 1}
    assert first["votes"]["Sadiq Aman KHAN"] == 1_013_721
    assert first["votes"]["Shaun BAILEY"] == 893_051
    assert second["second_preferences_added"] == {"Sadiq Aman KHAN": 192_313,
                                                  "Shaun BAILEY": 84_550}
    assert second["votes"] == {"Sadiq Aman KHAN": 1_206_034, "Shaun BAILEY": 977_601}
    assert mayor["same_candidate_twice"] == 265_343
    assert mayor["valid_first_choices"] == 2_531_357
    assert sum(map(sum, election.tables.matrix)) == 2_203_377
    assert sum(mayor["second_choice_marks"].values()) == 2_203_377
    # ballots counted with a first choice only: no usable second choice, or the same twice
    profile = election.mayor_profile()
    alone = sum(w for r, w in zip(profile.rankings.tolist(), profile.weights.tolist(),
                                  strict=True) if r[1] < 0)
    assert alone == 319_978 + 8_002 + 265_343
    assert second["non_transferable"] == mayor["valid_first_choices"] - 1_206_034 - 977_601


def test_mayor_profile_is_the_cross_table(raw: Path, cache: Path) -> None:
    """Every first choice is in the profile once, and each (first, second) pair carries the
    cross-table's figure, read here straight from the CSV."""
    election = load_london2021(mirror=raw, cache_dir=cache)
    profile = election.mayor_profile()
    firsts = [c.first_choices for c in election.tables.candidates]
    assert profile.first_preferences().tolist() == firsts
    assert profile.n_ballots == sum(firsts) == 2_531_357
    path = raw / "london_elects_2021" / "extracted" / "mayor2021_first_by_second_matrix.csv"
    with path.open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["first_choice_candidate"] == "BERRY")
    names = list(profile.candidates)
    berry, khan = names.index("Sian BERRY"), names.index("Sadiq Aman KHAN")
    pairs = {tuple(int(c) for c in r if c >= 0): int(w)
             for r, w in zip(profile.rankings.tolist(), profile.weights.tolist(), strict=True)}
    assert pairs[(berry, khan)] == int(row["second_choice_KHAN"]) == 93_745


def test_assembly_is_the_declared_result(raw: Path, cache: Path) -> None:
    report = count_london2021(load_london2021(mirror=raw, cache_dir=cache))
    assembly = report["assembly"]
    assert assembly["constituency_seats"] == {"lab": 9, "con": 5}
    assert assembly["list_seats"] == {"con": 4, "green": 3, "lab": 2, "ld": 2}
    assert report["seats"] == assembly["seats"] == {"lab": 11, "con": 9, "green": 3, "ld": 2}
    assert assembly["threshold"] == "1/20" and "UKIP" in assembly["below_threshold"]
    assert len(assembly["constituencies"]) == 14


def mirror_of(raw: Path, tmp_path: Path) -> Path:
    """A flat mirror holding the lm2021 files, to be spoilt one at a time."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    for item in ENTRY.files:
        shutil.copy(raw / item.folder / item.name, folder / item.name)
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_malformed_row(raw: Path, tmp_path: Path) -> None:
    """A vote that is not a whole number: file:line: field: expected, exit 2, nothing cached."""
    mirror = mirror_of(raw, tmp_path)
    path = mirror / "assembly2021_list_votes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",598", ",59x")
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_london2021(mirror=mirror, cache_dir=tmp_path / "cache")
    assert str(caught.value) == f"{path}:4: votes: expected a whole number, found '59x'"
    code, _, err = run("results", "lm2021", "--mirror", str(mirror), "--cache-dir",
                       str(tmp_path / "cache"))
    assert code == 2 and err.startswith(f"psephos: {path}:4: votes: expected a whole number")
    assert "Traceback" not in err and not (tmp_path / "cache").exists()


def test_wrong_header_and_inconsistent_tables(raw: Path, tmp_path: Path) -> None:
    mirror = mirror_of(raw, tmp_path)
    matrix = mirror / "mayor2021_first_by_second_matrix.csv"
    good = matrix.read_text(encoding="utf-8")
    matrix.write_text(good.replace("second_choice_KHAN", "second_choice_KAHN"), encoding="utf-8")
    with pytest.raises(DataFileError, match=r":1: header: missing column\(s\) "
                                            r"'second_choice_KHAN'; is this the mayor2021"):
        load_london2021(mirror=mirror, cache_dir=tmp_path / "cache")
    matrix.write_text(good.replace("13,KHAN,76555,", "13,KHAN,76556,"), encoding="utf-8")
    with pytest.raises(DataFileError, match="second_choice_BAILEY: the column adds to "
                                            "263,813, but 263,812 second choices"):
        load_london2021(mirror=mirror, cache_dir=tmp_path / "cache")


def test_challenge_page_in_place_of_a_table(raw: Path, tmp_path: Path) -> None:
    """`data get` from a mirror holding an HTML page instead of a table: exit 2, the page
    named, and that table not cached."""
    mirror = mirror_of(raw, tmp_path)
    shutil.copy(FIXTURES / "challenge.html", mirror / "assembly2021_list_votes.csv")
    cache = tmp_path / "cache"
    code, _, err = run("data", "get", "lm2021", "--mirror", str(mirror), "--cache-dir",
                       str(cache))
    assert code == 2 and "web page (HTML)" in err and "assembly2021_list_votes.csv" in err
    assert not (cache / "assembly2021_list_votes.csv").exists()


def test_data_get_list_and_results(raw: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    code, out, _ = run("data", "get", "lm2021", "--mirror", str(raw), "--cache-dir", str(cache))
    assert code == 0 and out.count("copied:") == len(ENTRY.files) == 7
    code, out, _ = run("data", "get", "senedd2026", "--mirror", str(raw), "--cache-dir",
                       str(cache))
    assert code == 0 and out.count("copied:") == 1
    code, out, _ = run("data", "list", "--json", "--cache-dir", str(cache))
    listing = {e["election"]: e for e in json.loads(out)["elections"]}
    senedd = listing["senedd2026"]["files"][0]
    assert senedd["source"] == ("jaclarner/senedd_etholiad_sim @ 83bec41b : "
                                "src/data/seneddResults2026.js")
    assert "not checked against an official source" in senedd["licence"]
    assert senedd["url"].startswith("https://raw.githubusercontent.com/jaclarner/"
                                    "senedd_etholiad_sim/83bec41b")
    pdf = next(f for f in listing["lm2021"]["files"] if f["name"].endswith(".pdf"))
    assert pdf["source"].startswith("mattkerlogue/londonelect2021 @ 07275961 : pdfs/")
    assert pdf["mirror_url"].startswith("https://raw.githubusercontent.com/mattkerlogue/"
                                        "londonelect2021/07275961")
    assert "MIT" in pdf["licence"] and listing["lm2021"]["cached"]
    code, out, _ = run("data", "list", "--cache-dir", str(cache))
    assert code == 0 and "senedd2026" in out and "lm2021" in out and "MIT" in out
    for election, figure in (("senedd2026", "1,255,914"), ("lm2021", "1,206,034")):
        code, out, _ = run("results", election, "--cache-dir", str(cache))
        assert code == 0 and figure in out
    code, out, _ = run("results", "lm2021", "--json", "--cache-dir", str(cache))
    assert code == 0 and json.loads(out)["seats"]["lab"] == 11
