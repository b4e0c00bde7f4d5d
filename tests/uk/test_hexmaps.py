"""The hex layouts: every constituency of every general election has a cell of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from psephos.uk.catalogue import GENERAL_ELECTIONS
from psephos.uk.errors import DataFileError, MissingDataError, UKDataError
from psephos.uk.general import load_general_election
from psephos.uk.hexmaps import load_hex_layout, read_hex_layouts


@pytest.mark.parametrize("election", GENERAL_ELECTIONS)
def test_every_constituency_has_one_hex(uk_data: Path, election: str) -> None:
    layout = load_hex_layout(election, mirror=uk_data)
    seats = {c.id for c in load_general_election(election, mirror=uk_data).constituencies}
    cells = layout.by_id()
    assert set(cells) == seats
    assert len({(h.q, h.r) for h in layout.hexes}) == len(seats) == 650


def test_the_2024_layout_is_the_2023_review(uk_data: Path) -> None:
    assert load_hex_layout("ge2024", mirror=uk_data).boundary_set == "2023-review"
    assert load_hex_layout("ge2019", mirror=uk_data).boundary_set == "2010-review"


def test_no_layout_for_a_non_westminster_election(uk_data: Path) -> None:
    with pytest.raises(UKDataError, match="no hex map for 'sp2016'"):
        load_hex_layout("sp2016", mirror=uk_data)


def test_missing_layout_says_where_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match=r"westminster_hexmap\.csv"):
        load_hex_layout("ge2019", mirror=tmp_path, cache_dir=tmp_path / "cache")


def test_two_seats_on_one_cell_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "westminster_hexmap.csv"
    path.write_text("boundary_set,constituency_id,constituency_name,q,r,layout,region_code\n"
                    "2010-review,E1,A,1,2,odd-r,SE\n2010-review,E2,B,1,2,odd-r,SE\n")
    with pytest.raises(DataFileError, match=r"hexmap.csv:3: q:") as caught:
        read_hex_layouts(path)
    assert "already E1's" in str(caught.value)
