"""`psephos results` tables for the Senedd 2026 (``senedd2026``) and London 2021 (``lm2021``)."""

from __future__ import annotations

from typing import Any


def print_report(report: dict[str, Any]) -> None:
    if report["election"] == "senedd2026":
        _print_senedd(report)
    else:
        _print_london(report)


def _print_senedd(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from psephos.uk.parties import party_label

    console = Console()
    table = Table(title=f"{report['title']}: {report['constituencies']} constituencies of "
                        f"{report['seats_per_constituency']} (closed lists, d'Hondt)")
    for column in ("Constituency", "Seats", "Declared", "Last seat v next", "Margin",
                   "Least margin"):
        table.add_column(column, justify="right" if "argin" in column else "left")
    for row in report["constituency_results"]:
        closest = row["closest"]
        table.add_row(row["constituency"], _seats(row["seats"]), _seats(row["declared_seats"]),
                      f"{party_label(closest['last_seat'])} v {party_label(closest['next'])}",
                      f"{closest['margin']:,.2f}", f"{closest['worst_case_margin']:,.2f}")
    console.print(table)
    console.print("Margin: the last seat's figure less the next party's, on the estimated "
                  "votes; least margin: the same over every vote count the 2 dp shares allow "
                  "(above 0: the seats are certain).")
    total = report["valid_votes"] or 1
    parties = Table(title=f"Wales: {report['valid_votes']:,} valid votes (votes estimated "
                          "from shares)")
    for column in ("Party", "Seats", "Votes (est.)", "Share"):
        parties.add_column(column, justify="left" if column == "Party" else "right")
    for party, votes in report["votes"].items():
        parties.add_row(party_label(party), str(report["seats"].get(party, 0)), f"{votes:,}",
                        f"{100 * votes / total:.1f}%")
    console.print(parties)
    for note in report["notes"]:
        console.print(f"Note: {note}")


def _print_london(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from psephos.cli.results import mayor_table

    console = Console()
    console.print(mayor_table(report["mayor"], 2021))
    assembly = report["assembly"]
    seats = Table(title="London Assembly 2021: 14 constituencies, then 11 London members by "
                        "d'Hondt (5% threshold)")
    for column in ("Party", "Constituency", "London", "Total", "London votes"):
        seats.add_column(column, justify="left" if column == "Party" else "right")
    from psephos.uk.parties import party_label

    for party, votes in assembly["votes"].items():
        seats.add_row(party_label(party), str(assembly["constituency_seats"].get(party, 0)),
                      str(assembly["list_seats"].get(party, 0)),
                      str(assembly["seats"].get(party, 0)), f"{votes:,}")
    console.print(seats)
    for note in report["notes"]:
        console.print(f"Note: {note}")


def _seats(seats: dict[str, int]) -> str:
    from psephos.uk.parties import party_label

    return ", ".join(f"{party_label(party)} {n}" for party, n in seats.items() if n) or "-"
