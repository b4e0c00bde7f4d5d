"""`psephos count`: read a ballot file, count it under one rule, show every stage.

Only light modules are imported here: numpy, rich, the readers, the rules and the reports
load inside the command, so `psephos --version` and the other subcommands do not pay for
them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from psephos.cli.output import (
    JsonOption,
    check_chart,
    check_output,
    emit_json,
    fail,
    is_stdout,
    output_errors,
    write_atomically,
)
from psephos.rules.registry import RULES

if TYPE_CHECKING:
    from psephos.ballots.profile import Profile
    from psephos.count import Count

T = TypeVar("T")

#: The ballot formats `psephos.ballots.readers.READERS` reads (a test keeps them equal),
#: named here so that ``--help`` does not import every reader.
FORMATS = ("blt", "csv", "json", "scottish-csv")


def count_command(
    file: Annotated[Path | None, typer.Argument(help="Ballot file (BLT, CSV, JSON, ...).")] = None,
    method: Annotated[str | None, typer.Option(
        "--method", "-m",
        help=f"Counting rule: {', '.join(RULES)}. Default: av for one seat, stv-scotland for more.",
    )] = None,
    seats: Annotated[int | None, typer.Option(
        "--seats", "-s", help="Seats to fill (default: as the file declares, else 1).")] = None,
    format: Annotated[str | None, typer.Option(
        "--format", "-f", help=f"Input format: {', '.join(FORMATS)}.")] = None,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the stage table as CSV.")] = False,
    chart: Annotated[Path | None, typer.Option(
        "--chart", help="Draw the transfers to a .png or .svg file (a file, not '-').")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed for any decision by lot.")] = None,
    lot_order: Annotated[list[str] | None, typer.Option(
        "--lot-order", metavar="NAME",
        help="A candidate's name, in the order lots were drawn, earliest first; repeat the "
             "option for each name (--lot-order A --lot-order 'Smith, John'). A single value "
             "that is not a candidate's name is read as names separated by commas.")] = None,
    lot_order_file: Annotated[Path | None, typer.Option(
        "--lot-order-file",
        help="A UTF-8 file of candidate names, one a line, in the order lots were drawn "
             "(blank lines are skipped).")] = None,
    option: Annotated[list[str] | None, typer.Option(
        "--option", "-o", metavar="KEY=VALUE",
        help="A rule's own option KEY=VALUE, repeatable, e.g. -o split=openstv for meek "
             "(OpenSTV's surplus split; hill is the default). Keys: "
             + "; ".join(f"{entry.name}: {', '.join(entry.options)}"
                         for entry in RULES.values() if entry.options)
             + ". A wrong key or value lists what the rule takes.")] = None,
    rctab_config: Annotated[Path | None, typer.Option(
        "--rctab-config", help="Run an RCTab contest config as RCTab would.")] = None,
    rctab_summary: Annotated[Path | None, typer.Option(
        "--rctab-summary",
        help="Also write RCTab's detailed-report JSON to this file ('-': print it instead "
             "of the table).")] = None,
) -> None:
    """Count a ballot file and show every stage.

    Example: psephos count ward.blt --method meek --option split=openstv --json
    """
    _check_outputs(as_json=as_json, as_csv=as_csv, chart=chart, rctab_summary=rctab_summary)
    if lot_order and lot_order_file is not None:
        fail("give --lot-order or --lot-order-file, not both")
    from psephos.ballots.errors import BallotFileError
    from psephos.rules.errors import OptionError, RuleError

    report: dict[str, Any] | None
    try:
        if rctab_config is not None:
            if lot_order or lot_order_file is not None or option:
                fail("--lot-order, --lot-order-file and --option apply to a ballot FILE; an "
                     "RCTab config sets its own rules and tie-break")
            result, report = _run_rctab(rctab_config)
        elif file is None:
            fail("give a ballot FILE, or --rctab-config CONFIG.json")
        else:
            from psephos.ballots.readers import read_profile

            profile = read_profile(file, format)
            order = _lot_order(profile.candidates, lot_order, lot_order_file)
            name, options = _rule_options(profile, method, seats, seed, order, option or [])
            try:
                result = _count(profile, name, seats, options)
            except OptionError:
                raise
            except RuleError as error:  # about this file's count: say which file
                fail(f"{file}: {error}")
            report = _rctab_report(result, profile) if rctab_summary is not None else None
    except (BallotFileError, RuleError) as error:
        fail(str(error))
    _emit(result, report, as_json=as_json, as_csv=as_csv, chart=chart, rctab_summary=rctab_summary)


def _check_outputs(*, as_json: bool, as_csv: bool, chart: Path | None,
                   rctab_summary: Path | None) -> None:
    """Refuse, before any counting, outputs that clash or cannot be written."""
    if as_json and as_csv:
        fail("choose one of --json and --csv")
    if is_stdout(rctab_summary) and (as_json or as_csv):
        fail("--rctab-summary - prints the summary on standard output; it cannot share it "
             "with --json or --csv")
    check_chart(chart)
    if chart is not None and rctab_summary is not None and chart == rctab_summary:
        fail(f"{chart}: given for both --chart and --rctab-summary")
    check_output(chart)
    check_output(rctab_summary)


def _lot_order(candidates: Sequence[str], given: list[str] | None,
               path: Path | None) -> tuple[str, ...] | None:
    """The declared lot order, from repeated ``--lot-order`` values or a file, checked
    against the candidates (`check_lot_order`) before anything is counted."""
    from psephos.rules.ties import check_lot_order, name_finder

    if path is not None:
        names = _read_names(path)
    elif given:
        names = [name.strip() for name in given]
        if len(given) == 1 and name_finder(candidates)(names[0]) is None and "," in names[0]:
            names = [name.strip() for name in names[0].split(",")]
    else:
        return None
    return check_lot_order(candidates, names)


def _read_names(path: Path) -> list[str]:
    from psephos.ballots.errors import BallotFileError
    from psephos.files import input_problem

    problem = input_problem(path, "a text file of candidate names, one a line")
    if problem is not None:
        raise BallotFileError(path, problem)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BallotFileError(path, "not UTF-8 text; give candidate names one a line") from None
    except OSError as error:
        raise BallotFileError(path, error.strerror or str(error)) from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _rule_options(profile: Profile, method: str | None, seats: int | None, seed: int | None,
                  lot_order: tuple[str, ...] | None,
                  pairs: list[str]) -> tuple[str, dict[str, object]]:
    """The rule to count by and its options, checked before counting (`count_options`)."""
    from psephos.rules.registry import count_options

    return count_options(profile, method, seats, seed=seed, lot_order=lot_order, pairs=pairs)


def _count(profile: Profile, name: str, seats: int | None, options: dict[str, object]) -> Count:
    from psephos.rules.registry import count

    return _with_progress(f"Counting {profile.n_ballots:,} ballots by {name}",
                          lambda: count(profile, name, seats, **options))


def _rctab_report(result: Count, profile: Profile) -> dict[str, Any]:
    from psephos.rctab.summary import profile_report

    return profile_report(result, profile)


def _run_rctab(config: Path) -> tuple[Count, dict[str, Any]]:
    from psephos.rctab.runner import run_rctab_config

    return _with_progress(f"Tabulating {config.name}", lambda: run_rctab_config(config))


def _with_progress(label: str, work: Callable[[], T]) -> T:
    """Run ``work``; if it takes over a second, show a progress spinner on stderr meanwhile."""
    import threading

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
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        with Progress(SpinnerColumn(), TextColumn(label), TimeElapsedColumn(), console=console,
                      transient=True) as progress:
            progress.add_task(label, total=None)
            while thread.is_alive():
                thread.join(0.1)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def _emit(result: Count, report: dict[str, Any] | None, *, as_json: bool, as_csv: bool,
          chart: Path | None, rctab_summary: Path | None) -> None:
    import sys

    if chart is not None:
        from psephos.reports.chart import write_chart

        with output_errors(chart):  # write_chart writes whole or not at all itself
            write_chart(result, chart)
    if rctab_summary is not None and report is not None:
        if is_stdout(rctab_summary):
            emit_json(report)
            return
        from psephos.rctab.summary import summary_text

        text = summary_text(report)
        write_atomically(rctab_summary, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    if as_json:
        from psephos.reports.json import count_to_json

        emit_json(count_to_json(result))
    elif as_csv:
        from psephos.reports.csv import write_count_csv

        write_count_csv(result, sys.stdout)
    else:
        from rich.console import Console

        from psephos.reports.table import count_table

        console = Console()
        console.print(count_table(result, width=console.width))
