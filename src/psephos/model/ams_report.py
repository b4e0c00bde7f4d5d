"""An `AmsResult` as JSON-ready values and as terminal tables (see docs/pact.md).

Every region shows both layers before and after the pact; ``--explain REGION`` shows its
d'Hondt rounds before and after, with the quotients as ``psephos results --json`` gives
them (`psephos.uk.holyrood_count.rounds`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.console import Group
from rich.table import Table

from psephos.model.ams import AmsResult, RegionOutcome
from psephos.model.report import seat_to_dict
from psephos.uk.holyrood_count import rounds
from psephos.uk.parties import party_label

#: Written as ``format``; bump the number on any change a reader would notice.
FORMAT = "psephos-pact-ams/1"


def ams_to_dict(result: AmsResult, explain: str | None = None) -> dict[str, Any]:
    """The whole result: national seats, both layers of every region, the constituencies
    that change hands, the draws, and (``explain``) one region's d'Hondt rounds."""
    scenario = dataclasses.asdict(result.scenario.constituency)
    scenario["alliance"] = list(result.scenario.constituency.alliance)
    plan = result.scenario.lists
    scenario["list"] = {"new": list(plan.new), "withdrawn": list(plan.withdrawn),
                        "regions": list(plan.regions),
                        "from": {s: dict(row) for s, row in plan.transfers.items()}}
    parties = result.parties
    before, after = result.seats_before, result.seats_after
    out: dict[str, Any] = {
        "format": FORMAT,
        "election": result.scenario.election,
        "scenario": scenario,
        "seats_before": {p: before.get(p, 0) for p in parties},
        "seats": {p: after.get(p, 0) for p in parties},
        "change": {p: after.get(p, 0) - before.get(p, 0) for p in parties},
        "regions": [region_to_dict(r) for r in result.regions],
        "constituency_flips": [seat_to_dict(s) for s in result.constituency.flips],
    }
    draws = result.draws
    if draws is not None:
        out["draws"] = {"n": draws.n, "seed": draws.seed, "median": dict(draws.median),
                        "mean": {p: round(v, 2) for p, v in draws.mean.items()},
                        "majority_line": _majority(),
                        "majority": {p: round(v, 4) for p, v in draws.majority.items()},
                        "list_lots": draws.list_lots}
        out["intervals"] = {p: list(v) for p, v in draws.intervals.items()}
    if explain is not None:
        out["explain"] = explain_region(result.region(explain))
    return out


def region_to_dict(region: RegionOutcome) -> dict[str, Any]:
    """One region's two layers, before and after, and where its list votes went."""
    return {
        "region": region.name, "list_plan_applies": region.in_scope,
        "constituency_before": dict(region.constituency_before),
        "constituency_after": dict(region.constituency_after),
        "list_votes_before": dict(region.list_votes_before),
        "list_votes_after": dict(region.list_votes_after),
        "list_before": region.list_before, "list_after": region.list_after,
        "seats_before": _sorted(region.seats_before), "seats_after": _sorted(region.seats_after),
        "moves": [{"from": m.source, "votes": m.votes, "to": dict(m.to), "kept": m.kept,
                   "abstained": m.abstained} for m in region.moves],
    }


def explain_region(region: RegionOutcome) -> dict[str, Any]:
    """The region's d'Hondt rounds before and after the pact: who took each list seat, its
    divisor, and every list's quotient then (aggregates such as "Others" left out)."""
    return {"region": region.name,
            "rounds_before": rounds(region.count_before, leave_out=region.aggregates),
            "rounds_after": rounds(region.count_after, leave_out=region.aggregates)}


def ams_seats_table(result: AmsResult) -> Table:
    """Seats by party in the whole parliament, before and after the pact."""
    scenario = result.scenario
    allies = ", ".join(party_label(p) for p in scenario.constituency.alliance)
    title = f"{scenario.election}: " + (f"constituency pact of {allies}" if allies
                                        else "no constituency pact")
    if not scenario.lists.empty:
        title += "; list tactics"
    table = Table(title=title, title_justify="left")
    for name in ("party", "before", "after", "change"):
        table.add_column(name, justify="left" if name == "party" else "right")
    draws = result.draws
    if draws is not None:
        table.add_column(f"5-95 % of {draws.n:,} draws", justify="right")
        table.add_column(f"P(≥{_majority()})", justify="right")
    before, after = result.seats_before, result.seats_after
    for party in result.parties:
        b, a = before.get(party, 0), after.get(party, 0)
        row = [party_label(party), str(b), str(a), f"{a - b:+d}" if a != b else ""]
        if draws is not None:
            low, high = draws.intervals.get(party, (a, a))
            chance = draws.majority.get(party, 0.0)
            row += [f"{low}-{high}", f"{chance:.0%}" if chance else ""]
        table.add_row(*row)
    return table


def ams_regions_table(result: AmsResult) -> Table:
    """Per region and party: constituency and list seats, before -> after."""
    table = Table(title="By region: constituency and list seats, before -> after",
                  title_justify="left")
    for name in ("region", "party", "constituency", "list", "total"):
        table.add_column(name, justify="left" if name in ("region", "party") else "right")
    for region in result.regions:
        parties = sorted(set(region.seats_before) | set(region.seats_after),
                         key=lambda p: (-region.seats_after.get(p, 0), p))
        for i, party in enumerate(parties):
            table.add_row(region.name if i == 0 else "", party_label(party),
                          _change(region.constituency_before, region.constituency_after, party),
                          _change(region.list_before, region.list_after, party),
                          _change(region.seats_before, region.seats_after, party))
    return table


def rounds_table(region: RegionOutcome) -> Group:
    """The region's d'Hondt rounds before and after, quotients as `explain_region`."""
    explained = explain_region(region)
    parts: list[Any] = []
    for key, when in (("rounds_before", "before"), ("rounds_after", "after the pact")):
        seats = explained[key]
        table = Table(title=f"{region.name}: list seats {when} (quotient = list votes / "
                            "divisor; divisor = seats held + 1)", title_justify="left")
        table.add_column("seat", justify="right")
        table.add_column("to")
        table.add_column("divisor", justify="right")
        names = list(seats[0]["quotients"]) if seats else []
        for name in names:
            table.add_column(party_label(name), justify="right")
        for seat in seats:
            table.add_row(str(seat["seat"]), party_label(seat["elected"]), str(seat["divisor"]),
                          *(_quotient(seat["quotients"][n]) for n in names))
        parts.append(table)
    for move in region.moves:
        moved = ", ".join(f"{v:,} to {party_label(d)}" for d, v in move.to.items()) or "none"
        rest = (f"{move.kept:,} stay" if not move.abstained else f"{move.abstained:,} abstain")
        parts.append(f"{party_label(move.source)} list votes {move.votes:,}: {moved}; {rest}")
    return Group(*parts)


def _quotient(text: str | None) -> str:
    return "-" if text is None else f"{float(text):,.0f}"


def _change(before: dict[str, int] | Any, after: dict[str, int] | Any, party: str) -> str:
    b, a = before.get(party, 0), after.get(party, 0)
    return str(a) if a == b else f"{b} -> {a}"


def _sorted(seats: dict[str, int]) -> dict[str, int]:
    return dict(sorted(seats.items(), key=lambda kv: (-kv[1], kv[0])))


def _majority() -> int:
    from psephos.model.ams import MAJORITY

    return MAJORITY
