"""The public board's signed checkpoints as its page lists them: number, time, how many
ballots and events each holds, and its hash (`psephos.contests.board`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from psephos.contests.models import Ballot, BoardBlock, BoardEvent, Contest

#: Checkpoints listed on the page, the newest first; board.json holds them all.
SHOWN = 20


@dataclass(frozen=True)
class Checkpoint:
    number: int
    made_at: datetime
    ballots: int
    events: int
    hash: str


def recent_checkpoints(contest: Contest, shown: int = SHOWN) -> tuple[list[Checkpoint], int]:
    """The ``shown`` newest checkpoints of ``contest``, newest first, and how many there
    are in all. The counts come from the rows each block took, not from the block's
    document (which lists every tracker)."""
    blocks = BoardBlock.objects.filter(contest=contest)
    total = blocks.count()
    latest = list(blocks.order_by("-number").values_list("number", "made_at", "hash")[:shown])
    numbers = [number for number, _, _ in latest]
    ballots = dict(Ballot.objects.filter(contest=contest, block__in=numbers)
                   .values_list("block").annotate(n=Count("pk")))
    events = dict(BoardEvent.objects.filter(contest=contest, block__in=numbers)
                  .values_list("block").annotate(n=Count("pk")))
    return [Checkpoint(number, made_at, ballots.get(number, 0), events.get(number, 0), hash_)
            for number, made_at, hash_ in latest], total
