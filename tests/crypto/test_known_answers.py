"""Known answers for `psephos.crypto` (docs/verifiability.md).

External answers come from RFC 9496 (ristretto255), appendix A: the encodings of the
first 16 multiples of the generator (A.1), the encodings a decoder must refuse (A.2) and
the element derivation from 64 uniform bytes (A.3, libsodium's `from_hash`). The answers
for psephos's own constructions (hashes, ballot encoding, the ceremony's and the
decryption's challenges) are computed here from the page's words with hashlib, rbcl and
PyNaCl only, never with a psephos helper, pinned as hex, and the library must agree: a
drift in either the library or this reading of the page fails.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import nacl.public
import nacl.signing
import pytest
import rbcl

from psephos.crypto import ceremony, decryption, elgamal, group, messages, shuffle_proof
from psephos.crypto.errors import CeremonyError
from tests.crypto.test_spec import (
    add,
    canonical,
    digest,
    hash_parts,
    hash_to_scalar,
    mul,
    sub,
)

L = 2**252 + 27742317777372353535851937790883648493

# RFC 9496, appendix A.1 (ristretto255, "Multiples of the Generator"): the encodings of
# B·0 … B·15, B the generator.
RFC9496_MULTIPLES = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
]

# RFC 9496, appendix A.2 ("Invalid Encodings"): each must be refused.
RFC9496_INVALID = [
    # non-canonical field encodings
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    # negative field elements
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    # non-square x^2
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    # negative x·y
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    # s = −1, which gives y = 0
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]

# RFC 9496, appendix A.3 ("Group Elements from Uniform Byte Strings"): the element
# derived from each 64-byte input I. Each I is the SHA-512 of a sentence, kept here to show
# where the bytes come from (checked below).
RFC9496_FROM_UNIFORM = [
    ("Ristretto is traditionally a short shot of espresso coffee",
     "5d1be09e3d0c82fc538112490e35701979d99e06ca3e2b5b54bffe8b4dc772c1"
     "4d98b696a1bbfb5ca32c436cc61c16563790306c79eaca7705668b47dffe5bb6",
     "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46"),
    ("made with the normal amount of ground coffee but extracted with",
     "f116b34b8f17ceb56e8732a60d913dd10cce47a6d53bee9204be8b44f6678b27"
     "0102a56902e2488c46120e9276cfe54638286b9e4b3cdb470b542d46c2068d38",
     "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b"),
    ("about half the amount of water in the same amount of time",
     "8422e1bbdaab52938b81fd602effb6f89110e1e57208ad12d9ad767e2e25510c"
     "27140775f9337088b982d83d7fcf0b2fa1edffe51952cbe7365e95c86eaf325c",
     "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826"),
    ("by using a finer grind.",
     "ac22415129b61427bf464e17baee8db65940c233b98afce8d17c57beeb7876c2"
     "150d15af1cb1fb824bbd14955f2b57d08d388aab431a391cfc33d5bafb5dbbaf",
     "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a"),
    ("This produces a concentrated shot of coffee per volume.",
     "165d697a1ef3d5cf3c38565beefcf88c0f282b8e7dbd28544c483432f1cec767"
     "5debea8ebb4e5fe7d6f6e5db15f15587ac4d4d4a1de7191e0c1ca6664abcc413",
     "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179"),
    ("Just pulling a normal shot short will produce a weaker shot",
     "a836e6c9a9ca9f1e8d486273ad56a78c70cf18f0ce10abb1c7172ddd605d7fd2"
     "979854f47ae1ccf204a33102095b4200e5befc0465accc263175485f0e17ea5c",
     "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628"),
    ("and is not a Ristretto as some believe.",
     "2cdc11eaeb95daf01189417cdddbf95952993aa9cb9c640eb5058d09702c7462"
     "2c9965a697a3b345ec24ee56335b556e677b30e6f90ac77d781064f866a3c982",
     "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065"),
]

# RFC 9496, appendix A.3, last: four inputs that the derivation maps to one element.
RFC9496_SAME_ELEMENT_INPUTS = [
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "1200000000000000000000000000000000000000000000000000000000000000",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "0000000000000000000000000000000000000000000000000000000000000080"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000"
    "1200000000000000000000000000000000000000000000000000000000000080",
]
RFC9496_SAME_ELEMENT = "304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f"

G = bytes.fromhex(RFC9496_MULTIPLES[1])


# The independent primitives (the page's words, hashlib and rbcl only) are test_spec's.

def le(n: int) -> bytes:
    return (n % L).to_bytes(32, "little")


def signed(message: dict[str, Any], seed: bytes) -> dict[str, Any]:
    signature = nacl.signing.SigningKey(seed).sign(canonical(message)).signature
    return {**message, "signature": signature.hex()}


def two(i: int) -> bytes:
    return i.to_bytes(2, "big")


# ---- RFC 9496 -------------------------------------------------------------------------

def test_rfc9496_multiples_of_the_generator() -> None:
    """A.1: i·G by multiplication and by repeated addition, for i = 0 … 15."""
    assert group.GENERATOR == G
    running = group.IDENTITY
    for i, expected in enumerate(RFC9496_MULTIPLES):
        point = bytes.fromhex(expected)
        assert group.base_mult(group.scalar(i)) == point, i
        assert group.mult(group.scalar(i), group.GENERATOR) == point, i
        assert running == point, i
        assert group.is_point(point) and group.check_point(point) == point
        running = group.add(running, group.GENERATOR)
    # Scalars are reduced mod ℓ: (ℓ + i)·G = i·G, and ℓ−1 = −1 gives −G = 0·G − G.
    assert group.base_mult(group.scalar(L + 7)) == bytes.fromhex(RFC9496_MULTIPLES[7])
    assert group.sub(group.IDENTITY, G) == group.base_mult(group.scalar(-1))
    assert group.sub(bytes.fromhex(RFC9496_MULTIPLES[9]), bytes.fromhex(
        RFC9496_MULTIPLES[4])) == bytes.fromhex(RFC9496_MULTIPLES[5])


def test_rfc9496_multiples_are_the_ballot_encodings() -> None:
    """Section 4: M(v) = (v + 1)·G, so M(0 … 14) are RFC 9496's 1·G … 15·G."""
    assert list(elgamal.encodings(14)) == [bytes.fromhex(h) for h in RFC9496_MULTIPLES[1:]]
    for v, expected in enumerate(RFC9496_MULTIPLES[1:]):
        assert elgamal.decode_value(bytes.fromhex(expected), 14) == v
    assert elgamal.decode_value(group.IDENTITY, 14) is None


@pytest.mark.parametrize("encoding", RFC9496_INVALID)
def test_rfc9496_invalid_encodings_are_refused(encoding: str) -> None:
    """A.2: refused as a point, as a hex point in a file, and inside a sealed ballot."""
    data = bytes.fromhex(encoding)
    assert not group.is_point(data)
    with pytest.raises(ValueError, match="not a valid ristretto255 point"):
        group.check_point(data)
    with pytest.raises(CeremonyError):
        messages.hex_point(encoding, "a commitment")
    with pytest.raises(ValueError, match="slot 1: alpha is not a valid point"):
        elgamal.check_sealed(data + G, 1)
    with pytest.raises(ValueError, match="slot 1: beta is not a valid point"):
        elgamal.check_sealed(G + data, 1)


@pytest.mark.parametrize(("sentence", "uniform", "element"), RFC9496_FROM_UNIFORM)
def test_rfc9496_elements_from_uniform_bytes(sentence: str, uniform: str, element: str) -> None:
    """A.3: libsodium's from_hash is RFC 9496's derivation, which the proof of shuffle's
    generators use (section 9.3)."""
    assert hashlib.sha512(sentence.encode()).hexdigest() == uniform
    derived = bytes(rbcl.crypto_core_ristretto255_from_hash(bytes.fromhex(uniform)))
    assert derived.hex() == element and group.is_point(derived)


def test_rfc9496_inputs_that_derive_one_element() -> None:
    for uniform in RFC9496_SAME_ELEMENT_INPUTS:
        assert bytes(rbcl.crypto_core_ristretto255_from_hash(bytes.fromhex(uniform))).hex() == (
            RFC9496_SAME_ELEMENT)


def test_shuffle_generators_are_the_documented_derivation() -> None:
    """Generator i = from_hash(hash_parts(`psephos/shuffle/generator/1`, i as 8 bytes))."""
    expected = [bytes(rbcl.crypto_core_ristretto255_from_hash(hash_parts(
        "psephos/shuffle/generator/1", i.to_bytes(8, "big")))) for i in range(4)]
    assert [shuffle_proof.generator(i) for i in range(4)] == expected
    assert expected[0].hex() == GENERATOR_0
    assert len(set(expected)) == 4 and G not in expected


GENERATOR_0 = "c4a585a9459ae847d163f1e771a69e242ac4c0aed6eaae595d9aa0165a88e638"


# ---- scalars, hashes, canonical JSON (section 1 and 2) ---------------------------------

def test_scalars_are_canonical_little_endian() -> None:
    assert group.scalar(1) == b"\x01" + bytes(31)
    assert group.scalar(L) == bytes(32)
    assert group.scalar(-1) == (L - 1).to_bytes(32, "little")
    assert group.scalar(L - 1).hex() == (
        "ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
    assert group.is_scalar(le(L - 1))
    for refused in (L.to_bytes(32, "little"), (L + 1).to_bytes(32, "little"),
                    b"\xff" * 32, bytes(31), bytes(33)):
        assert not group.is_scalar(refused)
    with pytest.raises(ValueError, match="not a canonical scalar"):
        group.check_scalar(L.to_bytes(32, "little"))


HASH_CASES: list[tuple[str, tuple[bytes, ...]]] = [
    ("psephos/test/1", (b"abc", b"")),
    ("psephos/test/1", ()),
    ("psephos/test/1", (b"ab", b"c")),
    ("psephos/test/1", (b"a", b"bc")),
    ("psephos/tést/1", (b"\x00" * 70,)),
]


def test_hash_parts_and_hash_to_scalar_follow_the_page() -> None:
    """Section 2's own vector in full, and more inputs: the length prefixes keep
    ("ab", "c") and ("a", "bc") apart."""
    assert hash_parts("psephos/test/1", b"abc", b"").hex() == (
        "3cd65a769074a389959b1a15e75d6474d743d15620c83c9097d3714ed8473f5e"
        "ae4224a692eaed2613a89d27b2e831f71256a3022f5124f5986c93323921faef")
    for domain, parts in HASH_CASES:
        assert group.hash_parts(domain, *parts) == hash_parts(domain, *parts)
        assert group.hash_to_scalar(domain, *parts) == le(hash_to_scalar(domain, *parts))
    assert hash_parts("psephos/test/1", b"ab", b"c") != hash_parts("psephos/test/1", b"a", b"bc")
    assert [hash_parts(d, *p).hex()[:32] for d, p in HASH_CASES[1:]] == HASH_PREFIXES


HASH_PREFIXES = ["79c7b3d9cf0110f161e24556b278fab9", "f89f9a4520ce282cf2523fab12e91d9b",
                 "bf9c26737770f930777895ab225c88d8", "9a47cd27000741a8a7c862c86482aac5"]


CANONICAL_CASES: list[tuple[Any, str]] = [
    ({"b": [1, "é"], "a": None}, '{"a":null,"b":[1,"\\u00e9"]}'),
    ({"é": True, "z": False, "Z": -3}, '{"Z":-3,"z":false,"\\u00e9":true}'),
    (["😀", "\u2028"], '["\\ud83d\\ude00","\\u2028"]'),
    # DEL (U+007F) is a control character too.
    ('"\\\n\r\t\b\f\x01\x7f', '"\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u007f"'),
    ({"nested": {"y": [], "x": {}}}, '{"nested":{"x":{},"y":[]}}'),
]


@pytest.mark.parametrize(("document", "text"), CANONICAL_CASES)
def test_canonical_json_is_the_page_s(document: Any, text: str) -> None:
    """Section 2's rules written out: sorted keys, no whitespace, lowercase \\uXXXX
    escapes, surrogate pairs beyond U+FFFF, the short escapes, other controls as \\u00XX."""
    assert messages.canonical_json(document) == text.encode("ascii")
    assert messages.digest("psephos-ceremony/1", document) == digest(
        "psephos-ceremony/1", document)


# ---- a 2-of-2 ceremony and a decryption made by hand (sections 5, 6 and 8) ---------------

CONTEST = "kat-contest"
LABEL = "kat-section"
WIDTH = 2
RANKINGS = [(1, 0), (), (0,)]
# Trustee i's polynomial f_i(x) = a_i0 + a_i1·x, and the proofs' nonces: fixed, so every
# hash below is a known answer.
POLYNOMIALS = {1: (0x1234567, 0x89ABCDEF), 2: (0xFEDCBA, 0x13579B)}
NONCE_ROUND1 = {1: 0x1001, 2: 0x1002}
NONCE_ROUND2 = {1: 0x2001, 2: 0x2002}
NONCE_DECRYPTION = {1: 0x3001, 2: 0x3002}
ENCRYPTION_NONCES = [0x5001, 0x5002, 0x5003, 0x5004, 0x5005, 0x5006]


def seed_of(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def share_of(j: int) -> int:
    """s_j = Σ_i f_i(j) mod ℓ."""
    return sum(a0 + a1 * j for a0, a1 in POLYNOMIALS.values()) % L


def hand_made_ceremony() -> dict[str, Any]:
    trustees = [{"index": i, "name": f"Trustee {i}",
                 "signing_key": nacl.signing.SigningKey(seed_of(f"signing {i}")).verify_key
                 .encode().hex(),
                 "box_key": nacl.public.PrivateKey(seed_of(f"box {i}")).public_key
                 .encode().hex()} for i in (1, 2)]
    return {"format": "psephos-ceremony/1", "contest": CONTEST, "threshold": 2,
            "trustees": trustees}


def hand_made_round1(setup: dict[str, Any], i: int) -> dict[str, Any]:
    """Section 5.2, with a placeholder in place of the sealed share (only its receiver could
    open a real one, and nothing here opens it)."""
    ceremony_hash = bytes.fromhex(digest("psephos-ceremony/1", setup))
    commitments = [mul(a, G) for a in POLYNOMIALS[i]]
    w = NONCE_ROUND1[i]
    c = hash_to_scalar("psephos/dkg/commitment-proof/1", ceremony_hash, CONTEST.encode(),
                       two(i), *commitments, commitments[0], mul(w, G))
    z = (w + c * POLYNOMIALS[i][0]) % L
    other = 3 - i
    return signed({"format": "psephos-dkg-round1/1", "ceremony": ceremony_hash.hex(),
                   "trustee": i, "commitments": [a.hex() for a in commitments],
                   "proof": {"challenge": le(c).hex(), "response": le(z).hex()},
                   "shares": {str(other): seed_of(f"sealed {i} to {other}").hex() * 3
                              + "00" * 20}}, seed_of(f"signing {i}"))


def election_key() -> bytes:
    return add(mul(POLYNOMIALS[1][0], G), mul(POLYNOMIALS[2][0], G))


def hand_made_round2(setup: dict[str, Any], first: list[dict[str, Any]],
                     j: int) -> dict[str, Any]:
    """Section 5.3: VK_j = s_j·G and the proof of knowledge of s_j."""
    ceremony_hash = bytes.fromhex(digest("psephos-ceremony/1", setup))
    set_digest = digest("psephos/dkg/round1-set/1", first)
    verification_key = mul(share_of(j), G)
    w = NONCE_ROUND2[j]
    c = hash_to_scalar("psephos/dkg/share-proof/1", ceremony_hash, CONTEST.encode(), two(j),
                       bytes.fromhex(set_digest), election_key(), verification_key,
                       mul(w, G))
    z = (w + c * share_of(j)) % L
    return signed({"format": "psephos-dkg-round2/1", "ceremony": ceremony_hash.hex(),
                   "trustee": j, "round1": set_digest, "complaints": [],
                   "verification_key": verification_key.hex(),
                   "election_key": election_key().hex(),
                   "proof": {"challenge": le(c).hex(), "response": le(z).hex()}},
                  seed_of(f"signing {j}"))


def sealed_ballots() -> list[bytes]:
    """Section 4: slot value v encoded as (v + 1)·G, (r·G, M + r·H) with fixed r."""
    nonces = iter(ENCRYPTION_NONCES)
    ballots = []
    for ranking in RANKINGS:
        values = [c + 1 for c in ranking] + [0] * (WIDTH - len(ranking))
        slots = b""
        for v in values:
            r = next(nonces)
            slots += mul(r, G) + add(mul(v + 1, G), mul(r, election_key()))
        ballots.append(slots)
    return ballots


def hand_made_request(setup: dict[str, Any]) -> dict[str, Any]:
    body = {"format": "psephos-decryption-request/1",
            "ceremony": digest("psephos-ceremony/1", setup),
            "election_key": election_key().hex(), "label": LABEL, "width": WIDTH,
            "count": len(RANKINGS), "ballots": base64.b64encode(b"".join(sealed_ballots()))
            .decode()}
    return {**body, "hash": digest("psephos-decryption-request/1", body)}


def alphas() -> list[bytes]:
    data = b"".join(sealed_ballots())
    return [data[at:at + 32] for at in range(0, len(data), 64)]


def hand_made_shares(request: dict[str, Any], j: int) -> tuple[dict[str, Any], bytes]:
    """Section 6, steps 2 to 4: the shares, the seed, the weights and the batched proof."""
    ceremony_hash, request_hash = bytes.fromhex(request["ceremony"]), bytes.fromhex(
        request["hash"])
    s = share_of(j)
    verification_key = mul(s, G)
    shares = [mul(s, alpha) for alpha in alphas()]
    seed = hash_parts("psephos/decryption/weights/1", ceremony_hash, request_hash, two(j),
                      verification_key, hashlib.sha512(b"".join(shares)).digest())
    weights = [hash_to_scalar("psephos/decryption/weight/1", seed, i.to_bytes(8, "big"))
               for i in range(len(shares))]
    a_sum, b_sum = bytes(32), bytes(32)
    for weight, alpha, share in zip(weights, alphas(), shares, strict=True):
        a_sum, b_sum = add(a_sum, mul(weight, alpha)), add(b_sum, mul(weight, share))
    w = NONCE_DECRYPTION[j]
    c = hash_to_scalar("psephos/decryption/proof/1", ceremony_hash, LABEL.encode(), two(j),
                       request_hash, seed, verification_key, a_sum, b_sum, mul(w, G),
                       mul(w, a_sum))
    z = (w + c * s) % L
    return signed({"format": "psephos-decryption-shares/1", "ceremony": request["ceremony"],
                   "request": request["hash"], "trustee": j,
                   "shares": base64.b64encode(b"".join(shares)).decode(),
                   "proof": {"challenge": le(c).hex(), "response": le(z).hex()}},
                  seed_of(f"signing {j}")), seed


def test_the_ceremony_s_hashes_are_known_answers() -> None:
    setup = hand_made_ceremony()
    assert ceremony.read_ceremony(setup).hash == digest("psephos-ceremony/1", setup) == (
        CEREMONY_HASH)
    first = [hand_made_round1(setup, i) for i in (1, 2)]
    for message in first:
        ceremony.check_round1(setup, message)
    assert first[0]["proof"]["challenge"] == ROUND1_CHALLENGE
    assert ceremony.election_key(setup, first) == election_key()
    assert ceremony.verification_keys(setup, first) == {j: mul(share_of(j), G) for j in (1, 2)}
    second = [hand_made_round2(setup, first, j) for j in (1, 2)]
    for message in second:
        ceremony.check_round2(setup, first, message)
    assert second[0]["round1"] == ROUND1_SET_DIGEST
    assert second[0]["proof"]["challenge"] == ROUND2_CHALLENGE
    # One bit off in a challenge and the library refuses the proof.
    bad = first[1]
    bad["proof"]["challenge"] = le(int.from_bytes(bytes.fromhex(
        bad["proof"]["challenge"]), "little") + 1).hex()
    with pytest.raises(CeremonyError, match="trustee 2: the signature"):
        ceremony.check_round1(setup, bad)
    with pytest.raises(CeremonyError, match="trustee 2: the proof of knowledge"):
        ceremony.check_round1(setup, signed(messages.unsigned(bad), seed_of("signing 2")))


def test_the_decryption_s_hashes_are_known_answers() -> None:
    setup = hand_made_ceremony()
    first = [hand_made_round1(setup, i) for i in (1, 2)]
    request = hand_made_request(setup)
    assert decryption.decryption_request(setup, first, sealed_ballots(), WIDTH, LABEL) == (
        request)
    assert request["hash"] == REQUEST_HASH
    responses = []
    for j in (1, 2):
        response, seed = hand_made_shares(request, j)
        decryption.check_shares(setup, first, request, response)
        responses.append(response)
        if j == 1:
            assert seed.hex() == DECRYPTION_SEED
            assert response["proof"]["challenge"] == DECRYPTION_CHALLENGE
    assert decryption.combine(setup, first, request, responses) == RANKINGS
    # Combined by hand: λ_1 = 2/(2 − 1) = 2, λ_2 = 1/(1 − 2) = −1, and each slot is one of
    # RFC 9496's multiples of G.
    data = b"".join(sealed_ballots())
    betas = [data[at + 32:at + 64] for at in range(0, len(data), 64)]
    plain = [sub(add(beta, mul(share_of(2), alpha)), mul(2 * share_of(1), alpha))
             for alpha, beta in zip(alphas(), betas, strict=True)]
    assert [p.hex() for p in plain] == [RFC9496_MULTIPLES[n] for n in (3, 2, 1, 1, 2, 1)]
    bad = {**responses[0], "proof": {**responses[0]["proof"], "response": le(
        int.from_bytes(bytes.fromhex(responses[0]["proof"]["response"]), "little") + 1)
        .hex()}}
    with pytest.raises(CeremonyError, match="trustee 1: the proof of the shares does not"):
        decryption.check_shares(setup, first, request, signed(messages.unsigned(bad),
                                                               seed_of("signing 1")))


CEREMONY_HASH = "dec187e86910754e8db7a821764a7ede6b1d0dc7f947b309298858e9c7f563ae"
ROUND1_CHALLENGE = "311283272f281f96ce24895a661415c31da958ccba1fbf3881a036254172a304"
ROUND1_SET_DIGEST = "b15513a5ffedddeb6c7e4aea9f837394df539ea9ae9405f3f504e0817005aa38"
ROUND2_CHALLENGE = "70acbdf0954dc1c71ae59e95d292255f4dc283f853a98e183da8294c7aa7620e"
REQUEST_HASH = "b4263dbabed753278024b52b21ce403b602c2a0e880f06f804f7cab2bd3acf77"
DECRYPTION_SEED = (
    "b9f4ecb3d19f379ae18400d29e22080bab748c28e1af5578f3562d2014369164"
    "177683b5e7f6aba3e1d72104360c4b29e4647f242ff90e6a619b08bfb808d865")
DECRYPTION_CHALLENGE = "61b2bd9a059100577e1d413a93554c7a5d30abd47d3e22bd9de4c4f31bdcbb0b"
