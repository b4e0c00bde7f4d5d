"""A static chart of a `PactResult`: seats before and after the pact, and who flips.

Left: seats by party without the pact (after any swing) and with it, 5-95 % draw
intervals as whiskers when there are draws. Right: seats gained and lost through
the pact, by party. matplotlib's object API only (no pyplot): safe in a server or test.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from psephos.model.results import PactResult

#: Party colours as the parties use them (approximately); others grey.
PARTY_COLOURS = {
    "con": "#0087dc", "lab": "#e4003b", "ld": "#faa61a", "snp": "#fdf38e", "pc": "#005b54",
    "green": "#02a95b", "ukip": "#6d3177", "brexit": "#12b6cf", "reform": "#12b6cf",
    "dup": "#d46a4c", "sf": "#326760", "sdlp": "#2aa82c", "uup": "#48a5ee",
    "alliance": "#f6cb2f", "speaker": "#777777", "ind": "#aaaaaa", "other": "#cccccc",
}
OTHER_COLOUR = "#bbbbbb"
FORMATS = ("png", "svg")


def pact_figure(result: PactResult, *, title: str | None = None) -> Figure:
    """The two panels as a figure (save it with ``figure.savefig``)."""
    figure = Figure(figsize=(11, 5), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=(3, 2))
    _seats_panel(left, result)
    _flips_panel(right, result)
    scenario = result.scenario
    figure.suptitle(title or f"{scenario.election}: pact of {', '.join(scenario.alliance)}")
    return figure


def _seats_panel(axes: Axes, result: PactResult) -> None:
    parties = [p for p in result.parties
               if result.seats_before.get(p, 0) or result.seats_after.get(p, 0)]
    x = np.arange(len(parties))
    before = [result.seats_before.get(p, 0) for p in parties]
    after = [result.seats_after.get(p, 0) for p in parties]
    colours = [PARTY_COLOURS.get(p, OTHER_COLOUR) for p in parties]
    axes.bar(x - 0.2, before, width=0.4, color=colours, alpha=0.45, label="without the pact")
    bars = axes.bar(x + 0.2, after, width=0.4, color=colours, edgecolor="black",
                    linewidth=0.6, label="with the pact")
    if result.draws is not None:
        low = [result.draws.intervals.get(p, (a, a))[0] for p, a in zip(parties, after,
                                                                         strict=True)]
        high = [result.draws.intervals.get(p, (a, a))[1] for p, a in zip(parties, after,
                                                                          strict=True)]
        errors = np.array([np.subtract(after, low), np.subtract(high, after)]).clip(0)
        axes.errorbar(x + 0.2, after, yerr=errors, fmt="none", ecolor="black", capsize=3,
                      label="5-95 % of draws")
    axes.bar_label(bars, padding=2, fontsize=8)
    majority = len(result.seats) // 2 + 1
    axes.axhline(majority, color="#555555", linestyle="--", linewidth=0.8)
    axes.text(len(parties) - 0.5, majority, f"majority {majority}", ha="right", va="bottom",
              fontsize=8, color="#555555")
    axes.set_xticks(x, [p.upper() if len(p) <= 4 else p.title() for p in parties])
    axes.set_ylabel("seats")
    axes.set_title("Seats by party")
    axes.legend(loc="upper right", fontsize=8)


def _flips_panel(axes: Axes, result: PactResult) -> None:
    flips = result.flips
    gained = Counter(s.after for s in flips)
    lost = Counter(s.before for s in flips)
    parties = sorted(set(gained) | set(lost), key=lambda p: (lost[p] - gained[p], p))
    y = np.arange(len(parties))
    colours = [PARTY_COLOURS.get(p, OTHER_COLOUR) for p in parties]
    axes.barh(y, [gained[p] for p in parties], color=colours, edgecolor="black",
              linewidth=0.6)
    axes.barh(y, [-lost[p] for p in parties], color=colours, alpha=0.45, hatch="//")
    for i, p in enumerate(parties):
        if gained[p]:
            axes.text(gained[p], i, f" +{gained[p]}", va="center", fontsize=8)
        if lost[p]:
            axes.text(-lost[p], i, f"-{lost[p]} ", va="center", ha="right", fontsize=8)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_yticks(y, [p.upper() if len(p) <= 4 else p.title() for p in parties])
    axes.set_xlabel("seats lost (hatched) and gained through the pact")
    axes.set_title(result.flips_title)
    if not parties:
        axes.text(0.5, 0.5, "no seat changes hands", transform=axes.transAxes, ha="center")
    limit = max([*gained.values(), *lost.values(), 1]) * 1.25
    axes.set_xlim(-limit, limit)
