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
    open_sealed(contest, tmp_path)
    return contest, secrets


#: The trustees' private files of each contest opened by `open_sealed`, by (slug, pk).
TRUSTEE_FILES: dict[tuple[str, int], list[Path]] = {}


def local_ceremony(contest: Any, tmp_path: Path, trustees: int = 3, threshold: int = 2
                   ) -> list[Path]:
    """Run the contest's key ceremony in-process; its trustees' private files."""
    from psephos.contests.trustees import run_local_ceremony

    folder = tmp_path / f"trustees-{contest.slug}-{contest.pk}"
    files = run_local_ceremony(contest, trustees, threshold, folder, actor="ro")
    TRUSTEE_FILES[(contest.slug, contest.pk)] = files
    return files


def open_sealed(contest: Any, tmp_path: Path, trustees: int = 3, threshold: int = 2,
                actor: str = "ro") -> list[Path]:
    """Open a contest after a local key ceremony (3 trustees, 2 decrypt by default)."""
    from psephos.contests.lifecycle import open_contest

    files = local_ceremony(contest, tmp_path, trustees, threshold)
    open_contest(contest, actor=actor)
    return files


def decrypt_with(contest: Any, files: list[Path] | None = None, trustees: int = 2,
                 actor: str = "ro") -> None:
    """Shuffle a closed contest (if not yet) and have the first ``trustees`` of ``files``
    (default: those of its local ceremony) send their decryption shares of every section."""
    import json

    from psephos.contests.mixing import is_mixed, mix_contest, requests_of
    from psephos.contests.opening import add_shares
    from psephos.crypto.decryption import decrypt_shares

    if files is None:
        files = TRUSTEE_FILES[(contest.slug, contest.pk)]
    if not is_mixed(contest):
        mix_contest(contest, actor=actor)
    for path in files[:trustees]:
        private = json.loads(path.read_text(encoding="utf-8"))
        for request in requests_of(contest):
            add_shares(contest, decrypt_shares(private, request.request), actor=actor)


def close_and_count(contest: Any, files: list[Path] | None = None, actor: str = "ro") -> Any:
    """Close, shuffle, decrypt with 2 trustees and count: the declaration."""
    from psephos.contests.counting import count_contest
    from psephos.contests.lifecycle import close_contest

    close_contest(contest, actor=actor)
    decrypt_with(contest, files, actor=actor)
    return count_contest(contest, actor=actor)


def run_cli(db_url: str, *args: str) -> Any:
    """``psephos contest --database DB_URL ARGS...``, as a user runs it."""
    from typer.testing import CliRunner

    from psephos.cli.main import app

    return CliRunner().invoke(app, ["contest", "--database", db_url, *args])


def ceremony_by_cli(db_url: str, slug: str, tmp_path: Path) -> Path:
    """A local key ceremony by the command line (3 trustees, 2 decrypt); their folder."""
    folder = tmp_path / f"trustees-{slug}"
    done = run_cli(db_url, "trustees", "local", slug, "--trustees", "3", "--threshold", "2",
                   "--out-dir", str(folder))
    assert done.exit_code == 0, done.output
    return folder


def decrypt_by_cli(db_url: str, slug: str, trustees: Path, tmp_path: Path,
                   decrypting: int = 2) -> None:
    """After the close, by the command line: shuffle, write the requests, have the first
    ``decrypting`` trustees decrypt each (``psephos trustee decrypt``), hand in the shares."""
    from typer.testing import CliRunner

    from psephos.cli.main import app

    assert run_cli(db_url, "shuffle", slug).exit_code == 0
    requests = tmp_path / f"requests-{slug}"
    done = run_cli(db_url, "decryption-request", slug, str(requests))
    assert done.exit_code == 0, done.output
    shares = []
    for i in range(1, decrypting + 1):
        for request in sorted(requests.glob("request-*.json")):
            out = tmp_path / f"shares-{i}-{request.name}"
            section = request.stem.removeprefix("request-")
            shuffle = requests / f"shuffle-{section}.json"
            proof = (["--shuffle", str(shuffle), "--sealed",
                      str(requests / f"sealed-{section}.json")] if shuffle.exists() else [])
            done = CliRunner().invoke(app, ["trustee", "decrypt",
                                            str(trustees / f"trustee-{i}.json"), str(request),
                                            *proof, "--out", str(out)])
            assert done.exit_code == 0, done.output
            shares.append(str(out))
    done = run_cli(db_url, "decrypt", slug, *shares)
    assert done.exit_code == 0, done.output


def small_by_cli(db_url: str, tmp_path: Path, members: int = 1) -> Path:
    """The small contest made and its members imported by the command line; the roll."""
    toml = tmp_path / "small.toml"
    toml.write_text(SMALL)
    roll = write_roll(tmp_path / "roll.csv", [member(i) for i in range(1, members + 1)])
    assert run_cli(db_url, "init", str(toml)).exit_code == 0
    assert run_cli(db_url, "electorate", "import", "small", str(roll), "--section",
                   "members").exit_code == 0
    return roll


def unseal(contest: Any, sealed: list[bytes], trustees: int = 2,
           files: list[Path] | None = None) -> list[list[int]]:
    """What sealed ballots say (candidate keys), decrypted as the trustees would: a request
    for them, ``trustees`` trustees' shares, combined (refused below the threshold)."""
    import json

    from psephos.contests.casting.paper import ballot_paper
    from psephos.contests.models import KeyCeremony
    from psephos.contests.trustees import round1_messages
    from psephos.crypto.decryption import combine, decrypt_shares, decryption_request

    ceremony = KeyCeremony.objects.get(contest=contest)
    document, round1 = dict(ceremony.document), round1_messages(ceremony)
    pks = ballot_paper(contest).pks
    request = decryption_request(document, round1, [bytes(s) for s in sealed], len(pks),
                                 "test")
    if files is None:
        files = TRUSTEE_FILES[(contest.slug, contest.pk)]
    responses = [decrypt_shares(json.loads(p.read_text(encoding="utf-8")), request)
                 for p in files[:trustees]]
    return [[pks[c] for c in ranking]
            for ranking in combine(document, round1, request, responses)]


def stored_rankings(contest: Any) -> dict[str, list[int]]:
    """Every stored ballot's ranking (candidate keys) by tracker, decrypted by 2 trustees."""
    from psephos.contests.models import Ballot

    rows = list(Ballot.objects.filter(contest=contest).values_list("tracker", "sealed"))
    rankings = unseal(contest, [bytes(s) for _, s in rows])
    return {tracker: ranking for (tracker, _), ranking in zip(rows, rankings, strict=True)}
