"""The audit log's signing key: Ed25519 (RFC 8032, through PyNaCl/libsodium), kept in a file
outside the database so that someone who can write the database cannot re-sign a rewritten
log.

The key is ``PSEPHOS_AUDIT_KEY_FILE`` (default ``audit-signing.key`` in the data folder):
32 random bytes as hex, made once (mode 0600) by the first entry signed. Its public key,
printed by ``psephos contest verify-log`` and published with every declaration, is what
anyone checks the signatures with; a key id (the first 16 hex digits of SHA-256 of the public
key) names the key in each entry.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from psephos.contests.errors import AuditKeyError

#: What an entry's signature covers: its hash, under a label that no other message shares.
ENTRY_LABEL = b"psephos-audit-entry/1\n"
#: What the head's signature covers: the newest entry's number and hash.
HEAD_LABEL = b"psephos-audit-head/1\n"


def key_path() -> Path:
    """Where the signing key is kept (``PSEPHOS_AUDIT_KEY_FILE``)."""
    return Path(settings.PSEPHOS_AUDIT_KEY_FILE)


def key_id(public: VerifyKey) -> str:
    """A short name for a public key, stored in each entry it signed."""
    return hashlib.sha256(bytes(public)).hexdigest()[:16]


def public_hex(public: VerifyKey) -> str:
    return bytes(public).hex()


def entry_message(digest: str) -> bytes:
    return ENTRY_LABEL + digest.encode("ascii")


def head_message(seq: int, digest: str) -> bytes:
    return HEAD_LABEL + f"{seq}:{digest}".encode("ascii")


def signing_key(log_key_id: str = "") -> SigningKey:
    """The key that signs new entries, made (once, atomically, mode 0600) if absent.

    ``log_key_id`` names the key that signed the log's head: a missing or different key file
    is then refused (a process pointed at another data folder would otherwise fork the log's
    signatures without a word) unless ``PSEPHOS_AUDIT_NEW_KEY`` is set."""
    path = key_path()
    strict = bool(log_key_id) and not settings.PSEPHOS_AUDIT_NEW_KEY
    if not path.exists():
        if strict:
            raise AuditKeyError(
                f"the audit log is signed by key {log_key_id} but there is no signing key at "
                f"{path}: set PSEPHOS_AUDIT_KEY_FILE to its file (or PSEPHOS_AUDIT_NEW_KEY=1 "
                "to start signing with a new key)")
        _create(path)
    key = _load(str(path))
    if strict and key_id(key.verify_key) != log_key_id:
        raise AuditKeyError(
            f"{path} holds audit key {key_id(key.verify_key)} but the log is signed by key "
            f"{log_key_id}: set PSEPHOS_AUDIT_KEY_FILE to that key's file (or "
            "PSEPHOS_AUDIT_NEW_KEY=1 to continue with this one)")
    return key


def existing_public_key() -> VerifyKey | None:
    """The public half of the key file if there is one (never creates it)."""
    path = key_path()
    return _load(str(path)).verify_key if path.exists() else None


def _create(path: Path) -> None:
    """Write a fresh key beside ``path`` and link it into place: whoever links first wins, and
    nobody ever reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".audit-key-")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w") as out:
            out.write(bytes(SigningKey.generate()).hex() + "\n")
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.link(partial, path)
    finally:
        os.unlink(partial)


@lru_cache(maxsize=4)
def _load(path: str) -> SigningKey:
    try:
        text = Path(path).read_text(encoding="ascii").strip()
        return SigningKey(bytes.fromhex(text))
    except (OSError, UnicodeDecodeError) as error:
        raise AuditKeyError(f"{path}: cannot read the audit signing key: {error}") from None
    except ValueError:
        raise AuditKeyError(f"{path}: expected the audit signing key as 64 hex digits") from None


def parse_public_key(text: str) -> VerifyKey:
    """A public key given on the command line: 64 hex digits or 32 bytes in base64."""
    text = text.strip()
    raw: bytes | None = None
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        try:
            raw = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            raw = None
    if raw is None or len(raw) != 32:
        raise AuditKeyError(f"public key {text!r}: expected 64 hex digits or 32 bytes in "
                            "base64 (as verify-log and the declaration print it)")
    return VerifyKey(raw)


@dataclass(frozen=True)
class TrustedKeys:
    """The public keys signatures are checked against, by key id."""

    keys: dict[str, VerifyKey]

    def problem(self, message: bytes, signature: str, signed_by: str) -> str | None:
        """Why this signature is not a good one by a trusted key, or None if it is."""
        if not signature:
            return "is not signed"
        public = self.keys.get(signed_by)
        if public is None:
            return f"is signed by key {signed_by or '(none)'}, not by {', '.join(self.keys)}"
        try:
            public.verify(message, bytes.fromhex(signature))
        except (BadSignatureError, ValueError):
            return "has a signature that does not match it (rewritten without the key)"
        return None


def sign(key: SigningKey, message: bytes) -> tuple[str, str]:
    """(signature as hex, key id) of ``message`` under ``key``."""
    return key.sign(message).signature.hex(), key_id(key.verify_key)
