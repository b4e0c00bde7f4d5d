"""Terminal tables (rich) for a `PactResult`: seat totals, flips, one seat's trace."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table

from psephos.model.explain import SeatTrace
from psephos.model.presets import ALLIANCE
from psephos.model.results import PactResult, SeatResult
from psephos.uk.parties import party_label


def seats_table(result: PactResult) -> Table:
    """Seats by party: base election, without the pact, with it, and the draws' range."""
    scenario = result.scenario
    swung = scenario.swing != "none"
    table = Table(title=result.title, title_justify="left")
    table.add_column("party")
    if swung:
        table.add_column(scenario.election, justify="right")
    table.add_column("without pact", justify="right")
    table.add_column("with pact", justify="right")
    table.add_column("change", justify="right")
    draws = result.draws
    if draws is not None:
        table.add_column(f"5-95 % of {draws.n:,} draws", justify="right")
        table.add_column(f"P(≥{draws.majority_line})", justify="right")
    for party in result.parties:
        before = result.seats_before.get(party, 0)
        after = result.seats_after.get(party, 0)
        row = [party_label(party)]
        if swung:
            row.append(str(result.seats_base.get(party, 0)))
        row += [str(before), str(after), f"{after - before:+d}" if after != before else ""]
        if draws is not None:
            low, high = draws.intervals.get(party, (after, after))
            chance = draws.majority.get(party)
            row += [f"{low}-{high}", _chance(chance) if chance else ""]
        table.add_row(*row)
    return table


def flips_table(result: PactResult) -> Table:
    """Every seat the pact changes hands in, closest in votes (before the pact) first."""
    flips = result.flips
    table = Table(title=result.flips_title, title_justify="left")
    for name in ("constituency", "without pact", "with pact", "standing",
                 "margin before (votes, pts)", "margin after (votes, pts)"):
        table.add_column(name, justify="right" if name.startswith("margin") else "left")
    if result.draws is not None:
        table.add_column("P(with pact)", justify="right")
    wins = result.draws.win if result.draws is not None else None
    index = {seat.id: i for i, seat in enumerate(result.seats)}
    for seat in flips:
        row = [seat.name, party_label(seat.before), party_label(seat.after),
               party_label(seat.standing) if seat.standing else "", _margin(seat, False),
               _margin(seat, True)]
        if wins is not None:
            row.append(_chance(wins[index[seat.id]].get(seat.after, 0.0)))
        table.add_row(*row)
    return table


def trace_table(trace: SeatTrace) -> Group:
    """One seat's candidates through swing, stand-aside and transfer, then the verdict."""
    standing = party_label(trace.standing) if trace.standing else "no pact here"
    table = Table(title=f"{trace.name} ({trace.id}, {trace.region}); swing: {trace.swing}; "
                        f"standing for the alliance: {standing}", title_justify="left")
    for name in ("candidate", "party", "base", "after swing", "after stand-aside",
                 "transfers in", "after transfers"):
        table.add_column(name, justify="left" if name in ("candidate", "party") else "right")
    for row in trace.rows:
        name = row.name or f"({row.party})"
        if row.stood_down:
            name += " [stands down]"
        if row.added:
            name += " [named to stand]"
        table.add_row(name, party_label(row.party), f"{row.base:,}", f"{row.swung:,}",
                      f"{row.kept:,}", f"+{row.received:,}" if row.received else "",
                      f"{row.after:,}")
    lines = []
    if trace.out_of_scope:
        lines.append(f"Out of scope: {trace.out_of_scope}; the pact and swing leave it as it was.")
    for line in trace.transfers:
        moved = ", ".join(f"{votes:,} to {_destination(to)}" for to, votes in line.to.items())
        moved = moved or "none moved"
        label = party_label(line.party)
        who = f"{line.name} ({label})" if line.name else f"The {label} candidate"
        lines.append(f"{who} stands down: {line.votes:,} votes; {moved}; "
                     f"{line.abstained:,} abstain")
    after, before = party_label(trace.after), party_label(trace.before)
    verdict = f"{after} gain from {before}" if trace.before != trace.after else f"{after} hold"
    lines.append(f"Winner: {trace.winner} ({verdict}); margin {trace.margin_before:,} without "
                 f"the pact, {trace.margin_after:,} with it")
    if trace.win:
        lines.append("Draws: " + ", ".join(f"{party_label(p)} {_chance(v)}"
                                           for p, v in trace.win.items()))
    return Group(table, *lines)


def _destination(to: str) -> str:
    return "the alliance candidate" if to == ALLIANCE else party_label(to)


def _chance(value: float) -> str:
    if 0 < value < 0.005:
        return "<1%"
    if 0.995 <= value < 1:
        return ">99%"
    return f"{value:.0%}"


def _margin(seat: SeatResult, after: bool) -> str:
    votes = seat.margin_after if after else seat.margin_before
    share = seat.share_margin_after if after else seat.share_margin_before
    return f"{votes:,} ({100 * share:.1f})"
