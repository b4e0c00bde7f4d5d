"""Droop's BLT extensions (option lines, nicknames, equal rankings), and the whole-array reading
of ballot lines giving exactly what the line-by-line reading gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psephos.ballots import blt, blt_arrays
from psephos.ballots.blt import read_blt
from psephos.ballots.errors import BallotFileError
from psephos.ballots.profile import Profile
from tests.conftest import require_data

NAMES = '"Castor"\n"Pollux"\n"Helen"\n"Paris"\n"Example"\n'


def write(tmp_path: Path, text: str, name: str = "d.blt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_nicknames_withdrawn_and_tie_order(tmp_path: Path) -> None:
    text = ("4 2\n[nick c p h x]\n[withdrawn x]\n[tie h p\n c x]\n"
            "5 c p 0\n(id 7) 2 h 1 0\n3 2 c 0\n0\n" + NAMES)
    profile = read_blt(write(tmp_path, text))
    assert dict(profile.iter_rankings()) == {(0, 1): 5, (2, 0): 2, (1, 0): 3}
    assert profile.withdrawn == frozenset({3})
    assert profile.lot_order == ("Helen", "Pollux", "Castor", "Paris")
    assert profile.title == "Example"


def test_no_tie_line_means_no_declared_lot_order(tmp_path: Path) -> None:
    assert read_blt(write(tmp_path, "4 2\n1 1 0\n0\n" + NAMES)).lot_order == ()


def test_withdrawn_line_and_option_together(tmp_path: Path) -> None:
    profile = read_blt(write(tmp_path, "4 2\n-4\n[withdrawn 3]\n1 1 0\n0\n" + NAMES))
    assert profile.withdrawn == frozenset({2, 3})


DROOP_ERRORS = [
    ("[droop precision=5]\n", "2: option: Droop's '[droop precision=5]' line is not supported: "
     "it sets Droop's own counting options; choose the rule and its options when counting "
     "instead"),
    ("[undeclared 4]\n", "2: option: Droop's '[undeclared 4]' line is not supported: psephos "
     "has no rule for Minneapolis's undeclared write-in candidates"),
    ("[colour red]\n", "2: option: unknown option line '[colour]'; expected one of Droop's "
     "[nick], [withdrawn] or [tie]"),
    ("[]\n", "2: option: unknown option line '[]'; expected one of Droop's [nick], [withdrawn] "
     "or [tie]"),
    ("[tie 1 2\n", "2: option: the option line has no closing ']'"),
    ("[tie 1 2] 3\n", "2: option: unexpected '3' after the option's ']'"),
    ("[tie 1 2 3]\n", "2: tie: Droop's [tie] line must name each of the 4 candidates once, in "
     "the order ties are broken"),
    ("[tie 1 2 3 3]\n", "2: tie: Droop's [tie] line must name each of the 4 candidates once, in "
     "the order ties are broken"),
    ("[tie 1 2 3 9]\n", "2: tie: candidate 9 is not between 1 and 4"),
    ("[nick a b c]\n", "2: nick: Droop's [nick] line must give each of the 4 candidates one "
     "nickname of its own, found 3 (3 different)"),
    ("[nick a b c a]\n", "2: nick: Droop's [nick] line must give each of the 4 candidates one "
     "nickname of its own, found 4 (3 different)"),
    ("[nick a b c 1]\n", "2: nick: nickname '1' could be read as a number or an equal ranking; "
     "expected a word"),
    ("[withdrawn z]\n", "2: withdrawn: expected a candidate number, found 'z'"),
    ("-2\n[withdrawn 2]\n", "3: withdrawn: candidate 2 is withdrawn twice (first on line 2)"),
    ("[nick a b c d]\n1 a z 0\n", "3: preference: expected a candidate number or nickname, "
     "found 'z'"),
    ("[nick a b c d]\n1 a b=c 0\n", "3: preference: Droop's equal rankings ('b=c') are not "
     "supported: a ranking puts one candidate at each rank"),
    ("1 1=2 0\n", "2: preference: Droop's equal rankings ('1=2') are not supported: a ranking "
     "puts one candidate at each rank"),
]


@pytest.mark.parametrize(("lines", "expected"), DROOP_ERRORS)
def test_droop_errors(tmp_path: Path, lines: str, expected: str) -> None:
    path = write(tmp_path, "4 2\n" + lines + "1 1 0\n0\n" + NAMES)
    with pytest.raises(BallotFileError) as caught:
        read_blt(path)
    assert str(caught.value) == f"{path}:{expected}"


@pytest.fixture
def droop_blt(droop_data: Path) -> Path:
    return droop_data / "test" / "blt"


def test_droop_files_read_as_droop_reads_them(droop_blt: Path) -> None:
    """42t.blt declares ``[tie 3 2 1 ]`` (Helen, then Pollux, then Castor); SCwopt.blt
    ``[withdrawn 4]``; eq1.blt ranks b and c equally, which we refuse by name."""
    tied = read_blt(droop_blt / "42t.blt")
    assert tied.lot_order == ("Helen", "Pollux", "Castor")
    assert read_blt(droop_blt / "SCwopt.blt").withdrawn == frozenset({3})
    with pytest.raises(BallotFileError, match=r"eq1.blt:4: preference: Droop's equal rankings"):
        read_blt(droop_blt / "meek" / "eq1.blt")


# --- whole-array reading == line-by-line reading ---------------------------------------------

def line_by_line(path: Path, monkeypatch: pytest.MonkeyPatch) -> Profile | str:
    with monkeypatch.context() as patched:
        patched.setattr(blt, "_plain_ballots", lambda *args: None)
        return outcome(path)


def outcome(path: Path) -> Profile | str:
    try:
        return read_blt(path)
    except BallotFileError as error:
        return str(error)


def assert_same(fast: Profile | str, slow: Profile | str) -> None:
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
        return
    assert fast.candidates == slow.candidates
    assert np.array_equal(fast.rankings, slow.rankings)
    assert np.array_equal(fast.weights, slow.weights)
    assert (fast.blank, fast.title, fast.seats, fast.withdrawn, fast.parties, fast.lot_order) == (
        slow.blank, slow.title, slow.seats, slow.withdrawn, slow.parties, slow.lot_order)


TOKEN = st.one_of(st.integers(0, 5).map(str), st.sampled_from(
    ["0", "00", "07", "1" * 19, "9" * 18, "10000000000001", "-1", "x", "", ",", " ", "\t"]))
LINE = st.lists(TOKEN, max_size=7).map(" ".join)


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(LINE, LINE.map(lambda t: t + " 0")), max_size=12),
       separator=st.sampled_from([" ", ",", ", "]), closing=st.sampled_from(["0", "0,", " 0"]),
       block=st.sampled_from([blt_arrays._BLOCK, 1, 9, 30]))
def test_whole_array_reading_is_line_by_line_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[str], separator: str,
        closing: str, block: int) -> None:
    """Whatever the lines, and however they are cut into blocks."""
    body = "\n".join(line.replace(" ", separator) for line in lines)
    path = write(tmp_path, f"4 2\n{body}\n{closing}\n" + NAMES)
    with monkeypatch.context() as patched:
        patched.setattr(blt_arrays, "_BLOCK", block)
        fast = outcome(path)
    assert_same(fast, line_by_line(path, monkeypatch))


def test_scottish_files_read_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted((require_data("scotland-stv") / "blt_files").glob("*/*.blt"))
    for path in files[::25]:
        assert_same(outcome(path), line_by_line(path, monkeypatch))
    monkeypatch.setattr(blt_arrays, "_BLOCK", 1000)  # a large ward read in many blocks
    largest = max(files, key=lambda path: path.stat().st_size)
    assert_same(outcome(largest), line_by_line(largest, monkeypatch))


OPTION_WORDS = ["[nick", "[tie", "[withdrawn", "[droop", "[undeclared", "[", "]", "a", "b", "c",
                "d", "1", "2", "4", "5", "x]", "d]", "4]", "=", "a=b", "-1", "#", "(", "0"]
BALLOTS = ["1 a b 0", "2 1 2 0", "1 c=d 0", "3 0", "(x y) 1 d 0", "0 1 0", "1 d c b a 0"]


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(options=st.lists(st.lists(st.sampled_from(OPTION_WORDS), max_size=7).map(" ".join),
                        max_size=3),
       ballots=st.lists(st.sampled_from(BALLOTS), max_size=4))
def test_option_lines_give_a_profile_or_a_clean_error(tmp_path: Path, options: list[str],
                                                      ballots: list[str]) -> None:
    path = write(tmp_path, "4 2\n" + "\n".join([*options, *ballots, "0"]) + "\n" + NAMES)
    found = outcome(path)
    if isinstance(found, str):
        assert found.startswith(f"{path}")
        return
    assert found.lot_order == () or sorted(found.lot_order) == sorted(found.candidates)
    assert found.withdrawn <= frozenset(range(4))
    assert ((found.rankings >= -1) & (found.rankings < 4)).all()
