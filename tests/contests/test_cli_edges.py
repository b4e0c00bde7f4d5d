"""`psephos contest` rough edges, each a regression test built from its reproducer:
a one-seat method with several seats refused at `init`, `export` into a folder that holds
files, credential files written over links or other files, links that point at this
computer, and Django kept out of the CLI's start-up."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from tests.contests.helpers import (
    SMALL,
    ceremony_by_cli,
    decrypt_by_cli,
    member,
    run_cli,
    small_by_cli,
    write_roll,
)

_run = run_cli


def _counted(db_url: str, tmp_path: Path) -> None:
    """The small contest, one ballot cast, closed and counted."""
    small_by_cli(db_url, tmp_path)
    out = tmp_path / "credentials.csv"
    assert _run(db_url, "credentials", "issue", "small", "--out", str(out)).exit_code == 0
    code = next(iter(csv.DictReader(out.open())))["postal_code"]
    trustees = ceremony_by_cli(db_url, "small", tmp_path)
    assert _run(db_url, "open", "small").exit_code == 0
    assert _run(db_url, "vote", "small", "--credential", code, "--ranking",
                "Alice").exit_code == 0
    assert _run(db_url, "close", "small").exit_code == 0
    decrypt_by_cli(db_url, "small", trustees, tmp_path)
    assert _run(db_url, "count", "small").exit_code == 0


def test_init_refuses_a_one_seat_method_with_several_seats(db_url: str, tmp_path: Path) -> None:
    toml = tmp_path / "two-seats.toml"
    toml.write_text(SMALL.replace('method = "av"', 'method = "av"\nseats = 2'))
    done = _run(db_url, "init", str(toml))
    assert done.exit_code == 2, done.output
    assert f"{toml}: contest.seats: " in done.stderr and "fills one seat, not 2" in done.stderr
    assert "Traceback" not in done.stderr
    assert "no contest 'small'" in _run(db_url, "open", "small").stderr  # nothing created


def test_export_into_a_folder_holding_files_needs_force(db_url: str, tmp_path: Path) -> None:
    _counted(db_url, tmp_path)
    record = tmp_path / "record"
    record.mkdir()
    (record / "notes.txt").write_text("mine\n")
    done = _run(db_url, "export", "small", str(record))
    assert done.exit_code == 2 and "is not empty" in done.stderr and "--force" in done.stderr
    assert sorted(p.name for p in record.iterdir()) == ["notes.txt"]
    done = _run(db_url, "export", "small", str(record), "--force")
    assert done.exit_code == 0, done.output
    assert (record / "ballots.csv").is_file() and (record / "notes.txt").read_text() == "mine\n"
    assert _run(db_url, "export", "small", str(tmp_path / "new" / "record")).exit_code == 0


def test_export_never_replaces_a_link(db_url: str, tmp_path: Path) -> None:
    _counted(db_url, tmp_path)
    record = tmp_path / "record"
    record.mkdir()
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("kept\n")
    (record / "ballots.csv").symlink_to(elsewhere)
    done = _run(db_url, "export", "small", str(record), "--force")
    assert done.exit_code == 2 and "symbolic link" in done.stderr, done.output
    assert (record / "ballots.csv").is_symlink() and elsewhere.read_text() == "kept\n"


def test_credential_files_are_never_written_over_a_link(db_url: str, tmp_path: Path) -> None:
    small_by_cli(db_url, tmp_path)
    dangling = tmp_path / "credentials.csv"
    dangling.symlink_to(tmp_path / "somewhere-else.csv")  # exists() is False for it
    done = _run(db_url, "credentials", "issue", "small", "--out", str(dangling))
    assert done.exit_code == 2 and "symbolic link" in done.stderr, done.output
    assert dangling.is_symlink() and not (tmp_path / "somewhere-else.csv").exists()
    assert _run(db_url, "credentials", "issue", "small").exit_code == 0  # none were issued


def test_postal_pack_never_overwrites_a_file(db_url: str, tmp_path: Path) -> None:
    import pytest

    from psephos.contests.casting.lookup import get_contest
    from psephos.contests.credentials import postal_pack
    from psephos.contests.models import Credential
    from psephos.files import OutputError

    small_by_cli(db_url, tmp_path, members=2)
    _run(db_url, "credentials", "issue", "small")
    before = sorted(Credential.objects.values_list("postal_hash", flat=True))
    existing = tmp_path / "postal.csv"
    existing.write_text("the printer's last file\n")
    with pytest.raises(OutputError, match="already exists"):
        postal_pack(get_contest("small"), existing)
    assert existing.read_text() == "the printer's last file\n"
    assert sorted(Credential.objects.values_list("postal_hash", flat=True)) == before
    fresh = tmp_path / "fresh.csv"
    assert postal_pack(get_contest("small"), fresh) == 2
    assert oct(os.stat(fresh).st_mode & 0o777) == "0o600"


def test_links_that_point_at_this_computer_are_warned_about(db_url: str,
                                                            tmp_path: Path) -> None:
    from django.test import override_settings

    small_by_cli(db_url, tmp_path, members=2)
    with override_settings(PSEPHOS_PUBLIC_URL="http://127.0.0.1:8000"):
        done = _run(db_url, "credentials", "issue", "small", "--out", str(tmp_path / "a.csv"))
    assert done.exit_code == 0
    assert "warning: voters' links will point at http://127.0.0.1:8000" in done.stderr
    assert "set PSEPHOS_PUBLIC_URL" in done.stderr
    with override_settings(PSEPHOS_PUBLIC_URL="https://vote.example.org"):
        done = _run(db_url, "credentials", "reissue", "small", "M1")
    assert done.exit_code == 0 and done.stderr == ""
    assert "https://vote.example.org/vote/small/" in done.stdout


def test_the_contest_and_serve_commands_do_not_import_django_at_start_up() -> None:
    code = ("import sys, psephos.cli.contest, psephos.cli.serve; "
            "print(sorted(m for m in ('django', 'rich', 'psephos.contests', 'psephos.web') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.stdout.strip() == "[]"



def test_export_quotes_names_with_commas_and_quotes(db_url: str, tmp_path: Path) -> None:
    """A candidate named with a comma and quotes is published, and the exported ballot file
    reads back to the same candidates and count (before: export refused such names, exit 2)."""
    from psephos.ballots.readers import read_profile
    from psephos.rules.registry import count

    odd = 'Smith, "Al"'
    toml = tmp_path / "small.toml"
    toml.write_text(SMALL.replace('name = "Alice"', f"name = '{odd}'"))
    roll = write_roll(tmp_path / "roll.csv", [member(1), member(2)])
    assert _run(db_url, "init", str(toml)).exit_code == 0
    assert _run(db_url, "electorate", "import", "small", str(roll), "--section",
                "members").exit_code == 0
    out = tmp_path / "credentials.csv"
    assert _run(db_url, "credentials", "issue", "small", "--out", str(out)).exit_code == 0
    codes = [row["postal_code"] for row in csv.DictReader(out.open())]
    trustees = ceremony_by_cli(db_url, "small", tmp_path)
    assert _run(db_url, "open", "small").exit_code == 0
    for code in codes:
        assert _run(db_url, "vote", "small", "--credential", code, "--ranking",
                    "Bob").exit_code == 0
    assert _run(db_url, "close", "small").exit_code == 0
    decrypt_by_cli(db_url, "small", trustees, tmp_path)
    assert _run(db_url, "count", "small").exit_code == 0
    done = _run(db_url, "export", "small", str(tmp_path / "record"))
    assert done.exit_code == 0, done.output
    profile = read_profile(tmp_path / "record" / "ballots.csv")
    assert odd in profile.candidates and "Bob" in profile.candidates
    assert profile.n_ballots == 2
    assert count(profile, "av").elected_names == ["Bob"]


def test_inputs_that_are_not_regular_files_are_refused(db_url: str, tmp_path: Path) -> None:
    """A named pipe given as a definition, roll or postal batch is refused before it is
    opened (before: `contest init` blocked forever reading it; the roll and batch said
    'no such file'); a folder is said to be one."""
    small_by_cli(db_url, tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for args, expected in [
        (("init", str(fifo)), "a contest definition (TOML)"),
        (("electorate", "import", "small", str(fifo), "--section", "members"),
         "a roll (CSV or XLSX)"),
        (("electorate", "import", "small", str(tmp_path), "--section", "members"),
         "a roll (CSV or XLSX)"),
    ]:
        done = subprocess.run([sys.executable, "-m", "psephos", "contest", "--database", db_url,
                               *args], capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 2, done.stderr
        assert f"expected {expected}" in done.stderr and "Traceback" not in done.stderr
    ceremony_by_cli(db_url, "small", tmp_path)
    assert _run(db_url, "open", "small").exit_code == 0
    done = subprocess.run([sys.executable, "-m", "psephos", "contest", "--database", db_url,
                           "postal", "import", "small", str(fifo)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2 and "named pipe, not a regular file" in done.stderr
