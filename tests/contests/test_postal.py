"""Returned paper ballots in batches: the same rules as online votes, recorded set-wise."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.contests.helpers import open_with_voters, stored_rankings, unseal


def _batch(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header or ["postal_code", "rank1", "rank2", "rank3"])
        writer.writerows(rows)
    return path


def test_batch_records_valid_papers_and_reports_the_rest(db: str, tmp_path: Path) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.lifecycle import revoke
    from psephos.contests.models import AuditEntry, Ballot, BallotSeal, Credential, VotedMark
    from psephos.contests.postal import import_postal

    contest, secrets = open_with_voters(tmp_path, members=6, supporters=2)
    revoke(contest.voters.get(member_number="M5"), actor="ro", reason="suspended")
    path = _batch(tmp_path / "batch.csv", [
        [secrets["M1"].postal_code, "Bob", "Alice", ""],
        [secrets["S1"].postal_code.lower().replace("-", " "), "carol", "", ""],
        [secrets["M1"].postal_code, "Alice", "", ""],        # second paper of M1
        ["AAAA-BBBB-CCCC-DDDD", "Alice", "", ""],            # unknown
        [secrets["M5"].postal_code, "Alice", "", ""],        # revoked
        [secrets["M2"].postal_code, "Dave", "", ""],         # not a candidate
        [secrets["M3"].postal_code, "Alice", "alice", ""],   # ranked twice
        ["", "Alice", "", ""],                               # no code
        [secrets["M4"].postal_code, "", "", ""],             # blank paper
    ])
    report = import_postal(contest, path, actor="scrutineer")
    assert (report.rows, report.recorded) == (9, 2)
    assert {r.line: r.reason for r in report.rejected} == {
        4: "this credential has already been used to vote",
        5: "that credential is not valid for this ballot (check it, or ask for a new one if "
           "it was replaced)",
        6: "this voter's entitlement to vote was withdrawn",
        7: "'Dave' is not a candidate on this ballot; the candidates are Alice, Bob, Carol",
        8: "'alice' is ranked more than once",
        9: "no postal code",
        10: "the ballot ranks no candidate; rank at least one",
    }
    bob, alice, carol = (contest.candidates.get(name=n).pk for n in ("Bob", "Alice", "Carol"))
    by_section = {b.section.slug: unseal(contest, [b.sealed])[0] for b in Ballot.objects.all()}
    assert by_section == {"members": [bob, alice], "supporters": [carol]}
    assert set(VotedMark.objects.values_list("channel", flat=True)) == {"post"}
    assert VotedMark.objects.count() == BallotSeal.objects.count() == 2
    assert Credential.objects.filter(status="used").count() == 2
    entry = AuditEntry.objects.get(action="postal.import")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry.payload == {"contest": "small", "file": "batch.csv", "sha256": digest,
                             "rows": 9, "recorded": 2, "rejected": 7}
    assert verify_log().ok


def test_online_then_paper_and_paper_then_online(db: str, tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import AlreadyVoted
    from psephos.contests.models import Ballot
    from psephos.contests.postal import import_postal

    contest, secrets = open_with_voters(tmp_path, members=3, supporters=0)
    cast_ballot(contest, secrets["M1"].link_token, ["Alice"])     # online first
    report = import_postal(contest, _batch(tmp_path / "b.csv", [
        [secrets["M1"].postal_code, "Bob", "", ""],
        [secrets["M2"].postal_code, "Carol", "", ""],
    ]))
    assert report.recorded == 1
    assert [(r.line, r.reason) for r in report.rejected] == [
        (2, "this credential has already been used to vote")]
    with pytest.raises(AlreadyVoted):                              # paper first
        cast_ballot(contest, secrets["M2"].link_token, ["Alice"])
    with pytest.raises(AlreadyVoted):
        cast_ballot(contest, secrets["M2"].postal_code, ["Alice"], channel="post")
    alice, carol = (contest.candidates.get(name=n).pk for n in ("Alice", "Carol"))
    assert sorted(stored_rankings(contest).values()) == sorted([[alice], [carol]])
    assert Ballot.objects.count() == 2


def test_preference_numbers_beside_candidates(db: str, tmp_path: Path) -> None:
    from psephos.contests.models import Ballot
    from psephos.contests.postal import import_postal

    contest, secrets = open_with_voters(tmp_path, members=3, supporters=0)
    report = import_postal(contest, _batch(tmp_path / "b.csv", [
        [secrets["M1"].postal_code, "2", "", "1"],
        [secrets["M2"].postal_code, "1", "1", ""],
        [secrets["M3"].postal_code, "x", "", ""],
    ], header=["Postal code", "Alice", "Bob", "Carol"]))
    assert report.recorded == 1
    assert [r.reason for r in report.rejected] == [
        "preference 1 is given to more than one candidate",
        "Alice: 'x' is not a preference number (1, 2, ...)"]
    alice, carol = (contest.candidates.get(name=n).pk for n in ("Alice", "Carol"))
    assert unseal(contest, [Ballot.objects.get().sealed]) == [[carol, alice]]


def test_dry_run_and_refusals_write_nothing(db: str, tmp_path: Path) -> None:
    from psephos.contests.errors import ContestNotOpen, PostalBatchError
    from psephos.contests.lifecycle import close_contest
    from psephos.contests.models import AuditEntry, Ballot
    from psephos.contests.postal import import_postal

    contest, secrets = open_with_voters(tmp_path, members=2, supporters=0)
    good = _batch(tmp_path / "b.csv", [[secrets["M1"].postal_code, "Alice", "", ""]])
    entries = AuditEntry.objects.count()
    assert import_postal(contest, good, dry_run=True).recorded == 1
    assert Ballot.objects.count() == 0 and AuditEntry.objects.count() == entries
    bad = tmp_path / "bad.csv"
    bad.write_text("rank1,rank2\nAlice,Bob\n")
    with pytest.raises(PostalBatchError, match="no postal code column"):
        import_postal(contest, bad)
    bad.write_bytes(b"postal_code,rank1\n" + secrets["M1"].postal_code.encode()
                    + b",Alice\nX,\xff\n")
    with pytest.raises(PostalBatchError, match=r"bad\.csv:3: not UTF-8"):
        import_postal(contest, bad)
    assert Ballot.objects.count() == 0
    close_contest(contest, actor="ro")
    with pytest.raises(ContestNotOpen):
        import_postal(contest, good)


def test_cli_postal_import(db_url: str, tmp_path: Path) -> None:
    from psephos.cli.main import app

    _, secrets = open_with_voters(tmp_path, members=2, supporters=0)
    path = _batch(tmp_path / "b.csv", [[secrets["M1"].postal_code, "Alice", "", ""],
                                       ["ZZZZ-ZZZZ-ZZZZ-ZZZZ", "Bob", "", ""]])
    runner = CliRunner()
    done: Any = runner.invoke(app, ["contest", "--database", db_url, "postal", "import",
                                    "small", str(path)])
    assert done.exit_code == 0, done.output
    assert "2 papers: 1 recorded, 1 rejected" in done.stdout
    assert "line 3: rejected: that credential is not valid" in done.stdout
    missing: Any = runner.invoke(app, ["contest", "--database", db_url, "postal", "import",
                                       "small", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
