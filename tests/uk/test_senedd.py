"""Senedd 2026 from the published vote shares: seats, and whether the shares' rounding matters.

The expected seats are those the data file itself states (Plaid 43, Reform 34, Lab 9, Con 7,
Green 2, LD 1; six in each constituency; 1,255,914 valid votes): no official source has been
checked (../shared/data/uk/README.md).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from pathlib import Path

import pytest

from psephos.rules.closed_list import closed_list
from psephos.rules.highest_averages import seats_won
from psephos.uk import DataFileError, FetchError, get_election
from psephos.uk.catalogue import ELECTIONS
from psephos.uk.senedd import count_senedd, estimated_votes, load_senedd
from psephos.uk.senedd_file import read_senedd_file
from tests.uk.conftest import FIXTURES

STATED = {"pc": 43, "reform": 34, "lab": 9, "con": 7, "green": 2, "ld": 1}
JS = ("senedd2026", "seneddResults2026.js")


def test_seats_are_the_stated_ones(raw: Path, cache: Path) -> None:
    report = count_senedd(load_senedd(mirror=raw, cache_dir=cache))
    assert report["seats"] == STATED
    assert report["valid_votes"] == 1_255_914 == sum(
        r["valid_votes"] for r in report["constituency_results"])
    assert report["constituencies"] == 16
    for row in report["constituency_results"]:
        assert sum(row["seats"].values()) == 6
        assert row["seats"] == row["declared_seats"], row["constituency"]
    assert report["seats_certain"]
    # the estimates miss each constituency's valid votes by the shares' rounding: at most 15
    misses = [sum(r["votes"].values()) - r["valid_votes"] for r in report["constituency_results"]]
    assert max(map(abs, misses)) == 15
    assert any("not checked against an official source" in n for n in report["notes"])


def test_rounds_record_each_seat_of_the_count(raw: Path, cache: Path) -> None:
    """Each constituency's rounds are the rule's own stages: the seat goes to the highest
    figure, and a party's figure is its estimated votes / (seats taken so far + 1)."""
    report = count_senedd(load_senedd(mirror=raw, cache_dir=cache))
    for row in report["constituency_results"]:
        assert [r["winner"] for r in row["rounds"]] == row["order_of_seats"]
        taken = dict.fromkeys(row["votes"], 0)
        for number, round_ in enumerate(row["rounds"], 1):
            figures = {p: Fraction(row["votes"][p], taken[p] + 1) for p in row["votes"]}
            assert round_["seat"] == number
            assert {p: Decimal(f) for p, f in round_["figures"].items()} == {
                p: Decimal(floor(f * 10**5)) / 10**5 for p, f in figures.items()}
            assert figures[round_["winner"]] == max(figures.values())
            taken[round_["winner"]] += 1


def _bounds(share: Decimal, valid: int) -> tuple[int, int]:
    """Whole votes v with v / valid within half a unit of the 2nd decimal of ``share`` %."""
    low = (Fraction(share) - Fraction(1, 200)) * valid / 100
    high = (Fraction(share) + Fraction(1, 200)) * valid / 100
    return max(0, ceil(low)), floor(high)


def test_rounding_of_the_shares_cannot_change_a_seat(raw: Path, cache: Path) -> None:
    """For each constituency, each party's votes can be anything in the interval its 2 dp
    share allows. d'Hondt is counted at the ends of those intervals: everyone at the low end,
    everyone at the high end, and for every pair of parties one at its low end and the other
    at its high end (the most either can gain on the other). Every count gives the seats of
    the estimate: no seat depends on the rounding. The least margin over the intervals is
    also worked out here and equals the library's (101.33 votes of figure, Fflint Wrecsam:
    Labour's one seat 8,551 against Reform's third 25,349 / 3)."""
    data = read_senedd_file(raw / JS[0] / JS[1])
    report = count_senedd(load_senedd(mirror=raw, cache_dir=cache))
    least: list[tuple[Fraction, str]] = []
    for seat, row in zip(data.constituencies, report["constituency_results"], strict=True):
        bounds = {p: _bounds(s, seat.valid_votes) for p, s in seat.shares.items()}
        assert {p: list(b) for p, b in bounds.items()} == row["vote_bounds"]
        middle = estimated_votes(seat)
        expected = seats_won(closed_list(middle))
        corners = [{p: b[0] for p, b in bounds.items()}, {p: b[1] for p, b in bounds.items()}]
        for gainer in bounds:
            for loser in bounds:
                if gainer != loser:
                    corners.append({**middle, gainer: bounds[gainer][1],
                                    loser: bounds[loser][0]})
        for votes in corners:
            assert seats_won(closed_list(votes)) == expected, (seat.name, votes)
        least.append((min(Fraction(bounds[i][0], expected[i])
                          - Fraction(bounds[j][1], expected[j] + 1)
                          for i in expected if expected[i] for j in expected if j != i),
                       seat.name))
        assert row["closest"]["worst_case_margin"] == round(float(least[-1][0]), 2)
    assert min(least) == (Fraction(8551) - Fraction(25349, 3), "Fflint Wrecsam")


def _copy_with(raw: Path, tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "mirror"
    folder.mkdir()
    (folder / JS[1]).write_text(text, encoding="utf-8")
    return folder


def test_malformed_row_names_file_line_and_field(raw: Path, tmp_path: Path) -> None:
    text = (raw / JS[0] / JS[1]).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith('"Clwyd": {'))
    lines[number - 1] = lines[number - 1].replace('"Labour": 10.42', '"Labour": "ten"')
    mirror = _copy_with(raw, tmp_path, "".join(lines))
    with pytest.raises(DataFileError) as caught:
        load_senedd(mirror=mirror, cache_dir=tmp_path / "cache")
    assert str(caught.value).startswith(
        f"{mirror / JS[1]}:{number}: seneddBaseline['Clwyd']['Labour']: expected a percentage")


def test_wrong_file_and_broken_lines(raw: Path, tmp_path: Path) -> None:
    mirror = _copy_with(raw, tmp_path, "constituency,votes\nClwyd,1\n")
    with pytest.raises(DataFileError, match=r":1: header: no `const seneddBaseline = \{`"):
        load_senedd(mirror=mirror, cache_dir=tmp_path / "cache")
    text = (raw / JS[0] / JS[1]).read_text(encoding="utf-8")
    broken = text.replace('  "Clwyd": 79757,\n', '  Clwyd = 79757\n')
    (mirror / JS[1]).write_text(broken, encoding="utf-8")
    with pytest.raises(DataFileError, match=r"seneddValidVotes: expected `\"name\": value,`"):
        load_senedd(mirror=mirror, cache_dir=tmp_path / "cache")
    wrong_total = text.replace("totalValidVotes2026 = 1255914", "totalValidVotes2026 = 1255915")
    (mirror / JS[1]).write_text(wrong_total, encoding="utf-8")
    with pytest.raises(DataFileError, match="1,255,915 valid votes stated, but the "
                                            "constituencies add to 1,255,914"):
        load_senedd(mirror=mirror, cache_dir=tmp_path / "cache")


def test_challenge_page_and_wrong_file_are_not_cached(tmp_path: Path) -> None:
    """A browser-check page from the download, or the wrong file in a mirror, is refused and
    nothing reaches the cache."""
    item = ELECTIONS["senedd2026"].file("results")
    page = (FIXTURES / "challenge.html").read_bytes()

    def opener(request: object) -> object:
        import io

        return io.BytesIO(page)

    cache = tmp_path / "cache"
    with pytest.raises(FetchError, match=r"web page \(HTML\)"):
        get_election("senedd2026", cache_dir=cache, opener=opener)  # type: ignore[arg-type]
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / item.name).write_text("export const somethingElse = {\n};\n", encoding="utf-8")
    with pytest.raises(FetchError, match="declares no object 'seneddBaseline'"):
        get_election("senedd2026", mirror=mirror, cache_dir=cache)
    assert not cache.exists() or not any(cache.iterdir())
