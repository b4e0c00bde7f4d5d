"""The proof of each section's mix (docs/verifiability.md section 9): made at the shuffle,
kept, logged and named by the decryption request; it fails once the mixed list is touched,
and a trustee refuses to decrypt a request whose shuffle's proof does not hold."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.contests.helpers import TRUSTEE_FILES, open_with_voters

VOTES = {"M1": ["Alice"], "M2": ["Bob", "Alice"], "M3": ["Alice", "Carol"], "M4": ["Carol"],
         "S1": ["Carol"], "S2": ["Carol", "Bob"]}


def _mixed(tmp_path: Path) -> Any:
    """A small contest, voted, closed and shuffled."""
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.lifecycle import close_contest
    from psephos.contests.mixing import mix_contest

    contest, secrets = open_with_voters(tmp_path, members=4, supporters=2)
    for number, ranking in VOTES.items():
        cast_ballot(contest, secrets[number].link_token, ranking)
    close_contest(contest, actor="ro")
    mix_contest(contest, actor="ro")
    return contest


def _inputs(section: Any) -> list[bytes]:
    from psephos.contests.mixing import sealed_ballots

    return [sealed for _, sealed in sealed_ballots(section)]


def test_each_mix_is_proved_logged_and_named_by_its_request(db: str, tmp_path: Path) -> None:
    from psephos.contests.audit import verify_log
    from psephos.contests.mixing import list_sha256, mixed_ballots, requests_of, shuffle_of
    from psephos.contests.models import AuditEntry
    from psephos.contests.sealed_models import SectionShuffle
    from psephos.crypto.shuffle_file import check_shuffle_document, shuffle_hash

    contest = _mixed(tmp_path)
    logged = {s["section"]: s for s in
              AuditEntry.objects.get(action="contest.shuffle").payload["sections"]}
    for request in requests_of(contest):
        section = request.section
        document = shuffle_of(section)
        assert document is not None
        inputs = _inputs(section)
        outputs = check_shuffle_document(document, inputs)  # the proof holds
        assert outputs == mixed_ballots(section) and len(outputs) == len(inputs) > 0
        digest = shuffle_hash(document)
        entry = logged[section.slug]
        assert digest == entry["shuffle_hash"] == request.request["shuffle"] == \
            SectionShuffle.objects.get(section=section).shuffle_hash
        assert document["input"] == entry["input_sha256"] == list_sha256(inputs)
        assert (document["ceremony"], document["label"], document["election_key"]) == (
            request.request["ceremony"], request.request["label"],
            request.request["election_key"])
    assert verify_log().ok


@pytest.mark.parametrize("tampering", ["swap", "substitute"])
def test_a_touched_mixed_list_fails_the_stored_proof(db: str, tmp_path: Path,
                                                     tampering: str) -> None:
    from psephos.contests.mixing import shuffle_of
    from psephos.contests.sealed_models import MixedBallot
    from psephos.crypto.errors import ShuffleError
    from psephos.crypto.shuffle_file import check_shuffle_document

    contest = _mixed(tmp_path)
    section = contest.sections.get(slug="members")
    check_shuffle_document(shuffle_of(section), _inputs(section))
    first, second = MixedBallot.objects.filter(section=section).order_by("position")[:2]
    if tampering == "swap":  # two mixed ballots change places
        first.sealed, second.sealed = bytes(second.sealed), bytes(first.sealed)
        MixedBallot.objects.bulk_update([first, second], ["sealed"])
    else:  # one mixed ballot replaced by a copy of another
        MixedBallot.objects.filter(pk=first.pk).update(sealed=bytes(second.sealed))
    with pytest.raises(ShuffleError, match="equation"):
        check_shuffle_document(shuffle_of(section), _inputs(section))


def _request_files(contest: Any, tmp_path: Path) -> Path:
    from psephos.contests.mixing import write_requests

    folder = tmp_path / "requests"
    write_requests(contest, folder, actor="ro")
    return folder


def _trustee_decrypt(*args: str) -> Any:
    from typer.testing import CliRunner

    from psephos.cli.main import app

    return CliRunner().invoke(app, ["trustee", "decrypt", *args])


def test_a_trustee_checks_the_shuffle_before_decrypting(db: str, tmp_path: Path) -> None:
    from psephos.contests.sealed_models import KeyCeremony
    from psephos.contests.trustees import round1_messages
    from psephos.crypto.decryption import check_request_shuffle, decryption_request
    from psephos.crypto.errors import ShuffleError
    from psephos.crypto.shuffle_file import read_sealed_list, shuffle_hash

    contest = _mixed(tmp_path)
    folder = _request_files(contest, tmp_path)
    private = str(TRUSTEE_FILES[(contest.slug, contest.pk)][0])

    def load(name: str) -> Any:
        return json.loads((folder / name).read_text())

    request, shuffle = load("request-members.json"), load("shuffle-members.json")
    inputs = read_sealed_list(load("sealed-members.json"))
    check_request_shuffle(request, shuffle, inputs)  # the honest files pass
    # The other section's shuffle is not the one the request names.
    with pytest.raises(ShuffleError, match="not the shuffle the decryption request names"):
        check_request_shuffle(request, load("shuffle-supporters.json"), inputs)
    # Sealed ballots other than the ones shuffled (one left out, or another section's).
    with pytest.raises(ShuffleError, match="input ballots were given"):
        check_request_shuffle(request, shuffle, inputs[1:])
    swapped = [inputs[1], inputs[0], *inputs[2:]]
    with pytest.raises(ShuffleError, match="input digest"):
        check_request_shuffle(request, shuffle, swapped)
    # A server that skips the mix: its request holds the ballots as cast, in tracker order,
    # and names a shuffle file claiming them as the output under the honest proof.
    ceremony = KeyCeremony.objects.get(contest=contest)
    unshuffled = {**shuffle, "output": base64.b64encode(b"".join(inputs)).decode()}
    forged = decryption_request(dict(ceremony.document), round1_messages(ceremony), inputs,
                                shuffle["width"], shuffle["label"],
                                shuffle=shuffle_hash(unshuffled))
    with pytest.raises(ShuffleError, match="equation"):
        check_request_shuffle(forged, unshuffled, inputs)
    # The trustee's command refuses it, naming the shuffle file, and writes no shares.
    (folder / "forged-request.json").write_text(json.dumps(forged))
    (folder / "forged-shuffle.json").write_text(json.dumps(unshuffled))
    out = tmp_path / "shares.json"
    refused = _trustee_decrypt(private, str(folder / "forged-request.json"),
                               "--shuffle", str(folder / "forged-shuffle.json"),
                               "--sealed", str(folder / "sealed-members.json"),
                               "--out", str(out))
    assert refused.exit_code == 2
    assert "forged-shuffle.json: not decrypting: " in refused.output
    assert "equation" in refused.output and "Traceback" not in refused.output
    assert not out.exists()
    refused = _trustee_decrypt(private, str(folder / "request-members.json"),
                               "--shuffle", str(folder / "shuffle-supporters.json"),
                               "--sealed", str(folder / "sealed-supporters.json"),
                               "--out", str(out))
    assert refused.exit_code == 2 and "not the shuffle the decryption request names" in \
        refused.output and not out.exists()
    refused = _trustee_decrypt(private, str(folder / "request-members.json"),
                               "--shuffle", str(folder / "shuffle-members.json"),
                               "--out", str(out))
    assert refused.exit_code == 2 and "--shuffle and --sealed go together" in refused.output
    bad = folder / "bad-sealed.json"
    bad.write_text(json.dumps({"format": "psephos-sealed-ballots/1", "width": 2,
                               "ballots": [{"tracker": "x", "sealed": "zz"}]}))
    refused = _trustee_decrypt(private, str(folder / "request-members.json"),
                               "--shuffle", str(folder / "shuffle-members.json"),
                               "--sealed", str(bad), "--out", str(out))
    assert refused.exit_code == 2 and "bad-sealed.json: ballot 1: sealed is not hex" in \
        refused.output and not out.exists()
    # The honest files: the proof holds and the shares are written.
    done = _trustee_decrypt(private, str(folder / "request-members.json"),
                            "--shuffle", str(folder / "shuffle-members.json"),
                            "--sealed", str(folder / "sealed-members.json"),
                            "--out", str(out))
    assert done.exit_code == 0, done.output
    assert "the proof of shuffle holds" in done.output and out.exists()
