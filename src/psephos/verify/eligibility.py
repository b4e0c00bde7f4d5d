"""The board and eligibility checks (docs/verifiability.md sections 10 and 12): the signed
chain of checkpoints, the credential lists the opening committed, every ballot's signature
and tracker, every ballot in exactly one checkpoint, and that each counted ballot was signed
under a credential listed (and not revoked) in its own section when it was cast, with no
voter's credentials counted twice.

A voter's entry is the pair of their two public credentials; re-minting one secret lists a
new entry that keeps the other credential. Entries that share a credential are one voter's,
so "one voter, one ballot" is checked over those groups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from psephos.crypto import board as board_format
from psephos.crypto import credentials as lists
from psephos.crypto.ballot_signatures import (
    ballot_tracker,
    printed_tracker,
    verify_all_signed,
    verify_ballot,
    verify_signed,
)
from psephos.crypto.errors import CeremonyError
from psephos.crypto.threads import WORKERS
from psephos.verify.reading import Record, SectionFiles
from psephos.verify.report import Check, failed, passed


@dataclass(frozen=True)
class BoardBallot:
    """A ballot the record publishes: counted (in a sealed list) or removed (in a
    revocation event)."""

    tracker: str
    section: str
    credential: bytes
    sealed: bytes
    signature: bytes
    counted: bool


@dataclass
class BoardFacts:
    """What the later checks need of a board whose chain holds."""

    blocks: list[dict[str, Any]]
    opening: dict[str, Any]
    ballots: dict[str, BoardBallot] = field(default_factory=dict)


def _contest(record: Record) -> str:
    return str(record.declaration["contest"])


def check_chain(record: Record, pinned_key: bytes | None = None
                ) -> tuple[Check, BoardFacts | None]:
    """Every checkpoint hashes to its hash, names the one before and is signed by the
    board's key; block 0 opens the ballot and names that key."""
    name = "board chain"
    key_hex = str(record.board["key"])
    key = bytes.fromhex(key_hex)
    if pinned_key is not None and key != pinned_key:
        return failed(name, f"board.json's key is {key_hex}, not the key given to check it "
                            f"with ({pinned_key.hex()})"), None
    blocks = list(record.board["blocks"])
    if not blocks:
        return failed(name, "board.json holds no checkpoint"), None
    previous = ""
    for number, block in enumerate(blocks):
        try:
            board_format.check_block(block, _contest(record), number, previous, key)
        except CeremonyError as error:
            return failed(name, str(error)), None
        previous = block["hash"]
    openings = [e for e in blocks[0]["events"] if e.get("kind") == "opening"]
    later = [n for n, b in enumerate(blocks) for e in b["events"] if e.get("kind") == "opening"
             and n > 0]
    if len(openings) != 1 or later:
        return failed(name, "block 0 must hold the one opening event"), None
    if openings[0].get("key") != key_hex:
        return failed(name, "the opening names another board key than the one that signs "
                            "the checkpoints"), None
    events = sum(len(b["events"]) for b in blocks)
    ballots = sum(len(t) for b in blocks for t in b["ballots"].values())
    return passed(name, f"{len(blocks)} checkpoints, each signed by the board's key "
                        f"{key_hex[:16]}… and chained to the one before; {ballots} ballots "
                        f"and {events} events"), BoardFacts(blocks, openings[0])


def check_opening(record: Record, facts: BoardFacts | None) -> Check:
    """The opening event names the ceremony's election key, the paper and a list per
    section."""
    name = "opening"
    if facts is None:
        return failed(name, "cannot be checked: the board chain fails")
    opening = facts.opening
    problems = []
    if opening.get("election_key") != record.ceremony["election_key"]:
        problems.append("its election key is not the ceremony's")
    if opening.get("candidates") != record.candidates:
        problems.append("its candidates are not the declaration's")
    slugs = sorted(s.slug for s in record.sections)
    committed = opening.get("lists")
    if not isinstance(committed, dict) or sorted(committed) != slugs:
        problems.append(f"it commits to the lists of {sorted(committed or {})}, not of the "
                        f"sections {slugs}")
    if problems:
        return failed(name, "; ".join(problems))
    return passed(name, f"block 0 opens the ballot with the ceremony's election key, the "
                        f"{len(record.candidates)} candidates and the credential lists of "
                        f"{len(slugs)} sections")


def check_list(record: Record, section: SectionFiles, facts: BoardFacts | None) -> Check:
    """``credentials-<section>.json`` reads and is the list block 0 committed to."""
    name = f"credential list of {section.slug}"
    try:
        entries = lists.read_list(section.credentials)
    except CeremonyError as error:
        return failed(name, f"credentials-{section.slug}.json: {error}")
    document = section.credentials
    if (document.get("contest"), document.get("section")) != (_contest(record), section.slug):
        return failed(name, f"it says it is of contest {document.get('contest')!r}, section "
                            f"{document.get('section')!r}")
    if facts is None:
        return failed(name, "cannot be checked: the board chain fails")
    committed = (facts.opening.get("lists") or {}).get(section.slug) or {}
    if committed.get("hash") != document["hash"] or committed.get("count") != len(entries):
        return failed(name, f"credentials-{section.slug}.json ({len(entries)} entries, hash "
                            f"{document['hash'][:16]}…) is not the list the opening "
                            f"committed to ({committed.get('count')} entries, hash "
                            f"{str(committed.get('hash'))[:16]}…): changed after the opening")
    return passed(name, f"{len(entries)} entries (pairs of public credentials, in byte "
                        "order), the list the opening committed to")


def check_signatures(record: Record, section: SectionFiles) -> Check:
    """Every sealed ballot's signature and proof of randomness verify under its public
    credential, and its tracker is the hash of the signed ballot."""
    name = f"signatures of {section.slug}"
    contest = _contest(record)
    signed = [(credential, sealed, signature, proof) for (_, sealed), (credential, signature,
                                                                      proof)
              in zip(section.sealed, section.signed, strict=True)]
    good = verify_all_signed(contest, signed, workers=WORKERS)
    for (tracker, _), ok, (credential, sealed, signature, _) in zip(section.sealed, good,
                                                                    signed, strict=True):
        if not ok:
            what = ("signature" if not verify_ballot(credential, contest, sealed, signature)
                    else "proof of randomness")
            return failed(name, f"ballot {tracker}: its {what} does not verify under its "
                                "public credential")
        if printed_tracker(ballot_tracker(contest, credential, sealed, signature)) != tracker:
            return failed(name, f"ballot {tracker}: its tracker is not the hash of the "
                                "signed ballot")
    return passed(name, f"{len(signed)} ballots, each signed under its public credential "
                        "(Schnorr) with a proof that its sealer knows every slot's randomness, "
                        "each tracker the hash of its signed ballot")


def _removed(record: Record, facts: BoardFacts) -> tuple[list[BoardBallot], list[str]]:
    """The ballots revocation events remove, and what is wrong with any of them."""
    contest = _contest(record)
    found, problems = [], []
    for number, block in enumerate(facts.blocks):
        for event in block["events"]:
            entry = event.get("ballot") if event.get("kind") == "revoked" else None
            if entry is None:
                continue
            try:
                credential = bytes.fromhex(entry["credential"])
                sealed = bytes.fromhex(entry["sealed"])
                signature = bytes.fromhex(entry["signature"])
                proof = bytes.fromhex(entry["proof"])
            except (KeyError, TypeError, ValueError):
                problems.append(f"block {number}: a revocation's ballot is not hex")
                continue
            if not verify_signed(contest, credential, sealed, signature, proof):
                problems.append(f"block {number}: the ballot a revocation removes is not "
                                "signed under its credential")
                continue
            tracker = ballot_tracker(contest, credential, sealed, signature).hex()
            found.append(BoardBallot(tracker, str(event.get("section")), credential, sealed,
                                     signature, counted=False))
    return found, problems


def check_board_ballots(record: Record, facts: BoardFacts | None) -> Check:
    """Each ballot published (counted, or removed by a revocation) is listed in exactly
    one checkpoint, in its section, by the close; and nothing else is."""
    name = "board ballots"
    if facts is None:
        return failed(name, "cannot be checked: the board chain fails")
    contest = _contest(record)
    published: dict[str, BoardBallot] = {}
    for section in record.sections:
        for (_, sealed), (credential, signature, _) in zip(section.sealed, section.signed,
                                                           strict=True):
            tracker = ballot_tracker(contest, credential, sealed, signature).hex()
            published[tracker] = BoardBallot(tracker, section.slug, credential, sealed,
                                             signature, counted=True)
    removed, problems = _removed(record, facts)
    for ballot in removed:
        if ballot.tracker in published:
            problems.append(f"ballot {ballot.tracker[:16]}… was removed by a revocation but "
                            f"is in sealed-{published[ballot.tracker].section}.json, the "
                            "mix's input")
        published.setdefault(ballot.tracker, ballot)
    closes = [n for n, b in enumerate(facts.blocks) for e in b["events"]
              if e.get("kind") == "close"]
    if len(closes) != 1:
        problems.append(f"the board closes {len(closes)} times, not once")
    close_at = closes[0] if closes else len(facts.blocks)
    seen: dict[str, int] = {}
    for number, block in enumerate(facts.blocks):
        for slug, trackers in block["ballots"].items():
            for tracker in trackers:
                found = published.get(tracker)
                if found is None:
                    problems.append(f"block {number} lists ballot {tracker[:16]}…, which the "
                                    "record does not publish (dropped)")
                elif found.section != slug:
                    problems.append(f"block {number} lists ballot {tracker[:16]}… in section "
                                    f"{slug}, the record in {found.section}")
                if tracker in seen:
                    problems.append(f"ballot {tracker[:16]}… is in blocks {seen[tracker]} and "
                                    f"{number}")
                seen[tracker] = number
                if number > close_at:
                    problems.append(f"ballot {tracker[:16]}… came after the close (block "
                                    f"{number})")
    missing = [b for t, b in published.items() if t not in seen]
    if missing:
        problems.append(f"ballot {missing[0].tracker[:16]}… of section {missing[0].section} "
                        f"is in no checkpoint ({len(missing)} such): added after the fact")
    if closes:
        event = next(e for e in facts.blocks[close_at]["events"] if e.get("kind") == "close")
        counted = {s.slug: len(s.sealed) for s in record.sections}
        if event.get("ballots") != counted:
            problems.append(f"the close counts {event.get('ballots')} ballots by section, the "
                            f"sealed lists hold {counted}")
    if problems:
        return failed(name, "; ".join(problems[:3])
                      + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""))
    facts.ballots = {t: b for t, b in published.items() if t in seen}
    held = sum(1 for b in published.values() if b.counted)
    return passed(name, f"every one of the {len(published)} ballots ({held} counted, "
                        f"{len(published) - held} removed by revocations) is in exactly one "
                        f"checkpoint, in its section, by the close at block {close_at}; the "
                        "close's counts are the sealed lists'")


class _Voters:
    """Entries grouped by the public credentials they share (one voter's)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, entry: str) -> str:
        root = entry
        while self.parent.setdefault(root, root) != root:
            root = self.parent[root]
        self.parent[entry] = root
        return root

    def join(self, first: str, second: str) -> None:
        self.parent[self.find(first)] = self.find(second)


def check_eligibility(record: Record, facts: BoardFacts | None) -> Check:
    """Each ballot was signed under an entry of its own section's list, listed and not
    revoked when its checkpoint was made; a revoked entry that had voted names its ballot
    as removed; no voter's entries have two counted ballots."""
    name = "eligibility"
    if facts is None or not facts.ballots:
        held = any(s.sealed for s in record.sections)
        if facts is None or held:
            return failed(name, "cannot be checked: the board or its ballots fail")
    assert facts is not None
    section_of: dict[str, str] = {}  # entry (hex) -> section
    status: dict[str, str] = {}
    holding: dict[bytes, set[str]] = defaultdict(set)
    voters = _Voters()

    def add(entry: str, slug: str) -> str | None:
        if entry in section_of:
            return f"entry {entry[:16]}… is listed twice"
        try:
            pair = bytes.fromhex(entry)
            lists.sorted_list([pair])
        except ValueError:
            return f"entry {entry[:16]}… is not two public credentials in byte order"
        section_of[entry], status[entry] = slug, "listed"
        for point in (pair[:32], pair[32:]):
            for other in holding[point]:
                voters.join(entry, other)
            holding[point].add(entry)
        return None

    for section in record.sections:
        try:
            for pair in lists.read_list(section.credentials):
                add(pair.hex(), section.slug)
        except CeremonyError:
            return failed(name, f"cannot be checked: credentials-{section.slug}.json fails")
    by_block: dict[int, list[BoardBallot]] = defaultdict(list)
    for number, block in enumerate(facts.blocks):
        for trackers in block["ballots"].values():
            by_block[number] += [facts.ballots[t] for t in trackers]
    problems: list[str] = []
    cast_under: dict[str, list[BoardBallot]] = defaultdict(list)
    for number, block in enumerate(facts.blocks):
        events = block["events"]
        for event in events:
            if event.get("kind") == "listed":
                problem = add(str(event.get("pair")), str(event.get("section")))
                if problem:
                    problems.append(f"block {number}: {problem}")
        # An entry this block revokes without a ballot was replaced (a re-minted link keeps
        # the code's credential, and the other way round): a ballot under a credential it
        # shares with a listed entry is that entry's, whatever the order of a set.
        replaced = {str(e.get("pair")) for e in events
                    if e.get("kind") == "revoked" and e.get("ballot") is None}
        for ballot in by_block[number]:
            entries = holding.get(ballot.credential, set())
            live = sorted((e for e in entries if status[e] == "listed"
                           and section_of[e] == ballot.section),
                          key=lambda e: (e in replaced, e))
            if live:
                cast_under[live[0]].append(ballot)
                continue
            elsewhere = sorted(e for e in entries if section_of[e] != ballot.section)
            what = (f"a credential of section {section_of[elsewhere[0]]}'s list (mixed into "
                    "another section)" if elsewhere else
                    "a revoked credential" if entries else "a credential on no list")
            problems.append(f"ballot {ballot.tracker[:16]}… of section {ballot.section} "
                            f"(block {number}) is signed under {what}")
        for event in events:
            if event.get("kind") != "revoked":
                continue
            entry = str(event.get("pair"))
            if status.get(entry) != "listed":
                problems.append(f"block {number}: entry {entry[:16]}… is revoked but was "
                                "not listed")
                continue
            status[entry] = "revoked"
            named = event.get("ballot")
            voted = cast_under.get(entry, [])
            if named is None:
                for ballot in voted:
                    problems.append(f"ballot {ballot.tracker[:16]}…: its credential was "
                                    f"revoked (block {number}) but the ballot was not removed")
            elif not voted or any(b.counted for b in voted):
                problems.append(f"block {number}: a revocation removes a ballot that its "
                                "entry did not cast, or leaves one counted")
    counted_by_voter: dict[str, list[BoardBallot]] = defaultdict(list)
    for entry, ballots in cast_under.items():
        counted_by_voter[voters.find(entry)] += [b for b in ballots if b.counted]
    twice = [b for b in counted_by_voter.values() if len(b) > 1]
    if twice:
        problems.append(f"ballots {twice[0][0].tracker[:16]}… and {twice[0][1].tracker[:16]}… "
                        f"were cast under one voter's credentials ({len(twice)} such voters)")
    if problems:
        return failed(name, "; ".join(problems[:3])
                      + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""))
    counted = sum(1 for b in facts.ballots.values() if b.counted)
    removed = len(facts.ballots) - counted
    return passed(name, f"{counted} counted ballots, each signed under an entry of its own "
                        "section's list, listed and unrevoked when it was checkpointed; no "
                        f"voter's credentials counted twice; {removed} removed with their "
                        "revocations")
