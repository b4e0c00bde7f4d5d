"""1,000 concurrent unknown codes from one client: how many does the server evaluate?

A code that matches nothing is answered 403 or 404 once it has been looked up; one
refused by the failed-code limit is answered 429 without a look-up. So the answers that
are not 429 count the codes evaluated, against ``PSEPHOS_FAILED_CODES_PER_MINUTE``
(default 10 a minute per client and contest). The codes go to the API's cast (the
server's fast path) and to the voting link's page (Django's path), each on a contest of
its own, from one address, on the server's default settings (its default workers and
cache). A run is started with at least 20 s left in the minute, so that the limit's
window does not turn over during it.
"""

from __future__ import annotations

import asyncio
import secrets
import time

from client import JSON, Connection, cast_body, describe, outcome, server_errors, tally
from harness import CANDIDATES, Database, Server, make_contest
from report import Row

LIMIT = 10
CONNECTIONS = 500


async def _guess(base: str, requests: list[tuple[str, str, bytes]]) -> list[str]:
    connections = [Connection(base) for _ in range(min(CONNECTIONS, len(requests)))]
    start = asyncio.Event()
    shares = [requests[i::len(connections)] for i in range(len(connections))]

    async def client(connection: Connection, share: list[tuple[str, str, bytes]]
                     ) -> list[str]:
        await start.wait()
        answers = []
        for method, path, body in share:
            status, _ = await outcome(connection, method, path, body,
                                      JSON if body else None)
            answers.append(status)
        connection.close()
        return answers

    tasks = [asyncio.create_task(client(c, s)) for c, s in zip(connections, shares,
                                                                 strict=True)]
    await asyncio.sleep(0.05)
    start.set()
    return [status for answers in await asyncio.gather(*tasks) for status in answers]


def _wait_for_fresh_window() -> None:
    left = 60 - time.time() % 60
    if left < 20:
        time.sleep(left + 0.5)


def _row(db: Database, where: str, statuses: dict[str, int], guesses: int) -> Row:
    evaluated = sum(n for k, n in statuses.items() if k != "429")
    return Row(f"{guesses:,} concurrent unknown codes, {where}", db.label,
               f"evaluated <= the limit ({LIMIT} a minute), 0 5xx",
               f"evaluated {evaluated}; answers {describe(statuses)}",
               evaluated <= LIMIT and server_errors(statuses) == 0)


def unknown_codes(db: Database, *, guesses: int) -> list[Row]:
    rows = []
    with Server(db, env={"PSEPHOS_FAILED_CODES_PER_MINUTE": str(LIMIT)}) as server:
        slug, _ = make_contest(db, 1)
        api = [("POST", f"/api/contests/{slug}/ballots",
                cast_body(secrets.token_urlsafe(16), list(CANDIDATES)))
               for _ in range(guesses)]
        _wait_for_fresh_window()
        rows.append(_row(db, "API cast", tally(asyncio.run(_guess(server.base, api))),
                         guesses))
        slug, _ = make_contest(db, 1)
        links = [("GET", f"/vote/{slug}/{secrets.token_urlsafe(16)}/", b"")
                 for _ in range(guesses)]
        _wait_for_fresh_window()
        rows.append(_row(db, "voting links", tally(asyncio.run(_guess(server.base, links))),
                         guesses))
    return rows
