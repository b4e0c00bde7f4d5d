"""Pieces the official results pages share: party rows, chart labels, list-seat tables.

Each takes figures from `psephos results` reports or counts as they are and only arranges
them for a template; nothing here counts.
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString, mark_safe

from psephos.explore.charts import seats_chart
from psephos.explore.official_results import ListAllocation
from psephos.uk.parties import PARTIES, UNKNOWN, party_colour, party_label


def party_rows(seats: dict[str, int], votes: dict[str, int],
               previous: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """One row per party (those with votes, then any with seats only): seats, votes, share."""
    total = sum(votes.values()) or 1
    parties = [*votes, *(p for p in seats if p not in votes)]
    return [{"code": p, "label": party_label(p), "name": PARTIES.get(p, UNKNOWN).name,
             "colour": party_colour(p), "seats": seats.get(p, 0), "votes": votes.get(p),
             "share": 100 * votes[p] / total if p in votes else None,
             "change": (seats.get(p, 0) - previous.get(p, 0)) if previous is not None else None}
            for p in parties]


def seats_figure(seats: dict[str, int], *, total: int, majority: int | None) -> SafeString:
    """The seats chart, labelled with its numbers (SVG built from escaped parts)."""
    return mark_safe(seats_chart(seats, total=total, majority=majority,  # escaped parts
                                 label=chart_label(seats, majority)))


def chart_label(seats: dict[str, int], majority: int | None) -> str:
    parts = ", ".join(f"{party_label(p)} {n}" for p, n in seats.items() if n)
    line = f"; {majority} needed for a majority" if majority else ""
    return f"Seats by party: {parts}{line}"


def seat_list(seats: dict[str, int]) -> str:
    """"Lab 4, Con 2, Green 1" ("none" when empty)."""
    return ", ".join(f"{contestant(p)} {n}" for p, n in seats.items() if n) or "none"


def contestant(name: str) -> str:
    """A party code as its label; an individual's or minor list's name as it stands."""
    return party_label(name) if name in PARTIES else name


def allocation_tables(allocations: tuple[ListAllocation, ...]) -> list[dict[str, Any]]:
    """Each list allocation as a table: contestants by rows, rounds by columns."""
    return [{
        "region": a.region,
        "rows": [{"name": contestant(name), "votes": a.votes[i],
                  "held": a.constituency_seats[i], "won": a.list_seats[i],
                  "cells": [{"average": r.averages[i], "won": r.winner == name}
                            for r in a.rounds]}
                 for i, name in enumerate(a.contestants)],
        "rounds": [{"number": r.number, "winner": contestant(r.winner)} for r in a.rounds],
        "held_column": True,
    } for a in allocations]


def mayor_table(mayor: dict[str, Any]) -> dict[str, Any]:
    """A supplementary-vote report's two rounds as rows, most first choices first."""
    first, second = mayor["rounds"]
    total = mayor["valid_first_choices"] or 1
    rows = [{"name": name, "first": votes, "share": 100 * votes / total,
             "added": second["second_preferences_added"].get(name),
             "final": second["votes"].get(name),
             "elected": name == mayor["elected"]}
            for name, votes in sorted(first["votes"].items(), key=lambda kv: -kv[1])]
    return {"rows": rows, "non_transferable": second["non_transferable"], "mayor": mayor}
