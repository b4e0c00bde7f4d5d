"""Ballot trackers: what a voter keeps to find their ballot on the public board.

A tracker is 100 random bits, printed as five groups of four characters of the postal
alphabet (`psephos.contests.tokens`); what a voter types back is read the way a postal code
is (any case, spaces or dashes, O for 0 and I or L for 1).
"""

from __future__ import annotations

from django.db.models import QuerySet

from psephos.contests.models import Ballot, Contest
from psephos.contests.tokens import grouped, normalise_postal, random_code

TRACKER_LENGTH = 20  # 100 bits


def new_tracker() -> str:
    """A fresh tracker: 100 random bits in groups of four characters."""
    return grouped(random_code(TRACKER_LENGTH))


def format_tracker(text: str) -> str:
    """A tracker as typed (any case, spaces, dashes) in its printed form ``ABCD-EFGH-...``."""
    return grouped(normalise_postal(text))


def tracker_on_board(contest: Contest, tracker: str) -> bool:
    """True when a ballot with this tracker (as typed) is held (recorded as cast)."""
    return Ballot.objects.filter(contest=contest, tracker=format_tracker(tracker)).exists()


def board_trackers(contest: Contest) -> QuerySet[Ballot, str]:
    """Every tracker on the contest's board, sorted."""
    return Ballot.objects.filter(contest=contest).order_by("tracker").values_list(
        "tracker", flat=True)
