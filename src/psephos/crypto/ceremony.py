"""Distributed key generation with threshold k of n trustees: Pedersen's DKG (Pedersen, "A
threshold cryptosystem without a trusted party", Eurocrypt 1991) with Feldman's verifiable
secret sharing (Feldman, "A practical scheme for non-interactive verifiable secret
sharing", FOCS 1987).

Round 1: trustee i picks a random polynomial f_i(x) = a_i0 + a_i1·x + … + a_i(k-1)·x^(k-1),
publishes the commitments A_il = a_il·G with a Schnorr proof of knowledge of a_i0 (which
stops a rogue-key choice of A_i0), and seals f_i(j) to each other trustee j's box key.
Round 2: trustee j opens its shares, checks each against the commitments (Feldman:
f_i(j)·G = Σ_l j^l·A_il), and either publishes its verification key s_j·G, where
s_j = Σ_i f_i(j), with a proof that it knows s_j, or complains about the faulty dealer.
The election key is H = Σ_i A_i0; its secret x = Σ_i a_i0 = Σ_j λ_j·s_j for any k
trustees is never assembled anywhere.

Gennaro, Jarecki, Krawczyk and Rabin (Eurocrypt 1999) showed that a last dealer can bias
the distribution of the key of this DKG; they also showed ("Secure applications of
Pedersen's distributed key generation protocol", CT-RSA 2003) that the bias does not help
an attacker break ElGamal-style encryption under the key, which is how it is used here (as
in Belenios and ElectionGuard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.public
from nacl.bindings import crypto_box_SEALBYTES

from psephos.crypto import group, proofs
from psephos.crypto.errors import CeremonyError
from psephos.crypto.messages import (
    check_format,
    check_signature,
    digest,
    field,
    from_hex,
    hex_point,
    hex_scalar,
    sign,
)
from psephos.crypto.sharing import committed, evaluate, summed_commitments
from psephos.crypto.trustees import (
    PublicTrustee,
    ceremony_state,
    new_trustee,
    read_private,
    read_public,
    with_ceremony,
)

__all__ = [
    "check_round1",
    "check_round2",
    "election_key",
    "election_key_of",
    "local_ceremony",
    "new_ceremony",
    "new_trustee",
    "read_ceremony",
    "read_round1_set",
    "round1",
    "round2",
    "verification_keys",
]

CEREMONY_FORMAT = "psephos-ceremony/1"
ROUND1_FORMAT = "psephos-dkg-round1/1"
ROUND2_FORMAT = "psephos-dkg-round2/1"
KNOWLEDGE_DOMAIN = "psephos/dkg/commitment-proof/1"
SHARE_KNOWLEDGE_DOMAIN = "psephos/dkg/share-proof/1"
ROUND1_SET_DOMAIN = "psephos/dkg/round1-set/1"
#: The plaintext of a sealed share: ceremony hash (32) || dealer (2) || receiver (2) || f(j).
SHARE_PLAINTEXT_BYTES = 32 + 2 + 2 + group.SCALAR_BYTES
SEALED_SHARE_BYTES = SHARE_PLAINTEXT_BYTES + crypto_box_SEALBYTES
MAX_TRUSTEES = 255


@dataclass(frozen=True)
class Ceremony:
    """A checked ceremony document."""

    hash: str
    contest: str
    threshold: int
    trustees: dict[int, PublicTrustee]

    @property
    def context(self) -> list[bytes]:
        """What every proof of this ceremony hashes first: the ceremony hash and the label."""
        return [bytes.fromhex(self.hash), self.contest.encode()]


@dataclass(frozen=True)
class Round1:
    """A checked round-1 message."""

    trustee: int
    commitments: list[bytes]
    shares: dict[int, bytes]


def new_ceremony(contest: str, threshold: int, trustees: list[dict[str, Any]]) -> dict[str, Any]:
    """The ceremony of ``contest`` among the trustees of these public files (index 1..n in
    this order), any ``threshold`` of whom can decrypt."""
    entries = []
    for index, document in enumerate(trustees, start=1):
        public = read_public(document, f"trustee {index}")
        entries.append({"index": index, "name": public.name,
                        "signing_key": public.signing_key.hex(),
                        "box_key": public.box_key.hex()})
    ceremony = {"format": CEREMONY_FORMAT, "contest": contest, "threshold": threshold,
                "trustees": entries}
    read_ceremony(ceremony)
    return ceremony


def read_ceremony(document: Any) -> Ceremony:
    """The ceremony a document describes; CeremonyError unless well formed."""
    who = "ceremony"
    check_format(document, CEREMONY_FORMAT, who)
    contest = field(document, "contest", str, who)
    threshold = field(document, "threshold", int, who)
    entries = field(document, "trustees", list, who)
    if not 1 <= len(entries) <= MAX_TRUSTEES:
        raise CeremonyError(f"{who}: there must be 1 to {MAX_TRUSTEES} trustees, "
                            f"not {len(entries)}")
    if not 1 <= threshold <= len(entries):
        raise CeremonyError(f"{who}: the threshold must be 1 to {len(entries)}, not {threshold}")
    trustees: dict[int, PublicTrustee] = {}
    for position, entry in enumerate(entries, start=1):
        where = f"{who}: trustee {position}"
        if field(entry, "index", int, where) != position:
            raise CeremonyError(f"{where}: index must be {position}")
        trustees[position] = PublicTrustee(
            field(entry, "name", str, where), from_hex(entry.get("signing_key"), 32,
                                                       f"{where}: signing_key"),
            from_hex(entry.get("box_key"), 32, f"{where}: box_key"))
    if len({t.signing_key for t in trustees.values()}) != len(trustees) or len(
            {t.box_key for t in trustees.values()}) != len(trustees):
        raise CeremonyError(f"{who}: two trustees share a key")
    return Ceremony(digest(CEREMONY_FORMAT, document), contest, threshold, trustees)


def _index(number: int) -> bytes:
    return number.to_bytes(2, "big")


def round1(private: dict[str, Any], ceremony: dict[str, Any]) -> tuple[dict[str, Any],
                                                                      dict[str, Any]]:
    """(the private file with this ceremony's polynomial, the round-1 message). Run again,
    it returns the message already sent: a second polynomial would contradict the first."""
    trustee = read_private(private)
    checked = read_ceremony(ceremony)
    me = _my_index(checked, trustee.public)
    state = ceremony_state(trustee, checked.hash)
    if state is not None:
        return private, state["round1"]
    coefficients = [group.random_scalar() for _ in range(checked.threshold)]
    commitments = [group.base_mult(a) for a in coefficients]
    challenge, response = proofs.prove_knowledge(
        KNOWLEDGE_DOMAIN, [*checked.context, _index(me), *commitments], coefficients[0],
        commitments[0])
    shares = {}
    for other, public in checked.trustees.items():
        if other == me:
            continue
        plaintext = (bytes.fromhex(checked.hash) + _index(me) + _index(other)
                     + evaluate(coefficients, other))
        sealed = nacl.public.SealedBox(nacl.public.PublicKey(public.box_key)).encrypt(plaintext)
        shares[str(other)] = bytes(sealed).hex()
    message = sign({"format": ROUND1_FORMAT, "ceremony": checked.hash, "trustee": me,
                    "commitments": [c.hex() for c in commitments],
                    "proof": {"challenge": challenge.hex(), "response": response.hex()},
                    "shares": shares}, trustee.signing_seed)
    state = {"contest": checked.contest, "index": me,
             "polynomial": [a.hex() for a in coefficients], "round1": message}
    return with_ceremony(private, checked.hash, state), message


def _my_index(ceremony: Ceremony, me: PublicTrustee) -> int:
    for index, public in ceremony.trustees.items():
        if public.signing_key == me.signing_key:
            if public.box_key != me.box_key:
                raise CeremonyError(f"ceremony: trustee {index} ({me.name}) has another box key "
                                    "than this trustee's")
            return index
    raise CeremonyError(f"ceremony: {me.name} is not one of its trustees")


def check_round1(ceremony: dict[str, Any], message: dict[str, Any]) -> None:
    """CeremonyError unless ``message`` is a well-formed, signed round-1 message of one of
    the ceremony's trustees with a valid proof of knowledge."""
    _read_round1(read_ceremony(ceremony), message)


def signed_message(ceremony: Ceremony, message: Any, expected: str, kind: str, *,
                   belongs: str = "it belongs") -> tuple[int, str]:
    """(trustee, how errors name the message) of a message in the ``expected`` format,
    signed by one of the ceremony's trustees for this ceremony; CeremonyError otherwise.
    ``kind`` names the message (``round 1 message``); ``belongs`` its verb."""
    check_format(message, expected, kind)
    trustee = field(message, "trustee", int, kind)
    if trustee not in ceremony.trustees:
        raise CeremonyError(f"{kind}: trustee {trustee} is not in the ceremony")
    who = f"{kind} of trustee {trustee}"
    check_signature(message, ceremony.trustees[trustee].signing_key, who)
    if field(message, "ceremony", str, who) != ceremony.hash:
        raise CeremonyError(f"{who}: {belongs} to another ceremony")
    return trustee, who


def _read_round1(ceremony: Ceremony, message: Any) -> Round1:
    trustee, who = signed_message(ceremony, message, ROUND1_FORMAT, "round 1 message")
    listed = field(message, "commitments", list, who)
    if len(listed) != ceremony.threshold:
        raise CeremonyError(f"{who}: {len(listed)} commitments for a threshold of "
                            f"{ceremony.threshold}")
    commitments = [hex_point(c, f"{who}: commitment {n}") for n, c in enumerate(listed)]
    proof = field(message, "proof", dict, who)
    challenge = hex_scalar(proof.get("challenge"), f"{who}: proof challenge")
    response = hex_scalar(proof.get("response"), f"{who}: proof response")
    if not proofs.knowledge_holds(KNOWLEDGE_DOMAIN,
                                  [*ceremony.context, _index(trustee), *commitments],
                                  commitments[0], (challenge, response)):
        raise CeremonyError(f"{who}: the proof of knowledge of its secret does not verify")
    sealed = field(message, "shares", dict, who)
    expected = {str(j) for j in ceremony.trustees if j != trustee}
    if set(sealed) != expected:
        raise CeremonyError(f"{who}: it must seal one share to each other trustee")
    shares = {int(j): from_hex(s, SEALED_SHARE_BYTES, f"{who}: share for trustee {j}")
              for j, s in sealed.items()}
    return Round1(trustee, commitments, shares)


def read_round1_set(ceremony: Ceremony, messages: Any) -> tuple[dict[int, Round1], str]:
    """Every trustee's checked round-1 message, by index, and the digest of the set."""
    if not isinstance(messages, list):
        raise CeremonyError("round 1 messages: expected a list")
    read: dict[int, Round1] = {}
    for message in messages:
        checked = _read_round1(ceremony, message)
        if checked.trustee in read:
            raise CeremonyError(f"round 1 messages: two from trustee {checked.trustee}")
        read[checked.trustee] = checked
    missing = sorted(set(ceremony.trustees) - set(read))
    if missing:
        raise CeremonyError("round 1 messages: none from trustee "
                            + ", ".join(str(m) for m in missing))
    ordered = sorted(messages, key=lambda message: message["trustee"])
    return read, digest(ROUND1_SET_DOMAIN, ordered)


def round2(private: dict[str, Any], ceremony: dict[str, Any],
           round1_messages: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the private file with this trustee's secret share, the round-2 message): the
    verification key with a proof that the trustee knows its share, or complaints naming
    every dealer whose share failed (the private file then unchanged)."""
    trustee = read_private(private)
    checked = read_ceremony(ceremony)
    me = _my_index(checked, trustee.public)
    state = ceremony_state(trustee, checked.hash)
    if state is None:
        raise CeremonyError(f"trustee {me}: round 1 has not been run for this ceremony")
    if "secret_share" in state:
        return private, state["round2"]
    messages, set_digest = read_round1_set(checked, round1_messages)
    coefficients = [bytes.fromhex(a) for a in state["polynomial"]]
    if [group.base_mult(a) for a in coefficients] != messages[me].commitments:
        raise CeremonyError(f"round 1 message of trustee {me}: it is not the one this trustee "
                            "sent")
    opener = nacl.public.SealedBox(nacl.public.PrivateKey(trustee.box_secret))
    share = evaluate(coefficients, me)
    complaints = []
    for dealer, dealt in sorted(messages.items()):
        if dealer == me:
            continue
        received, problem = _open_share(checked, opener, dealt, me)
        if problem is None and group.base_mult(received) != committed(dealt.commitments, me):
            problem = "its share does not match its commitments (Feldman check)"
        if problem is not None:
            complaints.append({"trustee": dealer, "problem": problem})
        else:
            share = group.scalar_add(share, received)
    body: dict[str, Any] = {"format": ROUND2_FORMAT, "ceremony": checked.hash, "trustee": me,
                            "round1": set_digest, "complaints": complaints}
    if complaints:
        return private, sign({**body, "verification_key": None, "election_key": None,
                              "proof": None}, trustee.signing_seed)
    verification_key = group.base_mult(share)
    key = election_key_of(messages)
    challenge, response = proofs.prove_knowledge(
        SHARE_KNOWLEDGE_DOMAIN, [*checked.context, _index(me), bytes.fromhex(set_digest), key],
        share, verification_key)
    message = sign({**body, "verification_key": verification_key.hex(),
                    "election_key": key.hex(),
                    "proof": {"challenge": challenge.hex(), "response": response.hex()}},
                   trustee.signing_seed)
    new_state = {"contest": checked.contest, "index": me, "threshold": checked.threshold,
                 "round1": state["round1"], "round1_set": set_digest,
                 "secret_share": share.hex(), "verification_key": verification_key.hex(),
                 "election_key": key.hex(), "round2": message}
    return with_ceremony(private, checked.hash, new_state), message


def _open_share(ceremony: Ceremony, opener: nacl.public.SealedBox[nacl.public.PrivateKey],
                message: Round1, me: int) -> tuple[bytes, str | None]:
    """(the share dealer ``message.trustee`` sealed to ``me``, or why it is refused)."""
    try:
        plaintext = opener.decrypt(message.shares[me])
    except nacl.exceptions.CryptoError:
        return b"", "its share for this trustee does not open with this trustee's box key"
    prefix = bytes.fromhex(ceremony.hash) + _index(message.trustee) + _index(me)
    if len(plaintext) != SHARE_PLAINTEXT_BYTES or not plaintext.startswith(prefix):
        return b"", "its sealed share is not labelled for this ceremony, dealer and receiver"
    received = plaintext[len(prefix):]
    if not group.is_scalar(received):
        return b"", "its share is not a canonical scalar"
    return received, None


def check_round2(ceremony: dict[str, Any], round1_messages: list[dict[str, Any]],
                 message: dict[str, Any]) -> None:
    """CeremonyError unless ``message`` is a trustee's signed acceptance of these round-1
    messages, with the verification key the commitments imply and a valid proof."""
    checked = read_ceremony(ceremony)
    messages, set_digest = read_round1_set(checked, round1_messages)
    trustee, who = signed_message(checked, message, ROUND2_FORMAT, "round 2 message")
    if field(message, "round1", str, who) != set_digest:
        raise CeremonyError(f"{who}: it answers other round 1 messages")
    for complaint in field(message, "complaints", list, who):
        against = complaint.get("trustee") if isinstance(complaint, dict) else None
        problem = complaint.get("problem") if isinstance(complaint, dict) else None
        raise CeremonyError(f"{who}: it complains about trustee {against}: {problem}")
    verification_key = hex_point(message.get("verification_key"), f"{who}: verification_key")
    joint = summed_commitments([dealt.commitments for dealt in messages.values()])
    if verification_key != committed(joint, trustee):
        raise CeremonyError(f"{who}: its verification key is not the one the commitments imply")
    key = election_key_of(messages)
    if hex_point(message.get("election_key"), f"{who}: election_key") != key:
        raise CeremonyError(f"{who}: its election key is not the sum of the commitments")
    proof = field(message, "proof", dict, who)
    challenge = hex_scalar(proof.get("challenge"), f"{who}: proof challenge")
    response = hex_scalar(proof.get("response"), f"{who}: proof response")
    if not proofs.knowledge_holds(
            SHARE_KNOWLEDGE_DOMAIN,
            [*checked.context, _index(trustee), bytes.fromhex(set_digest), key],
            verification_key, (challenge, response)):
        raise CeremonyError(f"{who}: the proof of knowledge of its share does not verify")


def election_key_of(messages: dict[int, Round1]) -> bytes:
    """Σ_i A_i0 of checked round-1 messages; CeremonyError if it is the identity."""
    key = group.IDENTITY
    for message in messages.values():
        key = group.add(key, message.commitments[0])
    if key == group.IDENTITY:
        raise CeremonyError("round 1 messages: the election key is the identity")
    return key


def election_key(ceremony: dict[str, Any], round1_messages: list[dict[str, Any]]) -> bytes:
    """The joint public key H = Σ_i A_i0 of checked round-1 messages."""
    return election_key_of(read_round1_set(read_ceremony(ceremony), round1_messages)[0])


def verification_keys(ceremony: dict[str, Any],
                      round1_messages: list[dict[str, Any]]) -> dict[int, bytes]:
    """Each trustee j's verification key s_j·G = Σ_l j^l·C_l, from the commitments alone."""
    checked = read_ceremony(ceremony)
    summed = summed_commitments(
        [m.commitments for m in read_round1_set(checked, round1_messages)[0].values()])
    return {j: committed(summed, j) for j in checked.trustees}


def local_ceremony(contest: str, n: int = 1, k: int = 1) -> tuple[
        dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(ceremony, round-1 messages, round-2 messages, trustees' private files) of a whole
    ceremony run in this process, every message checked: for tests and the demo."""
    privates, publics = zip(*(new_trustee(f"Trustee {i}") for i in range(1, n + 1)),
                            strict=True)
    ceremony = new_ceremony(contest, k, list(publics))
    after_round1 = [round1(private, ceremony) for private in privates]
    first = [message for _, message in after_round1]
    for message in first:
        check_round1(ceremony, message)
    after_round2 = [round2(private, ceremony, first) for private, _ in after_round1]
    second = [message for _, message in after_round2]
    for message in second:
        check_round2(ceremony, first, message)
    return ceremony, first, second, [private for private, _ in after_round2]
