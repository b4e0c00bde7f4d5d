"""The sealed ballot from the command line, as the returning officer and three trustees on
their own machines run it: a real key ceremony (k = 2 of n = 3), voting, the shuffle, two
trustees decrypting, the count; fewer than k shares and a tampered share refused; and the
declaration, section by section, equal to a recount of the exported files."""

from __future__ import annotations

import base64
import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tests.contests.helpers import (
    example_still_open,
    member,
    run_cli,
    supporter,
    write_roll,
)


def trustee(*args: str) -> Any:
    """``psephos trustee ARGS...``, as a trustee runs it on their own machine."""
    from psephos.cli.main import app

    return CliRunner().invoke(app, ["trustee", *args])


def _ok(done: Any) -> Any:
    assert done.exit_code == 0, done.output
    return done


def _ceremony(db_url: str, slug: str, tmp_path: Path) -> list[Path]:
    """Three trustees make keys, the server collects them, both rounds run; their files."""
    privates = []
    for name in ("Ann", "Bob", "Cat"):
        private, public = tmp_path / f"{name}.json", tmp_path / f"{name}.public.json"
        _ok(trustee("new", f"{name} Example", "--out", str(private), "--public",
                    str(public)))
        assert oct(private.stat().st_mode & 0o777) == "0o600"
        privates.append(private)
    added = _ok(run_cli(db_url, "trustees", "add", slug,
                        *(str(p.with_suffix(".public.json")) for p in privates)))
    assert "trustee 3: Cat Example" in added.stdout
    ceremony = tmp_path / "ceremony.json"
    _ok(run_cli(db_url, "trustees", "ceremony", slug, "--threshold", "2", "--out",
                str(ceremony)))
    early = run_cli(db_url, "open", slug)
    assert early.exit_code == 2 and "round 1 messages from 3 of 3 trustees" in early.stderr
    for private in privates:
        _ok(trustee("round1", str(private), str(ceremony), "--out",
                    str(private.with_suffix(".round1.json"))))
    _ok(run_cli(db_url, "trustees", "submit", slug, str(privates[0].with_suffix(".round1.json"))))
    again = run_cli(db_url, "trustees", "submit", slug,
                    str(privates[0].with_suffix(".round1.json")))
    assert again.exit_code == 2 and "has already sent their round 1 message" in again.stderr
    forged = json.loads(privates[1].with_suffix(".round1.json").read_text())
    forged["trustee"] = 3
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    refused = run_cli(db_url, "trustees", "submit", slug, str(tmp_path / "forged.json"))
    assert refused.exit_code == 2 and "Traceback" not in refused.stderr
    assert "signature does not verify" in refused.stderr, refused.stderr
    _ok(run_cli(db_url, "trustees", "submit", slug,
                *(str(p.with_suffix(".round1.json")) for p in privates[1:])))
    round1 = tmp_path / "round1"
    _ok(run_cli(db_url, "trustees", "round1", slug, "--out-dir", str(round1)))
    assert sorted(p.name for p in round1.iterdir()) == [
        "round1-trustee-1.json", "round1-trustee-2.json", "round1-trustee-3.json"]
    for private in privates:
        _ok(trustee("round2", str(private), str(ceremony), str(round1), "--out",
                    str(private.with_suffix(".round2.json"))))
    done = _ok(run_cli(db_url, "trustees", "submit", slug,
                       *(str(p.with_suffix(".round2.json")) for p in privates)))
    assert "election key: " in done.stdout
    status = json.loads(_ok(run_cli(db_url, "trustees", "status", slug, "--json")).stdout)
    assert (status["state"], status["threshold"], status["missing"]) == ("complete", 2, None)
    assert status["round2"] == [1, 2, 3] and not status["local"]
    return privates


def test_sealed_ballot_from_the_command_line(db_url: str, tmp_path: Path) -> None:
    from psephos.ballots.csv_ballots import read_csv_ballots
    from psephos.contests.models import AuditEntry
    from psephos.crypto.shuffle_file import check_shuffle_document, read_sealed_list, shuffle_hash

    slug = "labour-2016"
    _ok(run_cli(db_url, "init", str(example_still_open(tmp_path))))
    rolls = {"members": [member(i) for i in range(1, 7)],
             "registered-supporters": [supporter(i) for i in range(1, 4)]}
    for section, rows in rolls.items():
        _ok(run_cli(db_url, "electorate", "import", slug,
                    str(write_roll(tmp_path / f"{section}.csv", rows)), "--section", section))
    out = tmp_path / "credentials.csv"
    _ok(run_cli(db_url, "credentials", "issue", slug, "--out", str(out)))
    privates = _ceremony(db_url, slug, tmp_path)
    _ok(run_cli(db_url, "open", slug))
    votes = {"M1": "Owen Smith", "M2": "Jeremy Corbyn,Owen Smith", "M3": "Jeremy Corbyn",
             "M4": "Jeremy Corbyn", "S1": "Owen Smith,Jeremy Corbyn", "S2": "Jeremy Corbyn"}
    for row in csv.DictReader(out.open()):
        if row["member_number"] in votes:
            _ok(run_cli(db_url, "vote", slug, "--credential", row["link_token"], "--ranking",
                        votes[row["member_number"]]))
    _ok(run_cli(db_url, "close", slug))
    done = _ok(run_cli(db_url, "shuffle", slug))
    assert "section members: 4 ballots mixed" in done.stdout
    requests = tmp_path / "requests"
    _ok(run_cli(db_url, "decryption-request", slug, str(requests)))
    names = sorted(p.name for p in requests.iterdir())
    sections = ["affiliated-supporters", "members", "registered-supporters"]
    # No one voted as an affiliated supporter: nothing to shuffle, so no shuffle to prove.
    assert names == ["request-affiliated-supporters.json", *sorted(
        f"{kind}-{section}.json" for section in sections[1:]
        for kind in ("request", "sealed", "shuffle"))]
    shares: dict[int, list[Path]] = {}
    for index in (1, 3):  # Ann and Cat decrypt, each checking the shuffle; Bob is away
        for section in sections:
            path = tmp_path / f"shares-{index}-request-{section}.json"
            proof = (["--shuffle", str(requests / f"shuffle-{section}.json"),
                      "--sealed", str(requests / f"sealed-{section}.json")]
                     if section != "affiliated-supporters" else [])
            done = _ok(trustee("decrypt", str(privates[index - 1]),
                               str(requests / f"request-{section}.json"), *proof,
                               "--out", str(path)))
            assert ("the proof of shuffle holds" in done.stdout) == bool(proof)
            shares.setdefault(index, []).append(path)
    # One trustee's shares are not enough.
    done = _ok(run_cli(db_url, "decrypt", slug, *map(str, shares[1])))
    assert "still needed: section members: 1 more trustee(s)' shares" in done.stdout
    short = run_cli(db_url, "count", slug)
    assert short.exit_code == 2 and "1 more trustee(s)' shares (of 2 needed)" in short.stderr
    # A tampered share (the first two of members swapped) is refused and changes nothing.
    members_shares = next(p for p in shares[3] if "request-members" in p.name)
    forged = json.loads(members_shares.read_text())
    raw = base64.b64decode(forged["shares"])
    forged["shares"] = base64.b64encode(raw[32:64] + raw[:32] + raw[64:]).decode()
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(forged))
    refused = run_cli(db_url, "decrypt", slug, str(tampered))
    assert refused.exit_code == 2 and "signature does not verify" in refused.stderr
    assert "Traceback" not in refused.stderr
    _ok(run_cli(db_url, "decrypt", slug, *map(str, shares[3])))
    declared = json.loads(_ok(run_cli(db_url, "count", slug, "--json")).stdout)
    assert declared["ballots"] == 6 and declared["elected"] == ["Jeremy Corbyn"]
    record = tmp_path / "record"
    _ok(run_cli(db_url, "export", slug, str(record)))
    # The declaration, section by section, is a recount of the exported files ...
    for section in declared["sections"]:
        profile = read_csv_ballots(record / f"ballots-{section['slug']}.csv")
        assert profile.n_ballots == section["ballots"]
        assert dict(zip(profile.candidates, profile.first_preferences().tolist(),
                        strict=True)) == section["votes"]
    by_section: dict[str, Counter[tuple[str, ...]]] = {"members": Counter(),
                                                       "registered-supporters": Counter()}
    for number, ranking in votes.items():
        section = "members" if number.startswith("M") else "registered-supporters"
        by_section[section][tuple(ranking.split(","))] += 1
    for section, expected in by_section.items():
        profile = read_csv_ballots(record / f"ballots-{section}.csv")
        got = Counter({tuple(profile.candidates[c] for c in r): int(w)
                       for r, w in profile.iter_rankings()})
        assert got == expected
    # ... and the sealed record holds the verifier's inputs, matching the audit chain.
    shuffle = AuditEntry.objects.get(action="contest.shuffle").payload
    for entry in shuffle["sections"]:
        mixed = json.loads((record / f"mixed-{entry['section']}.json").read_text())
        sealed = json.loads((record / f"sealed-{entry['section']}.json").read_text())
        assert len(mixed["ballots"]) == len(sealed["ballots"]) == entry["ballots"]
        assert mixed["sha256"] == entry["mixed_sha256"]
        assert not {b["sealed"] for b in sealed["ballots"]} & set(mixed["ballots"])
        if not entry["ballots"]:
            assert entry["shuffle_hash"] is None
            continue
        # The proof of the mix: sealed-<section>.json's ballots in, mixed-<section>.json's out.
        proved = json.loads((record / f"shuffle-{entry['section']}.json").read_text())
        outputs = check_shuffle_document(proved, read_sealed_list(sealed))
        assert [b.hex() for b in outputs] == mixed["ballots"]
        assert shuffle_hash(proved) == entry["shuffle_hash"] == json.loads(
            (record / f"request-{entry['section']}.json").read_text())["shuffle"]
    assert not (record / "shuffle-affiliated-supporters.json").exists()
    for section in ("members", "registered-supporters", "affiliated-supporters"):
        assert sorted(p.name for p in record.glob(f"shares-{section}-*")) == [
            f"shares-{section}-trustee-1.json", f"shares-{section}-trustee-3.json"]
    ceremony = json.loads((record / "ceremony.json").read_text())
    assert ceremony["threshold"] == 2 and len(ceremony["round2"]) == 3
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"trustees.add", "ceremony.start", "ceremony.round1", "ceremony.round2",
            "contest.shuffle", "decryption.requests", "decryption.shares",
            "contest.decrypt"} <= actions
    assert "audit log intact" in _ok(run_cli(db_url, "verify-log")).stdout

