"""The linkage attack: who voted what, from row order, by someone who can read the tables.

Voters cast known rankings through the API (once in the order of the roll, once in a
random order). The attacker then sorts the voted marks and the ballots by each order the
database keeps (SQLite's rowid; PostgreSQL's ctid and the inserting transaction's xmin;
any timestamp column both tables have), zips the two lists, and counts the voters whose
zipped ballot carries their own ranking. By chance a random pairing matches
sum(n_r^2)/N voters (n_r: voters who chose ranking r); the goal is no better than chance
(at most chance + 3 sqrt(chance) + 1). The zipped ballot's tracker is counted too: a
sealed ballot may stay linked to its voter as a ciphertext, which is never decrypted on
its own (issue #10), so that figure is shown but is not the goal.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from typing import Any

from harness import Database, Server, command_exists, make_contest
from load import cast_votes
from report import Row


def _orders(db: Database, mark_model: Any, ballot_model: Any) -> dict[str, tuple[str, str]]:
    """Each order the attacker tries: its name, and ORDER BY for marks and for ballots."""
    orders: dict[str, tuple[str, str]] = {}
    if db.is_sqlite:
        orders["rowid"] = ("rowid", "rowid")
    else:
        orders["ctid"] = ("ctid", "ctid")
        orders["xmin"] = ("xmin::text::bigint, ctid", "xmin::text::bigint, ctid")
    times = [[f.column for f in model._meta.concrete_fields
              if f.get_internal_type() in ("DateTimeField", "DateField")]
             for model in (mark_model, ballot_model)]
    if times[0] and times[1]:
        orders["timestamp"] = (f"{times[0][0]}, voter_id", f"{times[1][0]}")
    return orders


def _names(db: Database, slug: str) -> dict[Any, str]:
    from psephos.contests.models import Candidate

    return dict(Candidate.objects.filter(contest__slug=slug).values_list("pk", "name"))


def _plain(ranking: Any, names: dict[Any, str]) -> tuple[str, ...] | None:
    """A stored ranking as candidate names, or None if it is not plain text (sealed)."""
    if isinstance(ranking, str):
        import json

        try:
            ranking = json.loads(ranking)
        except ValueError:
            return None
    if isinstance(ranking, list) and all(item in names for item in ranking):
        return tuple(names[item] for item in ranking)
    return None


def attack(db: Database, slug: str, known: dict[str, list[str]], receipts: dict[str, str]
           ) -> dict[str, tuple[int, int, bool]]:
    """Per order: voters whose zipped ballot has their ranking, has their tracker, and
    whether the stored rankings were plain text at all."""
    db.use()
    from django.db import connection

    from psephos.contests.models import Ballot, Contest, VotedMark, Voter

    contest = Contest.objects.get(slug=slug)
    names = _names(db, slug)
    numbers = dict(Voter.objects.filter(contest=contest).values_list("pk", "member_number"))
    results = {}
    with connection.cursor() as cursor:
        for name, (mark_order, ballot_order) in _orders(db, VotedMark, Ballot).items():
            cursor.execute(f"SELECT voter_id FROM {VotedMark._meta.db_table} "
                           f"WHERE contest_id = %s ORDER BY {mark_order}", [contest.pk])
            marks = [numbers[row[0]] for row in cursor.fetchall()]
            cursor.execute(f"SELECT ranking, tracker FROM {Ballot._meta.db_table} "
                           f"WHERE contest_id = %s ORDER BY {ballot_order}", [contest.pk])
            ballots = cursor.fetchall()
            rankings = [_plain(r, names) for r, _ in ballots]
            plain = all(r is not None for r in rankings)
            by_ranking = sum(1 for number, ranking in zip(marks, rankings, strict=False)
                             if ranking == tuple(known[number]))
            by_tracker = sum(1 for number, (_, tracker) in zip(marks, ballots, strict=False)
                             if receipts.get(number) == tracker)
            results[name] = (by_ranking, by_tracker, plain)
    connection.close()
    return results


def chance(rankings: list[list[str]]) -> float:
    """Expected matches of a random pairing: sum over rankings of n_r^2 / N."""
    counted = Counter(tuple(r) for r in rankings)
    return sum(n * n for n in counted.values()) / max(1, len(rankings))


def _run(db: Database, server: Server, voters: int, order: str) -> Row:
    slug, roll = make_contest(db, voters)
    if order == "random":
        roll = random.Random(7).sample(roll, len(roll))
    casts = cast_votes(server.base, slug, roll, clients=10, seed=11)
    voted = [n for n, t in casts.status.items() if t == "201"]
    expected = chance([casts.ranking[n] for n in voted])
    bound = expected + 3 * math.sqrt(expected) + 1
    found = attack(db, slug, casts.ranking, casts.tracker)
    best = max(found, key=lambda k: found[k][0])
    plain = all(p for _, _, p in found.values())
    parts = [f"{k}: {r}/{len(voted)} rankings, {t} trackers" for k, (r, t, _) in found.items()]
    measured = (f"{len(voted)} voters cast in {order} order; " + "; ".join(parts)
                + f" (chance {expected:.1f} rankings, 1 tracker)")
    if not plain:
        sealed = command_exists(db, "trustees")
        measured += ("; stored rankings are not plain text" + (
            ": sealed flow present, the opened ballots after the count are not yet "
            "measured here" if sealed else ""))
        return Row(f"linkage attack, {order} order", db.label,
                   "rankings recovered no better than chance", measured, None)
    return Row(f"linkage attack, {order} order", db.label,
               f"rankings recovered <= chance + 3 sd + 1 ({bound:.0f})",
               measured + f"; best order {best}", found[best][0] <= bound)


def linkage(db: Database, *, voters: int) -> list[Row]:
    with Server(db) as server:
        return [_run(db, server, voters, "roll"), _run(db, server, voters, "random")]
