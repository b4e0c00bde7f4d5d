"""Every ballot reader, fuzzed: a valid `Profile` or a clean `BallotFileError`, never a traceback.

Three kinds of input: (a) random bytes and text, (b) valid files of each format with a few
mutations (lines dropped, duplicated, swapped or cut; tokens turned into huge, negative,
non-ASCII or empty values; bad UTF-8 spliced in), (c) valid files that must read back as
the profile they were written from. The RCTab configs and the cast-vote-record readers of
every provider get (a) and (b), and any node of their JSON replaced by any JSON value.

The examples per test are few enough for the module to run in well under 30 s, and drawn
from a fixed seed so that the suite is repeatable; set ``PSEPHOS_FUZZ_EXAMPLES`` (e.g. 5000)
for a long local run with fresh random examples.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psephos.ballots.blt import read_blt
from psephos.ballots.csv_ballots import read_csv_ballots
from psephos.ballots.errors import MAX_BALLOTS, MIN_CELL_BUDGET, BallotFileError
from psephos.ballots.json_ballots import read_json_ballots
from psephos.ballots.profile import END, OVERVOTE, SKIPPED, Profile
from psephos.ballots.readers import read_profile
from psephos.ballots.scottish_csv import read_scottish_csv

Reader = Callable[[Path], Profile]

EXAMPLES = int(os.environ.get("PSEPHOS_FUZZ_EXAMPLES", "0"))
settings.register_profile(
    "psephos-fuzz",
    max_examples=EXAMPLES or 100,
    derandomize=not EXAMPLES,
    deadline=timedelta(seconds=5),  # generous; catches reading time that grows quadratically
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("psephos-fuzz")

READERS: dict[str, tuple[Reader, str]] = {
    "blt": (read_blt, ".blt"),
    "scottish-csv": (read_scottish_csv, ".csv"),
    "csv": (read_csv_ballots, ".csv"),
    "json": (read_json_ballots, ".json"),
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the module: hypothesis runs many examples per test function."""
    return tmp_path_factory.mktemp("fuzz")


# --- the contract ----------------------------------------------------------------------------

def assert_valid_profile(profile: Profile, *, repeats: bool = False) -> None:
    """What every reader promises about the `Profile` it returns.

    ``repeats``: a cast-vote record may rank one candidate twice (RCTab's rules decide what
    that means), so the CVR readers keep such rankings as cast.
    """
    n = profile.n_candidates
    assert n >= 1
    assert all(isinstance(c, str) and c for c in profile.candidates)
    assert len(set(profile.candidates)) == n
    for name in (*profile.candidates, profile.title):
        name.encode("utf-8")  # no lone surrogates: every name can be printed and saved
    assert profile.rankings.dtype == np.int32 and profile.rankings.ndim == 2
    assert profile.weights.dtype == np.int64 and profile.weights.shape == profile.rankings.shape[:1]
    assert (profile.weights > 0).all()
    assert profile.blank >= 0 and profile.invalid >= 0
    assert profile.n_ballots + profile.blank + profile.invalid <= MAX_BALLOTS
    assert profile.withdrawn <= frozenset(range(n))
    assert profile.parties == () or len(profile.parties) == n
    assert profile.seats is None or 1 <= profile.seats <= n
    for group in profile.overvotes:
        assert all(0 <= c < n for c in group)
    seen_rows: set[tuple[int, ...]] = set()
    for row in profile.rankings.tolist():
        end = row.index(END) if END in row else len(row)
        codes = row[:end]
        assert all(c == END for c in row[end:]), "END is only ever trailing padding"
        assert codes, "a ranking without a code is a blank ballot, not a valid one"
        assert codes[-1] != SKIPPED, "trailing skipped ranks are dropped"
        for c in codes:
            assert 0 <= c < n or c == SKIPPED or 0 <= OVERVOTE - c < len(profile.overvotes), c
        marked = [c for c in codes if c >= 0]
        assert repeats or len(marked) == len(set(marked)), "a candidate is ranked twice"
        assert tuple(codes) not in seen_rows, "identical rankings are collapsed"
        seen_rows.add(tuple(codes))


#: Address space a single read may add: an absurd allocation then fails here as a
#: MemoryError (a bug, reported with its input) instead of starving the whole machine.
READ_MEMORY = 2 << 30


@contextmanager
def memory_cap(extra: int = READ_MEMORY) -> Iterator[None]:
    """Cap this process's address space at its present size plus ``extra`` (Linux only)."""
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (ImportError, OSError):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = pages * os.sysconf("SC_PAGE_SIZE") + extra
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def check(reader: Reader, path: Path) -> Profile | None:
    """Read ``path``: a valid profile, or a `BallotFileError` naming the file; anything else
    propagates and fails the test with its traceback."""
    try:
        with memory_cap():
            profile = reader(path)
    except BallotFileError as error:
        assert error.path == str(path)
        assert str(error).startswith(f"{path}:")
        if error.line is not None:
            data = path.read_bytes()
            assert 1 <= error.line <= data.count(b"\n") + data.count(b"\r") + 1
        return None
    assert_valid_profile(profile)
    assert_small(profile, path.stat().st_size)
    return profile


def assert_small(profile: Profile, size: int) -> None:
    """A file of ``size`` bytes may not become a ranking matrix out of all proportion to it."""
    assert profile.rankings.size <= max(MIN_CELL_BUDGET, 64 * size), profile.rankings.shape


def put(workdir: Path, name: str, data: bytes) -> Path:
    path = workdir / name
    path.write_bytes(data)
    return path


# --- (a) random input ------------------------------------------------------------------------

TOKENISH = st.text(alphabet=st.sampled_from([*'0123456789 ,-\n\r"#()\t', "\ufeff", "é", "\u00b2"]),
                   max_size=300)


@pytest.mark.parametrize("fmt", sorted(READERS))
@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes(workdir: Path, fmt: str, data: bytes) -> None:
    reader, suffix = READERS[fmt]
    check(reader, put(workdir, f"random-{fmt}{suffix}", data))


@pytest.mark.parametrize("fmt", sorted(READERS))
@FUZZ
@given(text=st.one_of(st.text(max_size=500), TOKENISH))
def test_random_text(workdir: Path, fmt: str, text: str) -> None:
    reader, suffix = READERS[fmt]
    check(reader, put(workdir, f"text-{fmt}{suffix}", text.encode("utf-8", "surrogatepass")))


@FUZZ
@given(text=TOKENISH, suffix=st.sampled_from([".blt", ".csv", ".txt", ".json", ".dat", ""]))
def test_read_profile_detection(workdir: Path, text: str, suffix: str) -> None:
    check(read_profile, put(workdir, f"detect{suffix}", text.encode("utf-8")))


# --- profiles to write -----------------------------------------------------------------------

@dataclass(frozen=True)
class Election:
    """What a writer puts in a file, and what a reader must give back."""

    candidates: tuple[str, ...]
    seats: int
    ballots: tuple[tuple[tuple[int, ...], int], ...]  # ranking (codes), weight (may be 0)
    title: str
    withdrawn: frozenset[int] = frozenset()

    def expected(self) -> tuple[dict[tuple[int, ...], int], int]:
        """The collapsed rankings and the blank ballots a reader should find."""
        merged: dict[tuple[int, ...], int] = {}
        blank = 0
        for ranking, weight in self.ballots:
            if not any(c >= 0 for c in ranking):
                blank += weight
            elif weight:
                merged[ranking] = merged.get(ranking, 0) + weight
        return merged, blank


NAME_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                           blacklist_characters='"#(),')
NAMES = st.text(NAME_CHARS, min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def elections(draw: st.DrawFn, *, skips: bool = False, withdrawn: bool = False,
              title: bool = True) -> Election:
    """A small election; ``skips`` allows skipped ranks (plain CSV only)."""
    names = draw(st.lists(NAMES, min_size=1, max_size=8, unique=True))
    n = len(names)
    if skips:
        pick = st.lists(st.one_of(st.integers(0, n - 1), st.just(SKIPPED)), max_size=n).map(
            _unique_marks)
    else:
        pick = st.lists(st.integers(0, n - 1), unique=True, max_size=n).map(tuple)
    ballots = draw(st.lists(st.tuples(pick, st.integers(0, 10**6)), max_size=12))
    return Election(
        candidates=tuple(names),
        seats=draw(st.integers(1, n)),
        ballots=tuple(ballots),
        title=draw(NAMES) if title else "",
        withdrawn=frozenset(draw(st.sets(st.integers(0, n - 1)))) if withdrawn else frozenset(),
    )


def _unique_marks(ranking: list[int]) -> tuple[int, ...]:
    """Each candidate once, trailing skipped ranks dropped (what a CSV reader keeps)."""
    out: list[int] = []
    for c in ranking:
        if c == SKIPPED or c not in out:
            out.append(c)
    while out and out[-1] == SKIPPED:
        out.pop()
    return tuple(out)


# --- writers (each format as the readers document it) ----------------------------------------

def write_blt(e: Election) -> str:
    lines = [f"{len(e.candidates)} {e.seats}"]
    if e.withdrawn:
        lines.append(" ".join(f"-{c + 1}" for c in sorted(e.withdrawn)))
    lines += [" ".join([str(w), *(str(c + 1) for c in r), "0"]) for r, w in e.ballots]
    lines.append("0")
    lines += [f'"{c}"' for c in e.candidates]
    if e.title:
        lines.append(f'"{e.title}"')
    return "\n".join(lines) + "\n"


def write_scottish_csv(e: Election) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    out.write(f"{len(e.candidates)},{e.seats},\n")
    for r, w in e.ballots:
        out.write(",".join([str(w), *(str(c + 1) for c in r)]) + ",\n")
    for k, name in enumerate(e.candidates, start=1):
        writer.writerow([f"Candidate {k}", name, ""])
    writer.writerow([e.title])
    return out.getvalue()


def write_csv(e: Election) -> str:
    width = max((len(r) for r, _ in e.ballots), default=0) or 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    declared = io.StringIO()
    csv.writer(declared, lineterminator="").writerow(e.candidates)
    out.write(f"# candidates: {declared.getvalue()}\n")
    writer.writerow([*(f"rank{k}" for k in range(1, width + 1)), "count"])
    for r, w in e.ballots:
        cells = ["" if c == SKIPPED else e.candidates[c] for c in r]
        writer.writerow([*cells, *[""] * (width - len(r)), str(w)])
    return out.getvalue()


def write_json(e: Election) -> str:
    data = {
        "candidates": list(e.candidates), "seats": e.seats, "title": e.title,
        "ballots": [{"ranking": [e.candidates[c] for c in r], "count": w} for r, w in e.ballots],
    }
    return json.dumps(data, indent=1, ensure_ascii=False)


WRITERS: dict[str, Callable[[Election], str]] = {
    "blt": write_blt, "scottish-csv": write_scottish_csv, "csv": write_csv, "json": write_json,
}


def election_for(fmt: str) -> st.SearchStrategy[Election]:
    return elections(skips=fmt == "csv", withdrawn=fmt == "blt", title=fmt != "csv")


# --- (c) round trips -------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(READERS))
@FUZZ
@given(data=st.data())
def test_round_trip(workdir: Path, fmt: str, data: st.DataObject) -> None:
    election = data.draw(election_for(fmt))
    reader, suffix = READERS[fmt]
    path = put(workdir, f"roundtrip{suffix}", WRITERS[fmt](election).encode("utf-8"))
    profile = check(reader, path)
    assert profile is not None, reader(path)
    merged, blank = election.expected()
    assert dict(profile.iter_rankings()) == merged
    assert profile.blank == blank
    assert profile.candidates == election.candidates
    assert profile.title == (election.title if fmt != "csv" else path.stem)
    assert profile.seats == (None if fmt == "csv" else election.seats)
    assert profile.withdrawn == election.withdrawn
    again = read_profile(path, format=fmt)
    assert dict(again.iter_rankings()) == merged and again.candidates == profile.candidates


# --- (b) mutated valid files -----------------------------------------------------------------

HUGE = ["9" * 19, "9" * 30, "1" * 5000, "99999999999", str(2**63), str(2**31)]
ODD = ["-1", "-0", "0", "", "é", "\u00b2", "\u0661", "\x00", "1.5", "1e9", "NaN", "１",
       "\ufeff", "(x)", '"', '""', "#", ",", "\t", "\u2028", "\x85", " " * 100_000,
       '" "' * 20_000, "(" * 50_000]
BAD_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\r", b"\x00", b"\xe2\x82"]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> bytes:
    """``text`` after one to four random mutations, as bytes (some mutations break UTF-8)."""
    lines: list[bytes] = text.encode("utf-8").split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["drop", "dup", "swap", "token", "cut", "bytes", "blank",
                                     "crlf"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            lines = [b""]
        if kind == "drop" and len(lines) > 1:
            del lines[at]
        elif kind == "dup":
            lines[at:at] = [lines[at]] * draw(st.integers(1, 3))
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "token":
            tokens = re.split(rb"([ ,\[\]{}:])", lines[at])
            k = draw(st.integers(0, max(len(tokens) - 1, 0)))
            new = draw(st.one_of(st.sampled_from(HUGE + ODD), st.text(max_size=8)))
            tokens[k] = new.encode("utf-8", "surrogatepass")
            lines[at] = b"".join(tokens)
        elif kind == "cut":
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut]
            if draw(st.booleans()):
                del lines[at + 1:]  # the file ends mid-line
        elif kind == "bytes":
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(st.sampled_from(BAD_BYTES)) + lines[at][cut:]
        elif kind == "blank":
            lines.insert(at, b"")
        else:
            lines[at] = lines[at] + b"\r"
    return b"\n".join(lines)


@pytest.mark.parametrize("fmt", sorted(READERS))
@FUZZ
@given(data=st.data())
def test_mutated_files(workdir: Path, fmt: str, data: st.DataObject) -> None:
    election = data.draw(election_for(fmt))
    reader, suffix = READERS[fmt]
    blob = data.draw(mutated(WRITERS[fmt](election)))
    check(reader, put(workdir, f"mutated{suffix}", blob))


def _nested(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(st.lists(inner, max_size=4),
                     st.dictionaries(st.text(max_size=6), inner, max_size=4))


JSON_VALUES: st.SearchStrategy[object] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=6),
              st.sampled_from([10**30, -1, 0, 2**63, "\ud800", ""])),
    _nested,
    max_leaves=12,
)


def _replace_somewhere(data: object, value: object, path: list[int]) -> object:
    """``data`` with one node (chosen by walking ``path``) replaced by ``value``."""
    if not path or not isinstance(data, dict | list) or not data:
        return value
    step, rest = path[0], path[1:]
    if isinstance(data, list):
        k = step % len(data)
        return [*data[:k], _replace_somewhere(data[k], value, rest), *data[k + 1:]]
    key = sorted(data)[step % len(data)]
    return {**data, key: _replace_somewhere(data[key], value, rest)}


@FUZZ
@given(election=elections(), value=JSON_VALUES,
       path=st.lists(st.integers(0, 20), max_size=5))
def test_json_structure_mutations(workdir: Path, election: Election, value: object,
                                  path: list[int]) -> None:
    """Any node of a valid JSON ballot file replaced by any JSON value."""
    data = json.loads(write_json(election))
    text = json.dumps(_replace_somewhere(data, value, path))
    check(read_json_ballots, put(workdir, "structure.json", text.encode("utf-8", "surrogatepass")))


# --- sizes -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "text"), [
    ("blt", "99999999999 1\n1 1 0\n0\nA\n"),
    ("blt", "3 99999999999\n1 1 0\n0\nA\nB\nC\n"),
    ("blt", "3 1\n99999999999999999999 1 0\n0\nA\nB\nC\n"),
    ("blt", "3 1\n-99999999999\n1 1 0\n0\nA\nB\nC\n"),
    ("blt", "3 1\n1 1 0\n0\n# ALTERNATIVE NAME 99999999999999999999: X\n"),
    ("scottish-csv", "99999999999,1,\n"),
    ("scottish-csv", "3,1,\n1,99999999999,\n"),
    ("json", '{"candidates": ["A"], "seats": 99999999999, "ballots": []}'),
    ("json", '{"candidates": ["A"], "ballots": [{"ranking": ["A"], "count": 1e999}]}'),
])
def test_huge_declared_numbers_are_refused_cheaply(workdir: Path, fmt: str, text: str) -> None:
    reader, suffix = READERS[fmt]
    assert check(reader, put(workdir, f"huge{suffix}", text.encode())) is None


# --- RCTab configs and cast-vote-record readers ----------------------------------------------
# Each seed is a small case of our own making: a config and the CVR files it names, read by
# `rctab_config.read_profile`. The CVR file (or, for xlsx, the sheet inside it) and the config
# are mutated as above.

RULES = {"winnerElectionMode": "singleWinnerMajority", "tiebreakMode": "useCandidateOrder",
         "overvoteRule": "exhaustImmediately", "maxRankingsAllowed": "3"}
CANDIDATES = [{"name": "A", "aliases": ["a1"]}, {"name": "B", "aliases": ["b1"]},
              {"name": "C", "aliases": ["c1"]}]

CDF_JSON = {
    "Election": [{
        "Candidate": [{"@id": "a1", "Name": "A"}, {"@id": "b1", "Name": "B"}],
        "Contest": [{"@id": "k1", "Name": "Mayor", "ContestSelection": [
            {"@id": "s1", "CandidateIds": ["a1"]}, {"@id": "s2", "CandidateIds": ["b1"]}]}],
    }],
    "CVR": [{"CurrentSnapshotId": "x", "CVRSnapshot": [{"@id": "x", "CVRContest": [{
        "ContestId": "k1", "CVRContestSelection": [
            {"ContestSelectionId": "s1",
             "SelectionPosition": [{"Rank": 1, "HasIndication": "yes"}]},
            {"ContestSelectionId": "s2", "SelectionPosition": [{"Rank": 2}]}],
    }]}]}] * 2,
}
CDF_XML = (
    '<?xml version="1.0" encoding="utf-8"?><CastVoteRecordReport>'
    '<Election ObjectId="e"><Candidate ObjectId="a1"><Name>A</Name></Candidate>'
    '<Candidate ObjectId="b1"><Name>B</Name></Candidate>'
    '<Contest ObjectId="k1"><Name>Mayor</Name>'
    '<ContestSelection ObjectId="s1"><CandidateIds>a1</CandidateIds></ContestSelection>'
    '<ContestSelection ObjectId="s2"><CandidateIds>b1</CandidateIds></ContestSelection>'
    "</Contest></Election>"
    "<CVR><CurrentSnapshotId>x</CurrentSnapshotId><CVRSnapshot ObjectId=\"x\"><CVRContest>"
    "<ContestId>k1</ContestId><CVRContestSelection><ContestSelectionId>s2</ContestSelectionId>"
    "<SelectionPosition><Rank>1</Rank><HasIndication>yes</HasIndication></SelectionPosition>"
    "</CVRContestSelection></CVRContest></CVRSnapshot></CVR></CastVoteRecordReport>\n"
)
HART_XML = (
    '<?xml version="1.0" encoding="utf-8"?><Cvr xmlns="http://tempuri.org/CVRDesign.xsd">'
    "<Contests><Contest><Name>Mayor</Name><Id>k1</Id><Options>"
    "<Option><Name>A</Name><Id>a1</Id><Value>1</Value></Option>"
    "<Option><Name>B</Name><Id>b1</Id><Value>01</Value></Option>"
    "</Options></Contest></Contests><CvrGuid>g</CvrGuid></Cvr>\n"
)
DOMINION = {"Version": "5.10", "Sessions": [
    {"Original": {"IsCurrent": True, "Cards": [{"Contests": [{"Id": 13, "Marks": [
        {"CandidateId": 1, "Rank": 1, "IsAmbiguous": False},
        {"CandidateId": 2, "Rank": 2, "IsAmbiguous": False}]}]}]}},
    {"Original": {"IsCurrent": False, "Cards": [{"Contests": []}]},
     "Modified": {"IsCurrent": True, "Cards": [{"Contests": [{"Id": 13, "Marks": [
         {"CandidateId": 3, "Rank": 1}], "OutstackConditionIds": [7]}]}]}},
]}
OUTSTACK = {"List": [{"Id": 7, "Description": "InvalidContest"}]}
CLEAR_BALLOT = (
    '"RowNumber","BallotID",' + ",".join(
        f'"Choice_{k}_1:City, Mayor:{rank}:Number of Winners 1:{name}:NON"'
        for k, name in enumerate("ABC", 1) for rank in (1, 2)) + "\n"
    '1,"b1",1,0,0,1,0,0\n2,"b2",0,1,1,0,0,0\n3,"b3",1,0,1,0,0,0\n'
)


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["id", "1st", "2nd", "3rd"], ["1", "A", "b1", None], ["2", "B", "overvote", "C"],
                ["3", "undervote", "A", "A/B"]):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class CvrSeed:
    """A provider's small case: its ``cvrFileSources`` entry and files (the first is fuzzed)."""

    source: Mapping[str, object]
    files: Mapping[str, bytes]
    candidates: tuple[Mapping[str, object], ...] = tuple(CANDIDATES)


def _seeds() -> dict[str, CvrSeed]:
    ess = {"provider": "ess", "filePath": "cvr.xlsx", "firstVoteColumnIndex": "2",
           "firstVoteRowIndex": "2", "overvoteLabel": "overvote", "skippedRankLabel": "undervote",
           "overvoteDelimiter": "/"}
    return {
        "ess": CvrSeed(ess, {"cvr.xlsx": _xlsx_bytes()}),
        "genericCsv": CvrSeed(
            {"provider": "genericCsv", "filePath": "cvr.csv", "firstVoteColumnIndex": "2",
             "firstVoteRowIndex": "2"},
            {"cvr.csv": b"id,A,B,C\n1,1,2,\n2,2,1,3\n3,1,1,\n4,,,\n"}),
        "clearBallot": CvrSeed(
            {"provider": "clearBallot", "filePath": "cvr.csv", "contestId": "City, Mayor"},
            {"cvr.csv": CLEAR_BALLOT.encode()}),
        "cdf-json": CvrSeed({"provider": "cdf", "filePath": "cvr.json", "contestId": "k1"},
                            {"cvr.json": json.dumps(CDF_JSON, indent=1).encode()}),
        "cdf-xml": CvrSeed({"provider": "cdf", "filePath": "cvr.xml", "contestId": "Mayor"},
                           {"cvr.xml": CDF_XML.encode()}),
        "hart": CvrSeed({"provider": "hart", "filePath": "hart", "contestId": "k1"},
                        {"hart/1.xml": HART_XML.encode(), "hart/2.xml": HART_XML.encode()}),
        "dominion": CvrSeed(
            {"provider": "dominion", "filePath": "dominion", "contestId": "13"},
            {"dominion/CvrExport.json": json.dumps(DOMINION, indent=1).encode(),
             "dominion/OutstackConditionManifest.json": json.dumps(OUTSTACK).encode()},
            candidates=tuple({"name": n, "aliases": [str(k)]} for k, n in enumerate("ABC", 1))),
    }


SEEDS = _seeds()


def _config(seed: CvrSeed) -> dict[str, object]:
    return {"outputSettings": {"contestName": "fuzz"}, "cvrFileSources": [seed.source],
            "candidates": list(seed.candidates), "rules": RULES}


def write_case(folder: Path, config: object, files: Mapping[str, bytes]) -> Path:
    """A case folder holding ``config`` (as JSON, or raw bytes) and ``files``."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    path = folder / "case_config.json"
    path.write_bytes(config if isinstance(config, bytes)
                     else json.dumps(config).encode("utf-8", "surrogatepass"))
    return path


def check_rctab(config: Path) -> Profile | None:
    """`check` for an RCTab case: the error may name the config or any CVR file in its folder."""
    from psephos.rctab.config import load_config
    from psephos.rctab.cvr.formats import read_profile as read_rctab

    try:
        with memory_cap():
            profile = read_rctab(load_config(config))
    except BallotFileError as error:
        assert str(error).startswith(error.path)
        assert Path(error.path).resolve().is_relative_to(config.parent.resolve()), error.path
        return None
    assert_valid_profile(profile, repeats=True)
    assert_small(profile, sum(f.stat().st_size for f in config.parent.rglob("*") if f.is_file()))
    return profile


def _mutate_xlsx(data: st.DataObject, blob: bytes) -> bytes:
    """The workbook with one of its XML parts mutated as text (or the zip itself mutated)."""
    import zipfile

    if data.draw(st.booleans()):
        return data.draw(mutated(blob.decode("latin-1")))
    with zipfile.ZipFile(io.BytesIO(blob)) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    name = data.draw(st.sampled_from(sorted(n for n in parts if n.endswith(".xml"))))
    parts[name] = data.draw(mutated(parts[name].decode("utf-8")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for part, content in parts.items():
            zout.writestr(part, content)
    return out.getvalue()


@pytest.mark.parametrize("provider", sorted(SEEDS))
def test_rctab_seeds_read(workdir: Path, provider: str) -> None:
    """The unmutated seeds are valid cases (else the fuzzing below proves little)."""
    seed = SEEDS[provider]
    profile = check_rctab(write_case(workdir / f"seed-{provider}", _config(seed), seed.files))
    assert profile is not None and profile.n_ballots + profile.blank > 0


@pytest.mark.parametrize("provider", sorted(SEEDS))
@FUZZ
@given(data=st.data())
def test_rctab_mutated_cvr(workdir: Path, provider: str, data: st.DataObject) -> None:
    seed = SEEDS[provider]
    files = dict(seed.files)
    first = next(iter(files))
    if first.endswith(".xlsx"):
        files[first] = _mutate_xlsx(data, files[first])
    else:
        files[first] = data.draw(mutated(files[first].decode("utf-8")))
    check_rctab(write_case(workdir / f"cvr-{provider}", _config(seed), files))


@pytest.mark.parametrize("provider", sorted(SEEDS))
@FUZZ
@given(data=st.data())
def test_rctab_structure_mutations(workdir: Path, provider: str, data: st.DataObject) -> None:
    """Any node of the config, or of a JSON CVR, replaced by any JSON value."""
    seed = SEEDS[provider]
    files, config = dict(seed.files), _config(seed)
    value = data.draw(JSON_VALUES)
    path = data.draw(st.lists(st.integers(0, 20), max_size=6))
    json_files = [n for n in files if n.endswith(".json")]
    if json_files and bool(data.draw(st.booleans())):
        name = data.draw(st.sampled_from(json_files))
        tree = _replace_somewhere(json.loads(files[name]), value, path)
        files[name] = json.dumps(tree).encode("utf-8", "surrogatepass")
    else:
        config = _replace_somewhere(config, value, path)  # type: ignore[assignment]
    check_rctab(write_case(workdir / f"structure-{provider}", config, files))


@FUZZ
@given(blob=st.one_of(st.binary(max_size=500), TOKENISH.map(str.encode)))
def test_rctab_random_config(workdir: Path, blob: bytes) -> None:
    check_rctab(write_case(workdir / "random-config", blob, {}))
