"""`psephos pact`: what an electoral pact would have done to a general election's seats, or
to a Scottish Parliament election's two layers (constituencies and regional lists)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from psephos.cli.output import JsonOption, check_chart, check_output, emit_json, fail, is_stdout
from psephos.cli.results import CacheDirOption, MirrorOption

if TYPE_CHECKING:
    from psephos.model.errors import ScenarioError
    from psephos.model.results import PactResult
    from psephos.model.scenario import Scenario
    from psephos.uk.tables import GeneralElection

# Scenario setting -> the flag that sets it, to name the right thing in an error.
FLAGS = {
    "election": "ELECTION", "alliance": "--alliance", "scope": "--scope",
    "stand_aside.rule": "--stand-aside",
    "stand_aside.ranked_at": "--ranked-at", "stand_aside.seats": "--stand-aside",
    "transfer.ally": "--transfer",
    "transfer.preset": "--preset", "swing.model": "--swing", "swing.by": "--swing-by",
    "swing.poll": "--poll", "swing.area_polls": "--poll", "draws.n": "--draws",
    "draws.seed": "--seed", "draws.national_sd": "--national-sd",
    "draws.seat_sd": "--seat-sd", "draws.transfer_sd": "--transfer-sd", "explain": "--explain",
}
PROGRESS_FROM = 20_000  # draws; fewer finish in about a second
#: Settings that only matter with draws: giving one without ``--draws`` is a mistake.
DRAW_SETTINGS = {"seed": "draws.seed", "national_sd": "draws.national_sd",
                 "seat_sd": "draws.seat_sd", "transfer_sd": "draws.transfer_sd",
                 "list_sd": "draws.list_sd"}


def pact_command(
    election: Annotated[str | None, typer.Argument(
        help="Base election: ge2010, ge2015, ge2017, ge2019, ge2019-notional, ge2024, or a "
             "Scottish Parliament election (sp2016, sp2021, sp2026; list tactics in a "
             "--scenario file's [list] table)."
    )] = None,
    alliance: Annotated[str | None, typer.Option(
        "--alliance", help="Allied parties, comma-separated party codes in any case (e.g. "
                           "lab,ld,green).")
    ] = None,
    stand_aside: Annotated[str | None, typer.Option(
        "--stand-aside", help="Who stands: best-placed, incumbent, a party code, or listed "
                              "(the seats listed in a --scenario file).")
    ] = None,
    ranked_at: Annotated[str | None, typer.Option(
        "--ranked-at", help="Judge best-placed at this election (default: the base one).")
    ] = None,
    transfer: Annotated[float | None, typer.Option(
        "--transfer", help="Share of a stood-down party's vote that goes to the alliance "
                           "candidate (default 1.0).")] = None,
    preset: Annotated[str | None, typer.Option(
        "--preset", help="Transfer matrix: flat or ec-close-contest-2024.")] = None,
    poll: Annotated[list[str] | None, typer.Option(
        "--poll", help="Poll shares, e.g. con=0.38,lab=0.30; AREA:party=share for one "
                       "nation or region. Repeatable.")] = None,
    swing: Annotated[str | None, typer.Option(
        "--swing", help="Swing model: none, uniform or proportional.")] = None,
    swing_by: Annotated[str | None, typer.Option(
        "--swing-by", help="Swing area: national, nation or region.")] = None,
    scope: Annotated[str | None, typer.Option(
        "--scope", help="Seats the pact covers: gb (default; no NI, no Speaker), uk, all.")
    ] = None,
    draws: Annotated[int | None, typer.Option(
        "--draws", help="Monte Carlo draws for seat ranges and win chances (default 0).")
    ] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed for the draws (needs --draws; default 0).")] = None,
    national_sd: Annotated[float | None, typer.Option(
        "--national-sd", help="National noise per party per draw, in shares (0.02).")] = None,
    seat_sd: Annotated[float | None, typer.Option(
        "--seat-sd", help="Seat noise per candidate per draw, in shares (0.04).")] = None,
    transfer_sd: Annotated[float | None, typer.Option(
        "--transfer-sd", help="Noise on the transfer share per party per draw (0).")] = None,
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="A TOML scenario file; flags override its settings.")] = None,
    explain_seat: Annotated[str | None, typer.Option(
        "--explain", help="Trace one constituency (id or name; case, accents and "
                          "punctuation do not matter) step by step; for a Scottish "
                          "Parliament election, a region's d'Hondt rounds before and after.")
    ] = None,
    as_json: JsonOption = False,
    csv_file: Annotated[Path | None, typer.Option(
        "--csv", help="Write one row per constituency to this CSV file (- for standard "
                      "output).")] = None,
    chart: Annotated[Path | None, typer.Option(
        "--chart", help="Draw seats before/after and flips to a .png or .svg file (a file, "
                        "not '-').")] = None,
    mirror: MirrorOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Model an electoral pact on real results: who stands aside, where the votes go.

    Example: psephos pact ge2019 --alliance lab,ld,snp,green,pc --draws 10000

    Example: psephos pact sp2021 --alliance snp,green --explain Glasgow
    """
    from psephos.model.errors import ScenarioError

    _check_outputs(csv_file, chart, as_json)
    flags = _flag_settings(election, alliance, stand_aside, ranked_at, transfer, preset, poll,
                           swing, swing_by, scope, draws, seed, national_sd, seat_sd,
                           transfer_sd)
    try:
        result, trace = _run(scenario, flags, explain_seat, mirror, cache_dir)
    except ScenarioError as error:
        fail(_where(error, scenario, flags))
    from psephos.model.ams import AmsResult

    if isinstance(result, AmsResult) and (csv_file is not None or chart is not None):
        fail("--csv and --chart are for general elections; a Scottish Parliament pact is "
             "written as a table or --json")
    _emit(result, trace, as_json=as_json, csv_file=csv_file, chart=chart)


def _run(file: Path | None, flags: dict[str, Any], seat: str | None,
         mirror: Path | None, cache_dir: Path | None) -> tuple[Any, Any]:
    from psephos.model.errors import ScenarioError
    from psephos.model.explain import explain
    from psephos.model.project import run_pact
    from psephos.model.scenario import AMS_ELECTIONS, Scenario
    from psephos.model.scenario_file import LIST_SETTING, scenario_settings

    from_file = scenario_settings(file) if file is not None else {}
    settings = {**from_file, **flags}
    if "election" not in settings:
        fail("give an ELECTION (e.g. ge2019) or a --scenario file that names one")
    lists = settings.pop(LIST_SETTING, None)
    ams = {"list_sd": settings.pop("list_sd")} if "list_sd" in settings else {}
    if settings["election"] in AMS_ELECTIONS:
        settings.setdefault("alliance", ())
    elif lists is not None or ams:
        raise ScenarioError("list" if lists is not None else "draws.list_sd",
                            "only for Scottish Parliament elections "
                            f"({', '.join(AMS_ELECTIONS)})")
    if "alliance" not in settings:
        fail("give the --alliance (e.g. lab,ld,green) or a --scenario file that names one")
    # A draw setting given without draws is a mistake; a file's, when its own draws are
    # turned off by --draws 0, is not.
    for given, draws in ((from_file, from_file.get("draws")), (flags, settings.get("draws"))):
        for name, key in DRAW_SETTINGS.items():
            if name in given and not draws:
                raise ScenarioError(key, "only matters with draws: give --draws N (draws.n in "
                                    "a scenario file) too")
    chosen = Scenario(**settings)
    if chosen.election in AMS_ELECTIONS:
        return _run_ams(chosen, lists, ams, seat, mirror, cache_dir)
    base, ranking = _load(chosen, mirror, cache_dir)
    result = _with_progress(chosen.draws, lambda tick: run_pact(
        base, chosen, ranking=ranking, progress=tick))
    return result, explain(result, seat) if seat is not None else None


def _run_ams(scenario: Scenario, lists: Any, ams: dict[str, Any], region: str | None,
             mirror: Path | None, cache_dir: Path | None) -> tuple[Any, Any]:
    """A pact on a Scottish Parliament election: both layers; ``region`` to explain."""
    from psephos.model.ams import AmsScenario, run_ams_pact
    from psephos.model.errors import ScenarioError
    from psephos.model.list_plan import ListPlan
    from psephos.uk.errors import UKDataError
    from psephos.uk.scottish_parliament import load_scottish_parliament

    chosen = AmsScenario(scenario, lists if lists is not None else ListPlan(), **ams)
    if scenario.ranked_at is not None and scenario.ranked_at != scenario.election:
        raise ScenarioError("stand_aside.ranked_at", "best-placed is judged at the base "
                            "election under AMS (constituency boundaries changed in 2026)")
    try:
        election = load_scottish_parliament(scenario.election, mirror=mirror,
                                            cache_dir=cache_dir)
    except UKDataError as error:
        fail(str(error))
    result = _with_progress(scenario.draws, lambda tick: run_ams_pact(
        election, chosen, progress=tick))
    if region is not None:
        result.region(region)  # an unknown region is a mistake, said before any output
    return result, region


def _load(scenario: Scenario, mirror: Path | None, cache_dir: Path | None
          ) -> tuple[GeneralElection, GeneralElection | None]:
    from psephos.model.elections import scenario_elections
    from psephos.uk.errors import UKDataError

    try:
        return scenario_elections(scenario, mirror=mirror, cache_dir=cache_dir)
    except UKDataError as error:
        fail(str(error))


def _with_progress(draws: int, work: Callable[[Callable[[int], None] | None], Any]) -> Any:
    """Run ``work``; with many draws, show a progress bar on stderr meanwhile."""
    if draws < PROGRESS_FROM:
        return work(None)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"{draws:,} draws", total=draws)
        return work(lambda done: progress.update(task, completed=done))


def _flag_settings(election: str | None, alliance: str | None, stand_aside: str | None,
                   ranked_at: str | None, transfer: float | None, preset: str | None,
                   poll: list[str] | None, swing: str | None, swing_by: str | None,
                   scope: str | None, draws: int | None, seed: int | None,
                   national_sd: float | None, seat_sd: float | None,
                   transfer_sd: float | None) -> dict[str, Any]:
    """Scenario settings given as flags (only those given)."""
    from psephos.model.errors import ScenarioError
    from psephos.model.options import option_settings

    try:
        return option_settings(
            election=election, alliance=alliance, stand_aside=stand_aside, ranked_at=ranked_at,
            transfer=transfer, preset=preset, poll=poll, swing=swing, swing_by=swing_by,
            scope=scope, draws=draws, seed=seed, national_sd=national_sd, seat_sd=seat_sd,
            transfer_sd=transfer_sd)
    except ScenarioError as error:
        fail(_where(error, None, {}))


def _where(error: ScenarioError, file: Path | None, flags: dict[str, Any]) -> str:
    """The error, said of the flag that set the setting, else of the scenario file."""
    if error.path is not None:
        return str(error)
    flag = next((f for key, f in FLAGS.items()
                 if error.key == key or error.key.startswith(key + ".")), None)
    field = _field(error.key)
    if flag is not None and (file is None or field in flags or error.key == "explain"):
        return f"{flag}: {error.message}"
    if file is not None:
        return str(error.in_file(str(file)))
    return str(error)


def _field(key: str) -> str:
    """The `Scenario` field a setting key belongs to."""
    from psephos.model.scenario_file import FIELDS

    table, _, rest = key.partition(".")
    if not rest:
        return FIELDS[""].get(table, table)
    name = rest.split(".")[0]
    return FIELDS.get(table, {}).get(name, name)


def _check_outputs(csv_file: Path | None, chart: Path | None, as_json: bool) -> None:
    """Refuse bad output paths before any work, so nothing is half-written: a folder, a
    device, a symlink, an unwritable or missing folder (`check_output`)."""
    check_chart(chart)
    if is_stdout(csv_file) and as_json:
        fail("--csv - and --json both write to standard output; choose one")
    check_output(csv_file)
    check_output(chart)


def _emit(result: Any, trace: Any, *, as_json: bool, csv_file: Path | None,
          chart: Path | None) -> None:
    from psephos.cli.output import write_atomically
    from psephos.model.ams import AmsResult

    if isinstance(result, AmsResult):
        _emit_ams(result, trace, as_json=as_json)
        return

    if chart is not None:
        from psephos.model.chart import pact_figure

        figure = pact_figure(result)
        fmt = chart.suffix.casefold().lstrip(".")
        write_atomically(chart, lambda tmp: figure.savefig(tmp, format=fmt, dpi=120))
    if csv_file is not None:
        _write_csv(result, csv_file)
        if is_stdout(csv_file):
            return
    if as_json:
        from psephos.model.report import result_to_dict

        emit_json(result_to_dict(result, trace))
        return
    from rich.console import Console

    from psephos.model.render import flips_table, seats_table, trace_table

    console = Console()
    console.print(seats_table(result))
    if result.flips:
        console.print(flips_table(result))
    else:
        console.print(f"{result.flips_title}.")
    if trace is not None:
        console.print(trace_table(trace))


def _emit_ams(result: Any, region: str | None, *, as_json: bool) -> None:
    from psephos.model.ams_report import (
        ams_regions_table,
        ams_seats_table,
        ams_to_dict,
        rounds_table,
    )

    if as_json:
        emit_json(ams_to_dict(result, region))
        return
    from rich.console import Console

    console = Console()
    console.print(ams_seats_table(result))
    console.print(ams_regions_table(result))
    if region is not None:
        console.print(rounds_table(result.region(region)))


def _write_csv(result: PactResult, path: Path) -> None:
    """One row per constituency, to ``path`` whole or not at all, or to standard output."""
    import sys

    from psephos.cli.output import write_atomically
    from psephos.model.report import write_csv

    if is_stdout(path):
        write_csv(result, sys.stdout)
        return

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as stream:
            write_csv(result, stream)

    write_atomically(path, write)
