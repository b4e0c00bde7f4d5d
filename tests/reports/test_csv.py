"""The CSV stage table: one column per stage, the same exact figures as the count."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from psephos.count import Count
from psephos.reports.csv import FOOTER_ROWS, HEADER_ROWS, count_rows, write_count_csv
from tests.reports.wards import ALMOND, COATBRIDGE, GOVAN, counted


def _read(count: Count) -> list[list[str]]:
    stream = io.StringIO(newline="")
    write_count_csv(count, stream)
    return list(csv.reader(io.StringIO(stream.getvalue(), newline="")))


def test_coatbridge_south_sheet(scotland_stv: Path) -> None:
    count = counted(COATBRIDGE)[0]
    rows = _read(count)
    labels = [row[0] for row in rows]
    n = len(count.candidates)
    assert labels == [*HEADER_ROWS, *count.candidates, *FOOTER_ROWS]
    assert all(len(row) == 1 + len(count.stages) for row in rows)
    by = {row[0]: row[1:] for row in rows}
    assert by["Stage"] == [str(i) for i in range(1, 9)]
    assert by["Action"] == ["first", "surplus", "surplus", "surplus", *["exclude"] * 4]
    assert by["Subject"][5] == "Gerry SOMERS (Ind)"
    assert by["Transfer value"][:3] == ["", "0.33189", "0.11931"]
    assert by["Elected"][0] == "Tracy CARRAGHER (SNP); Tom CASTLES (Lab)"
    assert by["Elected"][7] == "Gordon ENCINIAS (Lab)"
    assert by["Excluded"][6] == "James BROOKS (IANL)"
    assert set(by["Quota"]) == {"930.00000"}
    assert by["James BROOKS (IANL)"][5] == "517.13156"
    assert by["Gordon ENCINIAS (Lab)"][5] == "517.25396"
    assert by["Non-transferable"][-1] == "925.41658"
    assert by["Lost to truncation"][-1] == "0.02224"
    assert set(by["Total"]) == {"4647.00000"}
    assert len(rows) == len(HEADER_ROWS) + n + len(FOOTER_ROWS)


@pytest.mark.parametrize("stem", [COATBRIDGE, ALMOND, GOVAN])
def test_round_trip_gives_back_every_figure(scotland_stv: Path, stem: str) -> None:
    count = counted(stem)[0]
    rows = _read(count)
    first = len(HEADER_ROWS)
    for i, row in enumerate(rows[first:first + len(count.candidates)]):
        assert [Decimal(v) for v in row[1:]] == [s.tallies[i] for s in count.stages]
    footer = rows[first + len(count.candidates):]
    assert [Decimal(v) for v in footer[0][1:]] == [s.exhausted for s in count.stages]
    assert [Decimal(v) for v in footer[1][1:]] == [s.lost for s in count.stages]


def test_deterministic_crlf_and_quoted(scotland_stv: Path, tmp_path: Path) -> None:
    count = counted(ALMOND)[0]
    first, second = io.StringIO(), io.StringIO()
    write_count_csv(count, first)
    write_count_csv(count, second)
    assert first.getvalue() == second.getvalue()
    assert first.getvalue().count("\r\n") == len(count_rows(count))
    path = tmp_path / "almond.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        write_count_csv(count, handle)
    assert path.read_bytes().decode("utf-8") == first.getvalue()
    renamed = Count(**{**count.__dict__, "candidates": ("FRASER, Daniel", *count.candidates[1:])})
    text = io.StringIO()
    write_count_csv(renamed, text)
    assert '"FRASER, Daniel",99.00000,' in text.getvalue()


def test_av_quota_row_is_each_stage_threshold() -> None:
    """Reported: the AV sheet repeated the final threshold at every stage; the threshold
    is half the votes still in the count, so it falls as ballots exhaust."""
    from psephos.ballots.profile import profile_from_rankings
    from psephos.reports.json import count_to_dict
    from psephos.rules.alternative_vote import alternative_vote

    profile = profile_from_rankings(["A", "B", "C", "D"],
                                    [(0,), (1, 0), (2,), (3, 1)], [40, 30, 20, 15])
    count = alternative_vote(profile)
    by = {row[0]: row[1:] for row in _read(count)}
    thresholds = [stage["threshold"] for stage in count_to_dict(count)["stages"]]
    assert len(set(thresholds)) > 1
    assert by["Quota"] == thresholds
