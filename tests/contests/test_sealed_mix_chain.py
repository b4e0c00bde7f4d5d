"""A chain of mixes (docs/verifiability.md section 9.7): after the server's shuffle, two
trustees re-mix each section by `psephos trustee mix`, the server takes each stage in by
`psephos contest add-mix` once its proof holds against the last output, the decryption
request names the last stage, and `psephos trustee decrypt` and `psephos verify` check the
whole chain; a stage that does not re-mix the last output, a bad proof, or a request that
names an earlier stage is refused, naming the check."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

from django.test import override_settings
from typer.testing import CliRunner

from psephos.cli.main import app
from tests.contests.helpers import TRUSTEE_FILES, open_with_voters, run_cli

VOTES = {"M1": ["Alice"], "M2": ["Bob", "Alice"], "M3": ["Alice", "Carol"], "M4": ["Carol"],
         "S1": ["Carol"], "S2": ["Carol", "Bob"]}
SECTIONS = ("members", "supporters")


def _ok(done: Any) -> Any:
    assert done.exit_code == 0, done.output
    return done


def _trustee(*args: str) -> Any:
    return CliRunner().invoke(app, ["trustee", *args])


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _closed(tmp_path: Path, db_url: str) -> tuple[str, list[Path]]:
    """A contest with 3 trustees (2 decrypt), voted, closed and shuffled by the server;
    (its slug, the trustees' private files)."""
    from psephos.contests.casting.service import cast_ballot

    contest, secrets = open_with_voters(tmp_path, members=4, supporters=2, slug="chained")
    for number, ranking in VOTES.items():
        cast_ballot(contest, secrets[number].link_token, ranking)
    _ok(run_cli(db_url, "close", contest.slug))
    _ok(run_cli(db_url, "shuffle", contest.slug))
    return contest.slug, TRUSTEE_FILES[(contest.slug, contest.pk)]


def _remix(db_url: str, slug: str, tmp_path: Path, mixer: int) -> dict[str, Path]:
    """Mixer ``mixer`` fetches each section's chain, re-mixes its last stage by the CLI
    and the server adds it; the new stage's file, by section."""
    folder = tmp_path / f"chain-{mixer}"
    _ok(run_cli(db_url, "mix-files", slug, str(folder)))
    added = {}
    for section in SECTIONS:
        last = max(folder.glob(f"shuffle-{section}*.json"), key=lambda p: len(p.stem))
        out = tmp_path / f"mix-{mixer}-{section}.json"
        done = _ok(_trustee("mix", str(last), "--out", str(out)))
        assert f"stage {mixer} of {slug}/{section}" in done.output
        done = _ok(run_cli(db_url, "add-mix", slug, section, str(out)))
        assert f"section {section}: stage {mixer} added" in done.output
        added[section] = out
    return added


def _chain(folder: Path, section: str) -> list[Path]:
    stages = [folder / f"shuffle-{section}.json"]
    while (folder / f"shuffle-{section}-{len(stages)}.json").exists():
        stages.append(folder / f"shuffle-{section}-{len(stages)}.json")
    return stages


def _verify(record: Path) -> tuple[int, dict[str, tuple[str, str]]]:
    done = CliRunner().invoke(app, ["verify", str(record), "--json"])
    report = json.loads(done.stdout)
    return done.exit_code, {c["check"]: (c["result"], c["detail"]) for c in report["checks"]}


def _decrypt_count_export(db_url: str, slug: str, privates: list[Path], requests: Path,
                          tmp_path: Path) -> tuple[Any, Path]:
    """Two trustees decrypt each section, each checking the whole chain first, by the CLI;
    the server takes the shares, counts and exports: (the declaration, the record)."""
    shares = []
    for number, private in enumerate(privates[:2], start=1):
        for section in SECTIONS:
            out = tmp_path / f"shares-{number}-{section}.json"
            chain = [a for p in _chain(requests, section) for a in ("--shuffle", str(p))]
            done = _ok(_trustee("decrypt", str(private),
                                str(requests / f"request-{section}.json"), *chain,
                                "--sealed", str(requests / f"sealed-{section}.json"),
                                "--out", str(out)))
            assert "the proof of shuffle holds at each of its 3 stages" in done.output
            shares.append(str(out))
    _ok(run_cli(db_url, "decrypt", slug, *shares))
    counted = json.loads(_ok(run_cli(db_url, "count", slug, "--json")).stdout)
    record = tmp_path / "record"
    _ok(run_cli(db_url, "export", slug, str(record)))
    return counted, record


def test_two_trustee_mixes_then_decrypt_count_export_verify(db_url: str,
                                                             tmp_path: Path) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.mixing import list_sha256, mixed_ballots
    from psephos.contests.models import AuditEntry, Section
    from psephos.crypto.shuffle_file import check_chain, read_sealed_list, shuffle_hash

    slug, privates = _closed(tmp_path, db_url)
    with override_settings(PSEPHOS_TRUSTEE_MIXES=2):
        early = run_cli(db_url, "decryption-request", slug, str(tmp_path / "early"))
        assert early.exit_code != 0 and "0 trustee re-mixes of the 2 required" in early.output
        _remix(db_url, slug, tmp_path, 1)
        early = run_cli(db_url, "decryption-request", slug, str(tmp_path / "early"))
        assert early.exit_code != 0 and "1 trustee re-mixes of the 2 required" in early.output
        _remix(db_url, slug, tmp_path, 2)
        requests = tmp_path / "requests"
        _ok(run_cli(db_url, "decryption-request", slug, str(requests)))
    logged = [e.payload for e in AuditEntry.objects.filter(action="contest.mix")
              .order_by("pk")]
    assert [(e["section"], e["stage"]) for e in logged] == [
        ("members", 1), ("supporters", 1), ("members", 2), ("supporters", 2)]
    for section in SECTIONS:
        chain = [_load(p) for p in _chain(requests, section)]
        assert [c.get("stage", 0) for c in chain] == [0, 1, 2]
        sealed = read_sealed_list(_load(requests / f"sealed-{section}.json"))
        outputs = check_chain(chain, sealed)  # checked independently of the server
        stored = mixed_ballots(Section.objects.get(contest__slug=slug, slug=section))
        assert outputs == stored and sorted(outputs) != sorted(sealed)
        request = _load(requests / f"request-{section}.json")
        assert request["shuffle"] == shuffle_hash(chain[-1])
        last = [e for e in logged if e["section"] == section][-1]
        assert last["shuffle_hash"] == shuffle_hash(chain[-1])
        assert last["mixed_sha256"] == list_sha256(stored)
    counted, record = _decrypt_count_export(db_url, slug, privates, requests, tmp_path)
    for section in SECTIONS:
        assert [p.name for p in _chain(record, section)] == [
            f"shuffle-{section}.json", f"shuffle-{section}-1.json", f"shuffle-{section}-2.json"]
    status, checks = _verify(record)
    assert status == 0, checks
    for section in SECTIONS:
        result, detail = checks[f"mix of {section}"]
        assert result == "pass" and "chain of 3 mixes" in detail
    # The count of the chain's output is the votes cast: first preferences by hand.
    firsts: dict[str, int] = {}
    for ranking in VOTES.values():
        firsts[ranking[0]] = firsts.get(ranking[0], 0) + 1
    text = json.dumps(counted)
    assert all(name in text for name in firsts)
    assert sum(len(_load(record / f"mixed-{s}.json")["ballots"]) for s in SECTIONS) == \
        len(VOTES)
    assert verify_log().ok
    # No more mixes once shares were taken.
    late = _trustee("mix", str(requests / "shuffle-members-2.json"), "--out",
                    str(tmp_path / "late.json"))
    assert late.exit_code == 0
    refused = run_cli(db_url, "add-mix", slug, "members", str(tmp_path / "late.json"))
    assert refused.exit_code != 0 and "closed, uncounted contest" in refused.output


def _forged_stage(chain: list[dict[str, Any]], inputs: list[bytes], stage: int
                  ) -> dict[str, Any]:
    """A stage ``stage`` naming the chain's last stage as its previous, but re-mixing
    ``inputs`` (not that stage's output), with an honest proof of that."""
    from psephos.crypto.shuffle_file import proof_context, shuffle_document, shuffle_hash
    from psephos.crypto.shuffle_proof import shuffle_and_prove

    first = chain[0]
    key = bytes.fromhex(first["election_key"])
    mixed, proof = shuffle_and_prove(
        key, inputs, context=proof_context(first["ceremony"], first["label"], stage))
    return shuffle_document(first["ceremony"], key, first["label"], inputs, mixed, proof,
                            stage=stage, previous=shuffle_hash(chain[-1]))


def _outputs(document: dict[str, Any]) -> list[bytes]:
    data = base64.b64decode(document["output"])
    size = len(data) // document["count"]
    return [data[at:at + size] for at in range(0, len(data), size)]


def _swapped(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with its first two output ballots swapped: its proof no longer holds."""
    outputs = _outputs(document)
    outputs[0], outputs[1] = outputs[1], outputs[0]
    return {**document, "output": base64.b64encode(b"".join(outputs)).decode()}


def test_add_mix_refuses_a_stage_off_the_chain_or_badly_proved(db_url: str,
                                                                tmp_path: Path) -> None:
    from psephos.contests.models import AuditEntry

    slug, privates = _closed(tmp_path, db_url)
    first = _remix(db_url, slug, tmp_path, 1)
    folder = tmp_path / "now"
    _ok(run_cli(db_url, "mix-files", slug, str(folder)))
    chain = [_load(p) for p in _chain(folder, "members")]
    before = AuditEntry.objects.filter(action="contest.mix").count()

    def refused(document: dict[str, Any], name: str) -> str:
        path = tmp_path / name
        path.write_text(json.dumps(document), encoding="utf-8")
        done = run_cli(db_url, "add-mix", slug, "members", str(path))
        assert done.exit_code != 0 and "Traceback" not in done.output
        return str(done.output)

    # Stage 2 claiming stage 1 as previous, but re-mixing stage 0's output.
    message = refused(_forged_stage(chain, _outputs(chain[0]), 2), "off-chain.json")
    assert "off-chain.json: not added: its input is not stage 1's output" in message
    # A mix of stage 0 again (trustee 1's file sent twice): not the next stage.
    message = refused(_load(first["members"]), "again.json")
    assert "it says it is stage 1, not the next stage (2)" in message
    # An honest re-mix whose output was then touched: the proof fails.
    honest = tmp_path / "honest.json"
    _ok(_trustee("mix", str(_chain(folder, "members")[-1]), "--out", str(honest)))
    message = refused(_swapped(_load(honest)), "swapped.json")
    assert "swapped.json: not added:" in message and "equation" in message
    assert AuditEntry.objects.filter(action="contest.mix").count() == before
    _ok(run_cli(db_url, "add-mix", slug, "members", str(honest)))
    # Once a trustee's shares of the section's request are in, no more stages.
    from psephos.contests.mixing import requests_of
    from psephos.contests.models import Contest
    from psephos.contests.opening import add_shares
    from psephos.crypto.decryption import decrypt_shares

    contest = Contest.objects.get(slug=slug)
    request = next(r for r in requests_of(contest) if r.section.slug == "members")
    add_shares(contest, decrypt_shares(_load(privates[0]), request.request), actor="ro")
    late = tmp_path / "late.json"
    _ok(_trustee("mix", str(honest), "--out", str(late)))
    message = refused(_load(late), "late.json")
    assert "decryption shares were already taken" in message


def test_trustee_decrypt_and_verify_refuse_a_broken_chain(db_url: str,
                                                          tmp_path: Path) -> None:
    from psephos.contests.sealed_models import KeyCeremony
    from psephos.contests.trustees import round1_messages
    from psephos.crypto.decryption import REQUEST_FORMAT, decryption_request
    from psephos.crypto.messages import digest
    from psephos.crypto.shuffle_file import shuffle_hash

    slug, privates = _closed(tmp_path, db_url)
    _remix(db_url, slug, tmp_path, 1)
    _remix(db_url, slug, tmp_path, 2)
    requests = tmp_path / "requests"
    _ok(run_cli(db_url, "decryption-request", slug, str(requests)))
    paths = _chain(requests, "members")
    chain = [_load(p) for p in paths]
    sealed = str(requests / "sealed-members.json")
    out = tmp_path / "shares.json"

    def decrypt(request: Path, *files: Path) -> Any:
        return _trustee("decrypt", str(privates[0]), str(request),
                        *[a for p in files for a in ("--shuffle", str(p))],
                        "--sealed", sealed, "--out", str(out))

    # A request naming stage 1 (holding its output): the server skipping the last mixer.
    ceremony = KeyCeremony.objects.get(contest__slug=slug)
    early = decryption_request(dict(ceremony.document), round1_messages(ceremony),
                               _outputs(chain[1]), chain[1]["width"], chain[1]["label"],
                               shuffle=shuffle_hash(chain[1]))
    (requests / "early-request.json").write_text(json.dumps(early))
    done = decrypt(requests / "early-request.json", *paths)
    assert done.exit_code == 2 and not out.exists()
    assert "the decryption request names stage 1, not the last stage (2)" in done.output
    # A stage 2 whose input is not stage 1's output.
    forged = tmp_path / "forged-2.json"
    forged.write_text(json.dumps(_forged_stage(chain[:2], _outputs(chain[0]), 2)))
    forged_request = decryption_request(
        dict(ceremony.document), round1_messages(ceremony), _outputs(_load(forged)),
        chain[0]["width"], chain[0]["label"], shuffle=shuffle_hash(_load(forged)))
    (requests / "forged-request.json").write_text(json.dumps(forged_request))
    done = decrypt(requests / "forged-request.json", paths[0], paths[1], forged)
    assert done.exit_code == 2 and not out.exists()
    assert "forged-2.json: not decrypting: stage 2: its input is not stage 1's output" in \
        done.output
    # A stage 1 with a bad proof.
    bad = tmp_path / "bad-1.json"
    bad.write_text(json.dumps(_swapped(chain[1])))
    done = decrypt(requests / "request-members.json", paths[0], bad, paths[2])
    assert done.exit_code == 2 and not out.exists() and "bad-1.json: not decrypting: " in \
        done.output
    # The honest chain passes.
    assert decrypt(requests / "request-members.json", *paths).exit_code == 0

    # The same in a record: verify names the file and the check.
    _, record = _decrypt_count_export(db_url, slug, privates, requests, tmp_path)
    assert _verify(record)[0] == 0

    def verdict(change: dict[str, Any]) -> str:
        copy = tmp_path / f"record-{len(list(tmp_path.glob('record-*')))}"
        shutil.copytree(record, copy)
        for name, document in change.items():
            (copy / name).write_text(json.dumps(document), encoding="utf-8")
        status, checks = _verify(copy)
        assert status != 0
        return "{}: {}".format(*checks["mix of members"])

    stage0, stage1 = (_load(record / "shuffle-members.json"),
                      _load(record / "shuffle-members-1.json"))
    message = verdict({"shuffle-members-1.json": _swapped(stage1)})
    assert message.startswith("fail: shuffle-members-1.json (stage 1): ")
    assert "equation" in message
    off = _forged_stage([stage0, stage1], _outputs(stage0), 2)
    message = verdict({"shuffle-members-2.json": off})
    assert "shuffle-members-2.json (stage 2): its input is not stage 1's output" in message
    request = _load(record / "request-members.json")
    body = {k: v for k, v in request.items() if k != "hash"}
    body["shuffle"] = shuffle_hash(stage1)
    message = verdict({"request-members.json": {**body,
                                                "hash": digest(REQUEST_FORMAT, body)}})
    assert message.startswith("fail: shuffle-members-2.json: ")
    assert "the request names stage 1, not the chain's last" in message
