"""The chart: a real PNG or SVG of useful size, written whole, the same every time."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from psephos.reports.chart import count_figure, write_chart
from tests.reports.wards import ALMOND, COATBRIDGE, GOVAN, counted, list_count

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("stem", [COATBRIDGE, ALMOND, GOVAN])
def test_png(scotland_stv: Path, tmp_path: Path, stem: str) -> None:
    count, ward = counted(stem)
    path = tmp_path / f"{stem}.png"
    write_chart(count, path, title=ward)
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert width >= 1500 and height >= 900
    assert len(data) > 50_000
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    assert path.stat().st_mode & 0o777 == 0o644  # readable by others, like any saved file


def test_svg_keeps_text_and_is_deterministic(scotland_stv: Path, tmp_path: Path) -> None:
    count, ward = counted(COATBRIDGE)
    first, second = tmp_path / "a.svg", tmp_path / "b.SVG"
    write_chart(count, first, title=ward)
    write_chart(count, second, title=ward)
    text = first.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<svg" in text[:1000]
    assert len(text) > 20_000
    for words in ("Ward 11 - Coatbridge South", "Gordon ENCINIAS (Lab)", "quota 930.00",
                  "elected at stage 8 (931.56)", "excluded at stage 7 (517.13)",
                  "Surplus of CARRAGHER (value 0.33189)", "Non-transferable"):
        assert words in text
    assert first.read_bytes() == second.read_bytes()


def test_figure_shows_quota_and_marks_the_elected(scotland_stv: Path) -> None:
    count = counted(COATBRIDGE)[0]
    ax = count_figure(count).axes[0]
    labels = {t.get_text(): t for t in ax.get_yticklabels()}
    order = list(labels)
    assert order[:4] == count.elected_names  # elected first, in order of election
    assert order[-1] == "Non-transferable"
    assert labels["Tom CASTLES (Lab)"].get_fontweight() == "bold"
    assert labels["John CAMERON (C)"].get_fontweight() != "bold"
    quota_lines = [line for line in ax.get_lines()
                   if np.asarray(line.get_xdata(), dtype=float).tolist() == [930.0, 930.0]]
    assert len(quota_lines) == 1


def test_unknown_format_writes_nothing(scotland_stv: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png, \.svg"):
        write_chart(counted(COATBRIDGE)[0], tmp_path / "chart.pdf")
    assert list(tmp_path.iterdir()) == []


def test_list_counts_show_votes_and_seats(tmp_path: Path) -> None:
    figure = count_figure(list_count())
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Alpha", "Beta"]  # no repeats
    notes = [t.get_text() for t in ax.texts]
    assert "600.00: 2 seats (stages 1, 3)" in notes and "400.00: 1 seat (stage 2)" in notes
    write_chart(list_count(), tmp_path / "list.svg")
    assert "2 seats (stages 1, 3)" in (tmp_path / "list.svg").read_text(encoding="utf-8")
