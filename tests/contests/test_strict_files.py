"""Rolls and postal batches read strictly: an unbalanced quote refuses the whole file
naming its line; a NUL or an overlong value rejects its row, with the line and field."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.contests.helpers import HEADER, member, open_with_voters, run_cli, small_contest


def _roll(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _stray_quote(path: Path, members: int, at: int) -> Path:
    """A roll whose data row ``at`` (line ``at + 1``) opens a quote it never closes."""
    lines = [",".join(HEADER)]
    for i in range(1, members + 1):
        name = f'"Member {i}' if i == at else f"Member {i}"
        lines.append(f"M{i},{name},m{i}@example.org,2015-06-01,yes,,no")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_stray_quote_refuses_the_whole_roll_naming_its_line(db_url: str,
                                                               tmp_path: Path) -> None:
    from psephos.contests.electorate import import_electorate
    from psephos.contests.errors import ElectorateError
    from psephos.contests.models import Voter

    contest = small_contest(tmp_path)
    roll = _stray_quote(tmp_path / "m.csv", 1_001, at=999)
    with pytest.raises(ElectorateError, match=r"m\.csv:1000: a quoted field opens on this "
                                              r"line and is never closed"):
        import_electorate(contest, roll, "members")
    assert Voter.objects.count() == 0
    result = run_cli(db_url, "electorate", "import", "small", str(roll), "--section",
                     "members")
    assert result.exit_code == 2, result.output
    assert "m.csv:1000:" in result.output
    assert Voter.objects.count() == 0


def test_a_quote_closed_then_followed_by_text_is_refused(db: str, tmp_path: Path) -> None:
    from psephos.contests.electorate import import_electorate
    from psephos.contests.errors import ElectorateError

    contest = small_contest(tmp_path)
    roll = tmp_path / "m.csv"
    roll.write_text(",".join(HEADER) + '\nM1,"Ann" Lee,a@example.org,2015-06-01,yes,,no\n',
                    encoding="utf-8")
    with pytest.raises(ElectorateError, match=r"m\.csv:2: not well-formed CSV"):
        import_electorate(contest, roll, "members")


def test_nul_and_overlong_fields_reject_their_row_with_line_and_field(db: str,
                                                                     tmp_path: Path) -> None:
    from psephos.contests.electorate import import_electorate
    from psephos.contests.models import Voter

    contest = small_contest(tmp_path)
    roll = _roll(tmp_path / "m.csv", [
        member(1), member(2, name="x" * 300), member(3, name="Nul\x00Byte"),
        member(4, member_number="9" * 65), member(5, email="a" * 250 + "@example.org"),
        member(6)])
    report = import_electorate(contest, roll, "members")
    assert report.accepted == 2
    assert [(r.line, r.reason) for r in report.rejected] == [
        (3, "name: 300 characters, at most 200"),
        (4, "name: contains a NUL character"),
        (5, "member_number: 65 characters, at most 64"),
        (6, "email: 262 characters, at most 252")]
    assert sorted(Voter.objects.values_list("member_number", flat=True)) == ["M1", "M6"]


def test_postal_batch_strict_quotes_and_nul(db: str, tmp_path: Path) -> None:
    from psephos.contests.errors import PostalBatchError
    from psephos.contests.models import Ballot
    from psephos.contests.postal import import_postal

    contest, secrets = open_with_voters(tmp_path, members=3, supporters=0)
    codes = [s.postal_code for s in secrets.values()]
    batch = tmp_path / "b.csv"
    batch.write_text(f'postal_code,rank1\n{codes[0]},Alice\n{codes[1]},"Bob\n'
                     f"{codes[2]},Carol\n", encoding="utf-8")
    with pytest.raises(PostalBatchError, match=r"b\.csv:3: a quoted field opens"):
        import_postal(contest, batch, actor="scrutineer")
    assert Ballot.objects.count() == 0
    batch.write_text(f"postal_code,rank1\n{codes[0]},Alice\n{codes[1]},Bob\x00\n",
                     encoding="utf-8")
    report = import_postal(contest, batch, actor="scrutineer")
    assert report.recorded == 1
    assert [(r.line, r.reason) for r in report.rejected] == [(3, "contains a NUL character")]


def test_a_quote_closed_lines_later_is_refused(db: str, tmp_path: Path) -> None:
    from psephos.contests.electorate import import_electorate
    from psephos.contests.errors import ElectorateError

    contest = small_contest(tmp_path)
    roll = tmp_path / "m.csv"
    roll.write_text(",".join(HEADER) + "\n"
                    'M1,"Ann,a@example.org,2015-06-01,yes,,no\n'
                    "M2,Bob,b@example.org,2015-06-01,yes,,no\n"
                    'M3,Cy",c@example.org,2015-06-01,yes,,no\n', encoding="utf-8")
    with pytest.raises(ElectorateError, match=r"m\.csv:2: a quoted field opens on this "
                                              r"line and runs on to line 4"):
        import_electorate(contest, roll, "members")
