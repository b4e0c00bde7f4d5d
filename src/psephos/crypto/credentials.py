"""Public credentials: the key a voter's secret unlocks, and the list the board commits to.

A voter's secret (the link token, or the postal code) and the contest's identifier give a
private credential x, a scalar, by PBKDF2-HMAC-SHA-512 (RFC 8018) with 64 bytes out,
reduced mod ℓ as libsodium's ``crypto_core_ristretto255_scalar_reduce`` does (a 512-bit
number mod a 253-bit ℓ: the bias is below 2^-259). The public credential is x·G.

A voter holds two secrets minted and rotated apart (the link when its e-mail is sent, the
code when the postal pack is printed), so a voter has two public credentials, one from
each, published together as one **pair** (sorted, so nobody can tell which is the link's).
The board accepts one ballot per pair: either secret casts the voter's one ballot, and
anyone can check that no voter cast two. A postal code has 80 bits: the derivation is
stretched (`POSTAL_ITERATIONS`) against an attacker who holds the public list and tries
every code; a link token has 128 bits and needs no stretching. docs/verifiability.md,
section 10, specifies all of it and the cost of guessing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import rbcl

from psephos.crypto import group
from psephos.crypto.errors import CeremonyError
from psephos.crypto.messages import check_format, digest, field
from psephos.crypto.threads import in_chunks

LINK = "link"
POSTAL = "postal"
#: PBKDF2-HMAC-SHA-512 iterations for each kind of secret: a postal code (80 bits) is
#: stretched 20,000 times (docs/verifiability.md, section 10.2, weighs the cost of a guess
#: against the cost of issuing and casting); a link token (128 bits) is beyond guessing
#: without it.
ITERATIONS = {LINK: 1, POSTAL: 20_000}
POSTAL_ITERATIONS = ITERATIONS[POSTAL]

#: Crockford's base32 alphabet (no I, L, O or U), as postal codes are printed.
POSTAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
POSTAL_LENGTH = 16
LINK_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
LINK_LENGTH = 22
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})

SALT_DOMAIN = "psephos/credential/salt/1"
LIST_FORMAT = "psephos-credentials/1"
PAIR_BYTES = 2 * group.POINT_BYTES


def canonical_secret(kind: str, secret: str) -> bytes:
    """The bytes a secret is derived from: a link token without surrounding white space; a
    postal code upper-cased, without spaces, hyphens or other punctuation, O read as 0 and
    I or L as 1 (as a voter may type it). ValueError if it is not such a secret."""
    if kind == LINK:
        token = secret.strip()
        if len(token) != LINK_LENGTH or not set(token) <= LINK_ALPHABET:
            raise ValueError(f"a link token is {LINK_LENGTH} characters of the URL-safe "
                             "base64 alphabet")
        return token.encode("ascii")
    if kind == POSTAL:
        if not secret.isascii():
            raise ValueError("a postal code has only letters, digits, spaces and hyphens")
        code = "".join(ch for ch in secret.upper() if ch.isalnum()).translate(_READ_AS)
        if len(code) != POSTAL_LENGTH or any(ch not in POSTAL_ALPHABET for ch in code):
            raise ValueError(f"a postal code is {POSTAL_LENGTH} characters of "
                             f"{POSTAL_ALPHABET}")
        return code.encode("ascii")
    raise ValueError(f"a secret is a {LINK!r} or a {POSTAL!r}, not {kind!r}")


def salt(kind: str, contest: str) -> bytes:
    """The KDF's salt: hash_parts(SALT_DOMAIN, kind, contest), 64 bytes."""
    return group.hash_parts(SALT_DOMAIN, kind.encode(), contest.encode())


def iterations_for(kind: str, postal_iterations: int = POSTAL_ITERATIONS) -> int:
    """The PBKDF2 iterations of a kind of secret: 1 for a link; for a postal code the
    contest's own count (`POSTAL_ITERATIONS` unless it chose another), published with its
    credential lists so that every device derives the same credential."""
    if kind == POSTAL:
        if not isinstance(postal_iterations, int) or postal_iterations < 1:
            raise ValueError("a postal code's iterations are a whole number, at least 1")
        return postal_iterations
    return ITERATIONS[kind]


def private_credential(kind: str, secret: str, contest: str, *,
                       postal_iterations: int = POSTAL_ITERATIONS) -> bytes:
    """The private credential x (a canonical scalar) of a voter's secret in ``contest``."""
    if not contest:
        raise ValueError("the contest identifier is empty")
    stretched = hashlib.pbkdf2_hmac("sha512", canonical_secret(kind, secret),
                                    salt(kind, contest),
                                    iterations_for(kind, postal_iterations), 64)
    x: bytes = rbcl.crypto_core_ristretto255_scalar_reduce(stretched)
    if x == bytes(group.SCALAR_BYTES):  # probability 2^-252: mint the secret again
        raise ValueError("this secret derives the zero scalar; mint another")
    return x


def public_credential(private: bytes) -> bytes:
    """x·G, the public credential of the private credential x."""
    return group.base_mult(group.check_scalar(private, "the private credential"))


def credential_pair(link_token: str, postal_code: str, contest: str, *,
                    postal_iterations: int = POSTAL_ITERATIONS) -> bytes:
    """A voter's list entry: the public credentials of both secrets, in byte order
    (64 bytes), so the entry does not say which is the link's."""
    link = public_credential(private_credential(LINK, link_token, contest))
    postal = public_credential(private_credential(POSTAL, postal_code, contest,
                                                  postal_iterations=postal_iterations))
    return pair_of(link, postal)


def credential_pairs(secrets: Sequence[tuple[str, str]], contest: str, *,
                     workers: int = 1, postal_iterations: int = POSTAL_ITERATIONS
                     ) -> list[bytes]:
    """`credential_pair` of every (link token, postal code), in their order; the
    derivations run on ``workers`` threads (hashlib and libsodium release the GIL)."""
    return in_chunks(lambda part: [credential_pair(link, code, contest,
                                                   postal_iterations=postal_iterations)
                                   for link, code in part], secrets, workers)


def pair_of(first: bytes, second: bytes) -> bytes:
    """Two public credentials as one entry: the smaller encoding first."""
    for point in (first, second):
        check_public(point)
    if first == second:
        raise ValueError("a voter's two public credentials are the same point")
    return min(first, second) + max(first, second)


def check_public(point: bytes, what: str = "a public credential") -> bytes:
    """``point`` if it is a valid point other than the identity; else ValueError."""
    group.check_point(point, what)
    if point == group.IDENTITY:
        raise ValueError(f"{what} is the identity")
    return point


def sorted_list(pairs: Iterable[bytes]) -> list[bytes]:
    """The entries in byte order (a list in roll order would tell who holds which);
    ValueError if an entry is malformed or a public credential appears twice."""
    entries = sorted(pairs)
    seen: set[bytes] = set()
    for number, entry in enumerate(entries, start=1):
        if len(entry) != PAIR_BYTES or entry[:32] >= entry[32:]:
            raise ValueError(f"entry {number} is not two public credentials in byte order")
        for point in (entry[:32], entry[32:]):
            check_public(point, f"entry {number}")
            if point in seen:
                raise ValueError(f"entry {number}: a public credential appears twice")
            seen.add(point)
    return entries


def list_document(contest: str, section: str, pairs: Iterable[bytes]) -> dict[str, Any]:
    """The section's public credential list as the board publishes it at opening, with its
    commitment: ``hash`` = digest(LIST_FORMAT, every other field)."""
    entries = sorted_list(pairs)
    document: dict[str, Any] = {
        "format": LIST_FORMAT, "contest": contest, "section": section,
        "count": len(entries), "credentials": base64.b64encode(b"".join(entries)).decode()}
    return {**document, "hash": digest(LIST_FORMAT, document)}


def list_commitment(contest: str, section: str, pairs: Iterable[bytes]) -> str:
    """The hash the board publishes for a section's list (hex SHA-256)."""
    return str(list_document(contest, section, pairs)["hash"])


def read_list(document: Any) -> list[bytes]:
    """The entries of a published list; CeremonyError unless its format, count, entries
    (sorted pairs of distinct valid points) and hash all check."""
    who = "credential list"
    check_format(document, LIST_FORMAT, who)
    for name in ("contest", "section"):
        field(document, name, str, who)
    count = field(document, "count", int, who)
    text = field(document, "credentials", str, who)
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CeremonyError(f"{who}: credentials is not base64") from None
    if len(data) != count * PAIR_BYTES:
        raise CeremonyError(f"{who}: {count} entries are {count * PAIR_BYTES} bytes, not "
                            f"{len(data)}")
    entries = [data[at:at + PAIR_BYTES] for at in range(0, len(data), PAIR_BYTES)]
    try:
        if sorted_list(entries) != entries:
            raise ValueError("the entries are not in byte order")
    except ValueError as error:
        raise CeremonyError(f"{who}: {error}") from None
    body = {name: value for name, value in document.items() if name != "hash"}
    if field(document, "hash", str, who) != digest(LIST_FORMAT, body):
        raise CeremonyError(f"{who}: the hash does not match the list")
    return entries


def voters_of(entries: Sequence[bytes], credentials: Sequence[bytes]) -> list[int]:
    """For each public credential that signed a ballot, the number (0-based, in list
    order) of the entry it belongs to; ValueError naming the ballot if a credential is in
    no entry, or if two ballots come from one entry (one voter, one ballot)."""
    entry_of = {entry[at:at + group.POINT_BYTES]: number
                for number, entry in enumerate(entries) for at in (0, group.POINT_BYTES)}
    first_ballot: dict[int, int] = {}
    voters = []
    for ballot, credential in enumerate(credentials, start=1):
        number = entry_of.get(credential)
        if number is None:
            raise ValueError(f"ballot {ballot}: its credential is not on the list")
        if number in first_ballot:
            raise ValueError(f"ballot {ballot}: its voter already cast ballot "
                             f"{first_ballot[number]}")
        first_ballot[number] = ballot
        voters.append(number)
    return voters
