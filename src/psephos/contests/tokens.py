"""Making voters' secrets and the only thing stored about them: a hash.

A link token has 128 random bits and a postal code 80 (16 characters of a 32-letter
alphabet with no 0/O or 1/I/L to misread). Secrets this strong need no slow, salted hash
to resist guessing (2^80 tries even offline), and an unsalted SHA-256 lets the database
find a credential by index, which a per-row salt would not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

from psephos.files import FORMULA_STARTS

#: Crockford's base32 alphabet: no I, L, O or U.
POSTAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
POSTAL_LENGTH = 16  # 16 x 5 bits = 80 bits
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_link_token() -> str:
    """128 random bits, URL-safe, never starting with ``-``: a spreadsheet reads such a
    cell as a formula, so the CSV files for people quote it (`spreadsheet_cell`) and the
    token in them would no longer work. Drawing again costs 0.02 bits (63 of 64 kept)."""
    while True:
        token = secrets.token_urlsafe(16)
        if not token.startswith(FORMULA_STARTS):
            return token


_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", POSTAL_ALPHABET)


def random_code(length: int) -> str:
    """``length`` random characters of `POSTAL_ALPHABET` (5 random bits each)."""
    raw = base64.b32encode(secrets.token_bytes((length * 5 + 7) // 8)).decode("ascii")
    return raw[:length].translate(_FROM_RFC4648)


def grouped(code: str) -> str:
    """A code as printed, in groups of four characters: ``7K3Q-9XWD-...``."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def new_postal_code() -> str:
    """80 random bits, shown in groups of four: ``7K3Q-9XWD-...``."""
    return grouped(random_code(POSTAL_LENGTH))


def normalise_postal(code: str) -> str:
    """What a voter typed, upper-cased, without spaces or hyphens, misread letters fixed."""
    return "".join(ch for ch in code.upper() if ch.isalnum()).translate(_READ_AS)


def link_hash(token: str) -> str:
    return hashlib.sha256(b"psephos-link:" + token.strip().encode("utf-8")).hexdigest()


def postal_hash(code: str) -> str:
    return hashlib.sha256(b"psephos-postal:" + normalise_postal(code).encode("ascii",
                                                                             "replace")).hexdigest()


def credential_hashes(credential: str) -> tuple[str, str]:
    """Both hashes a typed or followed credential could match (link token, postal code)."""
    return link_hash(credential), postal_hash(credential)


def seal_key(contest_id: int) -> bytes:
    """The key for a contest's ballot seals, derived from SECRET_KEY (never stored)."""
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), f"psephos-seal:{contest_id}".encode(),
                    hashlib.sha256).digest()


def voter_seal(contest_id: int, voter_id: int) -> str:
    """The keyed hash that finds a voter's seal; meaningless without SECRET_KEY."""
    return seal_with(seal_key(contest_id), voter_id)


def seal_with(key: bytes, voter_id: int) -> str:
    """`voter_seal` with the contest's key already derived (for a batch of many voters)."""
    return hmac.new(key, str(voter_id).encode(), hashlib.sha256).hexdigest()
