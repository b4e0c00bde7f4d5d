"""kill -9 mid-load: of the server (3 runs), and of PostgreSQL itself (1 run).

Many clients cast through the API; once a set number of receipts are in, the server's
whole process group (or PostgreSQL's postmaster) gets SIGKILL. After a restart the harness
counts receipts the clients hold, ballots, voted marks and audit entries. A receipt whose
tracker is not among the ballots is a lost vote (goal: 0). Voters marked as voted whose
client got no receipt were committed but never answered: each should be able to recover
its tracker with its credential, by the API (casting again) or by its voting link.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass

from client import JSON, Connection, cast_body, outcome
from harness import TRACKER, Database, Server, Voter, counts, make_contest, trackers
from load import Casts, cast_votes
from report import Row


@dataclass(frozen=True)
class CrashFigures:
    receipts: int
    ballots: int
    marks: int
    audit_added: int
    lost: int
    unanswered_committed: int
    recovered: int
    #: Of a few voters holding a receipt, how many get their tracker back the same way:
    #: whether this tree offers recovery at all, even when no cast went unanswered.
    probe: tuple[int, int]

    def text(self) -> str:
        return (f"receipts {self.receipts}, ballots {self.ballots}, marks {self.marks}, "
                f"audit entries +{self.audit_added}; receipt without ballot {self.lost}; "
                f"committed but unanswered {self.unanswered_committed}, tracker recovered "
                f"for {self.recovered} (recovery with a used credential, tried by "
                f"{self.probe[1]} voters holding a receipt: {self.probe[0]} got it back)")


PROBES = 5


def voted_numbers(db: Database, slug: str) -> set[str]:
    db.use()
    from psephos.contests.models import VotedMark

    return set(VotedMark.objects.filter(contest__slug=slug)
               .values_list("voter__member_number", flat=True))


async def _recover(base: str, slug: str, voters: list[Voter], rankings: dict[str, list[str]],
                   known: set[str]) -> int:
    """How many of these voters get a tracker that is on the board back, with their
    credential: from the API (casting again) or from their voting link's page."""
    connection = Connection(base)
    recovered = 0
    for voter in voters:
        found: set[str] = set()
        _, response = await outcome(connection, "POST", f"/api/contests/{slug}/ballots",
                                         cast_body(voter.link_token,
                                                   rankings[voter.member_number]), JSON)
        if response is not None:
            found |= set(TRACKER.findall(response.body.decode("utf-8", "replace")))
        _, response = await outcome(connection, "GET",
                                         f"/vote/{slug}/{voter.link_token}/")
        if response is not None:
            found |= set(TRACKER.findall(response.body.decode("utf-8", "replace")))
        recovered += bool(found & known)
    connection.close()
    return recovered


def figures(db: Database, base: str, slug: str, voters: list[Voter], casts: Casts,
            audit_before: int) -> CrashFigures:
    after = counts(db, slug)
    on_board = trackers(db, slug)
    lost = sum(1 for t in casts.tracker.values() if t not in on_board)
    voted = voted_numbers(db, slug)
    unanswered = [v for v in voters if v.member_number in voted
                  and v.member_number not in casts.tracker]
    recovered = asyncio.run(_recover(base, slug, unanswered, casts.ranking, on_board))
    holders = [v for v in voters if v.member_number in casts.tracker][:PROBES]
    probe = asyncio.run(_recover(base, slug, holders, casts.ranking, on_board))
    return CrashFigures(casts.receipts, after["ballots"], after["marks"],
                        after["audit"] - audit_before, lost, len(unanswered), recovered,
                        (probe, len(holders)))


def verdict(figures: CrashFigures) -> bool:
    return (figures.lost == 0 and figures.marks == figures.ballots
            and figures.recovered == figures.unanswered_committed
            and figures.probe[0] == figures.probe[1])


GOAL = ("receipt without ballot = 0; marks = ballots; every committed-but-unanswered cast "
        "recoverable (and recovery offered: tried by voters holding a receipt too)")


def server_kill(db: Database, *, runs: int, voters: int, clients: int) -> list[Row]:
    """kill -9 of `psephos serve` once a random third to two thirds of receipts are in."""
    rows = []
    for run in range(runs):
        slug, roll = make_contest(db, voters)
        audit_before = counts(db, slug)["audit"]
        server = Server(db).start()
        rng = random.Random(run)
        kill_at = rng.randint(voters // 3, 2 * voters // 3)

        timer = threading.Timer(rng.uniform(0.0, 0.05), server.kill)

        def kill_when(receipts: int, at: int = kill_at, timer: threading.Timer = timer) -> bool:
            """Once ``at`` receipts are in, kill a random moment later (not just after a
            commit was answered); the clients go on casting until the server is gone."""
            if receipts >= at and not timer.is_alive() and not timer.finished.is_set():
                timer.start()
            return False

        try:
            casts = cast_votes(server.base, slug, roll, clients=clients, seed=run,
                               after_receipt=kill_when)
            if timer.is_alive():
                timer.join()
            server.kill()
            server.start()
            result = figures(db, server.base, slug, roll, casts, audit_before)
        finally:
            server.stop()
        rows.append(Row(f"kill -9 server mid-load, run {run + 1} of {runs}", db.label, GOAL,
                        f"{voters} voters, {clients} clients, kill -9 0-50 ms after receipt "
                        f"{kill_at}: "
                        f"{result.text()}",
                        verdict(result)))
    return rows
