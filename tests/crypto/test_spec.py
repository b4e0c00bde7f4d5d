"""docs/verifiability.md is enough to write a verifier: this one follows the page (the
ceremony, the decryption and the proof of shuffle), using only hashlib, json, base64, rbcl
and PyNaCl (no psephos.crypto helper), and accepts what the library makes. If the library
and the page drift apart, it fails."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import nacl.signing
import rbcl

from psephos.crypto import ceremony, decryption, elgamal, shuffle_file
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


def from_hash(digest: bytes) -> bytes:
    return bytes(rbcl.crypto_core_ristretto255_from_hash(digest))


def gen(n: int) -> bytes:
    return from_hash(hash_parts("psephos/shuffle/generator/1", n.to_bytes(8, "big")))


def sha512(*parts: bytes) -> bytes:
    return hashlib.sha512(b"".join(parts)).digest()


def runs(text: str, size: int) -> list[bytes]:
    data = base64.b64decode(text, validate=True)
    assert len(data) % size == 0
    return [data[at:at + size] for at in range(0, len(data), size)]


def total(points: list[bytes]) -> bytes:
    result = ZERO
    for p in points:
        result = add(result, p)
    return result


def test_the_shuffle_known_answers_of_the_page() -> None:
    assert [gen(n).hex() for n in range(3)] == [
        "c4a585a9459ae847d163f1e771a69e242ac4c0aed6eaae595d9aa0165a88e638",
        "48bc7d16c43be4dd816250dd282096441a52437237fda72de4544d781f417d06",
        "5ee3c136ce675f31ab91d084d0f25e8a0b65179b0844065f1a658f787e53b632"]
    p = [mul(n, G) for n in range(20)]
    y = hash_parts("psephos/shuffle/statement/1", b"ristretto255", G, gen(0),
                   sha512(gen(1), gen(2)), p[5], (1).to_bytes(8, "big"),
                   (2).to_bytes(8, "big"), sha512(p[1], p[2], p[3], p[4]),
                   sha512(p[5], p[6], p[7], p[8]))
    assert y.hex() == ("540734a19b26078b02b17a4efdf32f9347407149373c1024b8d16f8c55f12bbb"
                       "fcf7422a2243e134a4d933fae3d1c94028d8d8c05bc421d66a10020da31b8213")
    u = [hash_to_scalar("psephos/shuffle/challenges/1", y, sha512(p[9], p[10]),
                        i.to_bytes(8, "big")) for i in (1, 2)]
    assert [v.to_bytes(32, "little").hex() for v in u] == [
        "bad66d602238ab7120b482ef580eafc615811e55ed7085339d99a19c80498606",
        "01699c9f1949d97a6c319a75ecff065b844bf9b9ccc425d756b6b6790458aa0f"]
    c = hash_to_scalar("psephos/shuffle/proof/1", y, sha512(p[9], p[10]), sha512(p[11], p[12]),
                       p[13], p[14], p[15], sha512(p[16], p[17]), sha512(p[18], p[19]))
    assert c.to_bytes(32, "little").hex() == (
        "f13a7f26adc2e578d40c78bc8cc6f55a676710ad9a263f496745b98ca8fc1e0d")


def shuffle_file_holds(document: dict[str, Any], inputs: list[bytes]) -> bool:
    """Section 9.5 of the page, from the file of section 9.6 alone."""
    assert document["format"] == "psephos-shuffle/1"
    key, w, n = point(document["election_key"]), document["width"], document["count"]
    assert key != ZERO and len(inputs) == n >= 1
    assert document["input"] == hashlib.sha256(b"".join(inputs)).hexdigest()
    outputs = runs(document["output"], 64 * w)
    assert len(outputs) == n
    for ballot in inputs + outputs:
        assert len(ballot) == 64 * w
        for at in range(0, 64 * w, 32):
            assert point(ballot[at:at + 32].hex()) != ZERO or at % 64 == 32
    proof = document["proof"]
    assert proof["scheme"] == "terelius-wikstrom-2010"
    commitments, chain, t_hat = (runs(proof[f], 32) for f in ("commitments", "chain", "t_hat"))
    s_hat, s_prime = ([scalar(x.hex()) for x in runs(proof[f], 32)] for f in ("s_hat",
                                                                            "s_prime"))
    t4 = [(point(pair[:32].hex()), point(pair[32:].hex())) for pair in runs(proof["t4"], 64)]
    s4 = [scalar(x.hex()) for x in runs(proof["s4"], 32)]
    t1, t2, t3 = (point(proof[f]) for f in ("t1", "t2", "t3"))
    s1, s2, s3 = (scalar(proof[f]) for f in ("s1", "s2", "s3"))
    assert all(len(x) == n for x in (commitments, chain, t_hat, s_hat, s_prime))
    assert len(t4) == len(s4) == w
    for x in commitments + chain + t_hat:
        point(x.hex())
    h = gen(0)
    hs = [gen(i) for i in range(1, n + 1)]
    # Section 9.1: a later stage of a chain (9.8) binds its number as a third part.
    stage = ((document["stage"].to_bytes(8, "big"),) if "stage" in document else ())
    y = hash_parts("psephos/shuffle/statement/1", bytes.fromhex(document["ceremony"]),
                   document["label"].encode(), *stage, b"ristretto255", G, h, sha512(*hs), key,
                   w.to_bytes(8, "big"), n.to_bytes(8, "big"), sha512(*inputs),
                   sha512(*outputs))
    u = [hash_to_scalar("psephos/shuffle/challenges/1", y, sha512(*commitments),
                        i.to_bytes(8, "big")) for i in range(1, n + 1)]
    c = hash_to_scalar("psephos/shuffle/proof/1", y, sha512(*commitments), sha512(*chain),
                       t1, t2, t3, sha512(*(a + b for a, b in t4)), sha512(*t_hat))
    c_bar = sub(total(commitments), total(hs))
    u_all = 1
    for v in u:
        u_all = u_all * v % L
    c_hat = sub(chain[-1], mul(u_all, h))
    c_tilde = total([mul(v, x) for v, x in zip(u, commitments, strict=True)])
    ok = t1 == add(mul(c, c_bar), mul(s1, G))
    ok &= t2 == add(mul(c, c_hat), mul(s2, G))
    ok &= t3 == add(add(mul(c, c_tilde), mul(s3, G)),
                    total([mul(s, x) for s, x in zip(s_prime, hs, strict=True)]))
    for k in range(w):
        a_in = total([mul(v, e[64 * k:64 * k + 32]) for v, e in zip(u, inputs, strict=True)])
        b_in = total([mul(v, e[64 * k + 32:64 * k + 64]) for v, e in zip(u, inputs,
                                                                          strict=True)])
        a_out = total([mul(s, e[64 * k:64 * k + 32]) for s, e in zip(s_prime, outputs,
                                                                     strict=True)])
        b_out = total([mul(s, e[64 * k + 32:64 * k + 64]) for s, e in zip(s_prime, outputs,
                                                                          strict=True)])
        ok &= t4[k] == (add(sub(mul(c, a_in), mul(s4[k], G)), a_out),
                        add(sub(mul(c, b_in), mul(s4[k], key)), b_out))
    for i in range(n):
        previous = chain[i - 1] if i else h
        ok &= t_hat[i] == add(add(mul(c, chain[i]), mul(s_hat[i], G)),
                              mul(s_prime[i], previous))
    return ok


def test_an_independent_verifier_accepts_a_proved_shuffle_and_refuses_a_forged_one() -> None:
    setup, first, _, _ = ceremony_of(3, 2)
    key = ceremony.election_key(setup, first)
    ceremony_hash = digest("psephos-ceremony/1", setup)
    cast = [(1, 0), (2,), (), (0, 2, 1), (1,)]
    sealed = [elgamal.encrypt_ranking(key, r, 3) for r in cast]
    document = json.loads(json.dumps(shuffle_file.mix_section(ceremony_hash, key, "section 1",
                                                              sealed)))
    assert shuffle_file_holds(document, sealed)
    # The same proof for a relabelled section, or for one output ballot re-encrypted again
    # (the file's outputs and proof otherwise unchanged), does not hold.
    assert not shuffle_file_holds({**document, "label": "section 2"}, sealed)
    outputs = runs(document["output"], 64 * 3)
    outputs[2] = elgamal.reencrypt(key, outputs[2])
    forged = {**document, "output": base64.b64encode(b"".join(outputs)).decode()}
    assert not shuffle_file_holds(forged, sealed)


def test_an_independent_verifier_follows_a_chain_of_mixes() -> None:
    """Section 9.8: each stage re-mixes the previous output, names its hash and binds its
    stage number; the page's checks, made here without the library's checker, hold for
    each stage, and a stage presented under another number does not."""
    setup, first, _, _ = ceremony_of(3, 2)
    key = ceremony.election_key(setup, first)
    ceremony_hash = digest("psephos-ceremony/1", setup)
    sealed = [elgamal.encrypt_ranking(key, r, 2) for r in [(1, 0), (0,), (), (1,)]]
    chain = [json.loads(json.dumps(shuffle_file.mix_section(ceremony_hash, key, "s", sealed)))]
    for _ in range(2):
        chain.append(json.loads(json.dumps(shuffle_file.mix_next(chain[-1]))))
    inputs = sealed
    for number, document in enumerate(chain):
        assert document.get("stage", 0) == number
        if number:
            assert document["previous"] == digest("psephos-shuffle/1", chain[number - 1])
        assert shuffle_file_holds(document, inputs)
        inputs = runs(document["output"], 64 * 2)
    assert not shuffle_file_holds({**chain[2], "stage": 1}, runs(chain[1]["output"], 128))
    assert shuffle_file.check_chain(chain, sealed) == inputs
