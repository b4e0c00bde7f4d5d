"""docs/verifiability.md is enough to write a verifier: this one follows the page, using
only hashlib, json, base64, rbcl and PyNaCl (no psephos.crypto helper), and accepts what the
library makes. If the library and the page drift apart, it fails."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import nacl.signing
import rbcl

from psephos.crypto import ceremony, decryption, elgamal
from tests.crypto.helpers import ceremony_of

L = 2**252 + 27742317777372353535851937790883648493
G = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")
ZERO = bytes(32)


def hash_parts(domain: str, *parts: bytes) -> bytes:
    h = hashlib.sha512()
    for part in (domain.encode(), *parts):
        h.update(len(part).to_bytes(8, "big") + part)
    return h.digest()


def hash_to_scalar(domain: str, *parts: bytes) -> int:
    return int.from_bytes(hash_parts(domain, *parts), "little") % L


def canonical(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode("ascii")


def digest(domain: str, document: Any) -> str:
    return hashlib.sha256(domain.encode() + b"\0" + canonical(document)).hexdigest()


def mul(k: int, point: bytes) -> bytes:
    return bytes(rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero(
        (k % L).to_bytes(32, "little"), point))


def add(p: bytes, q: bytes) -> bytes:
    return bytes(rbcl.crypto_core_ristretto255_add(p, q))


def sub(p: bytes, q: bytes) -> bytes:
    return bytes(rbcl.crypto_core_ristretto255_sub(p, q))


def point(text: str) -> bytes:
    data = bytes.fromhex(text)
    assert len(data) == 32 and (data == ZERO or rbcl.crypto_core_ristretto255_is_valid_point(
        data))
    return data


def scalar(text: str) -> int:
    value = int.from_bytes(bytes.fromhex(text), "little")
    assert len(text) == 64 and value < L
    return value


def signed_by(message: dict[str, Any], key_hex: str) -> None:
    body = {k: v for k, v in message.items() if k != "signature"}
    nacl.signing.VerifyKey(bytes.fromhex(key_hex)).verify(
        canonical(body), bytes.fromhex(message["signature"]))


def test_known_answers_of_the_page() -> None:
    assert hash_parts("psephos/test/1", b"abc", b"").hex().startswith("3cd65a769074a389")
    assert hash_to_scalar("psephos/test/1", b"abc", b"") == int.from_bytes(bytes.fromhex(
        "7afe672a9885b8e94d668e1d2888d66854ecec615cc662cc136ac7750baa3509"), "little")
    assert canonical({"b": [1, "é"], "a": None}) == b'{"a":null,"b":[1,"\\u00e9"]}'
    assert digest("psephos-ceremony/1", {"b": [1, "é"], "a": None}) == (
        "2943aad1f7527cbd3320e1d65780e9d3a242c746f1bc0783931c7d8d2ee3008e")
    assert [mul(v + 1, G) for v in range(4)] == list(elgamal.encodings(3))


def test_an_independent_verifier_accepts_a_ceremony_and_a_decryption() -> None:
    setup, first, second, privates = ceremony_of(3, 2)
    ceremony_hash = digest("psephos-ceremony/1", setup)
    label, k = setup["contest"].encode(), setup["threshold"]
    keys = {t["index"]: t["signing_key"] for t in setup["trustees"]}
    for message in first:
        i = message["trustee"]
        signed_by(message, keys[i])
        assert message["ceremony"] == ceremony_hash
        commitments = [point(a) for a in message["commitments"]]
        c, z = scalar(message["proof"]["challenge"]), scalar(message["proof"]["response"])
        r = sub(mul(z, G), mul(c, commitments[0]))
        assert c == hash_to_scalar("psephos/dkg/commitment-proof/1", bytes.fromhex(
            ceremony_hash), label, i.to_bytes(2, "big"), *commitments, commitments[0], r)
    joint = [ZERO] * k
    for message in first:
        joint = [add(total, point(a)) for total, a in zip(joint, message["commitments"],
                                                        strict=True)]
    election_key = joint[0]
    assert election_key == ceremony.election_key(setup, first)
    set_digest = digest("psephos/dkg/round1-set/1", sorted(first, key=lambda m: m["trustee"]))
    verification = {}
    for message in second:
        j = message["trustee"]
        signed_by(message, keys[j])
        assert message["round1"] == set_digest and message["complaints"] == []
        vk = ZERO
        for power, c_l in enumerate(joint):
            vk = add(vk, mul(j ** power, c_l))
        assert point(message["verification_key"]) == vk
        assert point(message["election_key"]) == election_key
        c, z = scalar(message["proof"]["challenge"]), scalar(message["proof"]["response"])
        r = sub(mul(z, G), mul(c, vk))
        assert c == hash_to_scalar("psephos/dkg/share-proof/1", bytes.fromhex(ceremony_hash),
                                   label, j.to_bytes(2, "big"), bytes.fromhex(set_digest),
                                   election_key, vk, r)
        verification[j] = vk

    cast = [(1, 0), (2,), (), (0, 2, 1)]
    sealed = [elgamal.encrypt_ranking(election_key, r, 3) for r in cast]
    request = decryption.decryption_request(setup, first, sealed, 3, "section 1")
    responses = [decryption.decrypt_shares(p, request) for p in privates[1:]]
    assert request["hash"] == digest("psephos-decryption-request/1",
                                     {k: v for k, v in request.items() if k != "hash"})
    data = base64.b64decode(request["ballots"])
    alphas = [data[at:at + 32] for at in range(0, len(data), 64)]
    betas = [data[at + 32:at + 64] for at in range(0, len(data), 64)]
    shares_of = {}
    for response in responses:
        j = response["trustee"]
        signed_by(response, keys[j])
        raw = base64.b64decode(response["shares"])
        shares = [point(raw[at:at + 32].hex()) for at in range(0, len(raw), 32)]
        seed = hash_parts("psephos/decryption/weights/1", bytes.fromhex(ceremony_hash),
                          bytes.fromhex(request["hash"]), j.to_bytes(2, "big"),
                          verification[j], hashlib.sha512(raw).digest())
        weights = [hash_to_scalar("psephos/decryption/weight/1", seed, i.to_bytes(8, "big"))
                   for i in range(len(shares))]
        a_sum, b_sum = ZERO, ZERO
        for weight, alpha, share in zip(weights, alphas, shares, strict=True):
            a_sum, b_sum = add(a_sum, mul(weight, alpha)), add(b_sum, mul(weight, share))
        c, z = scalar(response["proof"]["challenge"]), scalar(response["proof"]["response"])
        a = sub(mul(z, G), mul(c, verification[j]))
        b = sub(mul(z, a_sum), mul(c, b_sum))
        assert c == hash_to_scalar(
            "psephos/decryption/proof/1", bytes.fromhex(ceremony_hash), b"section 1",
            j.to_bytes(2, "big"), bytes.fromhex(request["hash"]), seed, verification[j],
            a_sum, b_sum, a, b)
        shares_of[j] = shares
    chosen = sorted(shares_of)
    lagrange = {j: _lagrange(j, chosen) for j in chosen}
    table = {mul(v + 1, G): v for v in range(4)}
    values = []
    for i, beta in enumerate(betas):
        for j in chosen:
            beta = sub(beta, mul(lagrange[j], shares_of[j][i]))
        values.append(table[beta])
    rankings = [tuple(v - 1 for v in values[at:at + 3] if v) for at in range(0, len(values), 3)]
    assert rankings == cast


def _lagrange(j: int, indices: list[int]) -> int:
    numerator, denominator = 1, 1
    for m in indices:
        if m != j:
            numerator, denominator = numerator * m % L, denominator * (m - j) % L
    return numerator * pow(denominator, -1, L) % L
