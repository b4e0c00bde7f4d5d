"""`psephos results`: count an official election and show seats and votes by party."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from psephos.cli.output import JsonOption, emit_json, fail

#: Where the publishers' files are read from: the options of every command that reads them.
MirrorOption = Annotated[Path | None, typer.Option(
    "--mirror", help="Read files from this folder if not cached (or PSEPHOS_MIRROR).")]
CacheDirOption = Annotated[Path | None, typer.Option(
    "--cache-dir", help="Cache folder (default: the user cache dir, or PSEPHOS_CACHE).")]


def results_command(
    election: Annotated[str, typer.Argument(
        help="ge2010 ... ge2024, sp2016, lm2016, lm2021 or senedd2026.")],
    as_json: JsonOption = False,
    mirror: MirrorOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Count every constituency of an official election; print seats and votes by party.

    Example: psephos results ge2019 --json
    """
    from psephos.cli import results_senedd_london
    from psephos.uk.catalogue import ELECTIONS, GENERAL_ELECTIONS
    from psephos.uk.errors import UKDataError

    if election not in ELECTIONS:
        fail(f"unknown election {election!r}; choose one of {', '.join(ELECTIONS)}")
    try:
        if election in GENERAL_ELECTIONS:
            report = _general(election, mirror, cache_dir)
        elif election == "sp2016":
            report = _holyrood(election, mirror, cache_dir)
        elif election in results_senedd_london.ELECTIONS:
            report = results_senedd_london.report(election, mirror, cache_dir)
        else:
            report = _mayor(election, mirror, cache_dir)
    except UKDataError as error:
        fail(str(error))
    if as_json:
        emit_json(report)
    elif election in GENERAL_ELECTIONS:
        _print_general(report)
    elif election == "sp2016":
        _print_holyrood(report)
    elif election in results_senedd_london.ELECTIONS:
        results_senedd_london.print_report(report)
    else:
        _print_mayor(report)


def _general(election: str, mirror: Path | None, cache_dir: Path | None) -> dict[str, Any]:
    from psephos.uk.catalogue import ELECTIONS
    from psephos.uk.general import load_general_election
    from psephos.uk.results import count_general_election

    loaded = load_general_election(election, mirror=mirror, cache_dir=cache_dir)
    return count_general_election(loaded, ELECTIONS[election].title).to_json()


def _holyrood(election: str, mirror: Path | None, cache_dir: Path | None) -> dict[str, Any]:
    from psephos.uk.scottish_parliament import count_scottish_parliament, load_scottish_parliament

    return count_scottish_parliament(load_scottish_parliament(election, mirror=mirror,
                                                              cache_dir=cache_dir))


def _mayor(election: str, mirror: Path | None, cache_dir: Path | None) -> dict[str, Any]:
    from psephos.uk.london_mayor import load_london_mayor, mayor_rounds

    return mayor_rounds(load_london_mayor(election, mirror=mirror, cache_dir=cache_dir))


def _print_general(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from psephos.uk.parties import party_label

    total = report["valid_votes"] or 1
    table = Table(title=f"{report['title']}: {report['constituencies']} constituencies, "
                        f"{report['valid_votes']:,} valid votes")
    for column in ("Party", "Seats", "Votes", "Share"):
        table.add_column(column, justify="left" if column == "Party" else "right")
    for party, votes in report["votes"].items():
        table.add_row(party_label(party), str(report["seats"].get(party, 0)), f"{votes:,}",
                      f"{100 * votes / total:.1f}%")
    Console().print(table)


def _print_holyrood(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Scottish Parliament 2016: seats by region "
                        "(list seats by d'Hondt after constituency seats)")
    for column in ("Region", "Constituency seats", "List seats (counted)", "List seats (declared)"):
        table.add_column(column)
    for region in report["regions"]:
        counted = region["list_seats"]
        table.add_row(region["region"], _seats(region["constituency_seats"]),
                      _seats(counted) if counted is not None else "no list votes",
                      _seats(region["reported_list_seats"] or {}))
    console.print(table)
    console.print(f"Seats in the {len(report['regions_counted'])} regions counted: "
                  f"{_seats(report['seats'])}")
    for note in report["notes"]:
        console.print(f"Note: {note}")


def _print_mayor(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    first, second = report["rounds"]
    table = Table(title=f"Mayor of London 2016 (supplementary vote): {report['elected']} elected")
    for column in ("Candidate", "First choices", "Second preferences added", "Final"):
        table.add_column(column, justify="left" if column == "Candidate" else "right")
    for name, votes in sorted(first["votes"].items(), key=lambda kv: -kv[1]):
        added = second["second_preferences_added"].get(name)
        final = second["votes"].get(name)
        table.add_row(name, f"{votes:,}", "" if added is None else f"{added:,}",
                      "" if final is None else f"{final:,}")
    table.add_row("non-transferable", "", "", f"{second['non_transferable']:,}")
    Console().print(table)
    for note in report["notes"]:
        Console().print(f"Note: {note}")


def _seats(seats: dict[str, int]) -> str:
    from psephos.uk.parties import party_label

    return ", ".join(f"{party_label(party)} {n}" for party, n in seats.items() if n) or "-"
