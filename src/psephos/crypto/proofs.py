"""Non-interactive zero-knowledge proofs over ristretto255, by the strong Fiat–Shamir
transform (Bernhard, Pereira, Warinschi, "How not to prove yourself", Asiacrypt 2012): the
challenge hashes the statement, every public input and the commitments.

- Schnorr's proof of knowledge of a discrete logarithm (Schnorr, "Efficient signature
  generation by smart cards", J. Cryptology 1991): X = x·G.
- Chaum–Pedersen's proof of equality of discrete logarithms (Chaum, Pedersen, "Wallet
  databases with observers", Crypto 1992): X = x·G and B = x·A.

A proof is (challenge c, response z), z = w + c·x for the prover's random w; the verifier
rebuilds the commitments from z and c and checks that they hash to c.
"""

from __future__ import annotations

from collections.abc import Sequence

from psephos.crypto import group

Proof = tuple[bytes, bytes]


def prove_knowledge(domain: str, context: Sequence[bytes], secret: bytes,
                    public: bytes) -> Proof:
    """A Schnorr proof that the prover knows ``secret`` with ``public`` = secret·G."""
    w = group.random_scalar()
    challenge = group.hash_to_scalar(domain, *context, public, group.base_mult(w))
    return challenge, group.scalar_add(w, group.scalar_mul(challenge, secret))


def knowledge_holds(domain: str, context: Sequence[bytes], public: bytes,
                    proof: Proof) -> bool:
    """Whether ``proof`` (canonical scalars, ``public`` a point) proves knowledge of
    log_G(public): c = H(domain, context, public, z·G − c·public)."""
    challenge, response = proof
    commitment = group.sub(group.base_mult(response), group.mult(challenge, public))
    return group.hash_to_scalar(domain, *context, public, commitment) == challenge


def prove_equal_logs(domain: str, context: Sequence[bytes], secret: bytes, public: bytes,
                     base: bytes, image: bytes) -> Proof:
    """A Chaum–Pedersen proof that log_G(public) = log_base(image) = ``secret``."""
    w = group.random_scalar()
    challenge = group.hash_to_scalar(domain, *context, public, base, image,
                                     group.base_mult(w), group.mult(w, base))
    return challenge, group.scalar_add(w, group.scalar_mul(challenge, secret))


def equal_logs_hold(domain: str, context: Sequence[bytes], public: bytes, base: bytes,
                    image: bytes, proof: Proof) -> bool:
    """Whether ``proof`` shows log_G(public) = log_base(image): c = H(domain, context,
    public, base, image, z·G − c·public, z·base − c·image)."""
    challenge, response = proof
    a = group.sub(group.base_mult(response), group.mult(challenge, public))
    b = group.sub(group.mult(response, base), group.mult(challenge, image))
    return group.hash_to_scalar(domain, *context, public, base, image, a, b) == challenge
