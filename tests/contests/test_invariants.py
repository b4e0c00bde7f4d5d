"""Random interleavings of votes, reissues and revocations keep one member, one vote:
counted ballots = voters marked as voted - ballots removed, and nobody counts twice."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.contests.helpers import close_and_count, open_with_voters


@pytest.mark.parametrize("seed", range(6))
def test_random_interleavings_keep_one_vote_each(db: str, tmp_path: Path, seed: int) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.credentials import reissue
    from psephos.contests.errors import ContestError
    from psephos.contests.lifecycle import review_revocation, revoke
    from psephos.contests.models import Ballot, Revocation, VotedMark, Voter

    rng = random.Random(seed)
    contest, secrets = open_with_voters(tmp_path, members=12, supporters=6)
    numbers = sorted(secrets)
    # Every credential ever issued, current or not: old ones must never work.
    issued = {n: [secrets[n]] for n in numbers}
    accepted: dict[str, int] = {}
    for _ in range(120):
        number = rng.choice(numbers)
        voter = Voter.objects.get(contest=contest, member_number=number)
        action = rng.random()
        try:
            if action < 0.6:
                secret = rng.choice(issued[number])
                field = rng.choice(["link_token", "postal_code"])
                cast_ballot(contest, getattr(secret, field), rng.sample(
                    ["Alice", "Bob", "Carol"], rng.randint(1, 3)),
                    channel=rng.choice(["web", "post", "phone"]))
                assert secret is issued[number][-1], "an old credential voted"
                accepted[number] = accepted.get(number, 0) + 1
            elif action < 0.8:
                issued[number].append(reissue(voter, actor="helpdesk"))
            elif action < 0.9:
                revoke(voter, actor="ro", reason="random")
            else:
                pending = Revocation.objects.filter(voter=voter, reviewed_at__isnull=True).first()
                if pending:
                    upheld = rng.random() < 0.5
                    review_revocation(pending, actor="scrutineer", upheld=upheld)
                    if not upheld and pending.ballot_removed:
                        accepted[number] = 0
        except ContestError:
            pass
        removed = Revocation.objects.filter(contest=contest, ballot_removed=True,
                                            upheld__isnull=True).count()
        removed += Revocation.objects.filter(contest=contest, ballot_removed=True,
                                             upheld=True).count()
        assert Ballot.objects.filter(removed=False).count() == (
            VotedMark.objects.count() - removed)
    assert all(n <= 1 for n in accepted.values()), accepted
    declaration = close_and_count(contest)
    assert declaration.ballots == Ballot.objects.filter(removed=False).count()
    assert declaration.ballots <= declaration.electorate + Revocation.objects.filter(
        upheld=True).count()
