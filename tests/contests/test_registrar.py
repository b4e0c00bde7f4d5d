"""A registrar mints the secrets; the server imports only their hashes and the lists, casts
with them, and never holds a secret or a private credential (docs/verifiability.md 10.9)."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.contests.helpers import (
    member,
    open_sealed,
    run_cli,
    small_contest,
    supporter,
    write_roll,
)


def _registrar(*args: str) -> Any:
    from typer.testing import CliRunner

    from psephos.cli.main import app

    return CliRunner().invoke(app, ["registrar", *args])


def _draft(tmp_path: Path, db_url: str, members: int = 3, supporters: int = 2) -> Any:
    """The small contest, its roll imported, exported for the registrar to roll.csv."""
    contest = small_contest(tmp_path)
    write_roll(tmp_path / "m.csv", [member(i) for i in range(1, members + 1)])
    write_roll(tmp_path / "s.csv", [supporter(i) for i in range(1, supporters + 1)])
    for name, section in (("m.csv", "members"), ("s.csv", "supporters")):
        done = run_cli(db_url, "electorate", "import", "small", str(tmp_path / name),
                       "--section", section)
        assert done.exit_code == 0, done.output
    done = run_cli(db_url, "electorate", "export", "small", str(tmp_path / "roll.csv"))
    assert done.exit_code == 0, done.output
    return contest


def _mint(tmp_path: Path, contest: Any, out: str = "registrar", roll: str = "roll.csv",
          iterations: int | None = None) -> Path:
    folder = tmp_path / out
    done = _registrar("credentials", "--contest", contest.slug, "--roll",
                      str(tmp_path / roll), "--out", str(folder), "--postal-iterations",
                      str(iterations or contest.postal_iterations))
    assert done.exit_code == 0, done.output
    return folder


def _letters(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / "letters.csv").open(newline="", encoding="utf-8") as handle:
        return {row["member_number"]: row for row in csv.DictReader(handle)}


def _import(db_url: str, folder: Path) -> Any:
    return run_cli(db_url, "registrar-import", "small", str(folder))


def test_mint_import_open_and_cast_without_the_server_holding_a_secret(
        db_url: str, tmp_path: Path) -> None:
    from django.apps import apps
    from django.core import serializers

    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.models import Ballot, Credential, PublicCredential
    from psephos.crypto import credentials as public

    contest = _draft(tmp_path, db_url)
    with (tmp_path / "roll.csv").open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [
            ["member_number", "section"], ["M1", "members"], ["M2", "members"],
            ["M3", "members"], ["S1", "supporters"], ["S2", "supporters"]]
    folder = _mint(tmp_path, contest)

    letters = _letters(folder)
    assert sorted(letters) == ["M1", "M2", "M3", "S1", "S2"]
    assert stat.S_IMODE((folder / "letters.csv").stat().st_mode) == 0o600
    lists = {section: public.read_list(json.loads(
        (folder / f"credentials-{section}.json").read_text(encoding="utf-8")))
        for section in ("members", "supporters")}
    assert [len(lists["members"]), len(lists["supporters"])] == [3, 2]
    pair = public.credential_pair(letters["M1"]["link_token"], letters["M1"]["postal_code"],
                                  "small", postal_iterations=contest.postal_iterations)
    assert pair in lists["members"]
    server_text = (folder / "server.json").read_text(encoding="utf-8")
    for entries in lists.values():  # no entry, nor either half of one, goes to the server
        for entry in entries:
            assert entry[:32].hex() not in server_text and entry[32:].hex() not in server_text
    for row in letters.values():
        assert row["link_token"] not in server_text and row["postal_code"] not in server_text

    done = _import(db_url, folder)
    assert done.exit_code == 0, done.output
    assert "imported the registrar's credentials for 5 voters" in done.output
    assert Credential.objects.filter(voter__contest=contest).count() == 5
    assert not Credential.objects.filter(publics__isnull=False).exists()
    assert PublicCredential.objects.filter(contest=contest).count() == 5

    open_sealed(contest, tmp_path)
    by_link = cast_ballot(contest, letters["M1"]["link_token"], ["Alice", "Bob"])
    by_code = cast_ballot(contest, letters["S2"]["postal_code"], ["Carol"])
    for receipt, section in ((by_link, "members"), (by_code, "supporters")):
        signed_by = bytes.fromhex(Ballot.objects.get(tracker=receipt.tracker).signed_by)
        assert any(signed_by in (entry[:32], entry[32:]) for entry in lists[section])
    assert Ballot.objects.filter(contest=contest).count() == 2

    # Every row of every table, as text: no secret and no private credential in any.
    dumped = "".join(serializers.serialize("json", model.objects.all())
                     for model in apps.get_models() if model._meta.managed)
    for row in letters.values():
        assert row["link_token"] not in dumped
        code = row["postal_code"]
        assert code not in dumped and code.replace("-", "") not in dumped
        for kind, secret in ((public.LINK, row["link_token"]), (public.POSTAL, code)):
            x = public.private_credential(kind, secret, "small",
                                          postal_iterations=contest.postal_iterations)
            assert x.hex() not in dumped


def test_the_server_refuses_to_mint_again_for_a_registrars_voter(db_url: str,
                                                                 tmp_path: Path) -> None:
    from psephos.contests.credentials import REGISTRAR_MADE, mint_link, reissue
    from psephos.contests.errors import ContestError
    from psephos.contests.models import Credential, Voter

    contest = _draft(tmp_path, db_url, members=2, supporters=0)
    assert _import(db_url, _mint(tmp_path, contest)).exit_code == 0
    voter = Voter.objects.get(contest=contest, member_number="M1")
    with pytest.raises(ContestError, match="ask the registrar to reissue"):
        reissue(voter, actor="ro")
    with pytest.raises(ContestError, match="ask the registrar to reissue"):
        mint_link(Credential.objects.get(voter=voter))
    done = run_cli(db_url, "credentials", "postal-pack", "small", str(tmp_path / "pack.csv"))
    assert done.exit_code == 2 and REGISTRAR_MADE in done.stderr, done.output
    assert not (tmp_path / "pack.csv").exists()
    assert Credential.objects.filter(voter__contest=contest).count() == 2  # none replaced
    done = run_cli(db_url, "credentials", "mail", "small")
    assert done.exit_code == 0 and "queued 0 ballot e-mails" in done.output


def _refused(db_url: str, folder: Path, message: str) -> None:
    from psephos.contests.models import Credential, PublicCredential

    done = _import(db_url, folder)
    assert done.exit_code == 2, done.output
    assert message in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not Credential.objects.exists() and not PublicCredential.objects.exists()


def _edit(path: Path, change: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def test_an_unknown_member_is_refused(db_url: str, tmp_path: Path) -> None:
    contest = _draft(tmp_path, db_url)
    folder = _mint(tmp_path, contest)
    _edit(folder / "server.json",
          lambda d: d["voters"][0].update(member_number="M99"))
    _refused(db_url, folder, "member M99 is not on the roll of 'small'")


def test_a_list_shorter_than_its_section_on_the_roll_is_refused(db_url: str,
                                                                tmp_path: Path) -> None:
    from psephos.crypto import credentials as public

    contest = _draft(tmp_path, db_url)
    folder = _mint(tmp_path, contest)
    path = folder / "credentials-members.json"
    entries = public.read_list(json.loads(path.read_text(encoding="utf-8")))
    shorter = public.list_document("small", "members", entries[1:])
    path.write_text(json.dumps(shorter), encoding="utf-8")
    _edit(folder / "server.json", lambda d: d["lists"].update(members=shorter["hash"]))
    _refused(db_url, folder, "2 entries for 3 voters of section 'members' on the roll")


def test_a_roll_missing_a_voter_is_refused(db_url: str, tmp_path: Path) -> None:
    contest = _draft(tmp_path, db_url)
    lines = (tmp_path / "roll.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "short.csv").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    folder = _mint(tmp_path, contest, roll="short.csv")
    _refused(db_url, folder, "1 voter(s) on the roll waiting for a credential are not in "
                             "it (S2)")


def test_a_list_with_a_wrong_hash_is_refused(db_url: str, tmp_path: Path) -> None:
    contest = _draft(tmp_path, db_url)
    folder = _mint(tmp_path, contest)
    other = _mint(tmp_path, contest, out="another-run")
    (folder / "credentials-supporters.json").write_bytes(
        (other / "credentials-supporters.json").read_bytes())
    _refused(db_url, folder, "the files are not from one run of the registrar")
    _edit(folder / "credentials-members.json", lambda d: d.update(hash="0" * 64))
    _refused(db_url, folder, "the hash does not match the list")


def test_other_postal_iterations_are_refused(db_url: str, tmp_path: Path) -> None:
    contest = _draft(tmp_path, db_url)
    folder = _mint(tmp_path, contest, iterations=contest.postal_iterations + 1)
    _refused(db_url, folder, f"uses {contest.postal_iterations}: mint again with "
                             f"--postal-iterations {contest.postal_iterations}")


def test_an_open_contest_is_refused(db_url: str, tmp_path: Path) -> None:
    from psephos.contests.credentials import issue_credentials

    contest = _draft(tmp_path, db_url, members=2, supporters=0)
    folder = _mint(tmp_path, contest)
    issue_credentials(contest)
    open_sealed(contest, tmp_path)
    done = _import(db_url, folder)
    assert done.exit_code == 2 and "a registrar's credentials are imported before the " \
        "opening" in done.stderr, done.output


def test_the_registrar_refuses_a_bad_roll_and_never_overwrites(tmp_path: Path) -> None:
    roll = tmp_path / "roll.csv"
    roll.write_text("member_number,section\nM1,members\nM1,members\n", encoding="utf-8")
    done = _registrar("credentials", "--contest", "small", "--roll", str(roll), "--out",
                      str(tmp_path / "out"), "--postal-iterations", "1")
    assert done.exit_code == 2 and "line 3: member M1 is already on line 2" in done.stderr
    roll.write_text("member_number,section\nM1,members\n", encoding="utf-8")
    args = ("credentials", "--contest", "small", "--roll", str(roll), "--out",
            str(tmp_path / "out"), "--postal-iterations", "1")
    assert _registrar(*args).exit_code == 0
    before = (tmp_path / "out" / "letters.csv").read_bytes()
    done = _registrar(*args)
    assert done.exit_code == 2 and "already exists; it is not overwritten" in done.stderr
    assert (tmp_path / "out" / "letters.csv").read_bytes() == before
