"""A `PactResult` as plain JSON-ready values and as CSV rows (see docs/pact.md).

Votes are whole numbers (the central projection is exact); probabilities and shares
are floats rounded to 4 places, enough for a share of up to 10,000 draws.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from typing import Any, TextIO

from psephos.files import spreadsheet_row
from psephos.model.explain import SeatTrace
from psephos.model.results import PactResult, SeatResult

#: Written as ``format``; bump the number on any change a reader would notice.
FORMAT = "psephos-pact/1"

CSV_COLUMNS = ("id", "constituency", "nation", "region", "in_scope", "base", "before", "after",
               "flipped", "standing", "margin_before", "margin_after", "cast_before",
               "cast_after", "tied")


def result_to_dict(result: PactResult, trace: SeatTrace | None = None) -> dict[str, Any]:
    """The whole result: seat totals, flips, every seat, draws, and a seat's trace."""
    scenario = dataclasses.asdict(result.scenario)
    scenario["alliance"] = list(result.scenario.alliance)
    parties = result.parties
    out: dict[str, Any] = {
        "format": FORMAT,
        "election": result.scenario.election,
        "scenario": scenario,
        "seats_base": {p: result.seats_base.get(p, 0) for p in parties},
        "seats_before": {p: result.seats_before.get(p, 0) for p in parties},
        "seats": {p: result.seats_after.get(p, 0) for p in parties},
        "change": {p: result.seats_after.get(p, 0) - result.seats_before.get(p, 0)
                   for p in parties},
        "flips": [seat_to_dict(s) for s in result.flips],
        "constituencies": [seat_to_dict(s) for s in result.seats],
    }
    draws = result.draws
    if draws is not None:
        out["draws"] = {
            "n": draws.n, "seed": draws.seed, "national_sd": draws.national_sd,
            "seat_sd": draws.seat_sd, "transfer_sd": draws.transfer_sd,
            "median": dict(draws.median), "mean": {p: round(v, 2) for p, v in draws.mean.items()},
            "majority_line": draws.majority_line,
            "majority": {p: round(v, 4) for p, v in draws.majority.items()},
            "lots": draws.lots,
        }
        out["intervals"] = {p: list(v) for p, v in draws.intervals.items()}
        out["win_probability"] = {
            seat.id: {p: round(v, 4) for p, v in win.items()}
            for seat, win in zip(result.seats, draws.win, strict=True)
        }
    if trace is not None:
        out["explain"] = trace_to_dict(trace)
    return out


def trace_to_dict(trace: SeatTrace) -> dict[str, Any]:
    """One seat's steps as plain values."""
    out = dataclasses.asdict(trace)
    out["rows"] = [dataclasses.asdict(row) for row in trace.rows]
    out["transfers"] = [dict(dataclasses.asdict(line), to=dict(line.to))
                        for line in trace.transfers]
    if trace.win is not None:
        out["win"] = {p: round(v, 4) for p, v in trace.win.items()}
    return out


def write_csv(result: PactResult, stream: TextIO) -> None:
    """One row per constituency; with draws, each party's chance of winning it."""
    writer = csv.writer(stream, lineterminator="\n")
    chances = _chance_columns(result)
    writer.writerow(spreadsheet_row([*CSV_COLUMNS, *(f"p_{p}" for p in chances)]))
    for row in _csv_rows(result, chances):
        writer.writerow(spreadsheet_row(row))


def _csv_rows(result: PactResult, chances: list[str]) -> Iterator[list[object]]:
    wins = result.draws.win if result.draws is not None else [{}] * len(result.seats)
    for seat, win in zip(result.seats, wins, strict=True):
        row = seat_to_dict(seat)
        yield [*(row[column] if row[column] is not None else "" for column in CSV_COLUMNS),
               *(round(win.get(p, 0.0), 4) for p in chances)]


def _chance_columns(result: PactResult) -> list[str]:
    if result.draws is None:
        return []
    seen = {p for win in result.draws.win for p in win}
    return [p for p in result.draws.median if p in seen]


def seat_to_dict(seat: SeatResult) -> dict[str, Any]:
    """One seat as plain values (a row of `constituencies`)."""
    return {
        "id": seat.id, "constituency": seat.name, "nation": seat.nation, "region": seat.region,
        "in_scope": seat.in_scope, "base": seat.base, "before": seat.before,
        "after": seat.after, "flipped": seat.flipped, "standing": seat.standing,
        "margin_before": seat.margin_before, "margin_after": seat.margin_after,
        "share_margin_before": round(seat.share_margin_before, 6),
        "share_margin_after": round(seat.share_margin_after, 6),
        "cast_before": seat.cast_before, "cast_after": seat.cast_after, "tied": seat.tied,
        "lots": [dict(dataclasses.asdict(lot), tied=list(lot.tied)) for lot in seat.lots],
    }
