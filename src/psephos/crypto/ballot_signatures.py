"""Ballots signed under public credentials, and the tracker that names a signed ballot.

A Schnorr signature (Schnorr, J. Cryptology 1991) over ristretto255, non-interactive by the
strong Fiat–Shamir transform (Bernhard, Pereira, Warinschi, Asiacrypt 2012): the challenge
hashes the contest, the public credential, the whole sealed ballot and the commitment, so a
signature binds this ballot to this credential in this contest and nothing else. The
signature is (R, z), 64 bytes: R = w·G, z = w + c·x, verified by z·G = R + c·P. The nonce w
is derived from the private credential and everything signed (as Ed25519 derives its nonce,
RFC 8032 section 5.1.6), so signing needs no random numbers and a voter's device with a
weak generator cannot leak x. docs/verifiability.md, section 10, specifies it.

Beside the signature, a sealed ballot carries a proof that whoever signed it knows the
randomness of every slot (`prove_randomness`): a Schnorr proof of knowledge of r_j in
alpha_j = r_j·G for each slot, one challenge over the contest, the public credential, the
whole ballot and every commitment (Fiat–Shamir, strong form). Bound to P, it stops a voter
from casting a copy, or a re-encryption, of another voter's ciphertext under their own
credential (the replay of Cortier and Smyth, "Attacking and fixing Helios", CSF 2011), as
Helios's and Belenios's proofs of well-formedness do.
"""

from __future__ import annotations

from collections.abc import Sequence

import rbcl

from psephos.crypto import group
from psephos.crypto.credentials import POSTAL_ALPHABET, check_public
from psephos.crypto.threads import in_chunks

SIGNATURE_BYTES = group.POINT_BYTES + group.SCALAR_BYTES
TRACKER_BYTES = 32
NONCE_DOMAIN = "psephos/ballot/nonce/1"
RANDOMNESS_NONCE_DOMAIN = "psephos/ballot/randomness-nonce/1"
RANDOMNESS_DOMAIN = "psephos/ballot/randomness/1"
SIGNATURE_DOMAIN = "psephos/ballot/signature/1"
TRACKER_DOMAIN = "psephos/ballot/tracker/1"
#: The printed tracker: the tracker's first 100 bits as 20 characters of the postal
#: alphabet, in groups of four, the shape voters already copy and type back.
PRINTED_CHARACTERS = 20

#: A signed ballot as a verifier takes it: (public credential, sealed ballot, signature).
SignedBallot = tuple[bytes, bytes, bytes]


def _challenge(contest: str, public: bytes, ballot: bytes, commitment: bytes) -> bytes:
    return group.hash_to_scalar(SIGNATURE_DOMAIN, contest.encode(), public, ballot,
                                commitment)


def sign_ballot(private: bytes, contest: str, ballot: bytes, public: bytes | None = None
                ) -> bytes:
    """The signature (R || z, 64 bytes) of the sealed ``ballot`` under the private
    credential ``private`` in ``contest``. ``public``: private·G when the caller has it
    already (a server signing a cast then saves one of the signature's two
    multiplications); given wrong, the signature verifies under no credential."""
    group.check_scalar(private, "the private credential")
    public = check_public(group.base_mult(private) if public is None else public)
    nonce: bytes = rbcl.crypto_core_ristretto255_scalar_reduce(group.hash_parts(
        NONCE_DOMAIN, private, contest.encode(), public, ballot))
    commitment = group.base_mult(nonce)
    challenge = _challenge(contest, public, ballot, commitment)
    return commitment + group.scalar_add(nonce, group.scalar_mul(challenge, private))


def verify_ballot(public: bytes, contest: str, ballot: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the signature of ``ballot`` under the public credential
    ``public`` in ``contest``: P a valid point other than the identity, R a valid point,
    z a canonical scalar, and z·G = R + c·P for c = H(contest, P, ballot, R)."""
    if not isinstance(signature, bytes) or len(signature) != SIGNATURE_BYTES:
        return False
    commitment, response = signature[:group.POINT_BYTES], signature[group.POINT_BYTES:]
    if not (group.is_point(public) and public != group.IDENTITY
            and group.is_point(commitment) and group.is_scalar(response)):
        return False
    challenge = _challenge(contest, public, ballot, commitment)
    return group.base_mult(response) == group.add(commitment, group.mult(challenge, public))


def verify_ballots(contest: str, signed: Sequence[SignedBallot], *,
                   workers: int = 1) -> list[bool]:
    """`verify_ballot` of each (public credential, ballot, signature), on ``workers``
    threads (libsodium releases the GIL). One by one, not batched: libsodium has no
    multi-scalar multiplication, and a random-linear-combination batch would cost two
    variable-base multiplications a signature where one-by-one costs one and one fixed-base."""
    return in_chunks(lambda part: [verify_ballot(public, contest, ballot, signature)
                                   for public, ballot, signature in part], signed, workers)


def ballot_tracker(contest: str, public: bytes, ballot: bytes, signature: bytes) -> bytes:
    """The tracker of a signed ballot: the first 32 bytes of hash_parts(TRACKER_DOMAIN,
    contest, public credential, ballot, signature). The board lists it in hex."""
    return group.hash_parts(TRACKER_DOMAIN, contest.encode(), public, ballot,
                            signature)[:TRACKER_BYTES]


def printed_tracker(tracker: bytes) -> str:
    """The tracker as a voter copies it: its first 100 bits, 5 bits a character from the
    most significant, in the postal alphabet, in groups of four (``7K3Q-9XWD-...``)."""
    if len(tracker) != TRACKER_BYTES:
        raise ValueError(f"a tracker is {TRACKER_BYTES} bytes, not {len(tracker)}")
    bits = int.from_bytes(tracker, "big") >> (8 * TRACKER_BYTES - 5 * PRINTED_CHARACTERS)
    characters = "".join(POSTAL_ALPHABET[(bits >> (5 * (PRINTED_CHARACTERS - 1 - i))) & 31]
                         for i in range(PRINTED_CHARACTERS))
    return "-".join(characters[i:i + 4] for i in range(0, PRINTED_CHARACTERS, 4))


def proof_bytes(width: int) -> int:
    """The size of a ballot's proof of randomness: a commitment and a response a slot."""
    return width * (group.POINT_BYTES + group.SCALAR_BYTES)


def _randomness_challenge(contest: str, public: bytes, ballot: bytes,
                          commitments: Sequence[bytes]) -> bytes:
    return group.hash_to_scalar(RANDOMNESS_DOMAIN, contest.encode(), public, ballot,
                                *commitments)


def prove_randomness(contest: str, public: bytes, ballot: bytes,
                     scalars: Sequence[bytes]) -> bytes:
    """The proof (A_1 ‖ … ‖ A_w ‖ s_1 ‖ … ‖ s_w) that the sealer of ``ballot`` knows the
    scalar r_j of each slot's alpha_j = r_j·G, bound to the public credential ``public``:
    nonces w_j = reduce(hash_parts(RANDOMNESS_NONCE_DOMAIN, r_j, j, contest, P, ballot)),
    A_j = w_j·G, c = H(contest, P, ballot, A_1, …, A_w), s_j = w_j + c·r_j."""
    width = len(scalars)
    if len(ballot) != width * 2 * group.POINT_BYTES:
        raise ValueError(f"{width} scalars for a ballot of {len(ballot)} bytes")
    nonces = [rbcl.crypto_core_ristretto255_scalar_reduce(group.hash_parts(
        RANDOMNESS_NONCE_DOMAIN, group.check_scalar(r, f"the scalar of slot {j + 1}"),
        j.to_bytes(4, "big"), contest.encode(), public, ballot)) for j, r in enumerate(scalars)]
    commitments = [group.base_mult(w) for w in nonces]
    challenge = _randomness_challenge(contest, public, ballot, commitments)
    responses = [group.scalar_add(w, group.scalar_mul(challenge, r))
                 for w, r in zip(nonces, scalars, strict=True)]
    return b"".join(commitments) + b"".join(responses)


def verify_randomness(contest: str, public: bytes, ballot: bytes, proof: bytes) -> bool:
    """Whether ``proof`` shows knowledge of every slot's randomness of ``ballot``, bound to
    ``public``: s_j·G = A_j + c·alpha_j for every slot, each A_j a valid point and s_j a
    canonical scalar."""
    size = 2 * group.POINT_BYTES
    if not isinstance(proof, bytes) or len(ballot) % size or not ballot:
        return False
    width = len(ballot) // size
    if len(proof) != proof_bytes(width):
        return False
    commitments = [proof[j * 32:(j + 1) * 32] for j in range(width)]
    responses = [proof[(width + j) * 32:(width + j + 1) * 32] for j in range(width)]
    if not all(group.is_point(a) for a in commitments) or not all(
            group.is_scalar(z) for z in responses):
        return False
    alphas = [ballot[j * size:j * size + 32] for j in range(width)]
    if not all(group.is_point(a) for a in alphas):
        return False
    challenge = _randomness_challenge(contest, public, ballot, commitments)
    return all(group.base_mult(z) == group.add(a, group.mult(challenge, alpha))
               for a, z, alpha in zip(commitments, responses, alphas, strict=True))


def verify_signed(contest: str, public: bytes, ballot: bytes, signature: bytes,
                  proof: bytes) -> bool:
    """A ballot as the board takes it: its signature and its proof of randomness both
    verify under ``public``."""
    return (verify_ballot(public, contest, ballot, signature)
            and verify_randomness(contest, public, ballot, proof))


def verify_all_signed(contest: str, signed: Sequence[tuple[bytes, bytes, bytes, bytes]], *,
                      workers: int = 1) -> list[bool]:
    """`verify_signed` of each (public credential, ballot, signature, proof), on
    ``workers`` threads."""
    return in_chunks(lambda part: [verify_signed(contest, public, ballot, signature, proof)
                                   for public, ballot, signature, proof in part],
                     signed, workers)
