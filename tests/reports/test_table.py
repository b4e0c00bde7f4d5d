"""The terminal table: readable at real sizes, results marked, long counts elided openly."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from psephos.count import Count, Lot, Stage
from psephos.reports.labels import short_names
from psephos.reports.table import count_table
from tests.reports.wards import ALMOND, COATBRIDGE, GOVAN, counted, list_count


def _text(table: Table, width: int = 120) -> list[str]:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(table)
    return console.export_text().splitlines()


def _line(lines: list[str], start: str) -> str:
    return next(line for line in lines if line.strip().startswith(start))


def test_coatbridge_south(scotland_stv: Path) -> None:
    count, ward = counted(COATBRIDGE)
    table = count_table(count, title=ward)
    assert len(table.columns) == 1 + len(count.stages) + 1
    lines = _text(table)
    assert lines[0].strip() == "Ward 11 - Coatbridge South"
    brooks = _line(lines, "James BROOKS (IANL)").split()
    assert brooks[3:] == ["311.00", "321.62", "324.24", "327.10", "424.75", "517.13", "0.00",
                          "–", "excluded", "7"]
    assert _line(lines, "Gordon ENCINIAS (Lab)").split()[-3:] == ["931.56", "elected", "8"]
    assert _line(lines, "Tracy CARRAGHER (SNP)").split()[-2:] == ["elected", "1"]
    assert _line(lines, "Non-transferable").split()[-1] == "925.41"
    assert _line(lines, "Quota").split()[1:] == ["930.00"] * 8
    assert "CARRAG…" in "\n".join(lines[:6])  # stage 2's subject, cut to the column
    assert "Quota 930.00000." in lines[-1]


def test_full_precision_and_the_elected_colour(scotland_stv: Path) -> None:
    count = counted(COATBRIDGE)[0]
    lines = _text(count_table(count, places=None), width=200)
    assert "517.13156" in _line(lines, "James BROOKS")
    table = count_table(count)
    cells = [c for c in table.columns[1].cells if isinstance(c, Text)]
    assert "green" in str(cells[2].style)  # stage 1: Carragher elected, Brooks not yet
    assert "green" not in str(cells[0].style)


@pytest.mark.parametrize("width", [120, 100, 80])
def test_fits_the_terminal_it_is_given(scotland_stv: Path, width: int) -> None:
    count = counted(ALMOND)[0]
    lines = _text(count_table(count, width=width), width=width)
    assert max(len(line.rstrip()) for line in lines) <= width
    assert "Louise YOUNG (LD)" in "\n".join(lines)  # names are never squeezed away
    if width == 120:  # 10 candidates x 10 stages: everything shows
        assert not any("not shown" in line for line in lines)
        assert _line(lines, "Norrie WORK (SNP)").split()[-3:] == ["3744.20", "elected", "10"]


def test_many_stages_show_the_first_and_the_last(scotland_stv: Path) -> None:
    count = counted(GOVAN)[0]
    assert len(count.stages) == 13
    table = count_table(count)  # default: at most 12 stage columns, the gap included
    headers = [str(c.header).split("\n")[0] for c in table.columns]
    assert headers == ["Candidate", "1", "2", "…", *map(str, range(5, 14)), "Result"]
    assert table.caption == "Quota 1385.00000. Stages 3–4 of 13 not shown."


def test_truncates_for_display_rather_than_rounding() -> None:
    stage = Stage(number=1, action="first", tallies=(Decimal("929.99999"), Decimal("1.00000")))
    count = Count(method="test", candidates=("Ann A", "Bo B"), seats=1, elected=(),
                  stages=(stage,), valid=Decimal(931), quota=Decimal("930.00000"), precision=5)
    assert _line(_text(count_table(count)), "Ann A").split()[2] == "929.99"


def test_a_list_winning_several_seats_says_when() -> None:
    assert _line(_text(count_table(list_count())), "Alpha").split()[-3:] == [
        "elected", "1,", "3"]


def test_a_recomputed_threshold_gets_its_own_row() -> None:
    stages = (Stage(number=1, action="first", tallies=(Decimal(40), Decimal(35), Decimal(25)),
                    threshold=Decimal(51)),
              Stage(number=2, action="exclude", tallies=(Decimal(55), Decimal(40), Decimal(0)),
                    subjects=(2,), excluded=(2,), elected=(0,), exhausted=Decimal(5),
                    threshold=Decimal(48)))
    count = Count(method="alternative-vote", candidates=("A", "B", "C"), seats=1,
                  elected=(0,), stages=stages, valid=Decimal(100), quota=Decimal(48))
    lines = _text(count_table(count))
    assert _line(lines, "Threshold").split()[1:] == ["51", "48"]
    assert [line.split()[0] for line in lines if line.strip().startswith("Quota")] == [
        "Quota"]  # only the caption: the constant quota row gives way to the threshold


def test_lots_are_told_and_clashing_surnames_kept_apart() -> None:
    stage = Stage(number=1, action="first", tallies=(Decimal(3), Decimal(3), Decimal(1)))
    second = Stage(number=2, action="exclude", tallies=(Decimal(4), Decimal(3), Decimal(0)),
                   changes=(Decimal(1), Decimal(0), Decimal(-1)), subjects=(2,), excluded=(2,))
    count = Count(method="test", candidates=("Al SMITH (A)", "Bo SMITH (B)", "Cy  JONES (C)"),
                  seats=1, elected=(0,), stages=(stage, second), valid=Decimal(7),
                  lots=(Lot(stage=2, tied=(0, 1), chosen=0, purpose="election", how="by hand"),))
    table = count_table(count)
    assert table.caption == "Stage 2: Al SMITH (A) chosen by lot (election; by hand)."
    assert short_names(count.candidates) == ["Al SMITH", "Bo SMITH", "JONES"]
    assert "Cy JONES (C)" in "\n".join(_text(table))  # padded names shown tidily


@pytest.mark.parametrize(("value", "precision", "written"), [
    (Decimal(930), 5, "930.00000"),
    (Decimal("1.5"), 0, "1.5"),  # more places than the precision: written in full
    (Decimal("1E+3"), 2, "1000.00"),
    (Decimal("0E-5"), 5, "0.00000"),
    (Decimal("1080.25" + "0" * 20 + "1"), 23, "1080.25" + "0" * 20 + "1"),
    (Decimal("1080.25" + "0" * 20 + "1"), 25, "1080.25" + "0" * 20 + "100"),
    (Decimal(10**40 + 7), 30, str(10**40 + 7) + "." + "0" * 30),
])
def test_votes_are_written_exactly_at_any_length(value: Decimal, precision: int,
                                                 written: str) -> None:
    """A value of over 28 digits went through Decimal's 28-digit context: InvalidOperation."""
    from psephos.reports.labels import shown, votes

    assert votes(value, precision) == written
    long = Decimal("12345678901234567890123456789.98765432109876543210")
    assert shown(long, 2) == "12345678901234567890123456789.98"
    assert shown(long, 40) == "12345678901234567890123456789.98765432109876543210" + "0" * 20


def test_stage_notes_are_told_in_the_caption_but_not_a_list_counts() -> None:
    tallies = (Decimal(3), Decimal(2))
    note = "uncontested: 2 candidates for 2 seats, all elected (SSI 2007/42 Sch. 1 r.12)"
    count = Count(method="stv-scotland", candidates=("A", "B"), seats=2, elected=(0, 1),
                  stages=(Stage(number=1, action="first", tallies=tallies, elected=(0, 1),
                                note=note),), valid=Decimal(5))
    assert count_table(count).caption == f"Stage 1: {note}."
    listed = Count(method="dhondt", candidates=("A", "B"), seats=1, elected=(0,),
                   stages=(Stage(number=1, action="first", tallies=tallies),
                           Stage(number=2, action="allocate", tallies=tallies, elected=(0,),
                                 note="seat 1: A")), valid=Decimal(5))
    assert count_table(listed).caption == ""
