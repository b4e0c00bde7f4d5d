"""A voter finds their own ballot on the public board from their secret alone.

The secret (link token or postal code) derives its public credential
(`psephos.crypto.credentials`, docs/verifiability.md section 10.2), which the board lists
beside every ballot it signed. The look-up takes the entries holding that credential (a
voter's current entry and those it replaced: a re-minted link keeps the code's half, so
all of them are the same voter's) and finds the ballots signed under any of their halves:
a voter who cast by post and checks with their link still finds their one ballot. Nothing
names a voter, and nothing about another voter's entry or ballot comes back.

The server derives the credential from the secret sent to it, as when it signs a ballot
for a browser without JavaScript; the page counts each secret against the rate limit on
codes (`psephos.contests.throttle`), so it is no faster a way to guess one than voting.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Q

from psephos.contests.board import last_block_number
from psephos.contests.casting.signing import kinds_of
from psephos.contests.models import Ballot, Contest, PublicCredential
from psephos.contests.public_credentials import identifier
from psephos.crypto import credentials as public


@dataclass(frozen=True)
class OwnBallot:
    """A ballot as its voter is shown it: its trackers and where it is on the board."""

    tracker: str
    full_tracker: str
    block: int | None
    removed: bool


@dataclass(frozen=True)
class Lookup:
    """What a secret that matched finds: its ballots (none if it has not voted), and
    whether every entry holding it has been withdrawn (so it can no longer vote)."""

    ballots: list[OwnBallot]
    withdrawn: bool


def secret_of(typed: str) -> str:
    """The secret in what a voter typed or pasted: a postal code, a link token, or the
    whole link from their e-mail (``.../vote/<contest>/<token>/``), whose last part is the
    token."""
    text = typed.strip()
    if "/" not in text:
        return text
    path = urlsplit(text).path if "://" in text else text.split("?")[0].split("#")[0]
    parts = [part for part in path.split("/") if part]
    return parts[-1] if parts else ""


def credentials_of(contest: Contest, secret: str) -> set[str]:
    """The public credentials (hex) ``secret`` derives in ``contest``: one for each kind of
    secret it reads as (`psephos.contests.casting.signing.kinds_of`)."""
    found = set()
    for kind in kinds_of(secret):
        try:
            private = public.private_credential(kind, secret, identifier(contest),
                                                postal_iterations=contest.postal_iterations)
        except ValueError:
            continue
        found.add(public.public_credential(private).hex())
    return found


def _checkpoint(block: int | None, stored: int | None) -> int | None:
    """The stored checkpoint a ballot labelled ``block`` is in: none while that block is
    still to be stored (`psephos.contests.board`); ``stored``: the last block's number."""
    if block is None or stored is None or block > stored:
        return None
    return block


def find_own_ballot(contest: Contest, typed: str) -> Lookup | None:
    """The ballots cast under the credential of ``typed``, or None when it is the
    credential of no entry and signed no ballot of ``contest`` (a wrong secret)."""
    mine = credentials_of(contest, secret_of(typed))
    if not mine:
        return None
    entries = list(PublicCredential.objects.filter(contest=contest)
                   .filter(Q(first__in=mine) | Q(second__in=mine))
                   .values_list("first", "second", "status"))
    signers = mine | {half for first, second, _ in entries for half in (first, second)}
    rows = (Ballot.objects.filter(contest=contest, signed_by__in=sorted(signers))
            .order_by("tracker")
            .values_list("tracker", "full_tracker", "block", "removed"))
    stored = last_block_number(contest)
    ballots = [OwnBallot(tracker, full, _checkpoint(block, stored), removed)
               for tracker, full, block, removed in rows]
    if not entries and not ballots:
        return None
    withdrawn = bool(entries) and all(status == PublicCredential.Status.REVOKED
                                      for _, _, status in entries)
    return Lookup(ballots, withdrawn)
