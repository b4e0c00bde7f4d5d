"""The views of a result (JSON dict, CSV, terminal tables, chart) on a hand-built election."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console

from psephos.model import Scenario, explain, run_pact
from psephos.model.chart import pact_figure
from psephos.model.render import flips_table, seats_table, trace_table
from psephos.model.report import result_to_dict, write_csv
from tests.model.elections import election

SEATS = election({
    "Ayton": [("con", 100), ("lab", 60), ("ld", 50)],
    "Beeby": [("con", 100), ("lab", 30), ("ld", 40)],
    "Ceeton": [("lab", 90), ("con", 80), ("green", 20)],
})
RESULT = run_pact(SEATS, Scenario(election="test", alliance=("lab", "ld"), draws=200,
                                  seat_sd=0.05))


def test_json_dict_is_plain_and_complete() -> None:
    data = json.loads(json.dumps(result_to_dict(RESULT, explain(RESULT, "Ayton"))))
    assert data["seats"] == {"lab": 2, "con": 1}
    assert data["seats_before"] == {"lab": 1, "con": 2}
    assert data["change"] == {"lab": 1, "con": -1}
    assert [f["constituency"] for f in data["flips"]] == ["Ayton"]
    assert set(data["intervals"]) >= {"lab", "con"}
    assert set(data["win_probability"]) == {"S1", "S2", "S3"}
    assert data["explain"]["transfers"][0]["to"] == {"alliance": 50}
    assert data["scenario"]["alliance"] == ["lab", "ld"]


def test_csv_has_a_row_per_seat_and_chances_with_draws() -> None:
    out = io.StringIO()
    write_csv(RESULT, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["constituency"] for r in rows] == ["Ayton", "Beeby", "Ceeton"]
    assert rows[0]["flipped"] == "True" and rows[0]["standing"] == "lab"
    assert float(rows[0]["p_lab"]) + float(rows[0]["p_con"]) == 1.0


def test_terminal_tables() -> None:
    console = Console(record=True, width=160)
    for renderable in (seats_table(RESULT), flips_table(RESULT),
                       trace_table(explain(RESULT, "Ayton"))):
        console.print(renderable)
    text = console.export_text()
    assert "1 seat changes hands" in text and "Ayton" in text
    assert "LD Ayton 2 (ld) stands down: 50 votes; 50 to alliance; 0 abstain" in text
    assert "5-95 % of 200 draws" in text


def test_chart_has_both_panels() -> None:
    figure = pact_figure(RESULT)
    titles = [axes.get_title() for axes in figure.axes]
    assert titles == ["Seats by party", "1 seat changes hands"]
