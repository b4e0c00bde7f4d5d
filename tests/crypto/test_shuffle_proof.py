"""The proof of shuffle: an honest mix verifies, and every way of cheating we can think of
(swapped, replaced or re-keyed outputs, a wrong permutation, a tampered commitment or
response, a proof for other ballots or another section) is refused."""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.crypto import elgamal, group, shuffle_file, shuffle_proof
from psephos.crypto.errors import CeremonyError, ShuffleError
from psephos.crypto.shuffle_proof import ShuffleProof, check_shuffle, prove_shuffle

SECRET = group.scalar(0x5EC12E7)
KEY = group.base_mult(SECRET)
OTHER_KEY = group.base_mult(group.scalar(0xBAD))


def _points(k: int) -> bytes:
    return group.base_mult(group.scalar(k))


@st.composite
def sections(draw: st.DrawFn, least: int = 1) -> tuple[int, list[bytes]]:
    """(width, sealed ballots): 1 to 6 ballots of width 1 to 3."""
    width = draw(st.integers(1, 3))
    count = draw(st.integers(least, 6))
    rankings = [draw(st.permutations(range(width)))[:draw(st.integers(0, width))]
                for _ in range(count)]
    return width, [elgamal.encrypt_ranking(KEY, ranking, width) for ranking in rankings]


def _witnessed_shuffle(key: bytes, sealed: list[bytes]) -> tuple[list[bytes], list[int],
                                                                  list[list[bytes]]]:
    seen: list[Any] = []
    outputs = elgamal.shuffle(key, sealed, witness=lambda *args: seen.append(args))
    _, _, permutation, randomness = seen[0]
    return outputs, permutation, randomness


@settings(max_examples=40, deadline=None)
@given(sections(), st.sampled_from([1, 2]))
def test_an_honest_shuffle_proof_verifies(case: tuple[int, list[bytes]], workers: int) -> None:
    width, sealed = case
    mixed, proof = shuffle_proof.shuffle_and_prove(KEY, sealed, context=[b"section"],
                                                   workers=workers)
    check_shuffle(KEY, sealed, mixed, proof, context=[b"section"], workers=workers)
    assert Counter(elgamal.decrypt_ranking(SECRET, b, width) for b in mixed) == Counter(
        elgamal.decrypt_ranking(SECRET, b, width) for b in sealed)
    assert len(proof.t4) == len(proof.s4) == width
    assert len(proof.commitments) == len(proof.t_hat) == len(proof.s_prime) == len(sealed)


def _cheat(kind: str, sealed: list[bytes], pick: int) -> tuple[list[bytes], ShuffleProof]:
    """Outputs and a proof made by a prover who cheats in the way ``kind`` says, holding
    the witness of an honest shuffle."""
    outputs, permutation, randomness = _witnessed_shuffle(KEY, sealed)
    n = len(sealed)
    i, j = pick % n, (pick + 1) % n
    if kind == "swap two outputs":
        outputs[i], outputs[j] = outputs[j], outputs[i]
    elif kind == "replace one output":
        width = len(sealed[0]) // elgamal.CIPHERTEXT_BYTES
        outputs[i] = elgamal.encrypt_ranking(KEY, [], width)
    elif kind == "re-encrypt under another key":
        outputs = [elgamal._reencrypt(OTHER_KEY, sealed[source], scalars)
                   for source, scalars in zip(permutation, randomness, strict=True)]
    elif kind == "wrong permutation":
        permutation[i], permutation[j] = permutation[j], permutation[i]
    elif kind == "drop a ballot, duplicate another":
        outputs[i] = elgamal._reencrypt(KEY, sealed[permutation[j]], randomness[i])
    return outputs, prove_shuffle(KEY, sealed, outputs, permutation, randomness)


CHEATS = ["swap two outputs", "replace one output", "re-encrypt under another key",
          "wrong permutation", "drop a ballot, duplicate another"]


@settings(max_examples=60, deadline=None)
@given(sections(least=2), st.sampled_from(CHEATS), st.integers(0, 5))
def test_a_dishonest_prover_is_refused(case: tuple[int, list[bytes]], kind: str,
                                       pick: int) -> None:
    # The cheater proves with the honest witness; the ballots differ from what it proves,
    # so the equation of the re-encryptions (t4) fails, whatever else holds.
    _, sealed = case
    outputs, proof = _cheat(kind, sealed, pick)
    with pytest.raises(ShuffleError, match="equation t4 fails"):
        check_shuffle(KEY, sealed, outputs, proof)


def _tampered(proof: ShuffleProof, name: str, index: int) -> ShuffleProof:
    """``proof`` with entry ``index`` of field ``name`` replaced by another valid value."""
    value = getattr(proof, name)
    if name == "t4":
        alpha, beta = value[index % len(value)]
        return dataclasses.replace(proof, t4=[*value[:index % len(value)],
                                              (beta, alpha), *value[index % len(value) + 1:]])
    other = group.random_scalar() if name.startswith("s") else group.base_mult(
        group.random_scalar())
    if isinstance(value, list):
        at = index % len(value)
        return dataclasses.replace(proof, **{name: [*value[:at], other, *value[at + 1:]]})
    return dataclasses.replace(proof, **{name: other})


PROOF_FIELDS = [f.name for f in dataclasses.fields(ShuffleProof)]


@settings(max_examples=60, deadline=None)
@given(sections(), st.sampled_from(PROOF_FIELDS), st.integers(0, 5))
def test_a_tampered_commitment_or_response_is_refused(case: tuple[int, list[bytes]],
                                                      name: str, index: int) -> None:
    _, sealed = case
    mixed, proof = shuffle_proof.shuffle_and_prove(KEY, sealed)
    with pytest.raises(ShuffleError, match="does not verify"):
        check_shuffle(KEY, sealed, mixed, _tampered(proof, name, index))


@settings(max_examples=30, deadline=None)
@given(sections(least=2), st.integers(0, 5))
def test_a_proof_holds_only_for_its_own_statement(case: tuple[int, list[bytes]],
                                                  pick: int) -> None:
    width, sealed = case
    mixed, proof = shuffle_proof.shuffle_and_prove(KEY, sealed, context=[b"a"])
    at = pick % len(sealed)
    others = [*sealed[:at], elgamal.reencrypt(KEY, sealed[at]), *sealed[at + 1:]]
    swapped = [*mixed[1:], mixed[0]]
    replaced = [*mixed[:at], elgamal.encrypt_ranking(KEY, [], width), *mixed[at + 1:]]
    statements: list[tuple[bytes, list[bytes], list[bytes], list[bytes]]] = [
        (KEY, others, mixed, [b"a"]),      # a proof for other inputs
        (KEY, sealed, swapped, [b"a"]),    # outputs in another order
        (KEY, sealed, replaced, [b"a"]),   # an output replaced
        (OTHER_KEY, sealed, mixed, [b"a"]),  # another election key
        (KEY, sealed, mixed, [b"b"]),      # another section
        (KEY, sealed, mixed, [])]
    for key, inputs, outputs, context in statements:
        with pytest.raises(ShuffleError, match="equation t1 fails"):
            check_shuffle(key, inputs, outputs, proof, context=context)


def test_a_proof_under_another_key_is_refused() -> None:
    sealed = [elgamal.encrypt_ranking(KEY, [0, 1], 2) for _ in range(4)]
    outputs, permutation, randomness = _witnessed_shuffle(OTHER_KEY, sealed)
    proof = prove_shuffle(OTHER_KEY, sealed, outputs, permutation, randomness)
    check_shuffle(OTHER_KEY, sealed, outputs, proof)
    with pytest.raises(ShuffleError, match="equation t1"):
        check_shuffle(KEY, sealed, outputs, proof)


def test_bad_statements_and_witnesses_are_refused() -> None:
    sealed = [elgamal.encrypt_ranking(KEY, [0], 2) for _ in range(3)]
    mixed, proof = shuffle_proof.shuffle_and_prove(KEY, sealed)
    with pytest.raises(ShuffleError, match="at least one ballot"):
        check_shuffle(KEY, [], [], proof)
    with pytest.raises(ShuffleError, match="2 output ballots for 3"):
        check_shuffle(KEY, sealed, mixed[:2], proof)
    with pytest.raises(ShuffleError, match="election key"):
        check_shuffle(group.IDENTITY, sealed, mixed, proof)
    with pytest.raises(ShuffleError, match="output ballot 2: slot 1: alpha"):
        check_shuffle(KEY, sealed, [mixed[0], group.IDENTITY + mixed[1][32:], mixed[2]], proof)
    with pytest.raises(ShuffleError, match="input ballot 3: a sealed ballot of width 2"):
        check_shuffle(KEY, [*sealed[:2], sealed[2][:64]], mixed, proof)
    with pytest.raises(ShuffleError, match="t_hat has 2 entries for 3"):
        check_shuffle(KEY, sealed, mixed, dataclasses.replace(proof, t_hat=proof.t_hat[:2]))
    with pytest.raises(ShuffleError, match=r"chain \(entry 2\) is not a valid point"):
        check_shuffle(KEY, sealed, mixed, dataclasses.replace(
            proof, chain=[proof.chain[0], b"\xff" * 32, proof.chain[2]]))
    with pytest.raises(ShuffleError, match=r"s1 \(entry 1\) is not a canonical scalar"):
        check_shuffle(KEY, sealed, mixed, dataclasses.replace(proof, s1=b"\xff" * 32))
    with pytest.raises(ValueError, match="not one of 0 … 2"):
        prove_shuffle(KEY, sealed, mixed, [0, 0, 1], [[group.scalar(1)] * 2] * 3)
    with pytest.raises(ValueError, match="2 canonical scalars for each of the 3"):
        prove_shuffle(KEY, sealed, mixed, [0, 1, 2], [[group.scalar(1)]] * 3)


def test_the_generators_and_challenges_are_the_documented_ones() -> None:
    # Known answers, also in docs/verifiability.md section 9 and rebuilt from the page
    # alone by tests/crypto/test_spec.py.
    assert shuffle_proof.generator(0).hex() == (
        "c4a585a9459ae847d163f1e771a69e242ac4c0aed6eaae595d9aa0165a88e638")
    assert shuffle_proof.generator(1).hex() == (
        "48bc7d16c43be4dd816250dd282096441a52437237fda72de4544d781f417d06")
    assert shuffle_proof.generators(2)[2].hex() == (
        "5ee3c136ce675f31ab91d084d0f25e8a0b65179b0844065f1a658f787e53b632")
    inputs = [_points(1) + _points(2), _points(3) + _points(4)]
    outputs = [_points(5) + _points(6), _points(7) + _points(8)]
    seed = shuffle_proof.statement_seed(_points(5), inputs, outputs, 1,
                                        shuffle_proof.generators(2))
    assert seed.hex() == (
        "540734a19b26078b02b17a4efdf32f9347407149373c1024b8d16f8c55f12bbb"
        "fcf7422a2243e134a4d933fae3d1c94028d8d8c05bc421d66a10020da31b8213")
    u = shuffle_proof.challenges(seed, [_points(9), _points(10)])
    assert [group.scalar(value).hex() for value in u] == [
        "bad66d602238ab7120b482ef580eafc615811e55ed7085339d99a19c80498606",
        "01699c9f1949d97a6c319a75ecff065b844bf9b9ccc425d756b6b6790458aa0f"]
    c = shuffle_proof.proof_challenge(seed, [_points(9), _points(10)], [_points(11), _points(12)],
                                      _points(13), _points(14), _points(15),
                                      [(_points(16), _points(17))], [_points(18), _points(19)])
    assert group.scalar(c).hex() == (
        "f13a7f26adc2e578d40c78bc8cc6f55a676710ad9a263f496745b98ca8fc1e0d")


CEREMONY = secrets.token_hex(32)


def _file(count: int = 4, width: int = 2) -> tuple[list[bytes], dict[str, Any]]:
    sealed = [elgamal.encrypt_ranking(KEY, [n % width], width) for n in range(count)]
    document = shuffle_file.mix_section(CEREMONY, KEY, "Section A", sealed)
    return sealed, json.loads(json.dumps(document))


def test_a_shuffle_file_round_trips_through_json() -> None:
    sealed, document = _file()
    assert document["format"] == "psephos-shuffle/1" and document["count"] == 4
    outputs = shuffle_file.check_shuffle_document(document, sealed, workers=2)
    assert sorted(elgamal.decrypt_ranking(SECRET, b, 2) for b in outputs) == sorted(
        elgamal.decrypt_ranking(SECRET, b, 2) for b in sealed)
    assert set(document["proof"]) == {
        "scheme", "commitments", "chain", "t1", "t2", "t3", "t4", "t_hat", "s1", "s2", "s3",
        "s4", "s_hat", "s_prime"}


@pytest.mark.parametrize(("change", "problem"), [
    ({"label": "Section B"}, "equation t1 fails"),
    ({"ceremony": "00" * 32}, "equation t1 fails"),
    ({"ceremony": "00"}, "ceremony hash must be 32 bytes"),
    ({"format": "psephos-shuffle/2"}, "format is 'psephos-shuffle/2'"),
    ({"count": 3}, "it shuffles 3 ballots of width 2"),
    ({"input": "00" * 32}, "input digest"),
    ({"output": "AAAA"}, "output holds 3 bytes, not 4 × 128"),
    ({"election_key": "ff" * 32}, "election_key is not a valid ristretto255 point"),
    ({"proof": {"scheme": "groth-2003"}}, "scheme must be 'terelius-wikstrom-2010'"),
])
def test_a_bad_shuffle_file_is_refused(change: dict[str, Any], problem: str) -> None:
    sealed, document = _file()
    with pytest.raises(ShuffleError, match=problem):
        shuffle_file.check_shuffle_document({**document, **change}, sealed)


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("t1", "ff" * 32, "t1 is not a valid ristretto255 point"),
    ("s2", "ff" * 32, "s2 is not a canonical scalar"),
    ("s3", "AB" * 32, "lowercase hex"),
    ("t_hat", "!!", "t_hat is not base64"),
    ("chain", "AAAA", "chain holds 3 bytes, not 4 × 32"),
    ("s4", "AAAA", "s4 holds 3 bytes, not 2 × 32"),
    ("commitments", None, "commitments must be a JSON string"),
])
def test_a_bad_proof_field_is_refused(name: str, value: Any, problem: str) -> None:
    sealed, document = _file()
    proof = {**document["proof"], name: value}
    with pytest.raises(ShuffleError, match=problem):
        shuffle_file.check_shuffle_document({**document, "proof": proof}, sealed)
    assert issubclass(ShuffleError, CeremonyError)


def test_an_invalid_point_inside_a_base64_run_is_named() -> None:
    sealed, document = _file()
    proof = shuffle_file.decode_proof(document["proof"], 4, 2)
    bad = {**shuffle_file.encode_proof(dataclasses.replace(
        proof, t_hat=[proof.t_hat[0], b"\xff" * 32, *proof.t_hat[2:]]))}
    with pytest.raises(ShuffleError, match="t_hat entry 2 is not a valid point"):
        shuffle_file.check_shuffle_document({**document, "proof": bad}, sealed)


def test_two_mixes_in_turn_each_prove_their_own_step() -> None:
    sealed, first = _file(count=5, width=3)
    middle = shuffle_file.check_shuffle_document(first, sealed)
    second = json.loads(json.dumps(shuffle_file.mix_section(CEREMONY, KEY, "Section A", middle,
                                                            workers=2)))
    final = shuffle_file.check_shuffle_document(second, middle)
    assert Counter(elgamal.decrypt_ranking(SECRET, b, 3) for b in final) == Counter(
        elgamal.decrypt_ranking(SECRET, b, 3) for b in sealed)
    with pytest.raises(ShuffleError, match="input digest"):
        shuffle_file.check_shuffle_document(second, sealed)


def test_a_chain_of_mixes_is_checked_stage_by_stage() -> None:
    sealed, first = _file(count=4, width=2)
    second = json.loads(json.dumps(shuffle_file.mix_next(first)))
    third = json.loads(json.dumps(shuffle_file.mix_next(second, workers=2)))
    assert (second["stage"], third["stage"]) == (1, 2)
    assert third["previous"] == shuffle_file.shuffle_hash(second)
    final = shuffle_file.check_chain([first, second, third], sealed)
    assert Counter(elgamal.decrypt_ranking(SECRET, b, 2) for b in final) == Counter(
        elgamal.decrypt_ranking(SECRET, b, 2) for b in sealed)
    with pytest.raises(ShuffleError, match=r"stage 1\): it says it is stage 2"):
        shuffle_file.check_chain([first, third], sealed)
    with pytest.raises(ShuffleError, match=r"stage 1\): its previous is not the shuffle "
                                           "hash of stage 0"):
        shuffle_file.check_chain([first, {**second, "previous": "0" * 64}], sealed)
    with pytest.raises(ShuffleError, match=r"stage 1\): its ceremony, election key or label"):
        shuffle_file.check_chain([first, {**second, "label": "Section B"}], sealed)
    # A stage proved under another stage number (its context) does not hold.
    as_third = shuffle_file.mix_next({**second, "stage": 2})  # proved as stage 3
    relabelled = {**as_third, "stage": 2, "previous": shuffle_file.shuffle_hash(second)}
    with pytest.raises(ShuffleError, match=r"stage 2\): .*equation"):
        shuffle_file.check_chain([first, second, relabelled], sealed)
    with pytest.raises(ShuffleError, match="stage must be a whole number"):
        shuffle_file.stage_of({**second, "stage": 0})
    with pytest.raises(ShuffleError, match="previous must be"):
        shuffle_file.stage_of({**second, "previous": "x"})
