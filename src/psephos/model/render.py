"""Terminal tables (rich) for a `PactResult`: seat totals, flips, one seat's trace."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table

from psephos.model.explain import SeatTrace
from psephos.model.results import PactResult, SeatResult


def seats_table(result: PactResult) -> Table:
    """Seats by party: base election, without the pact, with it, and the draws' range."""
    scenario = result.scenario
    swung = scenario.swing != "none"
    table = Table(title=f"{scenario.election}: pact of {', '.join(scenario.alliance)} "
                        f"({scenario.stand_aside})", title_justify="left")
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
        row = [party]
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
    """Every seat the pact changes hands in, closest (before the pact) first."""
    flips = result.flips
    table = Table(title=result.flips_title, title_justify="left")
    for name in ("constituency", "without pact", "with pact", "standing",
                 "margin before (pts)", "margin after (pts)"):
        table.add_column(name, justify="right" if name.startswith("margin") else "left")
    if result.draws is not None:
        table.add_column("P(with pact)", justify="right")
    wins = result.draws.win if result.draws is not None else None
    index = {seat.id: i for i, seat in enumerate(result.seats)}
    for seat in flips:
        row = [seat.name, seat.before, seat.after, seat.standing or "", _margin(seat, False),
               _margin(seat, True)]
        if wins is not None:
            row.append(_chance(wins[index[seat.id]].get(seat.after, 0.0)))
        table.add_row(*row)
    return table


def trace_table(trace: SeatTrace) -> Group:
    """One seat's candidates through swing, stand-aside and transfer, then the verdict."""
    table = Table(title=f"{trace.name} ({trace.id}, {trace.region}); swing: {trace.swing}; "
                        f"standing for the alliance: {trace.standing or 'no pact here'}",
                  title_justify="left")
    for name in ("candidate", "party", "base", "after swing", "after stand-aside",
                 "transfers in", "after transfers"):
        table.add_column(name, justify="left" if name in ("candidate", "party") else "right")
    for row in trace.rows:
        name = row.name or f"({row.party})"
        if row.stood_down:
            name += " [stands down]"
        if row.added:
            name += " [named to stand]"
        table.add_row(name, row.party, f"{row.base:,}", f"{row.swung:,}", f"{row.kept:,}",
                      f"+{row.received:,}" if row.received else "", f"{row.after:,}")
    lines = []
    for line in trace.transfers:
        moved = ", ".join(f"{votes:,} to {to}" for to, votes in line.to.items()) or "none moved"
        who = f"{line.name} ({line.party})" if line.name else f"The {line.party} candidate"
        lines.append(f"{who} stands down: {line.votes:,} votes; {moved}; "
                     f"{line.abstained:,} abstain")
    verdict = f"{trace.before} -> {trace.after}" if trace.before != trace.after else trace.after
    lines.append(f"Winner: {trace.winner} ({verdict}); margin {trace.margin_before:,} without "
                 f"the pact, {trace.margin_after:,} with it")
    if trace.win:
        lines.append("Draws: " + ", ".join(f"{p} {_chance(v)}" for p, v in trace.win.items()))
    return Group(table, *lines)


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
