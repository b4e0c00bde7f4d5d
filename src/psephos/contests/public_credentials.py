"""Voters' public credentials: made when their secrets are minted, listed per section,
committed at the opening and changed after it only on the public board.

Each voter's entry is the pair of public credentials of their link token and postal code
(`psephos.crypto.credentials`, docs/verifiability.md section 10): either secret signs the
voter's one ballot, and anyone can check that no entry signed two. The server mints the
secrets, so it derives the pair then and keeps, beside the voter's credential, only the two
public credentials sealed under a key derived from SECRET_KEY (XSalsa20-Poly1305 through
PyNaCl): minting one secret again needs the other's public credential to make the new pair.
`PublicCredential` rows carry no voter and are written in pair order, so neither a row nor
its place in the table says whose it is.

Before the opening a re-minted secret simply replaces its entry; from the opening on, the
old entry is revoked and the new one listed by board events (`psephos.contests.board`),
sorted by pair within one operation so their order does not follow the roll.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from typing import Any

import nacl.secret

from psephos.contests import tokens
from psephos.contests.models import (
    BoardEvent,
    Contest,
    Credential,
    PublicCredential,
    Section,
)
from psephos.crypto import credentials as public
from psephos.crypto.threads import in_chunks

#: Threads deriving credentials (PBKDF2 and libsodium release the GIL).
WORKERS = 2
_BOX_LABEL = b"psephos-public-credentials/1"

#: A derived pair of public credentials: (link's, postal code's), 32 bytes each.
Publics = tuple[bytes, bytes]


def identifier(contest: Contest) -> str:
    """The contest's name in every derivation, signature and tracker: its slug."""
    return contest.slug


def derive(contest: Contest, link_token: str, postal_code: str) -> Publics:
    """The public credentials of a voter's two secrets in ``contest``."""
    name = identifier(contest)
    return (public.public_credential(public.private_credential(public.LINK, link_token, name)),
            public.public_credential(public.private_credential(
                public.POSTAL, postal_code, name,
                postal_iterations=contest.postal_iterations)))


def derive_link(contest: Contest, link_token: str) -> bytes:
    return public.public_credential(public.private_credential(public.LINK, link_token,
                                                              identifier(contest)))


def derive_postal(contest: Contest, postal_code: str) -> bytes:
    return public.public_credential(public.private_credential(
        public.POSTAL, postal_code, identifier(contest),
        postal_iterations=contest.postal_iterations))


def derive_many(contest: Contest, secrets: Sequence[tuple[str, str]]) -> list[Publics]:
    """`derive` of every (link token, postal code), on `WORKERS` threads."""
    return in_chunks(lambda part: [derive(contest, link, code) for link, code in part],
                     secrets, WORKERS)


def _box(contest_id: int) -> nacl.secret.SecretBox:
    key = hmac.new(tokens.seal_key(contest_id), _BOX_LABEL, hashlib.sha256).digest()
    return nacl.secret.SecretBox(key)


def seal_publics(contest_id: int, publics: Publics) -> bytes:
    """Both public credentials, sealed for the voter's credential row."""
    return bytes(_box(contest_id).encrypt(publics[0] + publics[1]))


def open_publics(contest_id: int, sealed: bytes | memoryview | None) -> Publics | None:
    """The public credentials a credential row holds, or None (a registrar made them)."""
    if sealed is None:
        return None
    data = _box(contest_id).decrypt(bytes(sealed))
    return data[:32], data[32:]


def pair_hex(publics: Publics) -> str:
    return public.pair_of(*publics).hex()


def _rows(contest: Contest, entries: Iterable[tuple[int, str]]) -> list[PublicCredential]:
    rows = [PublicCredential(pair=pair, contest=contest, section_id=section,
                             first=pair[:64], second=pair[64:])
            for section, pair in entries]
    rows.sort(key=lambda row: row.pair)
    return rows


def add_entries(contest: Contest, entries: Iterable[tuple[int, str]]) -> int:
    """List these (section id, pair as hex); once the contest has opened each is also a
    board event. Written in pair order."""
    rows = _rows(contest, entries)
    for start in range(0, len(rows), 5000):
        PublicCredential.objects.bulk_create(rows[start:start + 5000])
    if contest.state != Contest.State.DRAFT:
        slugs = section_slugs(contest)
        _events(contest, [{"kind": "listed", "section": slugs[row.section_id],
                           "pair": row.pair} for row in rows])
    return len(rows)


def withdraw_entries(contest: Contest, pairs: Iterable[str], reason: str) -> int:
    """Take these entries off their lists: deleted before the opening (the list is not yet
    committed), revoked on the board after it. Returns how many were listed."""
    wanted = sorted(set(pairs))
    if contest.state == Contest.State.DRAFT:
        done = 0
        for start in range(0, len(wanted), 5000):
            done += PublicCredential.objects.filter(
                contest=contest, pair__in=wanted[start:start + 5000]).delete()[0]
        return done
    slugs = section_slugs(contest)
    found: list[tuple[str, int]] = []
    for start in range(0, len(wanted), 5000):
        found += (PublicCredential.objects.filter(
            contest=contest, pair__in=wanted[start:start + 5000],
            status=PublicCredential.Status.LISTED).values_list("pair", "section_id"))
    found.sort()
    for start in range(0, len(found), 5000):
        PublicCredential.objects.filter(pair__in=[p for p, _ in found[start:start + 5000]]
                                        ).update(status=PublicCredential.Status.REVOKED)
    _events(contest, [{"kind": "revoked", "section": slugs[section], "pair": pair,
                       "reason": reason} for pair, section in found])
    return len(found)


def revoke_voter_entry(contest: Contest, credential: Credential, reason: str,
                       ballot: dict[str, Any] | None = None) -> str | None:
    """Revoke the entry of this credential (a voter's vote withdrawn): a board event with
    the reason and, if they had voted, their ballot, which then stays out of the mix. A
    registrar's credential row holds no public credentials: its entry is then found by the
    credential that signed the ballot, and cannot be found if the voter has not voted.
    Returns the pair, or None when it cannot be found."""
    publics = open_publics(contest.pk, credential.publics)
    if publics is not None:
        pair = pair_hex(publics)
    elif ballot is not None and ballot.get("credential"):
        signer = str(ballot["credential"])
        found = (PublicCredential.objects.filter(contest=contest, first=signer)
                 | PublicCredential.objects.filter(contest=contest, second=signer))
        pair = next(iter(found.filter(status=PublicCredential.Status.LISTED)
                         .values_list("pair", flat=True)), "")
        if not pair:
            return None
    else:
        return None
    if contest.state == Contest.State.DRAFT:
        PublicCredential.objects.filter(contest=contest, pair=pair).delete()
        return pair
    row = PublicCredential.objects.filter(contest=contest, pair=pair).first()
    if row is None:
        return pair
    row.status = PublicCredential.Status.REVOKED
    row.save(update_fields=["status"])
    event: dict[str, Any] = {"kind": "revoked", "section": section_slugs(contest)[row.section_id],
                             "pair": pair, "reason": reason}
    if ballot is not None:
        event["ballot"] = ballot
    _events(contest, [event])
    return pair


def _events(contest: Contest, documents: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(documents), 5000):
        BoardEvent.objects.bulk_create([BoardEvent(contest=contest, document=document)
                                        for document in documents[start:start + 5000]])


def section_slugs(contest: Contest) -> dict[int, str]:
    return dict(Section.objects.filter(contest=contest).values_list("pk", "slug"))


def entries_listed_at_opening(contest: Contest, section: Section) -> list[bytes]:
    """The entries of ``section``'s list as the opening committed it, in byte order."""
    pairs = (PublicCredential.objects.filter(contest=contest, section=section, at_opening=True)
             .order_by("pair").values_list("pair", flat=True))
    return [bytes.fromhex(pair) for pair in pairs.iterator(chunk_size=10000)]


def opening_list(contest: Contest, section: Section) -> dict[str, Any]:
    """``credentials-<section>.json``: the section's list as committed at the opening
    (`psephos.crypto.credentials.list_document`)."""
    return public.list_document(identifier(contest), section.slug,
                                entries_listed_at_opening(contest, section))


def commit_lists(contest: Contest) -> dict[str, dict[str, Any]]:
    """At the opening: mark every listed entry as on the opening list, and return each
    section's commitment (count, hash) for the board's first block."""
    PublicCredential.objects.filter(contest=contest, status=PublicCredential.Status.LISTED
                                    ).update(at_opening=True)
    commitments = {}
    for section in Section.objects.filter(contest=contest).order_by("slug"):
        document = opening_list(contest, section)
        commitments[section.slug] = {"count": document["count"], "hash": document["hash"]}
    return commitments
