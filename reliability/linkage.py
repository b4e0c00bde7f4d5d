"""The linkage attack: who voted what, from row order, by someone who can read the tables.

Voters cast known rankings through the API (once in the order of the roll, once in a
random order). The attacker then sorts the voted marks and the ballots by each order the
database keeps (SQLite's rowid; PostgreSQL's ctid and the inserting transaction's xmin;
any timestamp column both tables have), zips the two lists, and counts the voters whose
zipped ballot carries their own ranking. By chance a random pairing matches
sum(n_r^2)/N voters (n_r: voters who chose ranking r); the goal is no better than chance
(at most chance + 3 sqrt(chance) + 1). The zipped ballot's tracker is counted too: a
sealed ballot may stay linked to its voter as a ciphertext, which is never decrypted on
its own (issue #10), so that figure is shown but is not the goal. When the tree seals
ballots, the contest is closed, shuffled, decrypted and counted first, and the marks are
zipped with the opened ballots too, in every order they can be sorted by (their
``position`` in the mix as well): the only rows holding plain rankings.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from harness import Database, Server, make_contest
from load import cast_votes
from report import Row
from sealed import close_and_count, opened_ballot_model


def _orders(db: Database, model: Any, key: str) -> dict[str, str]:
    """Each order the attacker can sort ``model``'s rows by: its name and ORDER BY."""
    if db.is_sqlite:
        orders = {"rowid": "rowid"}
    else:
        orders = {"ctid": "ctid", "xmin": "xmin::text::bigint, ctid"}
    times = [f.column for f in model._meta.concrete_fields
             if f.get_internal_type() in ("DateTimeField", "DateField")]
    if times:
        orders["timestamp"] = f"{times[0]}, {key}"
    if _column(model, "position") != "NULL":
        orders["position"] = _column(model, "position")
    return orders


def _column(model: Any, name: str) -> str:
    """The column of field ``name``, or NULL if the model has no such field (a sealed
    ballot keeps no plain ranking; an opened one no tracker)."""
    fields = {f.name: str(f.column) for f in model._meta.concrete_fields}
    return fields.get(name, "NULL")


def _names(slug: str) -> dict[Any, str]:
    from psephos.contests.models import Candidate

    return dict(Candidate.objects.filter(contest__slug=slug).values_list("pk", "name"))


def _plain(ranking: Any, names: dict[Any, str]) -> tuple[str, ...] | None:
    """A stored ranking as candidate names, or None if it is not plain text (sealed)."""
    if isinstance(ranking, str):
        try:
            ranking = json.loads(ranking)
        except ValueError:
            return None
    if isinstance(ranking, list) and all(item in names for item in ranking):
        return tuple(names[item] for item in ranking)
    return None


@dataclass(frozen=True)
class Zipped:
    """One pairing of marks with ballot rows: who matched, by ranking and by tracker."""

    table: str
    order: str
    rankings: int
    trackers: int
    plain: bool

    def text(self, voters: int) -> str:
        found = f"{self.rankings}/{voters} rankings" if self.plain else "rankings sealed"
        return f"{self.table} by {self.order}: {found}, {self.trackers} trackers"


def attack(db: Database, slug: str, known: dict[str, list[str]], receipts: dict[str, str],
           tables: list[Any]) -> list[Zipped]:
    """Zip the voted marks, in each order they can be sorted by, with the rows of each of
    ``tables`` in each of theirs; count the voters whose zipped row has their ranking or
    their tracker."""
    db.use()
    from django.db import connection

    from psephos.contests.models import Contest, VotedMark, Voter

    contest = Contest.objects.get(slug=slug)
    names = _names(slug)
    numbers = dict(Voter.objects.filter(contest=contest).values_list("pk", "member_number"))
    found = []
    with connection.cursor() as cursor:
        marks = {}
        for name, order in _orders(db, VotedMark, "voter_id").items():
            cursor.execute(f"SELECT voter_id FROM {VotedMark._meta.db_table} "
                           f"WHERE contest_id = %s ORDER BY {order}", [contest.pk])
            marks[name] = [numbers[row[0]] for row in cursor.fetchall()]
        for model in tables:
            for name, order in _orders(db, model, _column(model, "id")).items():
                cursor.execute(f"SELECT {_column(model, 'ranking')}, "
                               f"{_column(model, 'tracker')} FROM {model._meta.db_table} "
                               f"WHERE contest_id = %s ORDER BY {order}", [contest.pk])
                rows = cursor.fetchall()
                rankings = [_plain(r, names) for r, _ in rows]
                plain = all(r is not None for r in rankings)
                for mark_order, voters in marks.items():
                    label = name if mark_order == name else f"{mark_order}/{name}"
                    found.append(Zipped(
                        model.__name__, label,
                        sum(1 for n, r in zip(voters, rankings, strict=False)
                            if r == tuple(known[n])),
                        sum(1 for n, (_, t) in zip(voters, rows, strict=False)
                            if t is not None and receipts.get(n) == t),
                        plain))
    connection.close()
    return found


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
    from psephos.contests.models import Ballot, Contest

    tables: list[Any] = [Ballot]
    opened = opened_ballot_model()
    if opened is not None:  # sealed: the rankings exist in plain text only once opened
        db.use()
        close_and_count(Contest.objects.get(slug=slug), db.folder)
        tables.append(opened)
    found = attack(db, slug, casts.ranking, casts.tracker, tables)
    plain = [z for z in found if z.plain]
    measured = (f"{len(voted)} voters cast in {order} order; "
                + "; ".join(z.text(len(voted)) for z in found if z.order in
                            ("rowid", "ctid", "xmin", "timestamp", "position"))
                + f" (chance {expected:.1f} rankings, 1 tracker)")
    if not plain:
        return Row(f"linkage attack, {order} order", db.label,
                   "rankings recovered no better than chance",
                   measured + "; no plain ranking found to zip", None)
    best = max(plain, key=lambda z: z.rankings)
    return Row(f"linkage attack, {order} order", db.label,
               f"rankings recovered <= chance + 3 sd + 1 ({bound:.0f})",
               measured + f"; best of {len(found)} pairings: {best.table} by {best.order}, "
               f"{best.rankings}", best.rankings <= bound)


def linkage(db: Database, *, voters: int) -> list[Row]:
    with Server(db) as server:
        return [_run(db, server, voters, "roll"), _run(db, server, voters, "random")]
