"""Ballots signed under public credentials, and the tracker that names a signed ballot.

A Schnorr signature (Schnorr, J. Cryptology 1991) over ristretto255, non-interactive by the
strong Fiat–Shamir transform (Bernhard, Pereira, Warinschi, Asiacrypt 2012): the challenge
hashes the contest, the public credential, the whole sealed ballot and the commitment, so a
signature binds this ballot to this credential in this contest and nothing else. The
signature is (R, z), 64 bytes: R = w·G, z = w + c·x, verified by z·G = R + c·P. The nonce w
is derived from the private credential and everything signed (as Ed25519 derives its nonce,
RFC 8032 section 5.1.6), so signing needs no random numbers and a voter's device with a
weak generator cannot leak x. docs/verifiability.md, section 10, specifies it.
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


def sign_ballot(private: bytes, contest: str, ballot: bytes) -> bytes:
    """The signature (R || z, 64 bytes) of the sealed ``ballot`` under the private
    credential ``private`` in ``contest``."""
    group.check_scalar(private, "the private credential")
    public = check_public(group.base_mult(private))
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
