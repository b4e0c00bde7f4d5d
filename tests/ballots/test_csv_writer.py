"""The plain CSV ballot writer: whatever it writes, the CSV reader reads back exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psephos.ballots.csv_ballots import read_csv_ballots
from psephos.ballots.csv_writer import write_ballot_file
from psephos.ballots.errors import BallotFileError
from psephos.ballots.profile import profile_from_rankings

#: Names as a user may give them, and the ones that trip a naive writer or reader.
AWKWARD = ["Smith, Bob", 'Bob "the Builder"', "Ann\nLee", "Ann\r\nLee", "Ann\rLee", "#1 Choice",
           "# candidates: X", "rank1", "count", '"', ",", "A,\"B\nC", "Zoë Ó Súilleabháin",
           "in\u2028side\x85x", "tab\there"]
NAMES = st.lists(st.one_of(st.sampled_from(AWKWARD),
                           st.text(min_size=1, max_size=12).filter(lambda s: s == s.strip())),
                 min_size=1, max_size=6, unique=True)


def round_trip(tmp_path: Path, names: list[str], rankings: list[list[int]]) -> None:
    path = tmp_path / "ballots.csv"
    write_ballot_file(path, names, [[names[c] for c in ranking] for ranking in rankings])
    read = read_csv_ballots(path)
    expected = profile_from_rankings(names, [r for r in rankings if r])
    assert read.candidates == tuple(names)
    assert np.array_equal(read.rankings, expected.rankings)
    assert np.array_equal(read.weights, expected.weights)
    assert read.blank == sum(1 for r in rankings if not r)


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), names=NAMES)
def test_any_names_and_ballots_read_back_exactly(tmp_path: Path, data: st.DataObject,
                                                 names: list[str]) -> None:
    n = len(names)
    ranking = st.permutations(range(n)).flatmap(
        lambda order: st.integers(0, n).map(lambda k: list(order[:k])))
    round_trip(tmp_path, names, data.draw(st.lists(ranking, max_size=8)))


@pytest.mark.parametrize("name", AWKWARD)
def test_each_awkward_name_alone(tmp_path: Path, name: str) -> None:
    round_trip(tmp_path, [name, "Other"], [[0], [0, 1], [1], []])


def test_a_one_column_blank_ballot_is_kept(tmp_path: Path) -> None:
    round_trip(tmp_path, ["Solo"], [[], [0], []])


def test_commas_and_quotes_are_quoted_as_a_person_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    write_ballot_file(path, ["Alice", "Smith, Bob"], [["Smith, Bob", "Alice"], []])
    assert path.read_text(encoding="utf-8") == (
        '# candidates: Alice, "Smith, Bob"\nrank1,rank2\n"Smith, Bob",Alice\n,\n')


@pytest.mark.parametrize(("names", "rows", "message"), [
    (["A", "A"], [], "a candidate is named twice"),
    (["A", " B"], [], "candidate name ' B' is empty or has blanks at either end"),
    (["A", ""], [], "candidate name '' is empty"),
    (["A", "\ud800"], [], "candidate name '\\ud800' is not valid Unicode"),
    (["A"], [["B"]], "ballot 1 ranks 'B', who is not a candidate"),
    (["A"], [["A", "A"]], "ballot 1 ranks a candidate twice"),
])
def test_what_the_format_cannot_hold_is_refused_before_writing(
        tmp_path: Path, names: list[str], rows: list[list[str]], message: str) -> None:
    path = tmp_path / "b.csv"
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("\\u", "\\\\u")):
        write_ballot_file(path, names, rows)
    assert not path.exists()


def test_a_multi_line_record_error_names_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text('r1,r2\n"A\nB",C\n"A\nB",Z,Y\n', encoding="utf-8")
    with pytest.raises(BallotFileError) as caught:
        read_csv_ballots(path)
    assert str(caught.value) == f"{path}:4: row: expected 2 cells, found 3"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_ends_of_every_kind_with_a_name_over_two_lines(tmp_path: Path, ending: str) -> None:
    """Lone CR line ends were once read as one long header; a quoted name may span lines."""
    path = tmp_path / "b.csv"
    lines = ["# candidates: Ann, \"Bob" + ending + "Lee\"", "r1,r2", "Ann,\"Bob" + ending + "Lee\"",
             "Ann,", "Ann,"]
    path.write_bytes((ending.join(lines) + ending).encode("utf-8"))
    profile = read_csv_ballots(path)
    assert profile.candidates == ("Ann", f"Bob{ending}Lee")
    assert dict(profile.iter_rankings()) == {(0, 1): 1, (0,): 2}
