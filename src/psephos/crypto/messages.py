"""The shape every ceremony and decryption message shares: canonical JSON, lowercase hex,
Ed25519 signatures (RFC 8032, through PyNaCl) and the readers that refuse a bad field.

Canonical JSON is ``json.dumps(..., sort_keys=True, separators=(",", ":"),
ensure_ascii=True)`` encoded as UTF-8; a message's "signature" is the Ed25519 signature of
the canonical JSON of every other field, the "format" field naming what is signed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import nacl.exceptions
import nacl.signing

from psephos.crypto import group
from psephos.crypto.errors import CeremonyError


def canonical_json(document: Any) -> bytes:
    """The one byte string a JSON document is hashed and signed as."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode()


def digest(domain: str, document: Any) -> str:
    """SHA-256 of ``domain``, a zero byte and the canonical JSON of ``document``, in hex."""
    return hashlib.sha256(domain.encode() + b"\0" + canonical_json(document)).hexdigest()


def unsigned(message: dict[str, Any]) -> dict[str, Any]:
    """``message`` without its "signature"."""
    return {name: value for name, value in message.items() if name != "signature"}


def sign(message: dict[str, Any], signing_seed: bytes) -> dict[str, Any]:
    """``message`` with its "signature" by the Ed25519 key of ``signing_seed``."""
    key = nacl.signing.SigningKey(signing_seed)
    body = unsigned(message)
    return {**body, "signature": key.sign(canonical_json(body)).signature.hex()}


def check_signature(message: dict[str, Any], verify_key: bytes, who: str) -> None:
    """CeremonyError unless ``message`` carries ``verify_key``'s signature of the rest."""
    signature = hex_bytes(message, "signature", 64, who)
    try:
        nacl.signing.VerifyKey(verify_key).verify(canonical_json(unsigned(message)), signature)
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
        raise CeremonyError(f"{who}: the signature does not verify") from None


def field(message: Any, name: str, kind: type | tuple[type, ...], who: str) -> Any:
    """``message[name]`` if present and of ``kind``; else CeremonyError."""
    if not isinstance(message, dict):
        raise CeremonyError(f"{who}: expected a JSON object")
    if name not in message:
        raise CeremonyError(f"{who}: the field {name!r} is missing")
    value = message[name]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(
            k.__name__ for k in kind)
        raise CeremonyError(f"{who}: {name} must be a JSON {_JSON_NAMES.get(expected, expected)}")
    return value


_JSON_NAMES = {"str": "string", "int": "whole number", "list": "list", "dict": "object"}


def check_format(message: Any, expected: str, who: str) -> None:
    """CeremonyError unless ``message`` says it is a ``expected`` document."""
    found = field(message, "format", str, who)
    if found != expected:
        raise CeremonyError(f"{who}: format is {found!r}, expected {expected!r}")


def from_hex(text: Any, size: int | None, what: str) -> bytes:
    """The bytes of lowercase hex ``text`` (of ``size`` bytes if given); else CeremonyError."""
    if not isinstance(text, str):
        raise CeremonyError(f"{what} must be a hex string")
    try:
        data = bytes.fromhex(text)
    except ValueError:
        raise CeremonyError(f"{what} is not hexadecimal") from None
    if data.hex() != text:
        raise CeremonyError(f"{what} must be lowercase hex with no spaces")
    if size is not None and len(data) != size:
        raise CeremonyError(f"{what} must be {size} bytes, not {len(data)}")
    return data


def hex_bytes(message: Any, name: str, size: int | None, who: str) -> bytes:
    """The bytes of the hex field ``name``."""
    return from_hex(field(message, name, str, who), size, f"{who}: {name}")


def hex_point(text: Any, what: str) -> bytes:
    """The point a hex string encodes; CeremonyError unless it is a valid point."""
    data = from_hex(text, group.POINT_BYTES, what)
    if not group.is_point(data):
        raise CeremonyError(f"{what} is not a valid ristretto255 point")
    return data


def hex_scalar(text: Any, what: str) -> bytes:
    """The scalar a hex string encodes; CeremonyError unless it is canonical."""
    data = from_hex(text, group.SCALAR_BYTES, what)
    if not group.is_scalar(data):
        raise CeremonyError(f"{what} is not a canonical scalar (below the group order)")
    return data
