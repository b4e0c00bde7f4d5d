"""`psephos verify RECORD` on the record of a real counted sealed contest: every check
passes; a missing proof of shuffle has its own exit status; and each way of tampering with
the record makes verify fail, naming the check that caught it."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app

REPO = Path(__file__).resolve().parents[2]


def verify(record: Path, *options: str) -> Any:
    return CliRunner().invoke(app, ["verify", str(record), *options])


def results(record: Path, *options: str) -> tuple[int, dict[str, tuple[str, str]]]:
    """(exit status, check name -> (result, detail)) of ``psephos verify --json``."""
    done = verify(record, "--json", *options)
    report = json.loads(done.stdout)
    assert report["exit_status"] == done.exit_code
    return done.exit_code, {c["check"]: (c["result"], c["detail"]) for c in report["checks"]}


def failed(checks: dict[str, tuple[str, str]]) -> list[str]:
    return [name for name, (result, _) in checks.items() if result == "fail"]


def load(record: Path, name: str) -> Any:
    return json.loads((record / name).read_text(encoding="utf-8"))


def save(record: Path, name: str, document: Any) -> None:
    (record / name).write_text(json.dumps(document, indent=1), encoding="utf-8")


def test_the_record_of_a_counted_contest_verifies(built: tuple[Path, Any, list[Path]]
                                                   ) -> None:
    record, declaration, _ = built
    done = verify(record)
    assert done.exit_code == 0, done.stdout
    lines = done.stdout.splitlines()
    assert all(line.startswith("ok  ") for line in lines[:-1]), done.stdout
    expected = (["ceremony"]
                + [f"ceremony: round {r} of trustee {t}" for r in (1, 2) for t in (1, 2, 3)]
                + ["ceremony: election key", "board chain", "opening"])
    for section in ("members", "supporters"):
        expected += [f"credential list of {section}", f"signatures of {section}"]
    expected += ["board ballots", "eligibility", "trackers"]
    for section in ("members", "supporters"):
        expected += [f"{kind} of {section}" for kind in
                     ("sealed list", "mixed list", "mix", "decryption request")]
        expected += [f"shares of {section} from trustee {t}" for t in (1, 2)]
        expected += [f"threshold of {section}", f"opened ballots of {section}"]
    expected += ["all ballots", "recount", "declared result", "declared result of members",
                 "declared result of supporters"]
    assert len(lines) == len(expected) + 1 == 39
    for line, name in zip(lines, expected, strict=False):
        assert line.startswith(f"ok    {name}: "), (line, name)
    assert lines[-1] == "38 checks: 38 passed"
    # The figures are the contests app's own: its declaration, its ceremony, its ballots.
    checks = results(record)[1]
    elected = ", ".join(declaration.elected)
    assert f"elected {elected}" in checks["recount"][1]
    assert f"{len(declaration.count.stages)} stages agree" in checks["recount"][1]
    for section in declaration.sections:
        assert checks[f"sealed list of {section.slug}"][1].startswith(
            f"{section.ballots} sealed ballots of width 3")
        assert f"the {section.ballots} ballots decrypt to" in \
            checks[f"opened ballots of {section.slug}"][1]
    assert "the proof of shuffle verifies" in checks["mix of members"][1]
    key = load(record, "ceremony.json")["election_key"]
    assert checks["ceremony: election key"][1].startswith(key)


def test_the_verifier_needs_neither_django_nor_the_contests_app(
        built: tuple[Path, Any, list[Path]]) -> None:
    script = ("import sys\nfrom psephos.verify import verify_record\n"
              f"report = verify_record({str(built[0])!r})\n"
              "assert report.exit_status == 0, report.summary()\n"
              "assert not [m for m in sys.modules if m.split('.')[0] in ('django', 'ninja')"
              " or m.startswith('psephos.contests')], 'imported'\n")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=REPO, check=False, timeout=300)
    assert done.returncode == 0, done.stderr


def test_a_record_without_proofs_of_shuffle(record: Path, built: tuple[Path, Any, list[Path]]
                                            ) -> None:
    from tests.verify.records import before_proofs

    before_proofs(record, built[2])
    status, checks = results(record)
    assert status == 3
    assert failed(checks) == ["mix of members", "mix of supporters"]
    assert "no proof of shuffle published" in checks["mix of members"][1]
    done = verify(record)
    assert done.exit_code == 3
    assert "FAIL  mix of members: no proof of shuffle published" in done.stdout
    done = verify(record, "--allow-unproved-mix")
    assert done.exit_code == 0, done.stdout
    assert "WARN  mix of supporters: no proof of shuffle published" in done.stdout
    assert done.stdout.splitlines()[-1] == "38 checks: 36 passed, 2 warnings"


def test_a_section_with_no_ballots_has_nothing_to_prove(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.verify.records import VOTES, counted_record

    members_only = {number: r for number, r in VOTES.items() if number.startswith("M")}
    folder, declaration, _ = counted_record(tmp_path, monkeypatch, members_only, "members-only")
    assert [s.ballots for s in declaration.sections] == [4, 0]
    assert not (folder / "shuffle-supporters.json").exists()
    status, checks = results(folder)
    assert status == 0, failed(checks)
    assert checks["mix of supporters"] == ("pass", "no ballots: nothing to shuffle")
    assert checks["sealed list of supporters"][1].startswith("0 sealed ballots")


def test_a_request_that_names_its_shuffle(record: Path, built: tuple[Path, Any, list[Path]]
                                          ) -> None:
    """A request may name the shuffle file whose output it decrypts (by its digest under
    `psephos-shuffle/1`): the name must be the file's, and the file must be there."""
    from psephos.crypto.messages import digest
    from tests.verify.records import rewrite_requests

    def name_it(request: dict[str, Any], section: str) -> None:
        request["shuffle"] = digest("psephos-shuffle/1", load(record, f"shuffle-{section}.json"))

    rewrite_requests(record, built[2], name_it)
    assert results(record)[0] == 0
    rewrite_requests(record, built[2], lambda request, _: request.update(shuffle="ab" * 32))
    status, checks = results(record)
    assert status == 1
    assert failed(checks) == ["mix of members", "mix of supporters"]
    assert "not the shuffle the decryption request names" in checks["mix of members"][1]
    (record / "shuffle-members.json").unlink()
    status, checks = results(record)
    assert status == 1
    assert checks["mix of members"] == ("fail", f"the decryption request names shuffle "
                                                f"{'ab' * 32}, but shuffle-members.json is not "
                                                "in the record")


# Each tampering: what it does to the record, the checks it must fail (at least), and a
# phrase of the first one's detail.

def _modify_sealed_ballot(record: Path, _: list[Path]) -> None:
    """A cast ballot replaced by another valid one (for Carol), its tracker kept."""
    from psephos.crypto import elgamal

    key = bytes.fromhex(load(record, "ceremony.json")["election_key"])
    sealed = load(record, "sealed-members.json")
    sealed["ballots"][1]["sealed"] = elgamal.encrypt_ranking(key, [2], 3).hex()
    save(record, "sealed-members.json", sealed)


def _corrupt_sealed_ballot(record: Path, _: list[Path]) -> None:
    """A cast ballot's first alpha made the identity: its slot would be in the clear."""
    sealed = load(record, "sealed-members.json")
    sealed["ballots"][0]["sealed"] = "00" * 32 + sealed["ballots"][0]["sealed"][64:]
    save(record, "sealed-members.json", sealed)


def _sealed_list_of_another_section(record: Path, _: list[Path]) -> None:
    sealed = load(record, "sealed-members.json")
    sealed["section"] = "supporters"
    save(record, "sealed-members.json", sealed)


def _drop_mixed_ballot(record: Path, _: list[Path]) -> None:
    """The last mixed ballot dropped, and the list's SHA-256 made to match."""
    mixed = load(record, "mixed-members.json")
    mixed["ballots"].pop()
    mixed["sha256"] = hashlib.sha256(b"".join(bytes.fromhex(b) for b in mixed["ballots"])
                                     ).hexdigest()
    save(record, "mixed-members.json", mixed)


def _replace_mixed_ballot(record: Path, _: list[Path]) -> None:
    """A mixed ballot replaced by another valid ciphertext, the SHA-256 made to match."""
    from psephos.crypto import elgamal

    key = bytes.fromhex(load(record, "ceremony.json")["election_key"])
    mixed = load(record, "mixed-members.json")
    mixed["ballots"][0] = elgamal.encrypt_ranking(key, [2], 3).hex()
    mixed["sha256"] = hashlib.sha256(b"".join(bytes.fromhex(b) for b in mixed["ballots"])
                                     ).hexdigest()
    save(record, "mixed-members.json", mixed)


def _swap_mixed_ballots(record: Path, _: list[Path]) -> None:
    """Two mixed ballots swapped (a permutation the proof did not prove)."""
    mixed = load(record, "mixed-members.json")
    mixed["ballots"][0], mixed["ballots"][1] = mixed["ballots"][1], mixed["ballots"][0]
    mixed["sha256"] = hashlib.sha256(b"".join(bytes.fromhex(b) for b in mixed["ballots"])
                                     ).hexdigest()
    save(record, "mixed-members.json", mixed)


def _wrong_share(record: Path, trustees: list[Path]) -> None:
    """Trustee 2 sends a wrong share for the first ciphertext, and signs it."""
    from psephos.crypto import group
    from psephos.crypto.messages import sign
    from psephos.crypto.trustees import read_private

    name = "shares-members-trustee-2.json"
    response = load(record, name)
    shares = bytearray(base64.b64decode(response["shares"]))
    shares[:32] = group.base_mult(group.scalar(7))
    response["shares"] = base64.b64encode(bytes(shares)).decode()
    private = read_private(json.loads(trustees[1].read_text(encoding="utf-8")))
    save(record, name, sign(response, private.signing_seed))


def _change_csv_line(record: Path, _: list[Path]) -> None:
    """A ballot line of the members' file changed to another valid ranking."""
    path = record / "ballots-members.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "Bob,Carol,Alice\n" if lines[2] != "Bob,Carol,Alice\n" else "Alice,,\n"
    path.write_text("".join(lines), encoding="utf-8")


def _wrong_declared_count(record: Path, _: list[Path]) -> None:
    """The declaration gives the members one more ballot returned."""
    declaration = load(record, "declaration.json")
    declaration["sections"][0]["ballots"] += 1
    save(record, "declaration.json", declaration)


def _bad_ceremony_signature(record: Path, _: list[Path]) -> None:
    """Trustee 3's round-2 message with a signature that is not its own."""
    ceremony = load(record, "ceremony.json")
    message = next(m for m in ceremony["round2"] if m["trustee"] == 3)
    signature = bytearray(bytes.fromhex(message["signature"]))
    signature[0] ^= 1
    message["signature"] = signature.hex()
    save(record, "ceremony.json", ceremony)


def _other_ballots(record: Path) -> tuple[str, bytes, str, list[bytes]]:
    """(ceremony hash, key, label, the members' sealed list with one ballot replaced)."""
    from psephos.crypto import elgamal
    from psephos.crypto.ceremony import read_ceremony

    ceremony = load(record, "ceremony.json")
    key = bytes.fromhex(ceremony["election_key"])
    inputs = [bytes.fromhex(b["sealed"]) for b in load(record, "sealed-members.json")["ballots"]]
    inputs[0] = elgamal.encrypt_ranking(key, [1], 3)
    return read_ceremony(ceremony["ceremony"]).hash, key, "verified/members", inputs


def _shuffle_of_other_ballots(record: Path, _: list[Path]) -> None:
    """A valid shuffle file, but of other input ballots than the sealed list."""
    from psephos.crypto.shuffle_file import mix_section

    save(record, "shuffle-members.json", mix_section(*_other_ballots(record)))


def _shuffle_claiming_the_sealed_list(record: Path, _: list[Path]) -> None:
    """A shuffle of other ballots whose "input" claims the sealed list's digest."""
    from psephos.crypto.shuffle_file import input_digest, mix_section

    document = mix_section(*_other_ballots(record))
    document["input"] = input_digest(
        [bytes.fromhex(b["sealed"]) for b in load(record, "sealed-members.json")["ballots"]])
    save(record, "shuffle-members.json", document)


TAMPERING: list[tuple[Callable[[Path, list[Path]], None], list[str], str]] = [
    (_modify_sealed_ballot, ["mix of members"],
     "its input digest is not that of the input ballots"),
    (_corrupt_sealed_ballot, ["sealed list of members", "mix of members"],
     "ballot 1: slot 1: alpha is not a valid point"),
    (_sealed_list_of_another_section, ["sealed list of members"],
     "section 'supporters', not 'verified', 'members'"),
    (_drop_mixed_ballot, ["mixed list of members", "mix of members",
                          "decryption request of members"], "3 mixed ballots for 4 cast"),
    (_replace_mixed_ballot, ["mix of members"], "its output is not mixed-members.json's"),
    (_swap_mixed_ballots, ["mix of members"], "its output is not mixed-members.json's"),
    (_wrong_share, ["shares of members from trustee 2", "threshold of members",
                    "opened ballots of members"], "the proof of the shares does not verify"),
    (_change_csv_line, ["opened ballots of members", "all ballots"],
     "ballots-members.csv does not hold the rankings it should"),
    (_wrong_declared_count, ["sealed list of members", "declared result of members"],
     "4 ballots, but the declaration says 5 were returned"),
    (_bad_ceremony_signature, ["ceremony: round 2 of trustee 3"],
     "the signature does not verify"),
    (_shuffle_of_other_ballots, ["mix of members"],
     "its input digest is not that of the input ballots"),
    (_shuffle_claiming_the_sealed_list, ["mix of members"], "does not verify"),
]


@pytest.mark.parametrize(("tamper", "failing", "phrase"), TAMPERING,
                         ids=[t[0].__name__.strip("_") for t in TAMPERING])
def test_tampering_fails_the_check_that_catches_it(
        record: Path, built: tuple[Path, Any, list[Path]],
        tamper: Callable[[Path, list[Path]], None], failing: list[str], phrase: str) -> None:
    tamper(record, built[2])
    status, checks = results(record)
    assert status == 1
    assert set(failing) <= set(failed(checks)), failed(checks)
    assert phrase in checks[failing[0]][1], checks[failing[0]][1]
    done = verify(record)
    assert done.exit_code == 1
    assert f"FAIL  {failing[0]}: " in done.stdout


def test_only_the_bad_signature_fails(record: Path) -> None:
    """A bad round-2 signature of a trustee who did not decrypt taints nothing else."""
    _bad_ceremony_signature(record, [])
    assert failed(results(record)[1]) == ["ceremony: round 2 of trustee 3"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: (r / "declaration.json").unlink(), "declaration.json: missing from the record"),
    (lambda r: (r / "ceremony.json").write_text("{\n  oops", encoding="utf-8"),
     "ceremony.json:2: expected JSON"),
    (lambda r: save(r, "declaration.json", {k: v for k, v in load(r, "declaration.json")
                                            .items() if k != "count"}),
     "declaration.json:count: expected an object"),
    (lambda r: save(r, "mixed-members.json", {**load(r, "mixed-members.json"),
                                              "ballots": ["not hex"]}),
     "mixed-members.json:ballots[0]: expected lowercase hexadecimal"),
    (lambda r: (r / "request-supporters.json").unlink(),
     "request-supporters.json: missing from the record"),
], ids=["missing", "not-json", "missing-field", "not-hex", "missing-request"])
def test_an_unreadable_record_exits_2_naming_file_and_field(
        record: Path, change: Callable[[Path], Any], message: str) -> None:
    change(record)
    done = verify(record)
    assert done.exit_code == 2
    assert done.stderr == f"psephos: {record / message}\n" or \
        done.stderr.startswith(f"psephos: {record / message}")
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
