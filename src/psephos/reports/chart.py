"""A static chart of a `Count`: where each candidate's votes came from, stage by stage.

One horizontal bar per candidate, built from the votes received at each stage (first
preferences, then every transfer, a colour per stage), with the quota as a line. The
part of a bar that was passed on again (a surplus, or all of an excluded candidate's
votes) is hatched, so the solid part is what the candidate finally held. A last row
shows the votes that became non-transferable at each stage. List counts (highest
averages), where no votes move, get one bar of votes per list and its seats.

matplotlib's object API is used directly (no pyplot): nothing touches a display or
global figure state, so it is safe in a server or a test run.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.colors import Colormap
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch

from psephos.count import Count, Stage
from psephos.files import write_atomically
from psephos.reports.labels import (
    describe,
    display,
    is_allocation,
    seats_at,
    short_names,
    shown,
    status,
)

FORMATS = {".png": "png", ".svg": "svg"}
FIRST_COLOUR = "#34495e"
ELECTED_COLOUR = "#1a7f37"
EXCLUDED_COLOUR = "#8c8c8c"
QUOTA_COLOUR = "#c0392b"
#: Tableau 10 without its grey: distinct hues for the transfer stages, in order.
TRANSFER_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
                    "#b07aa1", "#ff9da7", "#9c755f")
BAR = 0.72


def write_chart(count: Count, path: str | Path, *, title: str | None = None) -> None:
    """Draw ``count`` to ``path``, PNG or SVG by its suffix; written whole or not at all."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: chart format must be one of {', '.join(FORMATS)}")
    figure = count_figure(count, title=title)

    def save(temporary: Path) -> None:
        # SVG text stays text (searchable, read by screen readers); ids are stable.
        with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "psephos"}):
            figure.savefig(temporary, format=fmt, dpi=150, metadata=_metadata(fmt))

    write_atomically(path, save)


def count_figure(count: Count, *, title: str | None = None) -> Figure:
    """The chart as a matplotlib `Figure` (for callers that embed or restyle it)."""
    allocation = is_allocation(count)
    order = _order(count)
    rows: list[int | None] = list(order) if allocation else [*order, None]
    legend_rows = 1 if allocation else len(count.stages)
    figure = Figure(figsize=(11, 1.6 + 0.42 * len(rows) + 0.2 * legend_rows),
                    layout=ConstrainedLayoutEngine(w_pad=0.12, h_pad=0.1))
    ax = figure.add_subplot()
    span = _span(count, allocation)
    if allocation:
        handles = _allocation_bars(ax, count, order, span)
        legend_title = None
    else:
        handles = _transfer_bars(ax, count, rows, span)
        legend_title = "votes received at stage"

    result = status(count)
    names = [display(count.candidates[c]) if c is not None else "Non-transferable" for c in rows]
    ax.set_yticks(range(len(rows)), names)
    for tick, c in zip(ax.get_yticklabels(), rows, strict=True):
        kind = "" if c is None else result.get(c, ("", 0))[0]
        tick.set_color(_colour(kind))
        if kind == "elected":
            tick.set_fontweight("bold")
    if count.quota is not None:
        ax.axvline(float(count.quota), color=QUOTA_COLOUR, linestyle="--", linewidth=1.2,
                   zorder=3)
        ax.text(float(count.quota), -0.75, f" quota {shown(count.quota, 2)}",
                color=QUOTA_COLOUR, fontsize=9, va="bottom")
    ax.set_xlim(0, span * 1.35)
    ax.set_ylim(len(rows) - 0.5, -1.1)  # first row on top, room above it for the quota label
    ax.set_xlabel("votes")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure.suptitle(title or count.method, x=0.01, ha="left", fontsize=13, fontweight="bold")
    ax.set_title(_subtitle(count), loc="left", fontsize=9.5, color="#555555")
    figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8.5,
                  frameon=False, title=legend_title, title_fontsize=9)
    return figure


def _transfer_bars(ax: Axes, count: Count, rows: list[int | None], span: float) -> list[Patch]:
    """Stacked bars of votes received per stage; hatching over what was passed on."""
    colours = _stage_colours(len(count.stages))
    result = status(count)
    final = count.stages[-1]
    for row, c in enumerate(rows):
        left = 0.0
        for stage, colour in zip(count.stages, colours, strict=True):
            gain = _received(stage, c)
            if gain > 0:
                ax.barh(row, gain, left=left, color=colour, edgecolor="white", linewidth=0.4,
                        height=BAR)
                left += gain
        held = float(final.exhausted if c is None else final.tallies[c])
        if left > held:
            ax.barh(row, left - held, left=held, color="white", alpha=0.55, hatch="////",
                    edgecolor="#555555", linewidth=0, height=BAR)
        kind, at = ("", 0) if c is None else result.get(c, ("", 0))
        _write(ax, max(left, held) + span * 0.008, row, _note(count, c, kind, at), kind)
    short = short_names(count.candidates)
    handles = [Patch(color=colour, label=_stage_label(stage, short))
               for stage, colour in zip(count.stages, colours, strict=True)]
    handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="////",
                         label="passed on (surplus or exclusion)"))
    return handles


def _allocation_bars(ax: Axes, count: Count, order: list[int], span: float) -> list[Patch]:
    """One bar of votes per list, labelled with the seats it won and when."""
    won = seats_at(count)
    votes = count.stages[0].tallies
    for row, c in enumerate(order):
        stages = won.get(c, [])
        colour = ELECTED_COLOUR if stages else FIRST_COLOUR
        ax.barh(row, float(votes[c]), color=colour, height=BAR)
        seats = f"{len(stages)} seat{'s' if len(stages) != 1 else ''}"
        when = f" (stage{'s' if len(stages) > 1 else ''} {', '.join(map(str, stages))})"
        _write(ax, float(votes[c]) + span * 0.008, row,
               f"{shown(votes[c], 2)}: {seats}{when if stages else ''}",
               "elected" if stages else "")
    return [Patch(color=ELECTED_COLOUR, label="won a seat"),
            Patch(color=FIRST_COLOUR, label="no seat")]


def _write(ax: Axes, x: float, row: int, text: str, kind: str) -> None:
    """A note beside a bar, on a light box so the quota line does not run through it."""
    ax.text(x, row, text, va="center", fontsize=8.5, zorder=4, color=_colour(kind),
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})


def _span(count: Count, allocation: bool) -> float:
    """The longest bar, so notes and the quota fit beside it."""
    if allocation:
        best = max((float(v) for v in count.stages[0].tallies), default=0.0)
    else:
        best = max(sum(max(_received(s, c), 0.0) for s in count.stages)
                   for c in [*range(len(count.candidates)), None])
    return max(best, float(count.quota or 0), 1.0)


def _received(stage: Stage, c: int | None) -> float:
    """What ``c`` (None: the non-transferable pile) gained at ``stage``."""
    if c is None:
        return float(stage.exhausted_change if stage.number > 1 else stage.exhausted)
    if stage.number == 1:
        return float(stage.tallies[c])
    return float(stage.changes[c]) if stage.changes else 0.0


def _order(count: Count) -> list[int]:
    """Elected in order of election, then the rest, the last excluded first."""
    elected = list(dict.fromkeys(count.elected))  # a list may win several seats
    excluded = count.excluded
    rest = [c for c in range(len(count.candidates)) if c not in elected]
    rest.sort(key=lambda c: -excluded.index(c) if c in excluded else -len(excluded) - 1)
    return [*elected, *rest]


def _stage_colours(n: int) -> list[str | tuple[float, float, float, float]]:
    """Slate for first preferences, then a distinct colour per transfer stage."""
    if n - 1 <= len(TRANSFER_COLOURS):
        return [FIRST_COLOUR, *TRANSFER_COLOURS[: n - 1]]
    cmap: Colormap = mpl.colormaps["tab20"]
    return [FIRST_COLOUR, *(cmap(i % 20) for i in range(n - 1))]


def _stage_label(stage: Stage, short: Sequence[str]) -> str:
    text = f"{stage.number}: {describe(stage, short)}"
    if stage.transfer_value is not None:
        text += f" (value {stage.transfer_value})"
    return text


def _note(count: Count, c: int | None, kind: str, at: int) -> str:
    """The words beside a bar: the result, with the votes it happened on."""
    if c is None:
        return f"{shown(count.stages[-1].exhausted, 2)} votes"
    if kind == "elected":
        return f"✓ elected at stage {at} ({shown(count.stages[at - 1].tallies[c], 2)})"
    if kind == "excluded":  # on the votes they held before the stage that excluded them
        return f"excluded at stage {at} ({shown(_before(count, at, c), 2)})"
    return shown(count.stages[-1].tallies[c], 2)


def _before(count: Count, at: int, c: int) -> Decimal:
    return count.stages[max(at - 2, 0)].tallies[c]


def _colour(kind: str) -> str:
    return {"elected": ELECTED_COLOUR, "excluded": EXCLUDED_COLOUR}.get(kind, "#222222")


def _subtitle(count: Count) -> str:
    seats = f"{count.seats} seat{'s' if count.seats != 1 else ''}"
    parts = [count.method, seats, f"{count.valid:,} valid votes", f"{len(count.stages)} stages"]
    if count.quota is not None:
        parts.append(f"quota {shown(count.quota, 2)}")
    return " · ".join(parts)


def _metadata(fmt: str) -> dict[str, str | None]:
    """No dates in the file, so the same count always gives the same bytes."""
    return {"Date": None} if fmt == "svg" else {"Software": None}
