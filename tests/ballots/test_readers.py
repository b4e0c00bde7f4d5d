"""Each ballot reader on small files written here: the good files, every documented quirk of
the Scottish council files, and every error path with its exact ``file:line: field: message``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from psephos.ballots import csv_ballots, errors
from psephos.ballots.blt import read_blt
from psephos.ballots.csv_ballots import read_csv_ballots
from psephos.ballots.errors import BallotFileError
from psephos.ballots.json_ballots import read_json_ballots
from psephos.ballots.profile import SKIPPED, Profile
from psephos.ballots.readers import detect_format, read_profile
from psephos.ballots.scottish_csv import read_scottish_csv


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    """``content`` in ``tmp_path/name``, text written byte for byte (no newline translation)."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def rankings(profile: Profile) -> dict[tuple[int, ...], int]:
    return dict(profile.iter_rankings())


def error_of(reader: Callable[[Path], Profile], path: Path) -> str:
    """The message of the `BallotFileError` that ``reader`` raises for ``path``."""
    with pytest.raises(BallotFileError) as caught:
        reader(path)
    return str(caught.value)


# --- BLT -------------------------------------------------------------------------------------

DROOP_BLT = """\
4 2
-4
12 1 2 0
(b7) 3 2 1 0
5 3 0
2 1 2 1 0
1 0
0
"Alice"
"Bob"
"Carol"
"Dan"
"Example election"
"""


def test_blt_droop_style(tmp_path: Path) -> None:
    profile = read_blt(write(tmp_path, "e.blt", DROOP_BLT))
    assert profile.candidates == ("Alice", "Bob", "Carol", "Dan")
    assert profile.seats == 2
    assert profile.title == "Example election"
    assert profile.withdrawn == frozenset({3})
    # A repeated preference is dropped after its first use; the ballot id is accepted.
    assert rankings(profile) == {(0, 1): 14, (1, 0): 3, (2,): 5}
    assert profile.blank == 1  # "1 0" has no preference: blank, as Droop counts it
    assert profile.n_ballots == 22
    assert profile.parties == ()


def test_blt_scottish_unquoted_names_and_ward_title(tmp_path: Path) -> None:
    text = "2 1\n3 1 2 0\n0\nAnn SMITH (Lab)\nBen JONES   (SNP)\nWard 1 - Somewhere\n"
    profile = read_blt(write(tmp_path, "w.blt", text))
    assert profile.candidates == ("Ann SMITH (Lab)", "Ben JONES   (SNP)")
    assert profile.parties == ("Lab", "SNP")
    assert profile.title == "Ward 1 - Somewhere"


def test_blt_trailing_commas(tmp_path: Path) -> None:
    text = "2,1,\n3,1,2,0,\n0,\nAnn SMITH (Lab),\nWilma,LUMSDEN (SNP),\nWard 9,\n"
    profile = read_blt(write(tmp_path, "t.blt", text))
    assert rankings(profile) == {(0, 1): 3}
    assert profile.candidates == ("Ann SMITH (Lab)", "Wilma,LUMSDEN (SNP)")
    assert profile.title == "Ward 9"


def test_blt_names_quoted_as_name_then_party(tmp_path: Path) -> None:
    text = '2 1\n1 2 0\n0\n"Ann Smith" "Labour"\n"Ben Jones" "SNP"\n"Ward 2"\n'
    profile = read_blt(write(tmp_path, "q.blt", text))
    assert profile.candidates == ("Ann Smith (Labour)", "Ben Jones (SNP)")
    assert profile.parties == ("Labour", "SNP")
    assert profile.title == "Ward 2"


def test_blt_names_csv_escaped_with_party_in_doubled_quotes(tmp_path: Path) -> None:
    text = '2 1\n1 2 0\n0\n"""Ann Smith"" ""Labour"""\n"""Ben Jones"" ""SNP"""\n"Ward 2"\n'
    profile = read_blt(write(tmp_path, "q.blt", text))
    assert profile.candidates == ("Ann Smith (Labour)", "Ben Jones (SNP)")


def test_blt_alternative_name_comments_and_title(tmp_path: Path) -> None:
    text = ("2 1\n4 2 1 0\n0\n# ALTERNATIVE NAME 1: Ann  Smith (Lab)\n"
            "# ALTERNATIVE NAME 2: Ben Jones (SNP)\ngovan\n")
    profile = read_blt(write(tmp_path, "g.blt", text))
    assert profile.candidates == ("Ann Smith (Lab)", "Ben Jones (SNP)")
    assert profile.title == "govan"
    assert rankings(profile) == {(1, 0): 4}


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_blt_bom_and_line_endings(tmp_path: Path, ending: str) -> None:
    text = ending.join(["2 1", "# a comment", "", "3 2 0", "0", "A", "B", "T"]) + ending
    profile = read_blt(write(tmp_path, "e.blt", b"\xef\xbb\xbf" + text.encode()))
    assert profile.candidates == ("A", "B")
    assert rankings(profile) == {(1,): 3}
    assert profile.title == "T"


def test_blt_long_quoted_name_reads_in_linear_time(tmp_path: Path) -> None:
    """A regex once took minutes on this (quadratic backtracking); now it is instant."""
    text = '1 1\n1 1 0\n0\n"' + " " * 200_000 + 'Ann" "Lab"\n'
    assert read_blt(write(tmp_path, "long.blt", text)).candidates == ("Ann (Lab)",)


def test_blt_zero_weight_ballot_is_dropped(tmp_path: Path) -> None:
    profile = read_blt(write(tmp_path, "z.blt", "2 1\n0 1 0\n2 2 0\n0\nA\nB\n"))
    assert rankings(profile) == {(1,): 2}
    assert profile.title == ""
    # Only zero-weight ballots, of two preferences: the whole-array reading once failed here.
    profile = read_blt(write(tmp_path, "z.blt", "2 1\n0 1 2 0\n0\nA\nB\n"))
    assert rankings(profile) == {} and profile.rankings.shape[0] == 0


BLT_ERRORS = [
    ("", "the file ended where the header line 'candidates seats' was expected"),
    ("3\n", "1: header: expected 'candidates seats', found '3'"),
    ("3 x\n", "1: header: expected 'candidates seats', found '3 x'"),
    ("\u00b2 1\n", "1: header: expected 'candidates seats', found '\u00b2 1'"),
    ("0 1\n", "1: header: there must be at least one candidate"),
    ("99999999999 1\n", "1: header: 99,999,999,999 candidates; at most 10,000 are supported"),
    ("2 3\n", "1: header: 3 seats for 2 candidates; expected 1 to 2"),
    ("2 0\n", "1: header: 0 seats for 2 candidates; expected 1 to 2"),
    ("2 1\n1 1 0\n", "the file ended where a ballot line or the closing 0 was expected"),
    ("2 1\n-x\n", "2: withdrawn: expected a negative candidate number, found '-x'"),
    ("2 1\n-3\n", "2: withdrawn: withdrawn candidate 3 is not between 1 and 2"),
    ("2 1\n1 1\n", "2: ballot: expected 'weight preference ... 0'"),
    ("2 1\n(id)\n", "2: ballot: expected 'weight preference ... 0'"),
    ("2 1\nx 1 0\n", "2: weight: expected a whole number of ballots, found 'x'"),
    # 19 digits and more: too large, and the limit said (it once said "expected a whole number")
    ("2 1\n" + "9" * 19 + " 1 0\n",
     "2: weight: '" + "9" * 19 + "' is too large; at most 10,000,000,000,000 ballots are "
     "supported"),
    ("2 1\n" + "9" * 50 + " 1 0\n",
     "2: weight: '" + "9" * 36 + "... is too large; at most 10,000,000,000,000 ballots are "
     "supported"),
    ("2 1\n10000000000001 1 0\n",
     "2: weight: '10000000000001' is too large; at most 10,000,000,000,000 ballots are "
     "supported"),
    ("2 1\n1 1 0\n-5 1 0\n",
     "3: weight: '-5' is negative; expected a number of ballots, 0 or more"),
    ("2 1\n-5 1 0\n", "2: weight: '-5' is negative; expected a number of ballots, 0 or more"),
    ("2 1\n1 1 0 # a comment\n1 x 0\n",
     "3: preference: expected a candidate number, found 'x'"),
    ("2 1\n-1\n-1\n", "3: withdrawn: candidate 1 is withdrawn twice (first on line 2)"),
    ("2 1\n1 a 0\n", "2: preference: expected a candidate number, found 'a'"),
    ("2 1\n1 3 0\n", "2: preference: candidate 3 is not between 1 and 2"),
    ("2 1\n1 0 0\n", "2: preference: candidate 0 is not between 1 and 2"),
    ("2 1\n1 " + "1" * 30 + " 0\n",
     "2: preference: candidate " + "1" * 30 + " is not between 1 and 2"),
    ("2 1\n10000000000000 1 0\n1 2 0\n", "3: weight: more than 10,000,000,000,000 ballots in all"),
    ("2 1\n1 1 0\n0\nA\n", "candidates: expected 2 candidate names after the ballots, found 1"),
    ('2 1\n1 1 0\n0\n""\nB\n', "4: candidates: candidate 1's name is empty"),
    ("2 1\n1 1 0\n0\nA\nA\n", "candidates: two candidates have the same name"),
    (b"2 1\n1 1 0\n\xff\n", "3: not UTF-8 text (invalid start byte)"),
]


def test_blt_ragged_rankings_cannot_ask_for_absurd_memory(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """One full ranking padded over many one-preference rankings: refused, not allocated."""
    monkeypatch.setattr(errors, "MIN_CELL_BUDGET", 1000)
    n = 1000
    lines = [f"{n} 1", "1 " + " ".join(str(c) for c in range(1, n + 1)) + " 0"]
    lines += [f"1 {c} 0" for c in range(1, 201)] + ["0"] + [f"C{c}" for c in range(n)]
    path = write(tmp_path, "ragged.blt", "\n".join(lines) + "\n")
    assert error_of(read_blt, path) == (
        f"{path}: ballots: 201 distinct rankings padded to the longest (1,000 preferences) "
        "would need 201,000 cells; the file spells out only 1,200 preferences")


def test_blt_huge_declared_candidates_allocates_nothing(tmp_path: Path) -> None:
    """The header's number is checked before anything is sized by it."""
    path = write(tmp_path, "huge.blt", "9999 1\n1 9999 0\n0\nA\n")
    assert error_of(read_blt, path) == (
        f"{path}: candidates: expected 9999 candidate names after the ballots, found 1")


# --- Scottish CSV ----------------------------------------------------------------------------

SCOTTISH = """\
3,2,
39,1,
12,2,3,1,
4,3,3,
5,
"Candidate 1","James Brooks","Independent Alliance North Lanarkshire (IANL)",
"Candidate 2","Ann Smith","Labour (Lab)",
"Candidate 3","Ben Jones","",
"Ward 11 - Coatbridge South",
"""


def test_scottish_csv(tmp_path: Path) -> None:
    profile = read_scottish_csv(write(tmp_path, "w.csv", SCOTTISH))
    assert profile.candidates == ("James Brooks (IANL)", "Ann Smith (Lab)", "Ben Jones")
    assert profile.parties == ("IANL", "Lab", "")
    assert profile.seats == 2
    assert profile.title == "Ward 11 - Coatbridge South"
    assert rankings(profile) == {(0,): 39, (1, 2, 0): 12, (2,): 4}
    assert profile.blank == 5


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_scottish_csv_bom_and_line_endings(tmp_path: Path, ending: str) -> None:
    text = ending.join(SCOTTISH.splitlines()) + ending
    profile = read_scottish_csv(write(tmp_path, "w.csv", b"\xef\xbb\xbf" + text.encode()))
    assert profile.candidates[0] == "James Brooks (IANL)"
    assert profile.n_ballots == 55


CANDS = '"Candidate 1","A","P (P)",\n"Candidate 2","B","Q (Q)",\n'
SCOTTISH_ERRORS = [
    ("", "the file is empty"),
    (",,\n", "the file is empty"),
    ("3,\n", "1: header: expected 'candidates,seats'"),
    ("3,x,\n", "1: header: expected 'candidates,seats'"),
    ("0,1,\n", "1: header: there must be at least one candidate"),
    ("20000,1,\n", "1: header: 20,000 candidates; at most 10,000 are supported"),
    ("2,0,\n", "1: header: 0 seats for 2 candidates; expected 1 to 2"),
    ("2,1,\n1,x,\n", "2: preference: expected a candidate number, found 'x'"),
    ("2,1,\n1\u00b2,1,\n", "2: weight: expected a whole number of ballots, found '1\u00b2'"),
    # A negative weight was once reported as a bad candidate row.
    ("2,1,\n-5,1,\n", "2: weight: '-5' is negative; expected a number of ballots, 0 or more"),
    ("2,1,\n" + "9" * 19 + ",1,\n",
     "2: weight: '" + "9" * 19 + "' is too large; at most 10,000,000,000,000 ballots are "
     "supported"),
    ("2,1,\n1,3,\n", "2: preference: candidate 3 is not between 1 and 2"),
    ("2,1,\n10000000000000,1,\n1,2,\n", "3: weight: more than 10,000,000,000,000 ballots in all"),
    ("2,1,\n1,1,\nfoo,bar,\n", "3: candidate: expected '\"Candidate k\",name,party'"),
    ('2,1,\n1,1,\n"Candidate 1","","P (P)",\n', "3: candidate: the candidate's name is empty"),
    ('2,1,\n1,1,\n"Candidate 1","A","P (P)",\n"Candidate 2","A","(P)",\n',
     "4: candidate: 'A (P)' is named twice"),
    ('2,1,\n1,1,\n"Candidate 1","A","P (P)",\n', "candidates: expected 2 candidates, found 1"),
    (b"2,1,\n\xff,\n", "2: not UTF-8 text (invalid start byte)"),
    ("2,1,\n" + "1" * 200_000 + ",\n",
     "2: not a readable CSV file (field larger than field limit (131072))"),
]


def test_scottish_csv_good_candidates_after_errors_list(tmp_path: Path) -> None:
    """The candidate rows used in the error cases are themselves good."""
    profile = read_scottish_csv(write(tmp_path, "ok.csv", "2,1,\n1,2,1,\n" + CANDS + "T,\n"))
    assert profile.candidates == ("A (P)", "B (Q)")
    assert profile.title == "T"


# --- plain CSV -------------------------------------------------------------------------------

def test_csv_ballots_first_appearance_order_and_weights(tmp_path: Path) -> None:
    text = "rank1,rank2,rank3,count\nBob,Alice,,120\nCarol,,,45\n,,,7\nBob,Alice,,1\n"
    profile = read_csv_ballots(write(tmp_path, "b.csv", text), seats=1)
    assert profile.candidates == ("Bob", "Alice", "Carol")
    assert rankings(profile) == {(0, 1): 121, (2,): 45}
    assert profile.blank == 7
    assert profile.seats == 1
    assert profile.title == "b"


def test_csv_ballots_declared_candidates_skips_and_repeats(tmp_path: Path) -> None:
    text = ("\ufeff# candidates: Alice, Bob, \"Carol, Jr\"\r\n# a comment\r\nr1,r2,r3\r\n"
            "Bob,,Alice\r\nBob,,Alice\r\n\"Carol, Jr\",,\r\n")
    profile = read_csv_ballots(write(tmp_path, "d.csv", text))
    assert profile.candidates == ("Alice", "Bob", "Carol, Jr")
    assert rankings(profile) == {(1, SKIPPED, 0): 2, (2,): 1}
    assert not profile.is_simple


CSV_ERRORS = [
    ("", "the file is empty"),
    ("# c\n\n", "the file has no header row"),
    ("# candidates: A, A\nr1\n", "1: candidates: a candidate is declared twice"),
    ("r1\nA\nr1\n", "3: header: the header row appears again as a ballot"),
    ("# note\ncount\n", "2: header: the header has no rank columns"),
    ("r1,r2\nA\n", "2: row: expected 2 cells, found 1"),
    ("r1,count\nA,x\n", "2: count: expected a whole number of ballots, found 'x'"),
    ("r1,count\nA,\u00b2\n", "2: count: expected a whole number of ballots, found '\u00b2'"),
    ("r1,count\nA,-3\n", "2: count: '-3' is negative; expected a number of ballots, 0 or more"),
    ("r1,count\nA,1\nB," + "9" * 19 + "\n",
     "3: count: '" + "9" * 19 + "' is too large; at most 10,000,000,000,000 ballots are "
     "supported"),
    ("r1,count\nA,10000000000000\nB,1\n", "3: count: more than 10,000,000,000,000 ballots in all"),
    ('r1\n"A\n', "2: row: unbalanced quotes: a quoted cell that begins on this line is not "
     "closed by the end of the file"),
    ('r1\nA\n"B\nC\n', "3: row: unbalanced quotes: a quoted cell that begins on this line is "
     "not closed by the end of the file"),
    ("# candidates: A, B\nr1\nA\nC\n", "4: candidate: 'C' is not a declared candidate"),
    ("r1,r2\nA,A\n", "2: candidate: 'A' is ranked twice"),
    ("r1,r2\n,\n", "no candidate is named anywhere in the file"),
    (b"r1\nA\n\xff\n", "3: not UTF-8 text (invalid start byte)"),
    ("r1\n" + "A" * 200_000 + "\n",
     "2: row: not readable as CSV (field larger than field limit (131072))"),
]


def test_csv_ballots_too_many_candidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_ballots, "MAX_CANDIDATES", 2)
    path = write(tmp_path, "many.csv", "r1\nA\nB\nC\n")
    assert error_of(read_csv_ballots, path) == f"{path}:4: candidate: more than 2 candidates"


# --- JSON ------------------------------------------------------------------------------------

def test_json_ballots(tmp_path: Path) -> None:
    text = ('{"candidates": ["Alice", "Bob", "Carol"], "seats": 1, "title": "Example",'
            ' "ballots": [{"ranking": ["Alice", "Bob"], "count": 120}, {"ranking": ["Carol"]},'
            ' {"ranking": [], "count": 3}, {"ranking": ["Bob"], "count": 0}]}')
    profile = read_json_ballots(write(tmp_path, "e.json", "\ufeff" + text))
    assert profile.candidates == ("Alice", "Bob", "Carol")
    assert rankings(profile) == {(0, 1): 120, (2,): 1}
    assert (profile.seats, profile.title, profile.blank) == (1, "Example", 3)


GOOD = '"candidates": ["A", "B"]'
JSON_ERRORS = [
    ("{\n", "2: invalid JSON: Expecting property name enclosed in double quotes"),
    ("[" * 100_000, "invalid JSON: nested too deeply"),
    # Python's hint (use sys.set_int_max_str_digits()) once leaked into this message.
    ("{" + GOOD + ',\n"ballots": [{"ranking": ["A"], "count": ' + "1" * 5000 + "}]}",
     "2: ballots[0].count: a number of 5,000 digits is too large; at most 10,000,000,000,000 "
     "ballots are supported"),
    ("{" + GOOD + ', "seats": ' + "1" * 5000 + "}", "seats: expected a whole number from 1 to 2"),
    ("{" + GOOD + ', "ballots": [{"ranking": ["A"], "count": 10000000000001}]}',
     "ballots[0].count: 10000000000001 is too large; at most 10,000,000,000,000 ballots are "
     "supported"),
    (b'{"candidates": ["\xff"]}', "not UTF-8 text (invalid start byte)"),
    ("[]", "expected a JSON object at the top level"),
    ('{"candidates": []}', "candidates: expected a non-empty list of names"),
    ('{"candidates": ["A", ""]}', "candidates: expected a non-empty list of names"),
    ('{"candidates": ["\\ud800"]}',
     "candidates[0]: '\\ud800' is not valid Unicode (a lone surrogate)"),
    ('{"candidates": ["A", "A"]}', "candidates: a candidate is named twice"),
    ("{" + GOOD + ', "seats": 3}', "seats: expected a whole number from 1 to 2"),
    ("{" + GOOD + ', "seats": true}', "seats: expected a whole number from 1 to 2"),
    ("{" + GOOD + ', "title": 1}', "title: expected a string"),
    ("{" + GOOD + ', "title": "\\udfff"}',
     "title: '\\udfff' is not valid Unicode (a lone surrogate)"),
    ("{" + GOOD + "}", "ballots: expected a list of ballots"),
    ("{" + GOOD + ', "ballots": [1]}', 'ballots[0]: expected {"ranking": [...], "count": n}'),
    ("{" + GOOD + ', "ballots": [{"ranking": [], "count": -1}]}',
     "ballots[0].count: -1 is negative; expected a number of ballots, 0 or more"),
    ("{" + GOOD + ', "ballots": [{"ranking": [], "count": 1.5}]}',
     "ballots[0].count: expected a whole number of ballots, found 1.5"),
    ("{" + GOOD + ', "ballots": [{"ranking": ["X"]}]}',
     "ballots[0].ranking: 'X' is not one of the candidates"),
    ("{" + GOOD + ', "ballots": [{"ranking": [["A"]]}]}',
     "ballots[0].ranking: ['A'] is not one of the candidates"),
    ("{" + GOOD + ', "ballots": [{"ranking": ["A", "A"]}]}',
     "ballots[0].ranking: 'A' is ranked twice"),
    ("{" + GOOD + ', "ballots": [{"ranking": ["A"], "count": 10000000000000}, {"ranking": []}]}',
     "ballots[1].count: more than 10,000,000,000,000 ballots in all"),
    ('{"candidates": [' + ", ".join(f'"c{k}"' for k in range(10_001)) + "]}",
     "candidates: 10,001 candidates; at most 10,000 are supported"),
]


# --- every error of every reader, exactly --------------------------------------------------

ERROR_CASES = [
    pytest.param(reader, name, content, expected, id=f"{name}-{k}")
    for reader, name, cases in [(read_blt, "bad.blt", BLT_ERRORS),
                                (read_scottish_csv, "bad.csv", SCOTTISH_ERRORS),
                                (read_csv_ballots, "bad.csv", CSV_ERRORS),
                                (read_json_ballots, "bad.json", JSON_ERRORS)]
    for k, (content, expected) in enumerate(cases)
]


@pytest.mark.parametrize(("reader", "name", "content", "expected"), ERROR_CASES)
def test_reader_errors(tmp_path: Path, reader: Callable[[Path], Profile], name: str,
                       content: str | bytes, expected: str) -> None:
    """``file:line: field: message`` (or ``file: ...`` where no line applies)."""
    path = write(tmp_path, name, content)
    where = f"{path}:" if expected[0].isdigit() else f"{path}: "
    assert error_of(reader, path) == where + expected


# --- format detection ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "expected"), [
    ("a.blt", "anything", "blt"),
    ("a.json", "{}", "json"),
    ("a.csv", "rank1,rank2\nA,B\n", "csv"),
    ("a.csv", "\ufeff8,4,\n39,1,\n", "scottish-csv"),
    ("a.csv", "# comment\n8 4\n", "blt"),
    ("a.txt", "8 4\n", "blt"),
    ("a.dat", "\n8 4\n", "blt"),
])
def test_detect_format(tmp_path: Path, name: str, content: str, expected: str) -> None:
    assert detect_format(write(tmp_path, name, content)) == expected


def test_read_profile_detects_and_reads(tmp_path: Path) -> None:
    blt = read_profile(write(tmp_path, "w.txt", "2 1\n3 2 0\n0\nA\nB\n"))
    scottish = read_profile(write(tmp_path, "w.csv", "2,1,\n3,2,\n" + CANDS))
    assert rankings(blt) == rankings(scottish) == {(1,): 3}
    forced = read_profile(write(tmp_path, "x.data", "r1\nA\n"), format="csv")
    assert forced.candidates == ("A",)


def test_read_profile_errors(tmp_path: Path) -> None:
    missing = tmp_path / "missing.blt"
    with pytest.raises(BallotFileError) as caught:
        read_profile(missing)
    assert str(caught.value) == f"{missing}: no such file"
    odd = write(tmp_path, "odd.dat", "hello\n")
    with pytest.raises(BallotFileError) as caught:
        read_profile(odd)
    assert str(caught.value) == (
        f"{odd}: cannot tell the file's format; give --format (blt, csv, json, scottish-csv)")
    with pytest.raises(BallotFileError) as caught:
        read_profile(odd, format="xml")
    assert str(caught.value) == (
        f"{odd}: unknown format 'xml'; choose one of blt, csv, json, scottish-csv")
    long_name = tmp_path / ("x" * 5000)
    with pytest.raises(BallotFileError) as caught:
        read_profile(long_name)
    assert str(caught.value) == f"{long_name}: File name too long"
