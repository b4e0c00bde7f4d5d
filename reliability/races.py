"""Races: many clients on one credential, casts against the close, reissue against cast.

Goal for each: exactly one ballot per voter who was answered 201 (and none for one who
was not), 0 deadlocks (the server's log and the reissuing process searched for
"deadlock"), 0 answers 5xx. The failed-code limit is lifted on these servers: a cast
with a credential rotated a moment before is refused as unknown, and the limit would
otherwise answer every later cast 429 and hide the race.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from client import JSON, Connection, cast_body, describe, outcome, server_errors, tally
from harness import CANDIDATES, Database, Server, Voter, counts, make_contest, trackers
from load import cast_votes
from report import Row

NO_LIMIT = {"PSEPHOS_FAILED_CODES_PER_MINUTE": "1000000"}


def deadlocks_in_log(server: Server, since: int) -> int:
    text = server.log.read_bytes()[since:].decode("utf-8", "replace").lower()
    return text.count("deadlock")


def _log_size(server: Server) -> int:
    return server.log.stat().st_size if server.log.exists() else 0


async def _race_one(base: str, slug: str, voter: Voter, racers: int) -> list[str]:
    connections = [Connection(base) for _ in range(racers)]
    for connection in connections:  # connect first, so the casts leave together
        await connection.get("/api/contests")
    start = asyncio.Event()
    body = cast_body(voter.link_token, list(CANDIDATES))

    async def racer(connection: Connection) -> str:
        await start.wait()
        status, _ = await outcome(connection, "POST", f"/api/contests/{slug}/ballots", body,
                                  JSON)
        connection.close()
        return status

    tasks = [asyncio.create_task(racer(c)) for c in connections]
    await asyncio.sleep(0.05)
    start.set()
    return list(await asyncio.gather(*tasks))


def one_credential(db: Database, server: Server, racers: int) -> Row:
    slug, roll = make_contest(db, 1)
    since = _log_size(server)
    statuses = tally(asyncio.run(_race_one(server.base, slug, roll[0], racers)))
    ballots = counts(db, slug)["ballots"]
    deadlocks = deadlocks_in_log(server, since)
    met = (ballots == 1 and statuses.get("201", 0) == 1 and server_errors(statuses) == 0
           and deadlocks == 0)
    return Row(f"{racers} clients racing one credential", db.label,
               "exactly one ballot, one 201, 0 deadlocks, 0 5xx",
               f"ballots {ballots}; answers {describe(statuses)}; deadlocks {deadlocks}", met)


def cast_against_close(db: Database, server: Server, voters: int) -> Row:
    slug, roll = make_contest(db, voters)
    since = _log_size(server)
    result: dict[str, object] = {}

    def close_midway() -> None:
        time.sleep(1.0)
        db.use()
        from django.db import connection

        from psephos.contests.lifecycle import close_contest
        from psephos.contests.models import Contest

        try:
            close_contest(Contest.objects.get(slug=slug), actor="reliability")
            result["closed"] = True
        except Exception as error:
            result["error"] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    closer = threading.Thread(target=close_midway)
    closer.start()
    casts = cast_votes(server.base, slug, roll, clients=50, rate=voters / 2.0,
                       max_seconds=30)
    closer.join()
    statuses = tally(list(casts.status.values()))
    on_board = trackers(db, slug)
    after = counts(db, slug)
    lost = sum(1 for t in casts.tracker.values() if t not in on_board)
    unreceipted = len(on_board - set(casts.tracker.values()))
    deadlocks = deadlocks_in_log(server, since)
    closed = "closed" if result.get("closed") else f"close failed ({result.get('error')})"
    met = (bool(result.get("closed")) and lost == 0 and unreceipted == 0
           and after["ballots"] == after["marks"] and server_errors(statuses) == 0
           and deadlocks == 0)
    return Row("cast vs close", db.label,
               "every 201 is a ballot, no ballot without a 201, marks = ballots, 0 deadlocks, "
               "0 5xx",
               f"{voters} voters over 2 s, {closed} after 1 s; answers {describe(statuses)}; "
               f"ballots {after['ballots']}, marks {after['marks']}; receipt without ballot "
               f"{lost}, ballot without receipt {unreceipted}; deadlocks {deadlocks}", met)


def reissue_against_cast(db: Database, server: Server, voters: int) -> Row:
    slug, roll = make_contest(db, voters)
    since = _log_size(server)
    outcomes: dict[str, str] = {}
    start = threading.Barrier(2)

    def reissue_all() -> None:
        db.use()
        from django.db import connection

        from psephos.contests.credentials import reissue
        from psephos.contests.errors import AlreadyVoted
        from psephos.contests.models import Voter as VoterRow

        def one(number: str) -> None:
            try:
                reissue(VoterRow.objects.get(contest__slug=slug, member_number=number),
                        actor="reliability")
                outcomes[number] = "reissued"
            except AlreadyVoted:
                outcomes[number] = "refused: already voted"
            except Exception as error:
                outcomes[number] = f"error: {type(error).__name__}: {error}"
            finally:
                connection.close()

        start.wait()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(one, [v.member_number for v in roll]))

    reissuer = threading.Thread(target=reissue_all)
    reissuer.start()

    start.wait()
    casts = cast_votes(server.base, slug, roll, clients=50, max_seconds=60)
    reissuer.join()
    statuses = tally(list(casts.status.values()))
    reissues = tally([o if not o.startswith("error") else o.split(":")[1].strip()
                      for o in outcomes.values()])
    errors = [o for o in outcomes.values() if o.startswith("error")]
    deadlocks = deadlocks_in_log(server, since) + sum("deadlock" in e.lower() for e in errors)
    after = counts(db, slug)
    both = sum(1 for v in roll if outcomes.get(v.member_number) == "reissued"
               and casts.status.get(v.member_number) == "201")
    met = (after["ballots"] == after["marks"] == statuses.get("201", 0) and both == 0
           and server_errors(statuses) == 0 and not errors and deadlocks == 0)
    return Row("reissue vs cast", db.label,
               "one ballot per 201, never both a ballot and a new credential, 0 deadlocks, "
               "0 5xx",
               f"{voters} voters; casts {describe(statuses)}; reissues {describe(reissues)}; "
               f"ballots {after['ballots']}, marks {after['marks']}; both cast and reissued "
               f"{both}; deadlocks {deadlocks}", met)


def races(db: Database, *, racers: int, voters: int) -> list[Row]:
    server = Server(db, env=NO_LIMIT).start()
    try:
        return [one_credential(db, server, racers), cast_against_close(db, server, voters),
                reissue_against_cast(db, server, voters)]
    finally:
        server.stop()
