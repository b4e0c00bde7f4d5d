"""Importing rolls: eligibility row by row, one vote per person, all or nothing per file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contests.helpers import HEADER, member, small_contest, supporter, write_roll


def _reasons(report: object) -> dict[int, str]:
    return {r.line: r.reason for r in report.rejected}  # type: ignore[attr-defined]


def test_bad_rows_are_reported_with_line_and_reason(db: str, tmp_path: Path) -> None:
    from psephos.contests.electorate import import_electorate
    from psephos.contests.models import Voter

    contest = small_contest(tmp_path)
    roll = write_roll(tmp_path / "members.csv", [
        member(1),
        member(2, joined="2016-03-01"),
        member(3, arrears_paid="no"),
        member(4, suspended="yes"),
        member(5, email="not-an-email"),
        member(6, member_number=""),
        member(7, joined="31/02/2015"),
        member(8, joined="12/01/2016"),
        member(9, email="M1@EXAMPLE.ORG"),
        member(10, arrears_paid="maybe"),
    ])
    report = import_electorate(contest, roll, "members")
    assert report.rows == 10 and report.accepted == 2
    assert _reasons(report) == {
        3: "joined 2016-03-01, after the freeze date 2016-01-12",
        4: "arrears not paid",
        5: "suspended",
        6: "email: 'not-an-email' is not an e-mail address",
        7: "member_number: empty",
        8: "joined: '31/02/2015' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)",
        11: "arrears_paid: 'maybe' is not yes or no",
    }
    assert [(d.line, d.reason) for d in report.duplicates] == [(10, "same person as line 2")]
    assert sorted(Voter.objects.values_list("member_number", flat=True)) == ["M1", "M8"]


def test_supporter_fee_window(db: str, tmp_path: Path) -> None:
    from psephos.contests.electorate import import_electorate

    contest = small_contest(tmp_path)
    roll = write_roll(tmp_path / "s.csv", [
        supporter(1), supporter(2, fee_paid_on="2016-07-21"), supporter(3, fee_paid_on=""),
        supporter(4, fee_paid_on="18/07/2016")])
    report = import_electorate(contest, roll, "Registered supporters")
    assert report.accepted == 2
    assert _reasons(report) == {
        3: "fee paid on 2016-07-21, outside the window 2016-07-18 to 2016-07-20",
        4: "fee_paid_on: empty (the fee must be paid 2016-07-18 to 2016-07-20)"}


def test_one_vote_per_person_across_sections(db: str, tmp_path: Path) -> None:
    from psephos.contests.electorate import import_electorate
    from psephos.contests.models import Voter

    contest = small_contest(tmp_path)
    # A supporter who is also a member: imported as a supporter first, then the members'
    # roll moves them to the members' section, which ranks first.
    import_electorate(contest, write_roll(tmp_path / "s.csv", [
        supporter(1, email="both@example.org"), supporter(2)]), "supporters")
    report = import_electorate(contest, write_roll(tmp_path / "m.csv", [
        member(1, email="Both@example.org"), member(2)]), "members")
    assert report.accepted == 1 and report.moved == 1
    assert report.duplicates[0].kept == "members"
    both = Voter.objects.get(person_key="e:both@example.org")
    assert both.section.slug == "members"
    # The other way round: a member already on the roll stays a member.
    again = import_electorate(contest, write_roll(tmp_path / "s2.csv", [
        supporter(3, email="m2@example.org")]), "supporters")
    assert again.accepted == 0 and again.duplicates[0].kept == "members"
    assert "already on the roll in members" in again.duplicates[0].reason
    assert Voter.objects.count() == 3


def test_dedupe_by_member_number(db: str, tmp_path: Path) -> None:
    from psephos.contests.electorate import import_electorate

    contest = small_contest(tmp_path, __import__("tests.contests.helpers", fromlist=["SMALL"])
                            .SMALL.replace('method = "av"', 'method = "av"\n'
                                           'dedupe_by = "member_number"'))
    report = import_electorate(contest, write_roll(tmp_path / "m.csv", [
        member(1), member(1, email="other@example.org"), member(2, email="")]), "members")
    assert report.accepted == 2 and len(report.duplicates) == 1


def test_dry_run_writes_nothing(db: str, tmp_path: Path) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.electorate import import_electorate
    from psephos.contests.models import Voter

    contest = small_contest(tmp_path)
    entries = verify_log().entries
    report = import_electorate(contest, write_roll(tmp_path / "m.csv", [member(1), member(2)]),
                               "members", dry_run=True)
    assert report.accepted == 2 and report.dry_run
    assert Voter.objects.count() == 0 and verify_log().entries == entries


@pytest.mark.parametrize(("content", "message"), [
    (b"name,email\nAnn,a@example.org\n", "missing column member_number"),
    (b"", "the file is empty"),
    ("member_number,name,email\nM1,Ann,a@example.org\nM2,Zo\xe9,z@example.org\n"
     .encode("latin-1"), ":3: not UTF-8 text"),
])
def test_unreadable_file_imports_nothing(db: str, tmp_path: Path, content: bytes,
                                         message: str) -> None:
    from psephos.contests.electorate import import_electorate
    from psephos.contests.errors import ElectorateError
    from psephos.contests.models import Voter

    contest = small_contest(tmp_path)
    path = tmp_path / "roll.csv"
    path.write_bytes(content)
    with pytest.raises(ElectorateError, match=message):
        import_electorate(contest, path, "members")
    assert Voter.objects.count() == 0


def test_wrong_section_type_and_state(db: str, tmp_path: Path) -> None:
    from psephos.contests.electorate import import_electorate
    from psephos.contests.errors import ElectorateError, WrongState
    from psephos.contests.models import Contest

    contest = small_contest(tmp_path)
    roll = write_roll(tmp_path / "m.csv", [member(1)])
    with pytest.raises(ElectorateError, match=r"no section 'nope'.*choose one of members"):
        import_electorate(contest, roll, "nope")
    with pytest.raises(ElectorateError, match=r"unsupported file type '\.ods'"):
        import_electorate(contest, roll.rename(tmp_path / "m.ods"), "members")
    Contest.objects.filter(pk=contest.pk).update(state="open")
    contest.refresh_from_db()
    with pytest.raises(WrongState, match="only be imported while it is a draft"):
        import_electorate(contest, write_roll(tmp_path / "m.csv", [member(1)]), "members")


def test_xlsx_roll(db: str, tmp_path: Path) -> None:
    from datetime import date

    from openpyxl import Workbook

    from psephos.contests.electorate import import_electorate

    contest = small_contest(tmp_path)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([1001, "Ann", "ann@example.org", date(2015, 1, 1), True, None, False])
    sheet.append([1002, "Ben", "ben@example.org", date(2016, 2, 1), True, None, False])
    path = tmp_path / "roll.xlsx"
    book.save(path)
    report = import_electorate(contest, path, "members")
    assert report.accepted == 1
    assert report.rejected[0].line == 3 and "after the freeze date" in report.rejected[0].reason
    assert contest.voters.get().member_number == "1001"


def test_large_roll_in_batches_with_progress(db: str, tmp_path: Path) -> None:
    from psephos.contests.electorate import BATCH, import_electorate

    contest = small_contest(tmp_path)
    n = 2 * BATCH + 123
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("member_number,name,email,joined\n")
        out.writelines(f"M{i},Member {i},m{i}@example.org,2015-01-01\n" for i in range(n))
    seen: list[int] = []
    report = import_electorate(contest, path, "members", progress=seen.append)
    assert report.accepted == n and contest.voters.count() == n
    assert seen == [BATCH, 2 * BATCH, n]
