"""`psephos count`: read a ballot file, count it under one rule, show every stage."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from psephos.ballots.errors import BallotFileError
from psephos.ballots.profile import Profile
from psephos.ballots.readers import READERS, read_profile
from psephos.cli.output import fail, write_atomically
from psephos.count import Count
from psephos.rules.errors import RuleError
from psephos.rules.registry import RULES

T = TypeVar("T")



def count_command(
    file: Annotated[Path | None, typer.Argument(help="Ballot file (BLT, CSV, JSON, ...).")] = None,
    method: Annotated[str | None, typer.Option(
        "--method", "-m",
        help=f"Counting rule: {', '.join(RULES)}. Default: av for one seat, stv-scotland for more.",
    )] = None,
    seats: Annotated[int | None, typer.Option(
        "--seats", "-s", help="Seats to fill (default: as the file declares, else 1).")] = None,
    format: Annotated[str | None, typer.Option(
        "--format", "-f", help=f"Input format: {', '.join(sorted(READERS))}.")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the count as one JSON object.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the stage table as CSV.")] = False,
    chart: Annotated[Path | None, typer.Option(
        "--chart", help="Draw the transfers to a .png or .svg.")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed for any decision by lot.")] = None,
    lot_order: Annotated[str | None, typer.Option(
        "--lot-order", help="Names in the order drawn by lot, comma-separated.")] = None,
    rctab_config: Annotated[Path | None, typer.Option(
        "--rctab-config", help="Run an RCTab contest config as RCTab would.")] = None,
    rctab_summary: Annotated[Path | None, typer.Option(
        "--rctab-summary", help="Also write RCTab's detailed-report JSON here.")] = None,
) -> None:
    """Count a ballot file and show every stage.

    Example: psephos count ward.blt --method stv-scotland --json
    """
    if as_json and as_csv:
        fail("choose one of --json and --csv")
    report: dict[str, Any] | None
    try:
        if rctab_config is not None:
            result, report = _run_rctab(rctab_config)
        elif file is None:
            fail("give a ballot FILE, or --rctab-config CONFIG.json")
        else:
            profile = read_profile(file, format)
            result = _count(profile, method, seats, seed, lot_order)
            report = _rctab_report(result, profile) if rctab_summary is not None else None
    except (BallotFileError, RuleError) as error:
        fail(str(error))
    _emit(result, report, as_json=as_json, as_csv=as_csv, chart=chart, rctab_summary=rctab_summary)


def _count(profile: Profile, method: str | None, seats: int | None, seed: int | None,
           lot_order: str | None) -> Count:
    from psephos.rules.registry import count

    seats = seats if seats is not None else (profile.seats or 1)
    name = method or ("av" if seats == 1 else "stv-scotland")
    if name not in RULES:
        fail(f"unknown method {name!r}; choose one of {', '.join(RULES)}")
    options: dict[str, object] = {"seed": seed}
    if lot_order:
        options["lot_order"] = [n.strip() for n in lot_order.split(",") if n.strip()]
    return _with_progress(f"Counting {profile.n_ballots:,} ballots by {name}",
                          lambda: count(profile, name, seats, **options))


def _rctab_report(result: Count, profile: Profile) -> dict[str, Any]:
    from psephos.rctab.summary import detailed_report

    return detailed_report(result, contest={"contestName": profile.title},
                           total_ballots=profile.n_ballots + profile.blank,
                           undervotes=profile.blank, listed=profile.n_candidates,
                           withdrawn=profile.withdrawn)


def _run_rctab(config: Path) -> tuple[Count, dict[str, Any]]:
    from psephos.rctab.runner import run_rctab_config

    return _with_progress(f"Tabulating {config.name}", lambda: run_rctab_config(config))


def _with_progress(label: str, work: Callable[[], T]) -> T:
    """Run ``work``; if it takes over a second, show a progress spinner on stderr meanwhile."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as error:  # re-raised in the caller's thread
            box["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(1.0)
    if thread.is_alive():
        console = Console(stderr=True)
        with Progress(SpinnerColumn(), TextColumn(label), TimeElapsedColumn(), console=console,
                      transient=True) as progress:
            progress.add_task(label, total=None)
            while thread.is_alive():
                thread.join(0.1)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _emit(result: Count, report: dict[str, Any] | None, *, as_json: bool, as_csv: bool,
          chart: Path | None, rctab_summary: Path | None) -> None:
    import json
    import sys

    if chart is not None:
        from psephos.reports.chart import write_chart

        if chart.suffix.casefold() not in (".png", ".svg"):
            fail(f"{chart}: the chart file must end in .png or .svg")
        write_atomically(chart, lambda tmp: write_chart(result, tmp))
    if rctab_summary is not None and report is not None:
        text = json.dumps(report, indent=2) + "\n"
        write_atomically(rctab_summary, lambda tmp: _write_text(tmp, text))
    if as_json:
        from psephos.reports.json import count_to_json

        sys.stdout.write(count_to_json(result) + "\n")
    elif as_csv:
        from psephos.reports.csv import write_count_csv

        write_count_csv(result, sys.stdout)
    else:
        from psephos.reports.table import count_table

        console = Console()
        console.print(count_table(result, width=console.width))
