"""The views of a result (JSON dict, CSV, terminal tables, chart) on a hand-built election."""

from __future__ import annotations

import csv
import io
import json

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from rich.console import Console

from psephos.model import Scenario, explain, run_pact
from psephos.model.chart import pact_figure
from psephos.model.render import flips_table, seats_table, trace_table
from psephos.model.report import result_to_dict, write_csv
from psephos.uk.parties import PARTIES
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
    assert data["explain"]["transfers"][0]["to"] == {"ally": 50}
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
    assert ("LD Ayton 2 (LD) stands down: 50 votes; 50 to the alliance candidate; 0 abstain"
            in text)
    assert "5-95 % of 200 draws" in text


def test_explain_says_gain_from_and_hold_in_words() -> None:
    # Before: "(con -> lab)" and, for a seat that stays, the bare code.
    console = Console(record=True, width=160)
    console.print(trace_table(explain(RESULT, "Ayton")))
    console.print(trace_table(explain(RESULT, "Beeby")))
    text = console.export_text()
    assert "(Lab gain from Con)" in text and "(Con hold)" in text and "->" not in text


def test_explain_says_a_seat_is_out_of_scope() -> None:
    seats = election({"Ayton": [("con", 100), ("lab", 60), ("ld", 50)],
                      "Chair": [("speaker", 30000), ("green", 2000), ("ukip", 1000)]})
    result = run_pact(seats, Scenario(election="test", alliance=("lab", "ld")))
    console = Console(record=True, width=200)
    console.print(trace_table(explain(result, "Chair")))
    text = console.export_text()
    assert "Out of scope: the Speaker's seat" in text and "--scope all" in text


def test_titles_name_the_ranking_election() -> None:
    ranked = election({"Ayton": [("con", 100), ("ld", 60), ("lab", 50)],
                       "Beeby": [("con", 100), ("lab", 30), ("ld", 40)],
                       "Ceeton": [("lab", 90), ("con", 80), ("green", 20)]}, name="earlier")
    result = run_pact(SEATS, Scenario(election="test", alliance=("lab", "ld"),
                                      ranked_at="earlier"), ranking=ranked)
    assert result.title == "test: pact of Lab, LD (best-placed at earlier)"
    assert seats_table(result).title == result.title
    assert pact_figure(result)._suptitle.get_text() == result.title  # type: ignore[union-attr]


def test_flips_are_sorted_by_margin_in_votes() -> None:
    # Big: 1,500 votes behind of 101,500 (1.5 %); Small: 75 behind of 1,075 (7 %).
    # Before: sorted by share, Big came first.
    flipped = run_pact(election({"Big": [("con", 50500), ("lab", 49000), ("ld", 2000)],
                                 "Small": [("con", 525), ("lab", 450), ("ld", 100)]}),
                       Scenario(election="test", alliance=("lab", "ld")))
    assert [(s.name, s.margin_before) for s in flipped.flips] == [("Small", 75),
                                                                  ("Big", 1500)]


def test_chart_has_both_panels() -> None:
    figure = pact_figure(RESULT)
    titles = [axes.get_title() for axes in figure.axes]
    assert titles == ["Seats by party", "1 seat changes hands"]


def test_chart_numbers_sit_above_whiskers_and_the_legend_clear_of_the_majority_label() -> None:
    # Before: bar_label put each number inside the whisker's span, the legend sat in the
    # upper right over "majority N", and labels were party codes in no shared style.
    figure = pact_figure(RESULT)
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    seats = figure.axes[0]
    draws = RESULT.draws
    assert draws is not None
    numbers = {text.get_text(): text.get_position()[1] for text in seats.texts
               if text.get_text().isdigit()}
    for party, seats_after in RESULT.seats_after.items():
        assert numbers[str(seats_after)] > draws.intervals.get(party, (0, seats_after))[1]
    (majority,) = [t for t in seats.texts if t.get_text().startswith("majority")]
    legend = seats.get_legend()
    assert legend is not None
    assert not legend.get_window_extent(renderer).overlaps(majority.get_window_extent(renderer))
    assert [t.get_text() for t in seats.get_xticklabels()] == ["Lab", "Con"]
    assert seats.patches[0].get_facecolor()[:3] == pytest.approx(to_rgb(PARTIES["lab"].colour))
