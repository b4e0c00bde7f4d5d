"""The key ceremony's checks (docs/verifiability.md section 5): the ceremony document, every
trustee's round-1 and round-2 message (signature, Schnorr proof, Feldman commitments) and
the election key as the sum of the trustees' first commitments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psephos.crypto import ceremony as dkg
from psephos.crypto.errors import CeremonyError
from psephos.verify.reading import Record
from psephos.verify.report import Check, failed, passed


@dataclass(frozen=True)
class KeyFacts:
    """What the later checks need of a ceremony whose round 1 reads: its document and
    messages, its hash, threshold and election key."""

    document: dict[str, Any]
    round1: list[dict[str, Any]]
    hash: str
    threshold: int
    election_key: bytes


def _by_trustee(messages: list[Any]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for message in messages:
        trustee = message.get("trustee") if isinstance(message, dict) else None
        if isinstance(trustee, int):
            found.setdefault(trustee, []).append(message)
    return found


def _one_message(found: dict[int, list[Any]], trustee: int, round_: int) -> Any:
    messages = found.get(trustee, [])
    if len(messages) != 1:
        raise CeremonyError(f"the record holds {len(messages)} round {round_} messages of "
                            f"trustee {trustee}, not one")
    return messages[0]


def check_ceremony(record: Record) -> tuple[list[Check], KeyFacts | None]:
    """The ceremony's checks, and its facts if its document and round 1 read."""
    stored = record.ceremony
    document = stored["ceremony"]
    checks: list[Check] = []
    name = "ceremony"
    try:
        ceremony = dkg.read_ceremony(document)
    except CeremonyError as error:
        return [failed(name, str(error))], None
    problems = []
    if stored["threshold"] != ceremony.threshold:
        problems.append(f"ceremony.json says threshold {stored['threshold']}, its ceremony "
                        f"document {ceremony.threshold}")
    if ceremony.contest != record.declaration["contest"]:
        problems.append(f"it is the ceremony of {ceremony.contest!r}, the declaration of "
                        f"{record.declaration['contest']!r}")
    detail = (f"{len(ceremony.trustees)} trustees, any {ceremony.threshold} decrypt; "
              f"ceremony hash {ceremony.hash}")
    if stored.get("local") is True:
        detail += ("; a local ceremony: one machine made every trustee's key, and held "
                   "every secret share until they were handed out")
    checks.append(failed(name, "; ".join(problems)) if problems else passed(name, detail))

    first, second = _by_trustee(stored["round1"]), _by_trustee(stored["round2"])
    for trustee in ceremony.trustees:
        name = f"ceremony: round 1 of trustee {trustee}"
        try:
            dkg.check_round1(document, _one_message(first, trustee, 1))
        except CeremonyError as error:
            checks.append(failed(name, str(error)))
        else:
            checks.append(passed(name, f"signed by {ceremony.trustees[trustee].name}; "
                                       f"{ceremony.threshold} commitments; the proof of "
                                       "knowledge of its secret verifies"))
    try:
        facts: KeyFacts | None = KeyFacts(document, stored["round1"], ceremony.hash,
                                          ceremony.threshold,
                                          dkg.election_key(document, stored["round1"]))
    except CeremonyError as error:
        facts, round1_problem = None, str(error)
    for trustee in ceremony.trustees:
        name = f"ceremony: round 2 of trustee {trustee}"
        if facts is None:
            checks.append(failed(name, f"cannot be checked: {round1_problem}"))
            continue
        try:
            dkg.check_round2(document, stored["round1"], _one_message(second, trustee, 2))
        except CeremonyError as error:
            checks.append(failed(name, str(error)))
        else:
            checks.append(passed(name, "signed; it accepts every round 1 message; its "
                                       "verification key is the one the commitments imply "
                                       "(Feldman) and its proof verifies"))
    name = "ceremony: election key"
    if facts is None:
        checks.append(failed(name, f"cannot be computed: {round1_problem}"))
    elif stored["election_key"] != facts.election_key.hex():
        checks.append(failed(name, f"ceremony.json gives {stored['election_key']}, the sum "
                                   f"of the trustees' commitments is "
                                   f"{facts.election_key.hex()}"))
    else:
        checks.append(passed(name, f"{facts.election_key.hex()} is the sum of the "
                                   f"{len(ceremony.trustees)} trustees' first commitments"))
    return checks, facts
