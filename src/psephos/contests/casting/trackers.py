"""Ballot trackers: what a voter keeps to find their ballot on the public board.

A tracker is the hash of the signed ballot (`psephos.crypto.ballot_signatures`): the board
lists it whole, in hex; the voter keeps its first 100 bits, printed as five groups of four
characters of the postal alphabet. What a voter types back is read the way a postal code
is (any case, spaces or dashes, O for 0 and I or L for 1).
"""

from __future__ import annotations

from django.db.models import QuerySet

from psephos.contests.models import Ballot, Contest
from psephos.contests.tokens import grouped, normalise_postal


def format_tracker(text: str) -> str:
    """A tracker as typed (any case, spaces, dashes) in its printed form ``ABCD-EFGH-...``."""
    return grouped(normalise_postal(text))


def tracker_on_board(contest: Contest, tracker: str) -> bool:
    """True when a ballot with this tracker (as typed) is held (recorded as cast, and not
    removed by a revocation)."""
    return Ballot.objects.filter(contest=contest, tracker=format_tracker(tracker),
                                 removed=False).exists()


def board_trackers(contest: Contest) -> QuerySet[Ballot, str]:
    """Every tracker of a ballot held to be counted, sorted."""
    return Ballot.objects.filter(contest=contest, removed=False).order_by("tracker").values_list(
        "tracker", flat=True)
