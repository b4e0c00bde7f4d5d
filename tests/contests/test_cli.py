"""`psephos contest`: the whole flow from the command line, and one-line errors (exit 2)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.contests.helpers import (
    SMALL,
    ceremony_by_cli,
    decrypt_by_cli,
    example_still_open,
    member,
    small_by_cli,
    write_roll,
)

runner = CliRunner()


def _run(db_url: str, *args: str) -> object:
    from psephos.cli.main import app

    return runner.invoke(app, ["contest", "--database", db_url, *args])


def test_flow_from_the_command_line(db_url: str, tmp_path: Path) -> None:
    roll = write_roll(tmp_path / "members.csv", [member(1), member(2), member(3),
                                                 member(4, joined="2016-06-01")])
    done = _run(db_url, "init", str(example_still_open(tmp_path)))
    assert done.exit_code == 0 and "created contest labour-2016" in done.stdout
    done = _run(db_url, "electorate", "import", "labour-2016", str(roll), "--section",
                "members", "--dry-run")
    assert "dry run, nothing written: 4 rows: 3 accepted" in done.stdout
    done = _run(db_url, "electorate", "import", "labour-2016", str(roll), "--section",
                "members")
    assert "line 5: rejected: joined 2016-06-01, after the freeze date" in done.stdout
    out = tmp_path / "credentials.csv"
    done = _run(db_url, "credentials", "issue", "labour-2016", "--out", str(out))
    assert done.exit_code == 0 and "issued 3 credentials" in done.stdout
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    rows = list(csv.DictReader(out.open()))
    again = _run(db_url, "credentials", "issue", "labour-2016", "--out", str(out))
    assert again.exit_code == 2 and "already exists" in again.stderr
    refused = _run(db_url, "open", "labour-2016")
    assert refused.exit_code == 2 and "missing: no trustees" in refused.stderr
    trustees = ceremony_by_cli(db_url, "labour-2016", tmp_path)
    assert _run(db_url, "open", "labour-2016").exit_code == 0
    for row, ranking in zip(rows, ["Owen Smith", "Jeremy Corbyn,Owen Smith", "Owen Smith"],
                            strict=True):
        voted = _run(db_url, "vote", "labour-2016", "--credential", row["postal_code"],
                     "--ranking", ranking)
        assert voted.exit_code == 0 and "tracker" in voted.stdout, voted.output
    twice = _run(db_url, "vote", "labour-2016", "--credential", rows[0]["link_token"],
                 "--ranking", "Owen Smith")
    assert twice.exit_code == 2 and twice.stderr.startswith("psephos: ")
    assert _run(db_url, "close", "labour-2016").exit_code == 0
    early = _run(db_url, "count", "labour-2016")
    assert early.exit_code == 2 and "has not been shuffled yet" in early.stderr
    decrypt_by_cli(db_url, "labour-2016", trustees, tmp_path)
    counted = _run(db_url, "count", "labour-2016", "--json")
    result = json.loads(counted.stdout)
    assert result["elected"] == ["Owen Smith"]
    members = result["sections"][0]
    assert (members["electorate"], members["ballots"]) == (3, 3)
    assert members["votes"] == {"Jeremy Corbyn": 1, "Owen Smith": 2}
    assert "elected: Owen Smith" in _run(db_url, "count", "labour-2016").stdout
    exported = _run(db_url, "export", "labour-2016", str(tmp_path / "record"))
    assert exported.exit_code == 0 and (tmp_path / "record" / "ballots.csv").exists()
    log = _run(db_url, "verify-log")
    assert log.exit_code == 0 and "audit log intact" in log.stdout
    timetable = _run(db_url, "timetable", "labour-2016")
    assert "The Glasgow debate (Glasgow)" in timetable.stdout
    assert "2016-08-25 19:00" in timetable.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["open", "nope"], "no contest 'nope'"),
    (["count", "nope"], "no contest 'nope'"),
    (["init", "missing.toml"], "missing.toml: no such file"),
    (["electorate", "import", "small", "missing.csv", "--section", "members"],
     "missing.csv: no such file"),
    (["electorate", "import", "small", "ROLL", "--section", "staff"], "no section 'staff'"),
    (["vote", "small", "--credential", "x", "--ranking", "Alice"], "voting in Small ballot is "
     "not open"),
    (["vote", "small", "--credential", "x", "--ranking", "Alice", "--channel", "fax"],
     "--channel: 'fax' is not one of"),
    (["credentials", "reissue", "small", "M404"], "no voter with member number 'M404'"),
    (["revoke", "small", "M1", "--reason", " "], "needs a reason"),
])
def test_user_mistakes_are_one_line(db_url: str, tmp_path: Path, args: list[str],
                                    message: str) -> None:
    roll = small_by_cli(db_url, tmp_path)
    args = [str(roll) if a == "ROLL" else a for a in args]
    done = _run(db_url, *args)
    assert done.exit_code == 2, done.output
    assert message in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_bad_toml_and_bad_database_url(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL.replace('method = "av"', 'method = "borda"'))
    done = _run(db_url, "init", str(bad))
    assert done.exit_code == 2 and "contest.method: 'borda' is not one of" in done.stderr
    done = _run("mysql://localhost/x", "verify-log")
    assert done.exit_code == 2 and "use sqlite:///PATH or postgresql://" in done.stderr


def test_delivery_and_helpdesk_commands(db_url: str, tmp_path: Path) -> None:
    from django.core import mail

    mail.outbox = []
    done = _run(db_url, "demo", "--voters", "30", "--turnout", "0.5", "--slug", "demo")
    assert done.exit_code == 0 and "created and opened demo: 30 voters" in done.stdout
    done = _run(db_url, "credentials", "mail", "demo")
    queued = int(done.stdout.split()[1])
    assert 0 < queued < 30  # those who voted already have a used credential
    done = _run(db_url, "mail", "send", "--limit", "5")
    assert done.stdout.startswith("sent 5; outbox:") and len(mail.outbox) == 5
    assert "sent 0;" not in _run(db_url, "mail", "send").stdout
    pack = tmp_path / "postal.csv"
    done = _run(db_url, "credentials", "postal-pack", "demo", str(pack))
    assert done.exit_code == 0 and f"to {pack}" in done.stdout
    assert _run(db_url, "credentials", "postal-pack", "demo", str(pack)).exit_code == 2
    first = next(iter(csv.DictReader(pack.open())))
    done = _run(db_url, "credentials", "reissue", "demo", first["member_number"])
    code = done.stdout.split("postal code: ")[1].split()[0]
    old = _run(db_url, "vote", "demo", "--credential", first["postal_code"], "--ranking",
               "Owen Smith")
    assert old.exit_code == 2 and "not valid" in old.stderr
    assert _run(db_url, "vote", "demo", "--credential", code, "--ranking",
                "Owen Smith").exit_code == 0
    done = _run(db_url, "revoke", "demo", first["member_number"], "--reason", "suspended")
    assert done.exit_code == 0 and "their ballot was removed" in done.stdout
    ics = tmp_path / "demo.ics"
    assert _run(db_url, "timetable", "demo", "--ical", str(ics)).exit_code == 0
    assert "SUMMARY:The Glasgow debate" in ics.read_text()


def test_import_report_as_json(db_url: str, tmp_path: Path) -> None:
    toml = tmp_path / "small.toml"
    toml.write_text(SMALL)
    roll = write_roll(tmp_path / "roll.csv", [member(1), member(2, suspended="yes")])
    _run(db_url, "init", str(toml))
    done = _run(db_url, "electorate", "import", "small", str(roll), "--section", "members",
                "--json")
    report = json.loads(done.stdout)
    assert report["accepted"] == 1
    assert report["rejected"] == [{"line": 3, "member_number": "M2", "reason": "suspended"}]
    assert len(report["sha256"]) == 64
