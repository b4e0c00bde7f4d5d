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
from matplotlib.patches import Patch

from psephos.model.results import PactResult
from psephos.uk.parties import party_colour, party_label

FORMATS = ("png", "svg")
LINE_GREY = "#555555"
#: A light box behind a number or a label, so the majority line does not run through it.
LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1}


def pact_figure(result: PactResult, *, title: str | None = None) -> Figure:
    """The two panels as a figure (save it with ``figure.savefig``)."""
    figure = Figure(figsize=(11, 5.4), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=(3, 2))
    _seats_panel(left, result)
    _flips_panel(right, result)
    figure.suptitle(title or result.title)
    return figure


def _seats_panel(axes: Axes, result: PactResult) -> None:
    """Bars without and with the pact; whiskers for the draws; each number above its bar
    and whisker, so nothing is drawn over it; the legend below the panel, clear of the
    majority line and its label."""
    parties = [p for p in result.parties
               if result.seats_before.get(p, 0) or result.seats_after.get(p, 0)]
    x = np.arange(len(parties))
    before = np.array([result.seats_before.get(p, 0) for p in parties])
    after = np.array([result.seats_after.get(p, 0) for p in parties])
    colours = [party_colour(p) for p in parties]
    axes.bar(x - 0.2, before, width=0.4, color=colours, alpha=0.45)
    axes.bar(x + 0.2, after, width=0.4, color=colours, edgecolor="black", linewidth=0.6)
    handles = [Patch(facecolor="#bbbbbb", alpha=0.45, label="without the pact"),
               Patch(facecolor="#bbbbbb", edgecolor="black", linewidth=0.6,
                     label="with the pact")]
    top = after.copy()
    if result.draws is not None:
        intervals = result.draws.intervals
        low = np.array([intervals.get(p, (a, a))[0] for p, a in zip(parties, after,
                                                                      strict=True)])
        high = np.array([intervals.get(p, (a, a))[1] for p, a in zip(parties, after,
                                                                       strict=True)])
        errors = np.array([after - low, high - after]).clip(0)
        bars = axes.errorbar(x + 0.2, after, yerr=errors, fmt="none", ecolor="black",
                             capsize=3, label="5-95 % of draws")
        handles.append(bars)  # type: ignore[arg-type]
        top = np.maximum(after, high)
    majority = len(result.seats) // 2 + 1
    ceiling = max(int(top.max(initial=0)), int(before.max(initial=0)), majority)
    for xi, value, above in zip(x, after, top, strict=True):
        axes.text(xi + 0.2, above + ceiling * 0.012, str(value), ha="center", va="bottom",
                  fontsize=8, zorder=4, bbox=LABEL_BOX)
    axes.set_ylim(0, ceiling * 1.12)
    axes.axhline(majority, color=LINE_GREY, linestyle="--", linewidth=0.8)
    axes.text(len(parties) - 0.5, majority, f"majority {majority}", ha="right",
              va="bottom", fontsize=8, color=LINE_GREY, bbox=LABEL_BOX)
    axes.set_xticks(x, [party_label(p) for p in parties], rotation=35, ha="right",
                    rotation_mode="anchor")
    axes.set_xlim(-0.6, len(parties) - 0.4)
    axes.set_ylabel("seats")
    axes.set_title("Seats by party")
    axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3,
                fontsize=8, frameon=False)


def _flips_panel(axes: Axes, result: PactResult) -> None:
    flips = result.flips
    gained = Counter(s.after for s in flips)
    lost = Counter(s.before for s in flips)
    parties = sorted(set(gained) | set(lost), key=lambda p: (lost[p] - gained[p], p))
    y = np.arange(len(parties))
    colours = [party_colour(p) for p in parties]
    axes.barh(y, [gained[p] for p in parties], color=colours, edgecolor="black",
              linewidth=0.6)
    axes.barh(y, [-lost[p] for p in parties], color=colours, alpha=0.45, hatch="//")
    for i, p in enumerate(parties):
        if gained[p]:
            axes.text(gained[p], i, f" +{gained[p]}", va="center", fontsize=8)
        if lost[p]:
            axes.text(-lost[p], i, f"-{lost[p]} ", va="center", ha="right", fontsize=8)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_yticks(y, [party_label(p) for p in parties])
    axes.set_xlabel("seats lost (hatched) and gained through the pact")
    axes.set_title(result.flips_title)
    if not parties:
        axes.text(0.5, 0.5, "no seat changes hands", transform=axes.transAxes, ha="center")
    limit = max([*gained.values(), *lost.values(), 1]) * 1.25
    axes.set_xlim(-limit, limit)
