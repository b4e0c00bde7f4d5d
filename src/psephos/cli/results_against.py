"""`psephos results ELECTION --against BASE`: render the comparison `psephos.uk.compare` makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from psephos.cli.output import emit_json, fail


def against_command(election: str, against: str | None, pair: str | None, *, as_json: bool,
                    mirror: Path | None, cache_dir: Path | None) -> None:
    """Compare ``election`` with ``against`` and print the tables (or the JSON)."""
    from psephos.uk.catalogue import ELECTIONS
    from psephos.uk.compare import comparison_report
    from psephos.uk.errors import UKDataError

    if against is None:
        fail("--pair needs --against BASE (e.g. --against ge2019-notional)")
    if against not in ELECTIONS:
        fail(f"--against: unknown election {against!r}; choose one of {', '.join(ELECTIONS)}")
    try:
        report = comparison_report(election, against, pair=_pair(pair), mirror=mirror,
                                   cache_dir=cache_dir)
    except UKDataError as error:
        fail(str(error))
    if as_json:
        emit_json(report)
    else:
        print_comparison(report)


def _pair(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    parties = [p.strip().casefold() for p in value.split(",")]
    if len(parties) != 2 or not all(parties):
        fail(f"--pair: expected two party codes FROM,TO (e.g. con,lab), found {value!r}")
    return parties[0], parties[1]


def print_comparison(report: dict[str, Any]) -> None:
    """The parties' seats and shares at both elections, then every seat's winners and swing."""
    from rich.console import Console
    from rich.table import Table

    from psephos.uk.parties import party_label

    a, b = report["pair"]
    swing_name = f"{party_label(a)} to {party_label(b)}"
    console = Console()
    parties = Table(title=f"{report['title']}\nagainst {report['against_title']}: "
                          f"{report['changed_hands']} of {report['constituencies']} seats "
                          f"changed hands; swing {swing_name} {_points(report['swing'])}")
    for column in ("Party", "Seats", "Before", "Change", "Gains", "Losses", "Votes",
                   "Share", "Before", "Change"):
        parties.add_column(column, justify="left" if column == "Party" else "right")
    for p in report["parties"]:
        parties.add_row(party_label(p["party"]), str(p["seats"]), str(p["seats_before"]),
                        f"{p['seats_change']:+d}", str(p["gains"]), str(p["losses"]),
                        f"{p['votes']:,}", _percent(p["share"]), _percent(p["share_before"]),
                        _points(p["share_change"]))
    console.print(parties)
    seats = Table(title=f"Every seat: winners, and the swing {swing_name} (points)")
    for column in ("Constituency", "Before", "Now", f"Swing {swing_name}",
                   f"{party_label(a)} change", f"{party_label(b)} change"):
        seats.add_column(column, justify="left" if column in ("Constituency", "Before", "Now")
                         else "right")
    for s in report["seats"]:
        now = party_label(s["winner"]) + (" (gain)" if s["changed_hands"] else "")
        seats.add_row(s["name"], party_label(s["winner_before"]), now,
                      "-" if s["swing"] is None else _points(s["swing"]),
                      _points(s["share_change"].get(a, 0.0)),
                      _points(s["share_change"].get(b, 0.0)))
    console.print(seats)


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def _points(change: float) -> str:
    return f"{100 * change:+.1f}"
