"""Small contests and rolls for the contest tests."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "labour-2016.toml"

SMALL = """
[contest]
slug = "small"
name = "Small ballot"
method = "av"
freeze_date = 2016-01-12

[[sections]]
slug = "members"
name = "Members"
arrears = true

[[sections]]
slug = "supporters"
name = "Registered supporters"
priority = 1
join_cutoff = 2016-07-20
fee_window = [2016-07-18, 2016-07-20]

[[candidates]]
name = "Alice"
consented = true

[[candidates]]
name = "Bob"
consented = true

[[candidates]]
name = "Carol"
consented = true
"""

#: The example's ballot close (21 September 2016, noon), and where tests move it.
EXAMPLE_CLOSE = "start = 2016-09-21T12:00:00"
LATER_CLOSE = "start = 2099-09-21T12:00:00"


def example_still_open(tmp_path: Path) -> Path:
    """The Labour 2016 example with its ballot close moved into the future (a ballot whose
    timetabled close has passed does not open); the rest of 2016 as it was."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(EXAMPLE_CLOSE) == 1
    path = tmp_path / "labour-2016.toml"
    path.write_text(text.replace(EXAMPLE_CLOSE, LATER_CLOSE), encoding="utf-8")
    return path


HEADER = ["member_number", "name", "email", "joined", "arrears_paid", "fee_paid_on",
          "suspended"]


def write_roll(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def member(i: int, **overrides: Any) -> list[Any]:
    row = {"member_number": f"M{i}", "name": f"Member {i}", "email": f"m{i}@example.org",
           "joined": "2015-06-01", "arrears_paid": "yes", "fee_paid_on": "", "suspended": "no"}
    row.update(overrides)
    return [row[h] for h in HEADER]


def supporter(i: int, **overrides: Any) -> list[Any]:
    row = {"member_number": f"S{i}", "name": f"Supporter {i}", "email": f"s{i}@example.org",
           "joined": "2016-07-19", "arrears_paid": "", "fee_paid_on": "2016-07-19",
           "suspended": ""}
    row.update(overrides)
    return [row[h] for h in HEADER]


def small_contest(tmp_path: Path, text: str = SMALL) -> Any:
    from psephos.contests.definition import create_contest, load_definition

    path = tmp_path / "contest.toml"
    path.write_text(text, encoding="utf-8")
    return create_contest(load_definition(path), actor="test")


def open_with_voters(tmp_path: Path, members: int = 5, supporters: int = 3,
                     slug: str = "small") -> tuple[Any, dict[str, Any]]:
    """A small open contest; returns it and member number -> clear credential."""
    from psephos.contests.credentials import issue_credentials
    from psephos.contests.electorate import import_electorate
    from psephos.contests.lifecycle import open_contest

    contest = small_contest(tmp_path, SMALL.replace('"small"', f'"{slug}"'))
    import_electorate(contest, write_roll(tmp_path / "m.csv",
                                          [member(i) for i in range(1, members + 1)]),
                      "members")
    if supporters:
        import_electorate(contest, write_roll(tmp_path / "s.csv",
                                              [supporter(i) for i in range(1, supporters + 1)]),
                          "supporters")
    secrets: dict[str, Any] = {}
    issue_credentials(contest, sink=lambda v, s: secrets.__setitem__(v.member_number, s))
    open_contest(contest, actor="ro")
    return contest, secrets


def run_cli(db_url: str, *args: str) -> Any:
    """``psephos contest --database DB_URL ARGS...``, as a user runs it."""
    from typer.testing import CliRunner

    from psephos.cli.main import app

    return CliRunner().invoke(app, ["contest", "--database", db_url, *args])


def small_by_cli(db_url: str, tmp_path: Path, members: int = 1) -> Path:
    """The small contest made and its members imported by the command line; the roll."""
    toml = tmp_path / "small.toml"
    toml.write_text(SMALL)
    roll = write_roll(tmp_path / "roll.csv", [member(i) for i in range(1, members + 1)])
    assert run_cli(db_url, "init", str(toml)).exit_code == 0
    assert run_cli(db_url, "electorate", "import", "small", str(roll), "--section",
                   "members").exit_code == 0
    return roll
