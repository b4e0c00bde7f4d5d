"""The key ceremony: Pedersen's DKG with Feldman commitments, and every check refusing a
tampered message."""

from __future__ import annotations

import copy
from itertools import combinations
from typing import Any

import pytest

from psephos.crypto import ceremony, group
from psephos.crypto.decryption import lagrange_at_zero
from psephos.crypto.errors import CeremonyError
from psephos.crypto.messages import sign
from tests.crypto.helpers import ceremony_of


def _secret_shares(privates: list[dict[str, Any]]) -> dict[int, bytes]:
    shares = {}
    for private in privates:
        (state,) = private["ceremonies"].values()
        shares[state["index"]] = bytes.fromhex(state["secret_share"])
    return shares


@pytest.mark.parametrize(("n", "k"), [(1, 1), (3, 2), (5, 3)])
def test_any_k_shares_rebuild_the_election_key(n: int, k: int) -> None:
    setup, first, second, privates = ceremony_of(n, k)
    key = ceremony.election_key(setup, first)
    shares = _secret_shares(privates)
    keys = ceremony.verification_keys(setup, first)
    assert all(group.base_mult(shares[j]) == keys[j] for j in shares)
    assert all(message["election_key"] == key.hex() for message in second)
    for subset in combinations(sorted(shares), k):
        weights = lagrange_at_zero(subset)
        secret = bytes(32)
        for j in subset:
            secret = group.scalar_add(secret, group.scalar_mul(weights[j], shares[j]))
        assert group.base_mult(secret) == key
    for subset in combinations(sorted(shares), k - 1):
        weights = lagrange_at_zero(subset)
        secret = bytes(32)
        for j in subset:
            secret = group.scalar_add(secret, group.scalar_mul(weights[j], shares[j]))
        assert group.base_mult(secret) != key


def test_the_threshold_must_fit_the_trustees() -> None:
    publics = [ceremony.new_trustee(f"T{i}")[1] for i in range(2)]
    with pytest.raises(CeremonyError, match="threshold must be 1 to 2, not 3"):
        ceremony.new_ceremony("c", 3, publics)
    with pytest.raises(CeremonyError, match="share a key"):
        ceremony.new_ceremony("c", 1, [publics[0], publics[0]])


def test_a_public_file_with_a_bad_signature_is_refused() -> None:
    _, public = ceremony.new_trustee("Ann")
    public["name"] = "Bob"
    with pytest.raises(CeremonyError, match=r"trustee 1 \(Bob\): the signature does not verify"):
        ceremony.new_ceremony("c", 1, [public])


def test_round1_run_again_sends_the_same_message() -> None:
    setup, _first, _, _privates = ceremony_of(3, 2)
    private, public = ceremony.new_trustee("Ann")
    other = ceremony.new_ceremony("c", 1, [public])
    updated, message = ceremony.round1(private, other)
    assert ceremony.round1(updated, other)[1] == message
    with pytest.raises(CeremonyError, match="not one of its trustees"):
        ceremony.round1(private, setup)


def _resigned(message: dict[str, Any], private: dict[str, Any]) -> dict[str, Any]:
    return sign(message, bytes.fromhex(private["signing_seed"]))


def test_a_tampered_commitment_is_refused() -> None:
    setup, first, _, privates = ceremony_of(3, 2)
    bad = copy.deepcopy(first[1])
    bad["commitments"][1] = group.base_mult(group.scalar(7)).hex()
    with pytest.raises(CeremonyError, match="trustee 2: the signature"):
        ceremony.check_round1(setup, bad)
    with pytest.raises(CeremonyError, match="trustee 2: the proof of knowledge"):
        ceremony.check_round1(setup, _resigned(bad, privates[1]))


def test_a_commitment_that_is_not_a_point_is_refused() -> None:
    setup, first, _, privates = ceremony_of(3, 2)
    bad = copy.deepcopy(first[0])
    bad["commitments"][0] = "ff" * 32
    with pytest.raises(CeremonyError, match="trustee 1: commitment 0 is not a valid"):
        ceremony.check_round1(setup, _resigned(bad, privates[0]))


def test_a_tampered_proof_is_refused() -> None:
    setup, first, _, privates = ceremony_of(3, 2)
    bad = copy.deepcopy(first[2])
    bad["proof"]["response"] = group.scalar(12345).hex()
    with pytest.raises(CeremonyError, match="trustee 3: the proof of knowledge"):
        ceremony.check_round1(setup, _resigned(bad, privates[2]))
    bad["proof"]["response"] = group.ORDER.to_bytes(32, "little").hex()
    with pytest.raises(CeremonyError, match="proof response is not a canonical scalar"):
        ceremony.check_round1(setup, _resigned(bad, privates[2]))


def test_a_proof_from_another_trustee_index_is_refused() -> None:
    # Strong Fiat–Shamir: the proof hashes the index, so a copy of trustee 1's commitments
    # and proof under trustee 2's signature does not verify.
    setup, first, _, privates = ceremony_of(3, 2)
    copied = {**first[1], "commitments": first[0]["commitments"], "proof": first[0]["proof"]}
    with pytest.raises(CeremonyError, match="trustee 2: the proof of knowledge"):
        ceremony.check_round1(setup, _resigned(copied, privates[1]))


def test_a_tampered_signature_is_refused() -> None:
    setup, first, second, _ = ceremony_of(3, 2)
    bad = copy.deepcopy(first[0])
    bad["signature"] = ("00" if bad["signature"][:2] != "00" else "11") + bad["signature"][2:]
    with pytest.raises(CeremonyError, match="trustee 1: the signature does not verify"):
        ceremony.check_round1(setup, bad)
    bad = copy.deepcopy(second[1])
    bad["signature"] = "00" * 64
    with pytest.raises(CeremonyError, match="round 2 message of trustee 2: the signature"):
        ceremony.check_round2(setup, first, bad)


def test_a_message_of_another_ceremony_is_refused() -> None:
    setup, first, _, _ = ceremony_of(3, 2)
    other = {**setup, "contest": "another contest"}
    with pytest.raises(CeremonyError, match="another ceremony"):
        ceremony.check_round1(other, first[0])


def test_a_bad_share_makes_a_complaint_naming_the_dealer() -> None:
    privates, publics = zip(*(ceremony.new_trustee(f"T{i}") for i in range(3)), strict=True)
    setup = ceremony.new_ceremony("c", 2, list(publics))
    after = [ceremony.round1(private, setup) for private in privates]
    first = [message for _, message in after]
    # Trustee 1 seals to trustee 3 a share of another polynomial, signed and well formed.
    liar_private, _ = ceremony.round1(privates[0], {**setup, "contest": "other"})
    other_round1 = next(iter(liar_private["ceremonies"].values()))["round1"]
    # ... re-labelled to this ceremony: the label check catches it.
    forged = _resigned({**first[0], "shares": {**first[0]["shares"],
                                                "3": other_round1["shares"]["3"]}},
                       privates[0])
    first[0] = forged
    ceremony.check_round1(setup, forged)
    updated, message = ceremony.round2(after[2][0], setup, first)
    assert updated == after[2][0]
    assert message["verification_key"] is None
    assert [c["trustee"] for c in message["complaints"]] == [1]
    with pytest.raises(CeremonyError, match="complains about trustee 1: its sealed share is not"):
        ceremony.check_round2(setup, first, message)


def test_a_share_off_the_commitments_fails_the_feldman_check() -> None:
    import nacl.public

    privates, publics = zip(*(ceremony.new_trustee(f"T{i}") for i in range(2)), strict=True)
    setup = ceremony.new_ceremony("c", 2, list(publics))
    after = [ceremony.round1(private, setup) for private in privates]
    first = [message for _, message in after]
    label = bytes.fromhex(ceremony.read_ceremony(setup).hash)
    wrong = nacl.public.SealedBox(nacl.public.PublicKey(bytes.fromhex(publics[1]["box_key"])))
    sealed = bytes(wrong.encrypt(label + b"\0\1\0\2" + group.scalar(42))).hex()
    first[0] = _resigned({**first[0], "shares": {"2": sealed}}, privates[0])
    _, message = ceremony.round2(after[1][0], setup, first)
    assert message["complaints"] == [
        {"trustee": 1, "problem": "its share does not match its commitments (Feldman check)"}]


def test_a_wrong_verification_key_is_refused() -> None:
    setup, first, second, privates = ceremony_of(3, 2)
    bad = _resigned({**second[0], "verification_key": second[1]["verification_key"]},
                    privates[0])
    with pytest.raises(CeremonyError, match="trustee 1: its verification key is not"):
        ceremony.check_round2(setup, first, bad)
    bad = _resigned({**second[0], "verification_key": "ff" * 32}, privates[0])
    with pytest.raises(CeremonyError, match="verification_key is not a valid"):
        ceremony.check_round2(setup, first, bad)


def test_a_round2_proof_that_does_not_verify_is_refused() -> None:
    setup, first, second, privates = ceremony_of(3, 2)
    bad = copy.deepcopy(second[2])
    bad["proof"]["challenge"] = group.scalar(1).hex()
    with pytest.raises(CeremonyError, match="trustee 3: the proof of knowledge of its share"):
        ceremony.check_round2(setup, first, _resigned(bad, privates[2]))


def test_round1_messages_must_be_one_from_each_trustee() -> None:
    setup, first, _, _ = ceremony_of(3, 2)
    with pytest.raises(CeremonyError, match="none from trustee 3"):
        ceremony.election_key(setup, first[:2])
    with pytest.raises(CeremonyError, match="two from trustee 1"):
        ceremony.election_key(setup, [first[0], *first])


def test_a_private_file_whose_keys_do_not_match_is_refused() -> None:
    setup, _, _, privates = ceremony_of(3, 2)
    other, _ = ceremony.new_trustee("Eve")
    with pytest.raises(CeremonyError, match="signing_seed does not match"):
        ceremony.round1({**privates[0], "signing_seed": other["signing_seed"]}, setup)


def test_a_round2_message_answering_other_round1_messages_is_refused() -> None:
    setup, first, second, privates = ceremony_of(3, 2)
    fresh = {**privates[0], "ceremonies": {}}
    _, again = ceremony.round1(fresh, setup)  # trustee 1 deals a second polynomial
    ceremony.check_round1(setup, again)
    with pytest.raises(CeremonyError, match="trustee 2: it answers other round 1 messages"):
        ceremony.check_round2(setup, [again, *first[1:]], second[1])


def test_a_round1_message_missing_a_share_is_refused() -> None:
    setup, first, _, privates = ceremony_of(3, 2)
    shares = dict(first[0]["shares"])
    del shares["3"]
    with pytest.raises(CeremonyError, match="trustee 1: it must seal one share to each other"):
        ceremony.check_round1(setup, _resigned({**first[0], "shares": shares}, privates[0]))
    shares = {**first[0]["shares"], "3": first[0]["shares"]["3"][:-2]}
    with pytest.raises(CeremonyError, match="share for trustee 3 must be 116 bytes, not 115"):
        ceremony.check_round1(setup, _resigned({**first[0], "shares": shares}, privates[0]))


def test_a_round1_message_with_too_few_commitments_is_refused() -> None:
    setup, first, _, privates = ceremony_of(5, 3)
    short = {**first[4], "commitments": first[4]["commitments"][:2]}
    with pytest.raises(CeremonyError, match="trustee 5: 2 commitments for a threshold of 3"):
        ceremony.check_round1(setup, _resigned(short, privates[4]))


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("trustee", True, "trustee must be a JSON whole number"),
    ("trustee", 9, "trustee 9 is not in the ceremony"),
    ("format", "psephos-dkg-round2/1", "expected 'psephos-dkg-round1/1'"),
])
def test_a_malformed_round1_field_is_refused(name: str, value: Any, problem: str) -> None:
    setup, first, _, _ = ceremony_of(3, 2)
    with pytest.raises(CeremonyError, match=problem):
        ceremony.check_round1(setup, {**first[0], name: value})
