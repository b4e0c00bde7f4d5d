"""The London Assembly 2016 by the additional member system: the declared seats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app
from psephos.uk.errors import DataFileError
from psephos.uk.london_assembly import (
    count_london_assembly,
    load_london_assembly,
)


def test_counted_seats_are_the_declared_ones(uk_data: Path, cache: Path) -> None:
    report = count_london_assembly(load_london_assembly(mirror=uk_data, cache_dir=cache))
    # Declared by London Elects, 6 May 2016 (README, GLA 2016 section): constituencies
    # Lab 9, Con 5; London members Lab 3, Con 3, Green 2, UKIP 2, LD 1.
    assert report["constituency_seats"] == {"lab": 9, "con": 5}
    assert report["list_seats"] == {"lab": 3, "con": 3, "green": 2, "ukip": 2, "ld": 1}
    assert report["seats"] == {"lab": 12, "con": 8, "green": 2, "ukip": 2, "ld": 1}
    assert report["valid_list_votes"] == 2615676
    assert "Women's Equality Party" in report["below_threshold"]


def test_cli_json_and_table(uk_data: Path, cache: Path) -> None:
    run = CliRunner().invoke(app, ["results", "la2016", "--json", "--mirror", str(uk_data),
                                   "--cache-dir", str(cache)])
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["seats"]["lab"] == 12
    run = CliRunner().invoke(app, ["results", "la2016", "--mirror", str(uk_data),
                                   "--cache-dir", str(cache)])
    assert run.exit_code == 0 and "1,054,801" in run.stdout


def test_a_list_named_twice_is_an_error_naming_its_line(uk_data: Path, tmp_path: Path) -> None:
    (tmp_path / "london_assembly2016_constituency_votes.csv").write_bytes(
        (uk_data / "london_assembly2016_constituency_votes.csv").read_bytes())
    (tmp_path / "london_assembly2016_list_votes.csv").write_text(
        "party_name,party_code,votes\nLabour,lab,10\nLabour Party,lab,5\n")
    with pytest.raises(DataFileError, match=r"list_votes\.csv:3: party_name"):
        load_london_assembly(mirror=tmp_path, cache_dir=tmp_path / "cache")
