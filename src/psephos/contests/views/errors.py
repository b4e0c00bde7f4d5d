"""The HTTP status for each refusal of the contest services, shared by the pages and the API."""

from __future__ import annotations

from psephos.contests.errors import (
    AlreadyVoted,
    ContestError,
    ContestNotFound,
    InvalidRanking,
    UnknownCredential,
    WrongState,
)

_STATUS: tuple[tuple[type[ContestError], int], ...] = (
    (ContestNotFound, 404),
    (UnknownCredential, 403),
    (AlreadyVoted, 409),
    (WrongState, 409),  # includes ContestNotOpen
    (InvalidRanking, 400),
)


def status_for(error: ContestError) -> int:
    """404 no such contest, 403 bad credential, 409 used or not open, else 400."""
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 400
