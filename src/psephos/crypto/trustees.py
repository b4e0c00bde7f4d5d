"""A trustee's keys: an Ed25519 signing key (RFC 8032) for everything it publishes and an
X25519 box key (libsodium sealed boxes) on which the other trustees seal its key shares.

The private file ("psephos-trustee/1") holds both secret keys, the public file and the
state of every ceremony the trustee takes part in; the public file
("psephos-trustee-public/1") holds the two public keys, signed by the signing key.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import nacl.public
import nacl.signing

from psephos.crypto import group
from psephos.crypto.errors import CeremonyError
from psephos.crypto.messages import (
    check_format,
    check_signature,
    field,
    hex_bytes,
    hex_point,
    hex_scalar,
    sign,
)

PRIVATE_FORMAT = "psephos-trustee/1"
PUBLIC_FORMAT = "psephos-trustee-public/1"


@dataclass(frozen=True)
class PublicTrustee:
    """What everyone knows of a trustee."""

    name: str
    signing_key: bytes
    box_key: bytes


@dataclass(frozen=True)
class PrivateTrustee:
    """A trustee's secrets, read from its private file."""

    public: PublicTrustee
    signing_seed: bytes
    box_secret: bytes
    ceremonies: dict[str, Any]


def new_trustee(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(private file, public file) of a new trustee called ``name``."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a trustee needs a name")
    signing = nacl.signing.SigningKey.generate()
    box = nacl.public.PrivateKey.generate()
    public = sign({"format": PUBLIC_FORMAT, "name": name.strip(),
                   "signing_key": signing.verify_key.encode().hex(),
                   "box_key": box.public_key.encode().hex()}, signing.encode())
    private = {"format": PRIVATE_FORMAT, "name": name.strip(),
               "signing_seed": signing.encode().hex(), "box_secret": box.encode().hex(),
               "public": public, "ceremonies": {}}
    return private, public


def read_public(document: Any, who: str = "trustee public file") -> PublicTrustee:
    """The public trustee a public file describes; CeremonyError unless well formed and
    signed by its own signing key."""
    check_format(document, PUBLIC_FORMAT, who)
    name = field(document, "name", str, who)
    signing_key = hex_bytes(document, "signing_key", 32, who)
    box_key = hex_bytes(document, "box_key", 32, who)
    check_signature(document, signing_key, f"{who} ({name})")
    return PublicTrustee(name, signing_key, box_key)


def read_private(document: Any, who: str = "trustee private file") -> PrivateTrustee:
    """The trustee a private file describes; CeremonyError unless its keys match its public
    file."""
    check_format(document, PRIVATE_FORMAT, who)
    public = read_public(field(document, "public", dict, who), f"{who}: public")
    seed = hex_bytes(document, "signing_seed", 32, who)
    box_secret = hex_bytes(document, "box_secret", 32, who)
    if nacl.signing.SigningKey(seed).verify_key.encode() != public.signing_key:
        raise CeremonyError(f"{who}: signing_seed does not match the public signing key")
    if nacl.public.PrivateKey(box_secret).public_key.encode() != public.box_key:
        raise CeremonyError(f"{who}: box_secret does not match the public box key")
    ceremonies = field(document, "ceremonies", dict, who)
    return PrivateTrustee(public, seed, box_secret, ceremonies)


def with_ceremony(private: dict[str, Any], ceremony_hash: str,
                  state: dict[str, Any]) -> dict[str, Any]:
    """A copy of the private file with ``state`` for the ceremony ``ceremony_hash``."""
    updated = copy.deepcopy(private)
    updated["ceremonies"][ceremony_hash] = state
    return updated


def ceremony_state(trustee: PrivateTrustee, ceremony_hash: str) -> dict[str, Any] | None:
    """What the private file records of the ceremony ``ceremony_hash`` (None if nothing):
    after round 1 its index, polynomial and message; after round 2 its secret share, its
    verification key, the election key and its round-2 message. CeremonyError if damaged."""
    if ceremony_hash not in trustee.ceremonies:
        return None
    who = f"trustee private file: ceremony {ceremony_hash[:16]}"
    state: dict[str, Any] = field(trustee.ceremonies, ceremony_hash, dict, who)
    field(state, "index", int, who)
    field(state, "round1", dict, who)
    if "secret_share" not in state:
        for coefficient in field(state, "polynomial", list, who):
            hex_scalar(coefficient, f"{who}: polynomial")
        return state
    share = hex_scalar(state["secret_share"], f"{who}: secret_share")
    if group.base_mult(share).hex() != field(state, "verification_key", str, who):
        raise CeremonyError(f"{who}: secret_share does not match verification_key")
    hex_point(field(state, "election_key", str, who), f"{who}: election_key")
    field(state, "round2", dict, who)
    return state
