"""The prime-order group ristretto255 (RFC 9496), from libsodium through `rbcl`.

Points and scalars are 32-byte strings: a point in its canonical ristretto255 encoding, a
scalar as a little-endian integer below the group order ℓ = 2^252 +
27742317777372353535851937790883648493. Nothing read from outside is used before
`check_point` or `check_scalar` has accepted it: libsodium itself reduces a scalar ≥ ℓ
silently and adds invalid encodings without complaint.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys

import rbcl

POINT_BYTES = 32
SCALAR_BYTES = 32
#: The order of the group.
ORDER = 2**252 + 27742317777372353535851937790883648493
#: The neutral element, encoded as 32 zero bytes.
IDENTITY = bytes(POINT_BYTES)


def scalar(n: int) -> bytes:
    """``n`` mod ℓ, as a 32-byte little-endian scalar."""
    return (n % ORDER).to_bytes(SCALAR_BYTES, "little")


def scalar_value(k: bytes) -> int:
    """The integer a scalar encodes."""
    return int.from_bytes(k, "little")


def random_scalar() -> bytes:
    """A uniformly random nonzero scalar, from libsodium's CSPRNG."""
    while True:
        k: bytes = rbcl.crypto_core_ristretto255_scalar_random()
        if k != bytes(SCALAR_BYTES):
            return k


def base_mult(k: bytes) -> bytes:
    """k·G (the identity when k is 0)."""
    result: bytes = rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero(k)
    return result


def mult(k: bytes, point: bytes) -> bytes:
    """k·P (the identity when k is 0 or P is the identity)."""
    result: bytes = rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero(k, point)
    return result


def add(p: bytes, q: bytes) -> bytes:
    """P + Q."""
    result: bytes = rbcl.crypto_core_ristretto255_add(p, q)
    return result


def sub(p: bytes, q: bytes) -> bytes:
    """P − Q."""
    result: bytes = rbcl.crypto_core_ristretto255_sub(p, q)
    return result


def scalar_add(a: bytes, b: bytes) -> bytes:
    """a + b mod ℓ, in constant time (for secrets)."""
    result: bytes = rbcl.crypto_core_ristretto255_scalar_add(a, b)
    return result


def scalar_mul(a: bytes, b: bytes) -> bytes:
    """a · b mod ℓ, in constant time (for secrets)."""
    result: bytes = rbcl.crypto_core_ristretto255_scalar_mul(a, b)
    return result


def is_point(data: object) -> bool:
    """Whether ``data`` is the canonical encoding of a point (the identity included)."""
    if not isinstance(data, bytes) or len(data) != POINT_BYTES:
        return False
    if data == IDENTITY:
        return True
    return bool(rbcl.crypto_core_ristretto255_is_valid_point(data))


def is_scalar(data: object) -> bool:
    """Whether ``data`` is a canonical scalar: 32 bytes, little-endian, below ℓ."""
    return (isinstance(data, bytes) and len(data) == SCALAR_BYTES
            and int.from_bytes(data, "little") < ORDER)


def check_point(data: bytes, what: str = "point") -> bytes:
    """``data`` if it is a point; else ValueError naming ``what``."""
    if not is_point(data):
        raise ValueError(f"{what} is not a valid ristretto255 point")
    return data


def check_scalar(data: bytes, what: str = "scalar") -> bytes:
    """``data`` if it is a canonical scalar; else ValueError naming ``what``."""
    if not is_scalar(data):
        raise ValueError(f"{what} is not a canonical scalar (32 bytes, below the group order)")
    return data


def hash_parts(domain: str, *parts: bytes) -> bytes:
    """SHA-512 over the domain (UTF-8) and the parts, each prefixed by its length as 8
    bytes big-endian: no two lists of parts hash the same input."""
    digest = hashlib.sha512()
    for part in (domain.encode(), *parts):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


def hash_to_scalar(domain: str, *parts: bytes) -> bytes:
    """`hash_parts` read as a little-endian integer and reduced mod ℓ (a 512-bit hash: the
    bias is below 2^-259)."""
    return scalar(int.from_bytes(hash_parts(domain, *parts), "little"))


def _remove_rbcl_library_copy() -> None:
    """Delete the copy of libsodium that rbcl (1.1) writes to a new temporary file at every
    import and never deletes: 2.8 MB a process, filling the temporary folder of a server
    that starts workers or a trustee who runs many commands. Once loaded it is no longer
    read (on Windows, where a loaded library cannot be deleted, it stays)."""
    for name in ("rbcl._sodium", "_sodium"):
        path = getattr(sys.modules.get(name), "lib_path", None)
        if isinstance(path, str) and os.path.basename(path).startswith("tmp"):
            with contextlib.suppress(OSError):
                os.unlink(path)


_remove_rbcl_library_copy()

#: The generator of RFC 9496 (libsodium's base point), 1·G.
GENERATOR = base_mult(scalar(1))
