"""`psephos trustee`: the whole ceremony and a decryption through files, and every bad
file refused in one line with exit status 2."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app
from psephos.crypto import ceremony, decryption, elgamal
from psephos.crypto.messages import sign

RUNNER = CliRunner()


def run(*args: str | Path) -> Any:
    return RUNNER.invoke(app, ["trustee", *map(str, args)])


def load(path: Path) -> Any:
    return json.loads(path.read_text())


def save(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document))
    return path


def _trustees(tmp_path: Path, n: int, k: int) -> tuple[list[Path], Path]:
    publics = []
    privates = []
    for i in range(1, n + 1):
        private, public = tmp_path / f"t{i}.private.json", tmp_path / f"t{i}.public.json"
        result = run("new", f"Trustee {i}", "--out", private, "--public", public)
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
        publics.append(load(public))
        privates.append(private)
    setup = save(tmp_path / "ceremony.json", ceremony.new_ceremony("cli test", k, publics))
    return privates, setup


def _ceremony(tmp_path: Path, n: int = 3, k: int = 2) -> tuple[list[Path], Path, Path]:
    privates, setup = _trustees(tmp_path, n, k)
    folder = tmp_path / "round1"
    folder.mkdir()
    for i, private in enumerate(privates, start=1):
        result = run("round1", private, setup, "--out", folder / f"t{i}.json")
        assert result.exit_code == 0, result.output
    for i, private in enumerate(privates, start=1):
        result = run("round2", private, setup, folder, "--out", tmp_path / f"t{i}.round2.json")
        assert result.exit_code == 0, result.output
        assert "accepts; election key" in result.output
    return privates, setup, folder


def _round1(folder: Path) -> list[dict[str, Any]]:
    return [load(path) for path in sorted(folder.glob("*.json"))]


def test_a_ceremony_and_a_decryption_through_files(tmp_path: Path) -> None:
    privates, setup, folder = _ceremony(tmp_path)
    cer, first = load(setup), _round1(folder)
    for i in range(1, 4):
        ceremony.check_round2(cer, first, load(tmp_path / f"t{i}.round2.json"))
    key = ceremony.election_key(cer, first)
    cast = [(0, 1), (1,), (2, 0, 1), ()]
    request = save(tmp_path / "request.json", decryption.decryption_request(
        cer, first, elgamal.shuffle(key, [elgamal.encrypt_ranking(key, r, 3) for r in cast]),
        3, "section A"))
    responses = []
    for i in (1, 3):
        out = tmp_path / f"t{i}.shares.json"
        result = run("decrypt", privates[i - 1], request, "--out", out, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["ballots"] == 4
        responses.append(load(out))
    assert sorted(decryption.combine(cer, first, load(request), responses)) == sorted(cast)


def test_round1_again_writes_the_same_message(tmp_path: Path) -> None:
    privates, setup = _trustees(tmp_path, 2, 2)
    first = run("round1", privates[0], setup, "--out", tmp_path / "a.json")
    assert first.exit_code == 0
    assert "any 2 of 2 trustees: Trustee 1 (you), Trustee 2" in first.output
    assert run("round1", privates[0], setup, "--out", tmp_path / "b.json").exit_code == 0
    assert load(tmp_path / "a.json") == load(tmp_path / "b.json")
    assert stat.S_IMODE(privates[0].stat().st_mode) == 0o600


def test_new_never_overwrites(tmp_path: Path) -> None:
    private = save(tmp_path / "p.json", {"keep": True})
    result = run("new", "Ann", "--out", private, "--public", tmp_path / "q.json")
    assert result.exit_code == 2
    assert "already exists; it is not overwritten" in result.stderr
    assert load(private) == {"keep": True} and not (tmp_path / "q.json").exists()


def test_an_output_that_exists_is_not_overwritten(tmp_path: Path) -> None:
    privates, setup = _trustees(tmp_path, 2, 1)
    taken = save(tmp_path / "taken.json", {})
    result = run("round1", privates[0], setup, "--out", taken)
    assert result.exit_code == 2 and "taken.json: already exists" in result.stderr
    assert load(privates[0])["ceremonies"] == {}


def _fails(result: Any, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("psephos: "), result.stderr
    for part in expected:
        assert part in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_a_missing_or_non_json_file_is_refused(tmp_path: Path) -> None:
    privates, setup = _trustees(tmp_path, 1, 1)
    _fails(run("round1", tmp_path / "none.json", setup, "--out", tmp_path / "m.json"),
           "none.json: no such file")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    _fails(run("round1", privates[0], bad, "--out", tmp_path / "m.json"),
           "bad.json: not JSON", "line 1 column 2", "expected a ceremony file")
    _fails(run("round1", privates[0], tmp_path, "--out", tmp_path / "m.json"),
           "this is a folder; expected a ceremony file")


def test_a_tampered_private_file_is_refused(tmp_path: Path) -> None:
    privates, setup = _trustees(tmp_path, 1, 1)
    document = load(privates[0])
    save(privates[0], {**document, "box_secret": "00" * 32})
    _fails(run("round1", privates[0], setup, "--out", tmp_path / "m.json"),
           "t1.private.json: box_secret does not match the public box key")
    save(privates[0], {**document, "format": "psephos-trustee/9"})
    _fails(run("round1", privates[0], setup, "--out", tmp_path / "m.json"),
           "t1.private.json: format is 'psephos-trustee/9', expected 'psephos-trustee/1'")


def test_a_ceremony_without_this_trustee_is_refused(tmp_path: Path) -> None:
    privates, _ = _trustees(tmp_path, 1, 1)
    _, stranger = ceremony.new_trustee("Stranger")
    other = save(tmp_path / "other.json", ceremony.new_ceremony("x", 1, [stranger]))
    _fails(run("round1", privates[0], other, "--out", tmp_path / "m.json"),
           "other.json: Trustee 1 is not one of its trustees")


def test_a_tampered_round1_file_is_named(tmp_path: Path) -> None:
    privates, setup = _trustees(tmp_path, 3, 2)
    folder = tmp_path / "round1"
    folder.mkdir()
    for i, private in enumerate(privates, start=1):
        assert run("round1", private, setup, "--out", folder / f"t{i}.json").exit_code == 0
    message = load(folder / "t2.json")
    message["commitments"][0] = message["commitments"][1]
    save(folder / "t2.json", message)
    _fails(run("round2", privates[0], setup, folder, "--out", tmp_path / "r2.json"),
           "t2.json: round 1 message of trustee 2: the signature does not verify")
    assert not (tmp_path / "r2.json").exists()


def test_round2_without_every_message_is_refused(tmp_path: Path) -> None:
    privates, setup = _trustees(tmp_path, 3, 2)
    for i, private in enumerate(privates, start=1):
        assert run("round1", private, setup, "--out", tmp_path / f"r1-{i}.json").exit_code == 0
    _fails(run("round2", privates[0], setup, tmp_path / "r1-1.json", tmp_path / "r1-2.json",
               "--out", tmp_path / "r2.json"), "r1-1.json: round 1 messages: none from trustee 3")
    _fails(run("round2", privates[0], setup, tmp_path / "r1-1.json", tmp_path / "r1-1.json",
               "--out", tmp_path / "r2.json"), "a second round 1 message of trustee 1")


def test_round2_before_round1_is_refused(tmp_path: Path) -> None:
    privates, setup = _trustees(tmp_path, 2, 1)
    assert run("round1", privates[1], setup, "--out", tmp_path / "b.json").exit_code == 0
    _fails(run("round2", privates[0], setup, tmp_path / "b.json", "--out", tmp_path / "r.json"),
           "t1.private.json: trustee 1: round 1 has not been run for this ceremony")


def test_a_bad_share_is_a_complaint_with_exit_1(tmp_path: Path) -> None:
    privates, setup = _trustees(tmp_path, 2, 2)
    for i, private in enumerate(privates, start=1):
        assert run("round1", private, setup, "--out", tmp_path / f"r1-{i}.json").exit_code == 0
    message = load(tmp_path / "r1-1.json")
    other = load(tmp_path / "r1-2.json")
    # Trustee 1 re-signs its message with a share sealed for someone else.
    message["shares"]["2"] = message["shares"]["2"][:-2] + (
        "00" if message["shares"]["2"][-2:] != "00" else "11")
    save(tmp_path / "r1-1.json", sign(message, bytes.fromhex(load(privates[0])["signing_seed"])))
    result = run("round2", privates[1], setup, tmp_path / "r1-1.json", tmp_path / "r1-2.json",
                 "--out", tmp_path / "r2.json")
    assert result.exit_code == 1
    assert "trustee 1" in result.stderr and "does not open" in result.stderr
    assert load(tmp_path / "r2.json")["complaints"][0]["trustee"] == 1
    assert other["trustee"] == 2


def test_a_tampered_request_is_refused(tmp_path: Path) -> None:
    privates, setup, folder = _ceremony(tmp_path, 2, 1)
    cer, first = load(setup), _round1(folder)
    key = ceremony.election_key(cer, first)
    document = decryption.decryption_request(cer, first, [elgamal.encrypt_ranking(key, [0], 2)],
                                             2, "s")
    request = save(tmp_path / "request.json", {**document, "label": "another"})
    _fails(run("decrypt", privates[0], request, "--out", tmp_path / "s.json"),
           "request.json: its hash does not match its content")
    request = save(tmp_path / "request.json", {**document, "count": "x"})
    _fails(run("decrypt", privates[0], request, "--out", tmp_path / "s.json"),
           "request.json: its hash does not match")
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize("step", ["round1", "decrypt"])
def test_a_private_file_of_the_wrong_kind_is_refused(tmp_path: Path, step: str) -> None:
    _, setup = _trustees(tmp_path, 1, 1)
    public = tmp_path / "t1.public.json"
    _fails(run(step, public, setup, "--out", tmp_path / "m.json"),
           "t1.public.json: format is 'psephos-trustee-public/1', expected 'psephos-trustee/1'")


def test_a_damaged_ceremony_record_in_the_private_file_is_refused(tmp_path: Path) -> None:
    privates, setup, folder = _ceremony(tmp_path, 2, 1)
    cer, first = load(setup), _round1(folder)
    key = ceremony.election_key(cer, first)
    request = save(tmp_path / "request.json", decryption.decryption_request(
        cer, first, [elgamal.encrypt_ranking(key, [0], 2)], 2, "s"))
    document = load(privates[0])
    (state,) = document["ceremonies"].values()
    # Flip the low bit of the least significant byte: always a different, valid scalar.
    share = bytearray.fromhex(state["secret_share"])
    share[0] ^= 1
    state["secret_share"] = share.hex()
    save(privates[0], document)
    _fails(run("decrypt", privates[0], request, "--out", tmp_path / "s.json"),
           "t1.private.json: ceremony ", "secret_share does not match verification_key")
    del state["secret_share"]
    save(privates[0], document)
    _fails(run("decrypt", privates[0], request, "--out", tmp_path / "s.json"),
           "t1.private.json: ceremony ", "the field 'polynomial' is missing")
