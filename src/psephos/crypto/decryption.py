"""Threshold decryption of mixed ballots with proofs (Pedersen 1991; Desmedt–Frankel,
"Threshold cryptosystems", Crypto 1989).

The server sends the trustees a request: the ciphertexts of one section. Trustee j answers
with D = s_j·alpha for every ciphertext and one batched Chaum–Pedersen proof (Chaum,
Pedersen, Crypto 1992) that all of them use the s_j of its verification key: with weights
z_i hashed from the request and the shares (the random linear combination of Bellare,
Garay, Rabin, "Fast batch verification for modular exponentiation and digital signatures",
Eurocrypt 1998), it proves log_G(s_j·G) = log_A(B) for A = Σ z_i·alpha_i and
B = Σ z_i·D_i. A single wrong share makes B ≠ s_j·A except with probability 1/ℓ. Any k
trustees' checked shares give M = beta − Σ_j λ_j·D_j, λ_j the Lagrange coefficients at 0.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from psephos.crypto import group, proofs
from psephos.crypto.ceremony import (
    election_key_of,
    read_ceremony,
    read_round1_set,
    signed_message,
    verification_keys,
)
from psephos.crypto.elgamal import CIPHERTEXT_BYTES, MAX_WIDTH, check_sealed, decode_ranking
from psephos.crypto.errors import CeremonyError, ShuffleError
from psephos.crypto.messages import (
    check_format,
    digest,
    field,
    hex_point,
    hex_scalar,
    sign,
)
from psephos.crypto.sharing import lagrange_at_zero
from psephos.crypto.shuffle_file import check_chain, shuffle_hash
from psephos.crypto.threads import in_chunks
from psephos.crypto.trustees import ceremony_state, read_private

REQUEST_FORMAT = "psephos-decryption-request/1"
SHARES_FORMAT = "psephos-decryption-shares/1"
WEIGHTS_DOMAIN = "psephos/decryption/weights/1"
WEIGHT_DOMAIN = "psephos/decryption/weight/1"
PROOF_DOMAIN = "psephos/decryption/proof/1"

@dataclass(frozen=True)
class Request:
    """A checked decryption request."""

    hash: str
    ceremony: str
    election_key: bytes
    label: str
    width: int
    ciphertexts: list[tuple[bytes, bytes]]


def decryption_request(ceremony: dict[str, Any], round1_messages: list[dict[str, Any]],
                       ballots: Sequence[bytes], width: int, label: str,
                       shuffle: str | None = None) -> dict[str, Any]:
    """What the trustees decrypt: the sealed ``ballots`` of one section (``label``), in
    their (mixed) order, as one base64 field, bound by "hash" to the ceremony and key and,
    given ``shuffle`` (the hash of the `psephos-shuffle/1` file whose output they are), to
    that shuffle."""
    checked = read_ceremony(ceremony)
    key = election_key_of(read_round1_set(checked, round1_messages)[0])
    for number, sealed in enumerate(ballots, start=1):
        try:
            check_sealed(sealed, width)
        except ValueError as error:
            raise CeremonyError(f"ballot {number}: {error}") from None
    body = {"format": REQUEST_FORMAT, "ceremony": checked.hash, "election_key": key.hex(),
            "label": label, "width": width, "count": len(ballots),
            "ballots": base64.b64encode(b"".join(ballots)).decode()}
    if shuffle is not None:
        body["shuffle"] = shuffle
    return {**body, "hash": digest(REQUEST_FORMAT, body)}


def read_request(document: Any) -> Request:
    """The request a document describes; CeremonyError unless well formed, its hash right
    and every alpha a point other than the identity (the betas are checked by `combine`)."""
    who = "decryption request"
    check_format(document, REQUEST_FORMAT, who)
    if field(document, "hash", str, who) != digest(
            REQUEST_FORMAT, {k: v for k, v in document.items() if k != "hash"}):
        raise CeremonyError(f"{who}: its hash does not match its content")
    key = hex_point(field(document, "election_key", str, who), f"{who}: election_key")
    width = field(document, "width", int, who)
    count = field(document, "count", int, who)
    if not 1 <= width <= MAX_WIDTH or count < 0:
        raise CeremonyError(f"{who}: width must be 1 to {MAX_WIDTH} and count at least 0")
    data = _base64(field(document, "ballots", str, who), f"{who}: ballots")
    if len(data) != count * width * CIPHERTEXT_BYTES:
        raise CeremonyError(f"{who}: ballots holds {len(data)} bytes, not {count} ballots of "
                            f"width {width} ({count * width * CIPHERTEXT_BYTES} bytes)")
    size = group.POINT_BYTES
    ciphertexts = [(data[at:at + size], data[at + size:at + CIPHERTEXT_BYTES])
                   for at in range(0, len(data), CIPHERTEXT_BYTES)]
    for number, (alpha, _) in enumerate(ciphertexts):
        if alpha == group.IDENTITY or not group.is_point(alpha):
            raise CeremonyError(f"{who}: ballot {number // width + 1} slot {number % width + 1}"
                                ": alpha is not a valid point")
    return Request(document["hash"], field(document, "ceremony", str, who), key,
                   field(document, "label", str, who), width, ciphertexts)


def check_request_shuffle(request: dict[str, Any], shuffle: Any, inputs: Sequence[bytes],
                          *, workers: int = 1) -> None:
    """That ``request`` decrypts the output of the shuffle file ``shuffle`` and that its
    proof shows that output to be ``inputs`` (the section's sealed ballots as cast, ordered
    by tracker) re-encrypted and permuted; CeremonyError (ShuffleError) saying which check
    failed. A trustee runs it before decrypting, so as never to open ballots in the order
    they were cast (section 7 of docs/verifiability.md)."""
    check_request_chain(request, [shuffle], inputs, workers=workers)


def check_request_chain(request: dict[str, Any], chain: Sequence[Any],
                        inputs: Sequence[bytes], *, workers: int = 1) -> None:
    """As `check_request_shuffle` for a chain of mixes (stage 0, 1, … in order): every
    stage's proof holds from ``inputs`` on, each stage re-mixes the one before, and the
    request names the chain's last stage and holds its output."""
    checked = read_request(request)
    named = request.get("shuffle")
    if not isinstance(named, str):
        raise CeremonyError("decryption request: it names no shuffle (no \"shuffle\" field), "
                            "so there is no proof of shuffle to check it against")
    hashes = [shuffle_hash(d) if isinstance(d, dict) else None for d in chain]
    if not chain or hashes[-1] != named:
        stage = hashes.index(named) if named in hashes else None
        raise ShuffleError(
            "shuffle file: it is not the shuffle the decryption request names (its hash "
            "differs)" if stage is None or len(chain) == 1 else
            f"shuffle file: the decryption request names stage {stage}, not the last stage "
            f"({len(chain) - 1}) of the chain")
    outputs = check_chain(chain, inputs, workers=workers)
    last = chain[-1]
    if (last["ceremony"], last["label"], last["election_key"]) != (
            checked.ceremony, checked.label, checked.election_key.hex()):
        raise ShuffleError("shuffle file: its ceremony, label or election key is not the "
                           "decryption request's")
    if b"".join(outputs) != b"".join(a + b for a, b in checked.ciphertexts):
        raise ShuffleError("shuffle file: its output is not the decryption request's ballots "
                           "in the same order")


def _base64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CeremonyError(f"{what} is not base64") from None


def _weights(request: Request, trustee: int, verification_key: bytes,
             shares: bytes) -> tuple[bytes, list[bytes]]:
    """(the seed, the weights z_i = H(seed, i)) of a trustee's batched proof."""
    seed = group.hash_parts(WEIGHTS_DOMAIN, bytes.fromhex(request.ceremony),
                            bytes.fromhex(request.hash), trustee.to_bytes(2, "big"),
                            verification_key, hashlib.sha512(shares).digest())
    return seed, [group.hash_to_scalar(WEIGHT_DOMAIN, seed, i.to_bytes(8, "big"))
                  for i in range(len(shares) // group.POINT_BYTES)]


def _combination(weights: Sequence[bytes], points: Sequence[bytes], workers: int = 1) -> bytes:
    """Σ z_i·P_i."""
    def partial(pairs: Sequence[tuple[bytes, bytes]]) -> list[bytes]:
        total = group.IDENTITY
        for weight, point in pairs:
            total = group.add(total, group.mult(weight, point))
        return [total]

    total = group.IDENTITY
    for part in in_chunks(partial, list(zip(weights, points, strict=True)), workers):
        total = group.add(total, part)
    return total


def _proof_context(request: Request, trustee: int, seed: bytes) -> list[bytes]:
    return [bytes.fromhex(request.ceremony), request.label.encode(), trustee.to_bytes(2, "big"),
            bytes.fromhex(request.hash), seed]


def decrypt_shares(private: dict[str, Any], request: dict[str, Any], *,
                   workers: int = 1) -> dict[str, Any]:
    """Trustee j's signed answer to ``request``: s_j·alpha for every ciphertext, in order,
    with the batched proof (``workers`` threads)."""
    trustee = read_private(private)
    checked = read_request(request)
    state = ceremony_state(trustee, checked.ceremony)
    if state is None or "secret_share" not in state:
        raise CeremonyError("decryption request: this trustee holds no share of its ceremony's "
                            "key (round 2 has not been run for it)")
    if state["election_key"] != checked.election_key.hex():
        raise CeremonyError("decryption request: its election key is not the one this trustee "
                            "accepted in round 2")
    share = bytes.fromhex(state["secret_share"])
    verification_key = group.base_mult(share)
    index = state["index"]
    alphas = [alpha for alpha, _ in checked.ciphertexts]
    shares = b"".join(in_chunks(lambda part: [group.mult(share, a) for a in part], alphas,
                                workers))
    seed, weights = _weights(checked, index, verification_key, shares)
    base = _combination(weights, alphas, workers)
    challenge, response = proofs.prove_equal_logs(
        PROOF_DOMAIN, _proof_context(checked, index, seed), share, verification_key, base,
        group.mult(share, base))
    return sign({"format": SHARES_FORMAT, "ceremony": checked.ceremony,
                 "request": checked.hash, "trustee": index,
                 "shares": base64.b64encode(shares).decode(),
                 "proof": {"challenge": challenge.hex(), "response": response.hex()}},
                trustee.signing_seed)


def check_shares(ceremony: dict[str, Any], round1_messages: list[dict[str, Any]],
                 request: dict[str, Any], response: dict[str, Any], *,
                 workers: int = 1) -> None:
    """CeremonyError unless ``response`` is a trustee's signed answer to ``request`` whose
    shares its proof covers (``workers`` threads)."""
    _read_shares(ceremony, round1_messages, read_request(request), response, workers=workers)


def _read_shares(ceremony: dict[str, Any], round1_messages: list[dict[str, Any]],
                 request: Request, response: Any, *, workers: int = 1,
                 verify: bool = True) -> tuple[int, list[bytes]]:
    """(trustee, shares) of a response; its proof checked unless not ``verify`` (then only
    its signature and shape)."""
    checked = read_ceremony(ceremony)
    if request.ceremony != checked.hash:
        raise CeremonyError("decryption request: it belongs to another ceremony")
    trustee, who = signed_message(checked, response, SHARES_FORMAT, "decryption shares",
                                  belongs="they belong")
    if field(response, "request", str, who) != request.hash:
        raise CeremonyError(f"{who}: they answer another decryption request")
    shares = _base64(field(response, "shares", str, who), f"{who}: shares")
    if len(shares) != len(request.ciphertexts) * group.POINT_BYTES:
        raise CeremonyError(f"{who}: {len(shares) // group.POINT_BYTES} shares for "
                            f"{len(request.ciphertexts)} ciphertexts")
    points = [shares[at:at + group.POINT_BYTES] for at in range(0, len(shares), group.POINT_BYTES)]
    valid = in_chunks(lambda part: [group.is_point(p) for p in part], points, workers)
    if not all(valid):
        raise CeremonyError(f"{who}: share {valid.index(False) + 1} is not a valid point")
    if not verify:
        return trustee, points
    verification_key = verification_keys(ceremony, round1_messages)[trustee]
    proof = field(response, "proof", dict, who)
    challenge = hex_scalar(proof.get("challenge"), f"{who}: proof challenge")
    answer = hex_scalar(proof.get("response"), f"{who}: proof response")
    seed, weights = _weights(request, trustee, verification_key, shares)
    base = _combination(weights, [alpha for alpha, _ in request.ciphertexts], workers)
    if not proofs.equal_logs_hold(PROOF_DOMAIN, _proof_context(request, trustee, seed),
                                  verification_key, base,
                                  _combination(weights, points, workers),
                                  (challenge, answer)):
        raise CeremonyError(f"{who}: the proof of the shares does not verify")
    return trustee, points


def combine(ceremony: dict[str, Any], round1_messages: list[dict[str, Any]],
            request: dict[str, Any], responses: list[dict[str, Any]], *, workers: int = 1,
            checked: bool = False) -> list[tuple[int, ...]]:
    """The rankings of the request's ballots, in its order, from the shares of at least k
    trustees (the k lowest-numbered distinct trustees used). Each response's proof is
    checked here unless ``checked`` says `check_shares` has already accepted every one."""
    threshold = read_ceremony(ceremony).threshold
    read = read_request(request)
    found: dict[int, list[bytes]] = {}
    for response in responses:
        trustee, points = _read_shares(ceremony, round1_messages, read, response,
                                       workers=workers, verify=not checked)
        found[trustee] = points
    if len(found) < threshold:
        raise CeremonyError(f"decryption shares: {len(found)} trustees answered; "
                            f"{threshold} are needed")
    chosen = sorted(found)[:threshold]
    coefficients = lagrange_at_zero(chosen)
    one = group.scalar(1)
    width = read.width

    def decrypt(numbers: Sequence[int]) -> list[bytes]:
        """M = beta − Σ λ_j·D_j for these ciphertexts."""
        plain = []
        for number in numbers:
            beta = read.ciphertexts[number][1]
            if not group.is_point(beta):
                raise CeremonyError(f"decryption request: ballot {number // width + 1} slot "
                                    f"{number % width + 1}: beta is not a valid point")
            for j in chosen:
                share = found[j][number]
                beta = group.sub(beta, share if coefficients[j] == one
                                 else group.mult(coefficients[j], share))
            plain.append(beta)
        return plain

    points = in_chunks(decrypt, range(len(read.ciphertexts)), workers)
    rankings = []
    for first in range(0, len(points), width):
        try:
            rankings.append(decode_ranking(points[first:first + width], width))
        except ValueError as error:
            raise CeremonyError(f"ballot {first // width + 1}: {error}") from None
    return rankings


__all__ = ["check_request_chain", "check_request_shuffle", "check_shares", "combine",
           "decrypt_shares", "decryption_request", "lagrange_at_zero", "read_request"]
