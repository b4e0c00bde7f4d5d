"""The `psephos-shuffle/1` file: one mix of a section, its output ballots and the proof that
they are its input ballots re-encrypted and permuted (docs/verifiability.md section 9).

Single points and scalars are lowercase hex, runs of them base64 of their concatenation, as
in the other messages. The proof is bound to the ceremony and the section: its context is
the ceremony hash (32 raw bytes) and the label (UTF-8).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from typing import Any

from psephos.crypto import group
from psephos.crypto.elgamal import CIPHERTEXT_BYTES, MAX_WIDTH
from psephos.crypto.errors import CeremonyError, ShuffleError
from psephos.crypto.messages import (
    check_format,
    digest,
    field,
    from_hex,
    hex_point,
    hex_scalar,
)
from psephos.crypto.shuffle_proof import (
    SCHEME,
    ShuffleProof,
    check_shuffle,
    shuffle_and_prove,
)

SHUFFLE_FORMAT = "psephos-shuffle/1"
SEALED_FORMAT = "psephos-sealed-ballots/1"
_POINT = group.POINT_BYTES


def _b64(parts: Sequence[bytes]) -> str:
    return base64.b64encode(b"".join(parts)).decode()


def _split(data: bytes, size: int) -> list[bytes]:
    return [data[at:at + size] for at in range(0, len(data), size)]


def _read_b64(document: dict[str, Any], name: str, entries: int, size: int,
              who: str) -> list[bytes]:
    """``entries`` runs of ``size`` bytes from the base64 field ``name``."""
    text = field(document, name, str, who)
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ShuffleError(f"{who}: {name} is not base64") from None
    if len(data) != entries * size:
        raise ShuffleError(f"{who}: {name} holds {len(data)} bytes, not {entries} × {size}")
    return _split(data, size)


def encode_proof(proof: ShuffleProof) -> dict[str, str]:
    """The proof as JSON: single points and scalars in hex, lists in base64."""
    return {"scheme": SCHEME, "commitments": _b64(proof.commitments),
            "chain": _b64(proof.chain), "t1": proof.t1.hex(), "t2": proof.t2.hex(),
            "t3": proof.t3.hex(), "t4": _b64([a + b for a, b in proof.t4]),
            "t_hat": _b64(proof.t_hat), "s1": proof.s1.hex(), "s2": proof.s2.hex(),
            "s3": proof.s3.hex(), "s4": _b64(proof.s4), "s_hat": _b64(proof.s_hat),
            "s_prime": _b64(proof.s_prime)}


def decode_proof(document: Any, count: int, width: int, who: str = "shuffle proof"
                 ) -> ShuffleProof:
    """The proof a JSON object encodes for ``count`` ballots of ``width``; ShuffleError
    unless every field is there with its size, every point valid, every scalar canonical."""
    try:
        if field(document, "scheme", str, who) != SCHEME:
            raise ShuffleError(f"{who}: scheme must be {SCHEME!r}")
        runs = {name: _read_b64(document, name, count, _POINT, who)
                for name in ("commitments", "chain", "t_hat", "s_hat", "s_prime")}
        for name in ("commitments", "chain", "t_hat"):
            for number, point in enumerate(runs[name], start=1):
                if not group.is_point(point):
                    raise ShuffleError(f"{who}: {name} entry {number} is not a valid point")
        for name in ("s_hat", "s_prime"):
            for number, value in enumerate(runs[name], start=1):
                if not group.is_scalar(value):
                    raise ShuffleError(f"{who}: {name} entry {number} is not a canonical "
                                       "scalar")
        t4 = _read_b64(document, "t4", width, 2 * _POINT, who)
        for number, pair in enumerate(t4, start=1):
            if not (group.is_point(pair[:_POINT]) and group.is_point(pair[_POINT:])):
                raise ShuffleError(f"{who}: t4 entry {number} is not two valid points")
        s4 = _read_b64(document, "s4", width, _POINT, who)
        for number, value in enumerate(s4, start=1):
            if not group.is_scalar(value):
                raise ShuffleError(f"{who}: s4 entry {number} is not a canonical scalar")
        return ShuffleProof(
            commitments=runs["commitments"], chain=runs["chain"],
            t1=hex_point(document.get("t1"), f"{who}: t1"),
            t2=hex_point(document.get("t2"), f"{who}: t2"),
            t3=hex_point(document.get("t3"), f"{who}: t3"),
            t4=[(pair[:_POINT], pair[_POINT:]) for pair in t4], t_hat=runs["t_hat"],
            s1=hex_scalar(document.get("s1"), f"{who}: s1"),
            s2=hex_scalar(document.get("s2"), f"{who}: s2"),
            s3=hex_scalar(document.get("s3"), f"{who}: s3"),
            s4=s4, s_hat=runs["s_hat"], s_prime=runs["s_prime"])
    except ShuffleError:
        raise
    except CeremonyError as error:
        raise ShuffleError(str(error)) from None


def proof_context(ceremony: str, label: str, stage: int = 0) -> tuple[bytes, ...]:
    """What a section's proof is bound to: the ceremony hash's 32 bytes and the label, and
    for a later stage of the chain its number too (8 bytes, big-endian)."""
    bound = (from_hex(ceremony, 32, "the ceremony hash"), label.encode())
    return bound if stage == 0 else (*bound, stage.to_bytes(8, "big"))


def input_digest(inputs: Sequence[bytes]) -> str:
    """The file's "input": SHA-256 of the input ballots' bytes, in hex."""
    return hashlib.sha256(b"".join(inputs)).hexdigest()


def shuffle_document(ceremony: str, key: bytes, label: str, inputs: Sequence[bytes],
                     outputs: Sequence[bytes], proof: ShuffleProof, *, stage: int = 0,
                     previous: str | None = None) -> dict[str, Any]:
    """The `psephos-shuffle/1` file of a proved mix; a later stage of the chain (stage 1,
    2, …) also gives its number and the shuffle hash of the stage it re-mixes."""
    chained = {} if stage == 0 else {"stage": stage, "previous": previous}
    return {"format": SHUFFLE_FORMAT, "ceremony": ceremony, "election_key": key.hex(),
            "label": label, **chained, "width": len(inputs[0]) // CIPHERTEXT_BYTES,
            "count": len(inputs), "input": input_digest(inputs), "output": _b64(outputs),
            "proof": encode_proof(proof)}


def mix_section(ceremony: str, key: bytes, label: str, sealed: Sequence[bytes], *,
                workers: int = 1) -> dict[str, Any]:
    """Shuffle a section's sealed ballots and prove it: the `psephos-shuffle/1` file."""
    mixed, proof = shuffle_and_prove(key, sealed, context=proof_context(ceremony, label),
                                     workers=workers)
    return shuffle_document(ceremony, key, label, sealed, mixed, proof)


def mix_next(previous: Any, *, workers: int = 1) -> dict[str, Any]:
    """Re-mix the output of the `psephos-shuffle/1` file ``previous`` (the chain's last
    stage): the next stage's file, bound to the same ceremony, key and label, to its stage
    number and to ``previous``'s shuffle hash. The previous proof is not checked here (the
    server checks each stage against the one before it when it takes it in)."""
    who = "previous shuffle file"
    try:
        check_format(previous, SHUFFLE_FORMAT, who)
        ceremony = field(previous, "ceremony", str, who)
        label = field(previous, "label", str, who)
        key = hex_point(field(previous, "election_key", str, who), f"{who}: election_key")
        width = field(previous, "width", int, who)
        count = field(previous, "count", int, who)
        stage = stage_of(previous, who)
    except ShuffleError:
        raise
    except CeremonyError as error:
        raise ShuffleError(str(error)) from None
    if not 1 <= width <= MAX_WIDTH or count < 1:
        raise ShuffleError(f"{who}: width must be 1 to {MAX_WIDTH} and count at least 1")
    inputs = _read_b64(previous, "output", count, width * CIPHERTEXT_BYTES, who)
    mixed, proof = shuffle_and_prove(key, inputs, workers=workers,
                                     context=proof_context(ceremony, label, stage + 1))
    return shuffle_document(ceremony, key, label, inputs, mixed, proof, stage=stage + 1,
                            previous=shuffle_hash(previous))


def stage_of(document: Any, who: str = "shuffle file") -> int:
    """A shuffle file's place in its section's chain: 0 (the server's mix, no "stage"
    field) or its "stage" (1, 2, …, then with a "previous" shuffle hash)."""
    if not isinstance(document, dict) or "stage" not in document:
        return 0
    stage = document["stage"]
    if isinstance(stage, bool) or not isinstance(stage, int) or stage < 1:
        raise ShuffleError(f"{who}: stage must be a whole number from 1 (stage 0, the "
                           "first mix, has no stage field)")
    previous = document.get("previous")
    if not isinstance(previous, str) or len(previous) != 64 or \
            any(c not in "0123456789abcdef" for c in previous):
        raise ShuffleError(f"{who}: previous must be the previous stage's shuffle hash "
                           "(64 lowercase hex digits)")
    return stage


def check_chain(documents: Sequence[Any], inputs: Sequence[bytes], *,
                workers: int = 1) -> list[bytes]:
    """The last output of a section's chain of mixes (stage 0, 1, …, in order) once every
    stage's proof holds, each stage's input is the previous stage's output, each names the
    previous stage's shuffle hash, and all are of the same ceremony, key and label;
    ShuffleError naming the stage and the check."""
    if not documents:
        raise ShuffleError("shuffle chain: it has no stages")
    current = list(inputs)
    first = documents[0]
    for number, document in enumerate(documents):
        who = f"shuffle file (stage {number})"
        stage = stage_of(document, who)
        if stage != number:
            raise ShuffleError(f"{who}: it says it is stage {stage}, not stage {number} of "
                               "the chain")
        if number > 0:
            if document.get("previous") != shuffle_hash(documents[number - 1]):
                raise ShuffleError(f"{who}: its previous is not the shuffle hash of stage "
                                   f"{number - 1}")
            if any(document.get(name) != first.get(name)
                   for name in ("ceremony", "election_key", "label")):
                raise ShuffleError(f"{who}: its ceremony, election key or label is not "
                                   "stage 0's")
        try:
            current = check_shuffle_document(document, current, workers=workers)
        except ShuffleError as error:
            message = str(error).removeprefix("shuffle file: ")
            if number > 0 and "input digest" in message:
                message = f"its input is not stage {number - 1}'s output ({message})"
            raise ShuffleError(f"{who}: {message}") from None
    return current


def check_shuffle_document(document: Any, inputs: Sequence[bytes], *,
                           workers: int = 1) -> list[bytes]:
    """The output ballots of a `psephos-shuffle/1` file once its proof shows them to be
    ``inputs`` re-encrypted and permuted; ShuffleError naming the field or the check
    that failed."""
    who = "shuffle file"
    try:
        check_format(document, SHUFFLE_FORMAT, who)
        ceremony = field(document, "ceremony", str, who)
        label = field(document, "label", str, who)
        context = proof_context(ceremony, label, stage_of(document, who))
        key = hex_point(field(document, "election_key", str, who), f"{who}: election_key")
        width = field(document, "width", int, who)
        count = field(document, "count", int, who)
    except ShuffleError:
        raise
    except CeremonyError as error:
        raise ShuffleError(str(error)) from None
    if not 1 <= width <= MAX_WIDTH or count < 1:
        raise ShuffleError(f"{who}: width must be 1 to {MAX_WIDTH} and count at least 1")
    if len(inputs) != count or any(len(b) != width * CIPHERTEXT_BYTES for b in inputs):
        raise ShuffleError(f"{who}: it shuffles {count} ballots of width {width}; "
                           f"{len(inputs)} input ballots were given (or of another width)")
    if field(document, "input", str, who) != input_digest(inputs):
        raise ShuffleError(f"{who}: its input digest is not that of the input ballots")
    outputs = _read_b64(document, "output", count, width * CIPHERTEXT_BYTES, who)
    proof = decode_proof(field(document, "proof", dict, who), count, width, f"{who}: proof")
    check_shuffle(key, inputs, outputs, proof, context=context, workers=workers)
    return outputs


def shuffle_hash(document: dict[str, Any]) -> str:
    """The shuffle hash a decryption request names: digest(`psephos-shuffle/1`, the file)."""
    return digest(SHUFFLE_FORMAT, document)


def read_sealed_list(document: Any, who: str = "sealed ballots file") -> list[bytes]:
    """The ballots of a `psephos-sealed-ballots/1` file (a section's cast ballots as
    (tracker, ciphertext), ordered by tracker: its mix's input), in the file's order;
    ShuffleError naming the entry unless each is hex of ``width`` ciphertexts."""
    try:
        check_format(document, SEALED_FORMAT, who)
        width = field(document, "width", int, who)
        entries = field(document, "ballots", list, who)
        size = width * CIPHERTEXT_BYTES
        ballots = []
        for number, entry in enumerate(entries, start=1):
            text = field(entry, "sealed", str, f"{who}: ballot {number}")
            try:
                ballot = bytes.fromhex(text)
            except ValueError:
                raise ShuffleError(f"{who}: ballot {number}: sealed is not hex") from None
            if len(ballot) != size:
                raise ShuffleError(f"{who}: ballot {number}: sealed holds {len(ballot)} "
                                   f"bytes, not {size} (width {width})")
            ballots.append(ballot)
    except ShuffleError:
        raise
    except CeremonyError as error:
        raise ShuffleError(str(error)) from None
    return ballots


__all__ = ["SEALED_FORMAT", "SHUFFLE_FORMAT", "check_chain", "check_shuffle_document",
           "decode_proof", "encode_proof", "input_digest", "mix_next", "mix_section",
           "proof_context", "read_sealed_list", "shuffle_document", "shuffle_hash",
           "stage_of"]
