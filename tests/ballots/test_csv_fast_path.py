"""The plain CSV reader's whole-file path gives exactly the `Profile` the line-by-line path
gives, on every file it takes; files it declines still read (or fail) the same way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.ballots import csv_ballots
from psephos.ballots.errors import BallotFileError
from psephos.ballots.profile import Profile

NAMES = ["Ann", " Ann", "Bob", "Bob ", "Cy", "", "\"Cy\"", "#", " "]


def _read(path: Path, *, fast: bool) -> Profile | str:
    original = csv_ballots._read_plain
    if not fast:
        csv_ballots._read_plain = lambda *args, **kwargs: None
    try:
        return csv_ballots.read_csv_ballots(path)
    except BallotFileError as error:
        return f"error: {error}"
    finally:
        csv_ballots._read_plain = original


def _same(a: Profile | str, b: Profile | str) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return (a.candidates == b.candidates and np.array_equal(a.rankings, b.rankings)
            and np.array_equal(a.weights, b.weights) and a.blank == b.blank
            and a.title == b.title)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(st.sampled_from(NAMES), min_size=2, max_size=4), max_size=12),
       counts=st.none() | st.lists(st.sampled_from(["1", "2", " 3", "0", "x"]), min_size=12,
                                   max_size=12),
       crlf=st.booleans())
def test_whole_file_path_equals_line_by_line(tmp_path_factory: pytest.TempPathFactory,
                                             rows: list[list[str]], counts: list[str] | None,
                                             crlf: bool) -> None:
    header = "rank1,rank2,rank3" + (",count" if counts is not None else "")
    lines = [header] + [",".join(row) + (f",{counts[i]}" if counts is not None else "")
                        for i, row in enumerate(rows)]
    path = tmp_path_factory.mktemp("csv") / "ballots.csv"
    path.write_bytes(("\r\n" if crlf else "\n").join(lines).encode() + b"\n")
    assert _same(_read(path, fast=True), _read(path, fast=False))


def test_mixed_line_ends_keep_every_ballot(tmp_path: Path) -> None:
    """"A\\r\\n" and "A\\n" are the same ballot: both count (no vote lost in the merge)."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"rank1,rank2\nAnn,Bob\r\nAnn,Bob\nBob,\r\n")
    profile = csv_ballots.read_csv_ballots(path)
    assert profile.n_ballots == 3
    assert dict(profile.iter_rankings()) == {(0, 1): 2, (1,): 1}
