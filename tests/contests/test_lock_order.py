"""Cast, reissue and revoke racing on the same voters: one lock order, so no deadlock
(`psephos.contests.lock_order`)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.contests.helpers import open_with_voters

VOTERS = 150


def _cast(contest: object, secret: str, gate: threading.Event) -> str:
    from django.db import connection

    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import ContestError

    try:
        gate.wait(timeout=60)
        cast_ballot(contest, secret, ["Alice"])  # type: ignore[arg-type]
        return "cast"
    except ContestError as error:
        return type(error).__name__
    except Exception as error:  # a deadlock, or anything else unexpected
        return f"error: {error}"
    finally:
        connection.close()


def _reissue(voter_pk: int, gate: threading.Event) -> str:
    from django.db import connection

    from psephos.contests.credentials import reissue
    from psephos.contests.errors import ContestError
    from psephos.contests.models import Voter

    try:
        voter = Voter.objects.select_related("contest").get(pk=voter_pk)
        gate.wait(timeout=60)
        reissue(voter, actor="helpdesk")
        return "reissued"
    except ContestError as error:
        return type(error).__name__
    except Exception as error:
        return f"error: {error}"
    finally:
        connection.close()


def _revoke(voter_pk: int, gate: threading.Event) -> str:
    from django.db import connection

    from psephos.contests.lifecycle import revoke
    from psephos.contests.models import Voter

    try:
        voter = Voter.objects.select_related("contest").get(pk=voter_pk)
        gate.wait(timeout=60)
        revoke(voter, actor="ro", reason="left the party")
        return "revoked"
    except Exception as error:
        return f"error: {error}"
    finally:
        connection.close()


def test_reissues_and_revokes_racing_casts_never_deadlock(db: str, tmp_path: Path) -> None:
    from psephos.contests.models import Ballot, BallotSeal, VotedMark, Voter

    contest, secrets = open_with_voters(tmp_path, members=VOTERS, supporters=0)
    voters = dict(Voter.objects.values_list("member_number", "pk"))
    gate = threading.Event()
    with ThreadPoolExecutor(max_workers=30 if db == "postgresql" else 48) as pool:
        casts, others = [], []
        for n, (number, secret) in enumerate(secrets.items()):
            casts.append(pool.submit(_cast, contest, secret.link_token, gate))
            if n % 10 == 0:
                others.append(pool.submit(_revoke, voters[number], gate))
            else:
                others.append(pool.submit(_reissue, voters[number], gate))
        gate.set()
        cast = Counter(f.result() for f in casts)
        other = Counter(f.result() for f in others)
    assert not [o for o in [*cast, *other] if o.startswith("error")], (cast, other)
    # A cast that lost to a reissue finds its link replaced; one that lost to a revocation
    # is told the vote was withdrawn.
    assert set(cast) <= {"cast", "UnknownCredential", "VoteWithdrawn"}, cast
    assert set(other) <= {"reissued", "revoked", "AlreadyVoted"}, other
    assert other["revoked"] == VOTERS // 10
    # Exactly one ballot for each voter whose cast stood (a revoked voter's is removed).
    assert VotedMark.objects.count() == cast["cast"]
    assert Ballot.objects.filter(removed=False).count() == BallotSeal.objects.count() == \
        cast["cast"] - VotedMark.objects.filter(voter__status=Voter.Status.REVOKED).count()
