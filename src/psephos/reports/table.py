"""The terminal view of a `Count`: a rich table with a column per stage.

Figures are cut to ``places`` decimals (default 2, as councils publish them) so ten
candidates by twelve stages stay legible; the JSON and CSV views keep every digit.
When the stages do not fit (more than ``max_stages``, or wider than ``width``) the
table keeps the first stages and the last few, marks the gap with a "…" column and
says in the caption how many were left out.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from rich import box
from rich.table import Table
from rich.text import Text

from psephos.count import Count, Stage
from psephos.reports.labels import (
    display,
    seats_at,
    short_names,
    shown,
    status,
    votes,
)

#: Widest the candidate column gets before names wrap onto a second line.
NAME_WIDTH = 24
#: Space a column costs beyond its text (padding and the separator).
GAP = 1


def count_table(count: Count, *, places: int | None = 2, max_stages: int = 12,
                width: int | None = None, title: str | None = None) -> Table:
    """Candidates down, stages across, each cell the votes held after that stage.

    ``places=None`` shows the rule's full precision. ``width`` is the terminal width to
    fit (e.g. ``console.width``); stages are elided rather than squeezed to nothing.
    From the stage a candidate is elected their figures are green; after exclusion a
    dash. The last column says "elected 3" / "excluded 5" (the stage it happened).
    """
    if max_stages < 3:
        raise ValueError("max_stages must be at least 3")
    digits = count.precision if places is None else min(places, count.precision)

    def fmt(value: Decimal) -> str:
        return shown(value, digits)

    short = short_names(count.candidates)
    result = status(count)
    won = seats_at(count)
    cell = max(7, *(len(fmt(v)) for s in count.stages for v in (*s.tallies, s.exhausted)))
    limit = max_stages
    if width is not None:
        names = min(NAME_WIDTH, max(16, *(len(display(n)) for n in count.candidates)))
        room = width - names - len("excluded 10") - 2 * GAP
        fits = room // (cell + GAP)
        if fits < len(count.stages):  # the "…" column takes two characters
            fits = (room - 2) // (cell + GAP) + 1
        limit = max(3, min(limit, fits))
    stages, left_out = _visible(count.stages, limit)

    table = Table(title=title or _title(count), caption=_caption(count, stages, left_out),
                  box=box.SIMPLE_HEAD, header_style="bold", caption_justify="left",
                  pad_edge=False, padding=(0, 0))
    table.add_column("Candidate", overflow="ellipsis", min_width=16, max_width=NAME_WIDTH)
    for stage in stages:
        if stage is None:
            table.add_column("…", justify="center", no_wrap=True)
        else:
            table.add_column(_heading(stage, short, cell), justify="right", no_wrap=True,
                             min_width=cell)
    table.add_column("Result", no_wrap=True)

    for i, name in enumerate(count.candidates):
        kind, at = result.get(i, ("", 0))
        style = {"elected": "bold green", "excluded": "dim"}.get(kind, "")
        cells: list[Text] = []
        for stage in stages:
            if stage is None:
                cells.append(Text("…", style="dim"))
            elif kind == "excluded" and stage.number > at:
                cells.append(Text("–", style="dim"))
            elif kind == "elected" and stage.number >= at:
                cells.append(Text(fmt(stage.tallies[i]), style=style))
            else:
                cells.append(Text(fmt(stage.tallies[i])))
        table.add_row(Text(display(name), style=style), *cells,
                      Text(_result(kind, at, won.get(i, [])), style=style))

    table.add_section()
    table.add_row(Text("Non-transferable", style="italic"),
                  *_row(stages, lambda s: fmt(s.exhausted)), "")
    if any(s.lost for s in count.stages):
        table.add_row(Text("Lost (truncation)", style="italic"),
                      *_row(stages, lambda s: fmt(s.lost)), "")
    if any(s.threshold is not None for s in count.stages):  # AV/RCTab recompute it
        table.add_row(Text("Threshold", style="italic"), *_row(
            stages, lambda s: "" if s.threshold is None else fmt(s.threshold)), "")
    elif count.quota is not None:
        quota = fmt(count.quota)
        table.add_row(Text("Quota", style="italic"), *_row(stages, lambda s: quota), "")
    return table


def _result(kind: str, at: int, won: list[int]) -> str:
    """``"elected 3"``, ``"excluded 5"``, or for a list winning several seats ``"elected 1, 3"``."""
    if kind == "elected":
        return "elected " + ", ".join(map(str, won))
    return f"{kind} {at}" if kind else ""


def _heading(stage: Stage, short: list[str], width: int) -> str:
    """Number, action and subject (maybe empty) on three lines, so the numbers line up."""
    subject = ", ".join(short[c] for c in stage.subjects)
    if len(subject) > width:
        subject = subject[: width - 1] + "…"
    return f"{stage.number}\n{stage.action}\n{subject}"


def _visible(stages: tuple[Stage, ...], limit: int) -> tuple[list[Stage | None], range]:
    """All stages, or the first one or two and the last few, ``None`` marking the gap.

    Also returns the stage numbers left out (an empty range when all are shown).
    """
    if len(stages) <= limit:
        return list(stages), range(0)
    head = 1 if limit < 6 else 2
    tail = limit - head - 1
    left_out = range(stages[head].number, stages[-tail].number)
    return [*stages[:head], None, *stages[-tail:]], left_out


def _row(stages: list[Stage | None], cell: Callable[[Stage], str]) -> list[str]:
    return ["…" if s is None else cell(s) for s in stages]


def _title(count: Count) -> str:
    seats = f"{count.seats} seat{'s' if count.seats != 1 else ''}"
    return f"{count.method}: {seats}, {count.valid} valid votes"


def _caption(count: Count, shown_stages: list[Stage | None], left_out: range) -> str:
    """The quota, the stages left out, the notes of the stages shown (e.g. an uncontested
    election; a list count's notes only repeat its Result column) and every tie decided."""
    parts = []
    if count.quota is not None:
        parts.append(f"Quota {votes(count.quota, count.precision)}.")
    if left_out:
        parts.append(f"Stages {left_out.start}–{left_out.stop - 1} of {len(count.stages)} "
                     "not shown.")
    if not any(s.action == "allocate" for s in count.stages):
        parts.extend(f"Stage {s.number}: {s.note}." for s in shown_stages
                     if s is not None and s.note)
    for lot in count.lots:
        chosen = display(count.candidates[lot.chosen])
        if lot.by_earlier_stage:
            parts.append(f"Stage {lot.stage}: {chosen} chosen by {lot.how} ({lot.purpose}).")
        else:
            parts.append(f"Stage {lot.stage}: {chosen} chosen by lot ({lot.purpose}; {lot.how}).")
    return " ".join(parts)
