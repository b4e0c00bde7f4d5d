"""What `read_profile` says before a reader gets to a file: the file read as the wrong format
(a BLT file read as CSV once gave a count of nonsense), a folder, a device or a pipe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psephos.ballots.errors import BallotFileError
from psephos.ballots.readers import DESCRIPTIONS, READERS, read_profile
from psephos.cli.main import app

SAMPLES = {
    "blt": '3 1\n4 1 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n"T"\n',
    "scottish-csv": ('3,1,\n4,1,2,\n2,3,\n"Candidate 1","A","P (P)",\n'
                     '"Candidate 2","B","Q (Q)",\n"Candidate 3","C","",\n"T",\n'),
    "csv": "rank1,rank2\nA,B\nC,\n",
    "json": '{"candidates": ["A", "B"], "ballots": [{"ranking": ["A"]}]}',
}
PAIRS = [(actual, asked) for actual in SAMPLES for asked in READERS if asked != actual]


@pytest.mark.parametrize(("actual", "asked"), PAIRS)
def test_a_file_read_as_another_format_is_refused(tmp_path: Path, actual: str,
                                                  asked: str) -> None:
    path = tmp_path / "ballots.dat"
    path.write_text(SAMPLES[actual], encoding="utf-8")
    assert read_profile(path, actual).n_candidates >= 2  # the sample itself is good
    with pytest.raises(BallotFileError) as caught:
        read_profile(path, asked)
    assert str(caught.value) == (f"{path}:1: format: this looks like {DESCRIPTIONS[actual]}, "
                                 f"not {asked}; use --format {actual}")


def test_blt_read_as_csv_exits_2_through_the_cli(tmp_path: Path) -> None:
    """The reproducer: `psephos count ward.blt --format csv` counted candidates named
    '4 1 2 0'."""
    path = tmp_path / "ward.blt"
    path.write_text(SAMPLES["blt"], encoding="utf-8")
    result = CliRunner().invoke(app, ["count", str(path), "--format", "csv"])
    assert result.exit_code == 2
    assert f"{path}:1: format: this looks like a BLT file, not csv; use --format blt" in (
        " ".join(result.output.split()))


def test_a_misnamed_file_read_by_its_suffix_is_refused(tmp_path: Path) -> None:
    """A BLT file saved as .json: the suffix picks the JSON reader, the content says BLT."""
    path = tmp_path / "ward.json"
    path.write_text(SAMPLES["blt"], encoding="utf-8")
    with pytest.raises(BallotFileError, match="this looks like a BLT file, not json"):
        read_profile(path)


def test_a_broken_file_of_the_asked_format_keeps_its_own_error(tmp_path: Path) -> None:
    path = tmp_path / "ward.blt"
    path.write_text("3 1\n4 1 9 0\n0\nA\nB\nC\n", encoding="utf-8")
    with pytest.raises(BallotFileError) as caught:
        read_profile(path, "blt")
    assert str(caught.value) == f"{path}:2: preference: candidate 9 is not between 1 and 3"


def test_a_folder_is_not_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError) as caught:
        read_profile(tmp_path)
    assert str(caught.value) == f"{tmp_path}: this is a folder; expected a ballot file"


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null here")
def test_a_device_is_not_a_missing_file() -> None:
    with pytest.raises(BallotFileError) as caught:
        read_profile("/dev/null", "blt")
    assert str(caught.value) == ("/dev/null: this is a character device, not a regular file; "
                                 "expected a ballot file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "ballots.blt"
    os.mkfifo(pipe)
    with pytest.raises(BallotFileError) as caught:
        read_profile(pipe)
    assert str(caught.value) == (f"{pipe}: this is a named pipe, not a regular file; "
                                 "expected a ballot file")


@pytest.mark.parametrize("reader", sorted(READERS))
def test_each_reader_names_a_folder(tmp_path: Path, reader: str) -> None:
    with pytest.raises(BallotFileError) as caught:
        READERS[reader](tmp_path)
    assert str(caught.value) == f"{tmp_path}: this is a folder; expected a ballot file"


def test_a_folder_exits_2_through_the_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["count", str(tmp_path)])
    assert result.exit_code == 2
    assert "this is a folder; expected a ballot file" in " ".join(result.output.split())


@pytest.mark.parametrize("text", ["1,2\nAlice,Bob\n", "[1],[2]\nAlice,Bob\n",
                                  "2,1\n3,4\n"])
def test_a_good_csv_file_like_no_other_format_is_read(tmp_path: Path, text: str) -> None:
    """Rank columns headed by numbers, candidates named by numbers: still plain CSV."""
    path = tmp_path / "ranks.csv"
    path.write_text(text, encoding="utf-8")
    assert read_profile(path, "csv").n_candidates == 2
