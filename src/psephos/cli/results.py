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
        help="ge2010 ... ge2024, ge2019-notional, sp2016, sp2016-feed, sp2021, sp2026, la2016, "
             "lm2016, lm2021 or senedd2026.")],
    as_json: JsonOption = False,
    mirror: MirrorOption = None,
    cache_dir: CacheDirOption = None,
    against: Annotated[str | None, typer.Option(
        "--against", help="Measure the general election against this one on the same seats "
                          "(e.g. ge2024 --against ge2019-notional): seats, votes and swing.")
    ] = None,
    pair: Annotated[str | None, typer.Option(
        "--pair", help="With --against: the swing FROM,TO parties (default: the runner-up "
                       "and the leader of ELECTION in votes).")] = None,
) -> None:
    """Count every constituency of an official election; print seats and votes by party.

    Example: psephos results ge2024 --against ge2019-notional --json
    """
    from psephos.cli import results_senedd_london
    from psephos.uk.catalogue import ELECTIONS
    from psephos.uk.errors import UKDataError
    from psephos.uk.official import election_kind, results_report

    if election not in ELECTIONS:
        fail(f"unknown election {election!r}; choose one of {', '.join(ELECTIONS)}")
    if against is not None or pair is not None:  # see psephos.cli.results_against
        from psephos.cli.results_against import against_command

        against_command(election, against, pair, as_json=as_json, mirror=mirror,
                        cache_dir=cache_dir)
        return
    try:
        report = results_report(election, mirror=mirror, cache_dir=cache_dir)
    except UKDataError as error:
        fail(str(error))
    kind = election_kind(election)
    if as_json:
        emit_json(report)
    elif kind == "general":
        _print_general(report)
    elif kind == "holyrood":
        _print_holyrood(report)
    elif kind == "assembly":
        _print_assembly(report)
    elif kind in ("senedd", "london"):
        results_senedd_london.print_report(report)
    else:
        _print_mayor(report)


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

    from psephos.uk.parties import party_label

    console = Console()
    table = Table(title=f"{report['title']}: seats by region "
                        "(list seats by d'Hondt after constituency seats)")
    for column in ("Region", "Constituency seats", "List seats (counted)", "List seats (declared)"):
        table.add_column(column)
    for region in report["regions"]:
        counted = region["list_seats"]
        table.add_row(region["region"], _seats(region["constituency_seats"]),
                      _seats(counted) if counted is not None else "no list votes",
                      _seats(region["reported_list_seats"] or {}))
    console.print(table)
    regions = len(report["regions_counted"])
    total = sum(report["votes"].values()) or 1
    parties = Table(title=f"Seats and list votes in the {regions} region(s) counted")
    for column in ("Party", "Constituency", "List", "Seats", "List votes", "Share"):
        parties.add_column(column, justify="left" if column == "Party" else "right")
    for party in dict.fromkeys([*report["seats"], *report["votes"]]):
        votes = report["votes"].get(party, 0)
        parties.add_row(party_label(party), str(report["constituency_seats"].get(party, 0)),
                        str(report["list_seats"].get(party, 0)),
                        str(report["seats"].get(party, 0)), f"{votes:,}",
                        f"{100 * votes / total:.1f}%")
    console.print(parties)
    for note in report["notes"]:
        console.print(f"Note: {note}")


def _print_assembly(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from psephos.uk.parties import party_label

    total = report["valid_list_votes"] or 1
    table = Table(title="London Assembly 2016: 14 constituency members, 11 London members by "
                        "d'Hondt after them (5% threshold)")
    for column in ("Party", "Constituency", "London", "Seats", "List votes", "Share"):
        table.add_column(column, justify="left" if column == "Party" else "right")
    for party, votes in report["votes"].items():
        table.add_row(party_label(party), str(report["constituency_seats"].get(party, 0)),
                      str(report["list_seats"].get(party, 0)), str(report["seats"].get(party, 0)),
                      f"{votes:,}", f"{100 * votes / total:.1f}%")
    Console().print(table)


def _print_mayor(report: dict[str, Any]) -> None:
    from rich.console import Console

    console = Console()
    console.print(mayor_table(report, 2016))
    for note in report["notes"]:
        console.print(f"Note: {note}")


def mayor_table(mayor: dict[str, Any], year: int) -> Any:
    """A supplementary-vote report's rounds as a table: first choices, the second
    preferences added and the final figures (a first-round winner has one round)."""
    from rich.table import Table

    first, *rest = mayor["rounds"]
    final = rest[0] if rest else {"votes": {}, "second_preferences_added": {}}
    table = Table(title=f"Mayor of London {year} (supplementary vote): "
                        f"{mayor['elected']} elected")
    for column in ("Candidate", "First choices", "Second preferences added", "Final"):
        table.add_column(column, justify="left" if column == "Candidate" else "right")
    for name, votes in sorted(first["votes"].items(), key=lambda kv: -kv[1]):
        added = final["second_preferences_added"].get(name)
        last = final["votes"].get(name)
        table.add_row(name, f"{votes:,}", "" if added is None else f"{added:,}",
                      "" if last is None else f"{last:,}")
    if rest:
        table.add_row("non-transferable", "", "", f"{final['non_transferable']:,}")
    return table


def _seats(seats: dict[str, int]) -> str:
    from psephos.uk.parties import party_label

    return ", ".join(f"{party_label(party)} {n}" for party, n in seats.items() if n) or "-"
