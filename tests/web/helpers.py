"""Making a small open contest and voters' secrets for the web tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from psephos.contests.credentials import IssuedCredential, reissue
from psephos.contests.demo import create_demo
from psephos.contests.models import Ballot, Contest, Voter
from tests.web.databases import fresh_database, using_database

SLUG = "labour-2016-test"
CORBYN, SMITH = "Jeremy Corbyn", "Owen Smith"


def demo_contest(*, voters: int = 12, slug: str = SLUG) -> Contest:
    """The demonstration contest (Labour 2016 shaped, open) with a few voters."""
    return create_demo(voters=voters, seed=1, slug=slug)


@contextmanager
def demo_in_fresh_database(backend: str, folder: Path, *, voters: int = 12
                           ) -> Iterator[Contest]:
    """`demo_contest` in a fresh, migrated database of kind ``backend``, the cache cleared;
    Django points back at the test database after."""
    from django.core.cache import cache

    from psephos.web import migrate_quietly

    with fresh_database(backend, folder) as url, using_database(url):
        migrate_quietly()
        cache.clear()
        yield demo_contest(voters=voters)


def hashed_tracker(contest: Contest, ballot: Ballot) -> str:
    """``ballot``'s full tracker, hashed again from what it stores (not read from its
    ``full_tracker``)."""
    from psephos.crypto.ballot_signatures import ballot_tracker

    return ballot_tracker(contest.slug, bytes.fromhex(str(ballot.signed_by)),
                          bytes(ballot.sealed), bytes.fromhex(str(ballot.signature))).hex()


def secrets_for(contest: Contest, n: int) -> list[IssuedCredential]:
    """Fresh link tokens and postal codes for ``n`` voters who have not voted."""
    voters = Voter.objects.filter(contest=contest, voted__isnull=True).order_by("pk")[:n]
    return [reissue(voter, actor="test") for voter in voters]


def decrypt_demo(contest: Contest) -> None:
    """After the close: shuffle, and have 2 of the demonstration's 3 trustees decrypt."""
    from psephos.contests.demo import demo_trustee_folder
    from tests.contests.helpers import decrypt_with

    decrypt_with(contest, sorted(demo_trustee_folder(contest).glob("trustee-*.json")))


def demo_rankings(contest: Contest) -> list[list[int]]:
    """The demonstration's stored ballots decrypted by 2 of its trustees (candidate keys)."""
    from psephos.contests.demo import demo_trustee_folder
    from tests.contests.helpers import unseal

    sealed = [bytes(s) for s in Ballot.objects.filter(contest=contest)
              .values_list("sealed", flat=True)]
    return unseal(contest, sealed, files=sorted(demo_trustee_folder(contest).glob("*.json")))
