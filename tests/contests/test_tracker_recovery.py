"""A voter whose cast was committed but never answered learns their tracker again with
their own secret; the database alone cannot open it or tie it to them."""

from __future__ import annotations

from pathlib import Path

from tests.contests.helpers import open_with_voters


def test_a_used_secret_recovers_its_tracker(db: str, tmp_path: Path) -> None:
    from django.http import HttpRequest

    from psephos.contests.casting.api import cast_for
    from psephos.contests.casting.lookup import VotedWithTracker, credential_problem
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.errors import AlreadyVoted

    contest, secrets = open_with_voters(tmp_path, members=3, supporters=0)
    by_link = cast_ballot(contest, secrets["M1"].link_token, ["Alice"])  # answer "lost"
    by_code = cast_ballot(contest, secrets["M2"].postal_code.lower(), ["Bob"])

    problem = credential_problem(contest, secrets["M1"].link_token)
    assert isinstance(problem, VotedWithTracker) and problem.tracker == by_link.tracker
    typed = secrets["M2"].postal_code.replace("-", " ")  # typed differently, same code
    problem = credential_problem(contest, typed)
    assert isinstance(problem, VotedWithTracker) and problem.tracker == by_code.tracker
    # The other secret of the same credential did not cast the ballot: no tracker for it.
    other = credential_problem(contest, secrets["M1"].postal_code)
    assert isinstance(other, AlreadyVoted) and not isinstance(other, VotedWithTracker)
    # Casting again through the API says so too, with the tracker.
    request = HttpRequest()
    request.META = {"REMOTE_ADDR": "192.0.2.1"}
    try:
        cast_for(request, contest.slug, secrets["M1"].link_token, ["Bob"])
    except VotedWithTracker as error:
        assert by_link.tracker in error.message
    else:
        raise AssertionError("a second cast was accepted")


def test_the_database_alone_cannot_open_or_link_a_recovery_row(db: str,
                                                               tmp_path: Path) -> None:
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.models import Ballot, Credential, TrackerRecovery

    contest, secrets = open_with_voters(tmp_path, members=5, supporters=0)
    trackers = [cast_ballot(contest, s.link_token, ["Carol"]).tracker
                for s in secrets.values()]
    rows = list(TrackerRecovery.objects.values_list("lookup", "sealed"))
    assert len(rows) == Ballot.objects.count() == 5
    hashes = {h for pair in Credential.objects.values_list("link_hash", "postal_hash")
              for h in pair}
    for lookup, sealed in rows:
        assert lookup not in hashes  # its own domain: not findable from a credential row
        assert not any(t.encode() in bytes(sealed) for t in trackers)  # sealed
