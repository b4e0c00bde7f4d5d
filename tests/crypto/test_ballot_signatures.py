"""Ballot signatures and trackers (docs/verifiability.md, section 10): a signature verifies,
and nothing else does: another ballot, credential, contest or signature fails."""

from __future__ import annotations

import secrets
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.contests import tokens
from psephos.crypto import ballot_signatures, credentials, elgamal, group
from psephos.crypto.ballot_signatures import (
    ballot_tracker,
    printed_tracker,
    sign_ballot,
    verify_ballot,
)
from tests.crypto.test_spec import G, L, add, hash_parts, hash_to_scalar, mul

CONTEST = "test-contest"
LINK_TOKEN = "AbCdEfGhIjKlMnOpQrSt-_"
#: The test vectors of docs/verifiability.md, section 10.7: the link token's credential
#: signs the four points 1·G … 4·G (two ciphertexts of width 2).
VECTORS = {
    "signature": "c2e9ef70f7203b867d687e658f9343d616c093abab5f30f5b377a3401965534a"
                 "5a377db4ae02355d32244e905af626cd36f40a68beec049f8c046f709c5b5703",
    "tracker": "8ed67b6470cdb5a4cf84cb0f5de6c43842bc94f80c60f9dad61cd5f8e259e4a1",
    "printed": "HVB7-PS3G-SPTT-9KW4-SC7N",
}
ELECTION_KEY = group.base_mult(group.scalar(12345))


def new_private() -> bytes:
    return group.scalar(secrets.randbelow(L - 1) + 1)


def test_the_signature_and_tracker_follow_the_page_and_its_vectors() -> None:
    x = credentials.private_credential(credentials.LINK, LINK_TOKEN, CONTEST)
    public = credentials.public_credential(x)
    ballot = b"".join(mul(i, G) for i in range(1, 5))
    signature = sign_ballot(x, CONTEST, ballot)
    assert signature.hex() == VECTORS["signature"]
    # section 10.5 step by step, with Python integers
    secret = int.from_bytes(x, "little")
    nonce = int.from_bytes(hash_parts("psephos/ballot/nonce/1", x, CONTEST.encode(), public,
                                      ballot), "little") % L
    commitment = mul(nonce, G)
    challenge = hash_to_scalar("psephos/ballot/signature/1", CONTEST.encode(), public,
                               ballot, commitment)
    assert signature == commitment + ((nonce + challenge * secret) % L).to_bytes(32, "little")
    z = int.from_bytes(signature[32:], "little")
    assert mul(z, G) == add(commitment, mul(challenge, public))
    tracker = ballot_tracker(CONTEST, public, ballot, signature)
    assert tracker == hash_parts("psephos/ballot/tracker/1", CONTEST.encode(), public, ballot,
                                 signature)[:32]
    assert tracker.hex() == VECTORS["tracker"]
    assert printed_tracker(tracker) == VECTORS["printed"]


ballots = st.integers(min_value=1, max_value=4).map(
    lambda width: elgamal.encrypt_ranking(ELECTION_KEY, list(range(width))[::-1], width))


@settings(max_examples=40, deadline=None)
@given(ballots, st.text(min_size=1, max_size=20), st.data())
def test_a_signature_verifies_and_any_change_fails(ballot: bytes, contest: str,
                                                   data: st.DataObject) -> None:
    x = new_private()
    public = group.base_mult(x)
    signature = sign_ballot(x, contest, ballot)
    assert verify_ballot(public, contest, ballot, signature)
    assert sign_ballot(x, contest, ballot) == signature  # deterministic nonce
    assert sign_ballot(x, contest, ballot, public) == signature  # the caller's x·G
    wrong = group.base_mult(new_private())
    assert not verify_ballot(public, contest, ballot, sign_ballot(x, contest, ballot, wrong))
    assert not verify_ballot(wrong, contest, ballot, sign_ballot(x, contest, ballot, wrong))

    at = data.draw(st.integers(min_value=0, max_value=len(ballot) - 1), "ballot byte")
    bit = data.draw(st.integers(min_value=0, max_value=7), "bit")
    changed = bytearray(ballot)
    changed[at] ^= 1 << bit
    assert not verify_ballot(public, contest, bytes(changed), signature)
    assert not verify_ballot(public, contest, ballot + bytes(64), signature)
    assert not verify_ballot(public, contest, ballot[:-64], signature)

    other = data.draw(st.text(min_size=1, max_size=20).filter(lambda c: c != contest), "c")
    assert not verify_ballot(public, other, ballot, signature)

    at = data.draw(st.integers(min_value=0, max_value=63), "signature byte")
    forged = bytearray(signature)
    forged[at] ^= 1 << bit
    assert not verify_ballot(public, contest, ballot, bytes(forged))
    assert not verify_ballot(public, contest, ballot, signature[:63])

    someone_else = group.base_mult(new_private())
    assert not verify_ballot(someone_else, contest, ballot, signature)
    assert not verify_ballot(group.IDENTITY, contest, ballot, signature)


@settings(max_examples=20, deadline=None)
@given(ballots)
def test_a_signature_under_one_credential_is_no_signature_under_another(
        ballot: bytes) -> None:
    first, second = new_private(), new_private()
    by_first = sign_ballot(first, CONTEST, ballot)
    by_second = sign_ballot(second, CONTEST, ballot)
    assert by_first != by_second
    assert not verify_ballot(group.base_mult(second), CONTEST, ballot, by_first)
    assert not verify_ballot(group.base_mult(first), CONTEST, ballot, by_second)
    # the tracker names the signed ballot: the same ballot under two credentials, two trackers
    assert (ballot_tracker(CONTEST, group.base_mult(first), ballot, by_first)
            != ballot_tracker(CONTEST, group.base_mult(second), ballot, by_second))


def test_a_non_canonical_response_is_refused() -> None:
    """z + ℓ satisfies the equation too: only the canonical z is a signature, so nobody
    can make a second signature (and a second tracker) of a signed ballot."""
    x = new_private()
    ballot = elgamal.encrypt_ranking(ELECTION_KEY, [0], 2)
    signature = sign_ballot(x, CONTEST, ballot)
    z = int.from_bytes(signature[32:], "little")
    if z + L < 2**256:
        malleated = signature[:32] + (z + L).to_bytes(32, "little")
        assert not verify_ballot(group.base_mult(x), CONTEST, ballot, malleated)


def test_the_printed_tracker_is_the_first_100_bits() -> None:
    tracker = bytes(range(32))
    bits = int.from_bytes(tracker, "big") >> 156
    text = printed_tracker(tracker).replace("-", "")
    assert len(text) == 20
    assert sum(credentials.POSTAL_ALPHABET.index(ch) << (5 * (19 - i))
               for i, ch in enumerate(text)) == bits
    # the shape of the trackers voters copy today: read back as the contests read them
    printed = printed_tracker(tracker)
    assert tokens.grouped(tokens.normalise_postal(printed.lower())) == printed


def signed_batch(count: int) -> list[tuple[bytes, bytes, bytes]]:
    ballot = elgamal.encrypt_ranking(ELECTION_KEY, [1, 0], 3)
    batch = []
    for _ in range(count):
        x = new_private()
        batch.append((group.base_mult(x), ballot, sign_ballot(x, CONTEST, ballot)))
    return batch


def test_verifying_on_threads_is_verifying_one_by_one() -> None:
    batch = signed_batch(40)
    public, ballot, signature = batch[7]
    batch[7] = (public, ballot, signature[:32] + bytes(32))
    expected = [verify_ballot(key, CONTEST, sealed, signed) for key, sealed, signed in batch]
    assert expected.count(False) == 1
    assert ballot_signatures.verify_ballots(CONTEST, batch, workers=2) == expected


def test_the_cast_path_verifies_at_least_1000_signatures_a_second() -> None:
    """The floor the cast path needs, on one thread (about 13 times above it here)."""
    batch = signed_batch(500)
    started = time.perf_counter()
    assert all(ballot_signatures.verify_ballots(CONTEST, batch))
    rate = len(batch) / (time.perf_counter() - started)
    print(f"\n{rate:,.0f} signatures verified a second on one thread")
    assert rate >= 1000


widths = st.integers(min_value=1, max_value=5)


@settings(max_examples=25, deadline=None)
@given(widths, st.data())
def test_a_proof_of_randomness_binds_the_ballot_to_its_sealer_and_credential(
        width: int, data: st.DataObject) -> None:
    """The honest proof verifies; a copy of the ciphertext, a re-encryption of it, another
    credential, a changed byte or the wrong randomness does not (Cortier and Smyth's
    replay is refused)."""
    from psephos.crypto.ballot_signatures import prove_randomness, verify_randomness

    ranking = data.draw(st.permutations(range(width)), "ranking")
    length = data.draw(st.integers(min_value=0, max_value=width), "length")
    scalars = [group.random_scalar() for _ in range(width)]
    ballot = elgamal.encrypt_ranking_with(ELECTION_KEY, ranking[:length], width, scalars)
    voter, copier = group.base_mult(new_private()), group.base_mult(new_private())
    proof = prove_randomness(CONTEST, voter, ballot, scalars)
    assert len(proof) == ballot_signatures.proof_bytes(width)
    assert verify_randomness(CONTEST, voter, ballot, proof)
    # the same ciphertext cast by another voter, with the proof it can see
    assert not verify_randomness(CONTEST, copier, ballot, proof)
    assert not verify_randomness("another-contest", voter, ballot, proof)
    # a re-encryption: the copier knows only its own randomness s, not r + s
    extra = [group.random_scalar() for _ in range(width)]
    copied = elgamal._reencrypt(ELECTION_KEY, ballot, extra)
    assert not verify_randomness(CONTEST, copier, copied,
                                 prove_randomness(CONTEST, copier, copied, extra))
    # the wrong randomness for even one slot fails
    wrong = list(scalars)
    slot = data.draw(st.integers(min_value=0, max_value=width - 1), "slot")
    wrong[slot] = group.random_scalar()
    assert not verify_randomness(CONTEST, voter, ballot,
                                 prove_randomness(CONTEST, voter, ballot, wrong))
    at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), "proof byte")
    changed = bytearray(proof)
    changed[at] ^= 1
    assert not verify_randomness(CONTEST, voter, ballot, bytes(changed))
    assert not verify_randomness(CONTEST, voter, ballot, proof[:-1])


def test_the_proof_of_randomness_follows_the_page_and_its_vector() -> None:
    """docs/verifiability.md section 10.4a, step by step with Python integers, and its test
    vector."""
    from pathlib import Path

    from psephos.crypto.ballot_signatures import prove_randomness

    page = (Path(__file__).resolve().parents[2] / "docs" / "verifiability.md").read_text(
        encoding="utf-8")
    section = page[page.index("### 10.4a"):page.index("### 10.5")]
    x = credentials.private_credential(credentials.LINK, LINK_TOKEN, CONTEST)
    public = credentials.public_credential(x)
    scalars = [group.scalar(1000), group.scalar(1001)]
    ballot = elgamal.encrypt_ranking_with(ELECTION_KEY, [1], 2, scalars)
    proof = prove_randomness(CONTEST, public, ballot, scalars)
    assert f"ballot = `{ballot.hex()}`" in section
    assert f"proof = `{proof.hex()}`" in section
    nonces = [int.from_bytes(hash_parts("psephos/ballot/randomness-nonce/1", r,
                                        j.to_bytes(4, "big"), CONTEST.encode(), public,
                                        ballot), "little") % L
              for j, r in enumerate(scalars)]
    commitments = [mul(w, G) for w in nonces]
    challenge = hash_to_scalar("psephos/ballot/randomness/1", CONTEST.encode(), public,
                               ballot, *commitments)
    responses = [((w + challenge * int.from_bytes(r, "little")) % L).to_bytes(32, "little")
                 for w, r in zip(nonces, scalars, strict=True)]
    assert proof == b"".join(commitments) + b"".join(responses)
