"""A voter recovers their tracker with their own secret; the server cannot link them.

A cast can be committed and its answer lost (the connection dropped, the server killed):
the ballot counts, but the voter never saw its tracker. At cast time, beside the ballot
and in the same transaction, a `TrackerRecovery` row is stored: its ``lookup`` is a hash
of the secret the voter typed or followed, and ``sealed`` the tracker encrypted with
XSalsa20-Poly1305 (libsodium's ``secretbox``, through PyNaCl) under a second hash of that
secret. Both hashes are BLAKE2b (RFC 7693) personalised with their own domain strings,
different from the ``psephos-link:`` and ``psephos-postal:`` domains of the credential
hashes the database keeps, so from a credential row nobody can compute the lookup, and
from a recovery row nobody can open the tracker: only the secret does, and it is never
stored. The rows are written in their own order (by lookup), not the ballots'.

Presented again, a used secret opens its row: "you have already voted; your tracker is
...". A link token and a postal code are two secrets for one credential: the row is
under the one that cast the ballot.
"""

from __future__ import annotations

import hashlib

import nacl.exceptions
import nacl.secret

from psephos.contests import tokens
from psephos.contests.models import Contest, TrackerRecovery

_LOOKUP = b"psephos-trk-find"  # BLAKE2b's personalisation: 16 bytes at most
_KEY = b"psephos-trk-seal"


def _forms(secret: str) -> tuple[bytes, bytes]:
    """The secret as a link token and as a postal code, as the credential hashes read it."""
    return (b"link:" + secret.strip().encode("utf-8"),
            b"postal:" + tokens.normalise_postal(secret).encode("ascii", "replace"))


def recovery_keys(secret: str) -> tuple[tuple[str, bytes], tuple[str, bytes]]:
    """(lookup id, box key) for the secret read as a link token, then as a postal code."""
    link, postal = (
        (hashlib.blake2b(form, digest_size=32, person=_LOOKUP).hexdigest(),
         hashlib.blake2b(form, digest_size=32, person=_KEY).digest())
        for form in _forms(secret))
    return link, postal


def seal(box_key: bytes, tracker: str) -> bytes:
    """The tracker encrypted and authenticated under ``box_key`` (random nonce)."""
    return bytes(nacl.secret.SecretBox(box_key).encrypt(tracker.encode("utf-8")))


def recover_tracker(contest: Contest, keys: tuple[tuple[str, bytes], ...]) -> str | None:
    """The tracker of the ballot cast with this secret in ``contest``, or None."""
    if not keys:
        return None
    by_lookup = dict(keys)
    for lookup, sealed in TrackerRecovery.objects.filter(
            contest=contest, lookup__in=list(by_lookup)).values_list("lookup", "sealed"):
        try:
            return nacl.secret.SecretBox(by_lookup[lookup]).decrypt(bytes(sealed)).decode()
        except nacl.exceptions.CryptoError:
            continue
    return None
