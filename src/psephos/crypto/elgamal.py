"""A sealed ballot: ElGamal encryption (ElGamal 1985) of a ranking, one ciphertext a slot.

A ranking of width w (the candidates on the paper) is w ciphertexts; slot j holds the
encoding of the j-th preference: the value v = c + 1 for candidate position c, or v = 0 for
no preference, encoded as the point (v + 1)·G, so that no slot is ever the identity. A
ciphertext of M under the election key H is (alpha, beta) = (r·G, M + r·H) for a fresh
random r, 64 bytes. Decoding is a lookup of M in the table of the w + 1 encodings.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from functools import lru_cache

from psephos.crypto import group
from psephos.crypto.threads import in_chunks

CIPHERTEXT_BYTES = 2 * group.POINT_BYTES
#: The most candidates a ballot paper may have: bounds the decoding table (and the work a
#: request with an absurd width could ask for).
MAX_WIDTH = 1000


def check_width(width: int) -> None:
    """ValueError unless 1 <= ``width`` <= MAX_WIDTH."""
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= MAX_WIDTH:
        raise ValueError(f"the width must be a whole number from 1 to {MAX_WIDTH}, not "
                         f"{width!r}")


@lru_cache(maxsize=64)
def encodings(width: int) -> tuple[bytes, ...]:
    """The points of the values 0..width: value v is (v + 1)·G."""
    return tuple(group.base_mult(group.scalar(v + 1)) for v in range(width + 1))


@lru_cache(maxsize=64)
def _decodings(width: int) -> dict[bytes, int]:
    return {point: value for value, point in enumerate(encodings(width))}


@lru_cache(maxsize=16)
def _checked_key(election_key: bytes) -> bytes:
    """The election key if it is a point other than the identity (checked once a key)."""
    group.check_point(election_key, "the election key")
    if election_key == group.IDENTITY:
        raise ValueError("the election key is the identity")
    return election_key


def check_ranking(ranking: Sequence[int], width: int) -> None:
    """ValueError unless ``ranking`` is distinct candidate positions 0..width-1, at most
    ``width`` of them."""
    check_width(width)
    if len(ranking) > width:
        raise ValueError(f"a ranking of {len(ranking)} preferences is longer than the width "
                         f"{width}")
    for candidate in ranking:
        if not isinstance(candidate, int) or isinstance(candidate, bool) or not (
                0 <= candidate < width):
            raise ValueError(f"{candidate!r} is not a candidate position 0..{width - 1}")
    if len(set(ranking)) != len(ranking):
        raise ValueError("a candidate is ranked twice")


def encrypt_ranking(election_key: bytes, ranking: Sequence[int], width: int) -> bytes:
    """The sealed ballot of ``ranking``: ``width`` ciphertexts, ``width``·64 bytes, each
    under a fresh random scalar."""
    _checked_key(election_key)
    check_ranking(ranking, width)
    return encrypt_ranking_with(election_key, ranking, width,
                                [group.random_scalar() for _ in range(width)])


def encrypt_ranking_with(election_key: bytes, ranking: Sequence[int], width: int,
                         scalars: Sequence[bytes]) -> bytes:
    """The sealed ballot of ``ranking`` under the given randomness: slot j is
    (r_j·G, enc(v_j) + r_j·H) for ``scalars[j]`` = r_j, one nonzero canonical scalar a slot
    (ValueError otherwise). Deterministic: the voter's device seals a ballot this way, and
    anyone holding the scalars can redo it (`check_opening`)."""
    key = _checked_key(election_key)
    check_ranking(ranking, width)
    if len(scalars) != width:
        raise ValueError(f"{len(scalars)} scalars for a ranking of width {width}")
    for slot, r in enumerate(scalars, start=1):
        group.check_scalar(r, f"the scalar of slot {slot}")
        if r == bytes(group.SCALAR_BYTES):
            raise ValueError(f"the scalar of slot {slot} is zero")
    table = encodings(width)
    values = [candidate + 1 for candidate in ranking] + [0] * (width - len(ranking))
    parts = []
    for value, r in zip(values, scalars, strict=True):
        parts.append(group.base_mult(r))
        parts.append(group.add(table[value], group.mult(r, key)))
    return b"".join(parts)


def check_opening(election_key: bytes, sealed: bytes, ranking: Sequence[int], width: int,
                  scalars: Sequence[bytes]) -> bool:
    """Whether ``sealed`` opens to ``ranking`` with the revealed per-slot ``scalars``: the
    check of a challenged ballot in cast-or-challenge (Benaloh, "Simple verifiable
    elections", EVT 2006): re-encrypting the claimed ranking with the claimed randomness
    must give the very same bytes. False for any malformed opening."""
    try:
        return encrypt_ranking_with(election_key, ranking, width, scalars) == sealed
    except (TypeError, ValueError):
        return False


def split(sealed: bytes) -> list[tuple[bytes, bytes]]:
    """The (alpha, beta) pairs of a sealed ballot (unchecked: see `check_sealed`)."""
    size = group.POINT_BYTES
    return [(sealed[at:at + size], sealed[at + size:at + 2 * size])
            for at in range(0, len(sealed), CIPHERTEXT_BYTES)]


def check_sealed(sealed: bytes, width: int) -> None:
    """ValueError unless ``sealed`` is ``width`` ciphertexts of valid points, no alpha the
    identity (an alpha of 0·G would leave its slot in the clear)."""
    check_width(width)
    if not isinstance(sealed, bytes) or len(sealed) != width * CIPHERTEXT_BYTES:
        size = len(sealed) if isinstance(sealed, bytes) else type(sealed).__name__
        raise ValueError(f"a sealed ballot of width {width} is {width * CIPHERTEXT_BYTES} "
                         f"bytes, not {size}")
    for slot, (alpha, beta) in enumerate(split(sealed), start=1):
        if not group.is_point(alpha) or alpha == group.IDENTITY:
            raise ValueError(f"slot {slot}: alpha is not a valid point")
        if not group.is_point(beta):
            raise ValueError(f"slot {slot}: beta is not a valid point")


def reencrypt(election_key: bytes, sealed: bytes) -> bytes:
    """The same ranking under fresh randomness: (alpha + s·G, beta + s·H) in every slot."""
    return _reencrypt(_checked_key(election_key), sealed,
                      [group.random_scalar() for _ in range(len(sealed) // CIPHERTEXT_BYTES)])


def _reencrypt(key: bytes, sealed: bytes, scalars: Sequence[bytes]) -> bytes:
    parts = []
    for (alpha, beta), s in zip(split(sealed), scalars, strict=True):
        parts.append(group.add(alpha, group.base_mult(s)))
        parts.append(group.add(beta, group.mult(s, key)))
    return b"".join(parts)


#: The hook for a proof of shuffle: called by `shuffle` with the inputs, the outputs, the
#: permutation (output i is input permutation[i]) and, for every output, the re-encryption
#: scalars of its slots: the prover's witness (`shuffle_proof.shuffle_and_prove` uses it).
ShuffleWitness = Callable[[Sequence[bytes], list[bytes], list[int], list[list[bytes]]], None]


def shuffle(election_key: bytes, sealed: Sequence[bytes],
            witness: ShuffleWitness | None = None, *, workers: int = 1) -> list[bytes]:
    """The ballots re-encrypted and in a secret random order (Fisher–Yates over
    `secrets.randbelow`). Without ``witness`` the permutation and scalars are forgotten.
    The order and scalars are drawn first; the re-encryptions then run on ``workers``
    threads (the same result as on one)."""
    key = _checked_key(election_key)
    permutation = list(range(len(sealed)))
    for i in range(len(permutation) - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        permutation[i], permutation[j] = permutation[j], permutation[i]
    scalars = [[group.random_scalar() for _ in range(len(sealed[source]) // CIPHERTEXT_BYTES)]
               for source in permutation]
    mixed = in_chunks(lambda part: [_reencrypt(key, sealed[source], randomness)
                                    for source, randomness in part],
                      list(zip(permutation, scalars, strict=True)), workers)
    if witness is not None:
        witness(sealed, mixed, permutation, scalars)
    return mixed


def decode_value(point: bytes, width: int) -> int | None:
    """The value 0..width a slot's point encodes, or None."""
    return _decodings(width).get(point)


def decode_ranking(points: Sequence[bytes], width: int) -> tuple[int, ...]:
    """The ranking that ``width`` decrypted slot points encode; ValueError if a slot encodes
    nothing, a candidate is repeated, or a preference follows a blank slot."""
    check_width(width)
    if len(points) != width:
        raise ValueError(f"{len(points)} slots for a ranking of width {width}")
    ranking: list[int] = []
    blank_at = None
    for slot, point in enumerate(points, start=1):
        value = decode_value(point, width)
        if value is None:
            raise ValueError(f"slot {slot} decrypts to no preference or candidate")
        if value == 0:
            blank_at = blank_at or slot
            continue
        if blank_at is not None:
            raise ValueError(f"slot {slot} has a preference after the blank slot {blank_at}")
        if value - 1 in ranking:
            raise ValueError(f"slot {slot} repeats candidate {value - 1}")
        ranking.append(value - 1)
    return tuple(ranking)


def decrypt_ranking(secret_key: bytes, sealed: bytes, width: int) -> tuple[int, ...]:
    """The ranking of a sealed ballot under the whole secret key (tests, one-trustee tools):
    beta − x·alpha in every slot."""
    check_sealed(sealed, width)
    return decode_ranking([group.sub(beta, group.mult(secret_key, alpha))
                           for alpha, beta in split(sealed)], width)
