"""Public credentials (docs/verifiability.md, section 10): the derivation, the pairs, the
list and its commitment, each checked against a computation that follows the page with
hashlib and rbcl alone, and against the page's test vectors."""

from __future__ import annotations

import base64
import hashlib
import secrets
from pathlib import Path

import pytest
import rbcl
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.contests import tokens
from psephos.crypto import credentials
from psephos.crypto.credentials import LINK, POSTAL
from psephos.crypto.errors import CeremonyError
from tests.crypto.test_ballot_signatures import VECTORS as SIGNATURE_VECTORS
from tests.crypto.test_spec import G, L, digest, hash_parts, mul

CONTEST = "test-contest"
LINK_TOKEN = "AbCdEfGhIjKlMnOpQrSt-_"
POSTAL_CODE = "7K3Q-9XWD-MNPQ-RSTV"
#: The test vectors of docs/verifiability.md, section 10.7.
VECTORS = {
    "salt_postal": "fdffe0ebb1a28f14c395e50ee736685c1bc1dff5819d540efd9c030e79c5fd9d"
                   "4a5029c25331c93b9a381034615eac67136cde1d8cd1034259a0cdd4b41f1776",
    "x_link": "17fc367d1db171114fe840b0b8995bc5ce9d0742dc225c7effc3e48489727e07",
    "P_link": "b04b561fb0b4dcb92b2fcc8ea16e0a666ffba48d97315cd12b742973e37aa000",
    "x_postal": "39ccb1110c3465acd3432ad6db80198a9ebc158b1c96bf45cbb993ddfffa9906",
    "P_postal": "a0aa61095b88da55e7afaf1a0479ff6555261b3740b7a19b90322ba9dd335019",
    "list_hash": "6ea4c62b152680d5edd863a3d6e95d4cadeca5b1bdb4028018a35812f2bae68e",
}
ITERATIONS = {LINK: 1, POSTAL: 20_000}  # as the page says


def spec_private(kind: str, canonical: bytes, contest: str) -> int:
    """Section 10.2, step by step: PBKDF2-HMAC-SHA-512, 64 bytes, little-endian mod ℓ."""
    salt = hash_parts("psephos/credential/salt/1", kind.encode(), contest.encode())
    stretched = hashlib.pbkdf2_hmac("sha512", canonical, salt, ITERATIONS[kind], 64)
    return int.from_bytes(stretched, "little") % L


def test_the_derivation_follows_the_page_and_its_vectors() -> None:
    assert credentials.salt(POSTAL, CONTEST).hex() == VECTORS["salt_postal"]
    for kind, secret, canonical in ((LINK, LINK_TOKEN, LINK_TOKEN),
                                    (POSTAL, POSTAL_CODE, "7K3Q9XWDMNPQRSTV")):
        x = credentials.private_credential(kind, secret, CONTEST)
        expected = spec_private(kind, canonical.encode(), CONTEST)
        assert int.from_bytes(x, "little") == expected
        assert x.hex() == VECTORS[f"x_{kind}"]
        public = credentials.public_credential(x)
        assert public == mul(expected, G)
        assert public.hex() == VECTORS[f"P_{kind}"]


def test_the_pair_and_the_list_commitment_follow_the_page() -> None:
    pair = credentials.credential_pair(LINK_TOKEN, POSTAL_CODE, CONTEST)
    points = sorted([bytes.fromhex(VECTORS["P_link"]), bytes.fromhex(VECTORS["P_postal"])])
    assert pair == b"".join(points)
    document = credentials.list_document(CONTEST, "members", [pair])
    body = {"format": "psephos-credentials/1", "contest": CONTEST, "section": "members",
            "count": 1, "credentials": base64.b64encode(pair).decode()}
    assert document == {**body, "hash": digest("psephos-credentials/1", body)}
    assert document["hash"] == VECTORS["list_hash"]
    assert credentials.list_commitment(CONTEST, "members", [pair]) == VECTORS["list_hash"]


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=64, max_size=64))
def test_the_wide_reduction_is_the_integer_mod_the_order(stretched: bytes) -> None:
    """libsodium's reduction of 64 bytes is the 512-bit little-endian integer mod ℓ."""
    reduced = rbcl.crypto_core_ristretto255_scalar_reduce(stretched)
    assert int.from_bytes(reduced, "little") == int.from_bytes(stretched, "little") % L


def test_a_contest_a_kind_or_a_secret_changes_the_credential() -> None:
    base = credentials.private_credential(LINK, LINK_TOKEN, CONTEST)
    assert credentials.private_credential(LINK, LINK_TOKEN, "other-contest") != base
    assert credentials.private_credential(LINK, "B" + LINK_TOKEN[1:], CONTEST) != base
    postal = credentials.private_credential(POSTAL, POSTAL_CODE, CONTEST)
    assert credentials.private_credential(POSTAL, POSTAL_CODE, "other-contest") != postal


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=2**80 - 1), st.sampled_from(["", " ", "-"]),
       st.booleans())
def test_a_code_typed_any_way_derives_the_same_secret(value: int, separator: str,
                                                      lower: bool) -> None:
    code = "".join(credentials.POSTAL_ALPHABET[(value >> (5 * i)) & 31] for i in range(16))
    typed = separator.join(code[i:i + 4] for i in range(0, 16, 4))
    typed = typed.lower() if lower else typed
    typed = typed.replace("0", "O").replace("1", "l")
    assert credentials.canonical_secret(POSTAL, typed) == code.encode()
    # the contests' own reading of a typed code agrees (the hash the database finds it by)
    assert tokens.normalise_postal(typed) == code


def test_every_secret_the_contests_mint_is_accepted() -> None:
    for _ in range(200):
        token, code = tokens.new_link_token(), tokens.new_postal_code()
        assert credentials.canonical_secret(LINK, f" {token}\n") == token.encode()
        assert credentials.canonical_secret(POSTAL, code) == tokens.normalise_postal(
            code).encode()


@pytest.mark.parametrize(("kind", "secret"), [
    (LINK, "short"), (LINK, "AbCdEfGhIjKlMnOpQrSt+/"), (POSTAL, "7K3Q-9XWD-MNPQ-RST"),
    (POSTAL, "7K3Q-9XWD-MNPQ-RSTU"), (POSTAL, "7K3Q-9XWD-MNPQ-RSTÉ"), ("email", "x")])
def test_a_malformed_secret_is_refused(kind: str, secret: str) -> None:
    with pytest.raises(ValueError):
        credentials.private_credential(kind, secret, CONTEST)


def test_no_contest_is_refused() -> None:
    with pytest.raises(ValueError, match="contest"):
        credentials.private_credential(LINK, LINK_TOKEN, "")


def random_pairs(count: int) -> list[bytes]:
    return [credentials.pair_of(mul(secrets.randbelow(L - 1) + 1, G),
                                mul(secrets.randbelow(L - 1) + 1, G)) for _ in range(count)]


def test_the_list_is_sorted_and_reads_back() -> None:
    pairs = random_pairs(50)
    document = credentials.list_document(CONTEST, "members", pairs)
    entries = credentials.read_list(document)
    assert entries == sorted(pairs)
    # the order the pairs came in (the roll's) changes nothing
    assert credentials.list_document(CONTEST, "members", reversed(pairs)) == document


def test_a_tampered_list_is_refused() -> None:
    document = credentials.list_document(CONTEST, "members", random_pairs(5))
    data = base64.b64decode(document["credentials"])
    for changed, problem in [
        ({"section": "supporters"}, "hash"),
        ({"count": 4}, "bytes"),
        ({"credentials": base64.b64encode(data[64:] + data[:64]).decode()}, "order"),
        ({"credentials": base64.b64encode(data[:32] + bytes(32) + data[64:]).decode()},
         "order|identity|point"),
        ({"credentials": "not base64!"}, "base64"),
    ]:
        with pytest.raises(CeremonyError, match=problem):
            credentials.read_list({**document, **changed})


def test_a_credential_twice_is_refused() -> None:
    first, second = random_pairs(2)
    with pytest.raises(ValueError, match="twice"):
        credentials.sorted_list([first, credentials.pair_of(first[:32], second[32:])])
    with pytest.raises(ValueError, match="same point"):
        credentials.pair_of(first[:32], first[:32])


def test_one_ballot_per_voter() -> None:
    entries = credentials.sorted_list(random_pairs(4))
    first, second = entries[2][:32], entries[2][32:]
    assert credentials.voters_of(entries, [first, entries[0][32:]]) == [2, 0]
    with pytest.raises(ValueError, match="ballot 2: its voter already cast ballot 1"):
        credentials.voters_of(entries, [first, second])
    with pytest.raises(ValueError, match="not on the list"):
        credentials.voters_of(entries, [mul(7, G)])


def test_pairs_on_threads_are_the_pairs_one_by_one() -> None:
    voters = [(tokens.new_link_token(), tokens.new_postal_code()) for _ in range(6)]
    one_by_one = [credentials.credential_pair(link, code, CONTEST) for link, code in voters]
    assert credentials.credential_pairs(voters, CONTEST, workers=2) == one_by_one


def test_the_page_carries_these_vectors_and_iterations() -> None:
    page = (Path(__file__).parents[2] / "docs" / "verifiability.md").read_text("utf-8")
    section = page[page.index("### 10.7 Test vectors"):]
    for value in (*VECTORS.values(), *SIGNATURE_VECTORS.values()):
        assert value in section
    assert credentials.ITERATIONS == ITERATIONS
    assert "(20,000 unless the contest was made with another count" in page
    assert "or 1 for a link token**" in page
