"""The one error every ballot reader raises for a bad file, and the limits past which a file is bad.

A reader either returns a valid `Profile` or raises `BallotFileError`; the limits here keep a
hostile or corrupt file from turning into an arithmetic overflow, an exception from deep inside
Python or numpy, or an absurd allocation.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

from psephos.errors import FileProblem
from psephos.files import input_problem

#: Most ballots (valid, blank and invalid together) one file may hold. Rules count in int64
#: units of 0.00001 vote, so 10**13 ballots (over a thousand times the world's population)
#: leaves room for 10**5 units a ballot with three orders of magnitude to spare.
MAX_BALLOTS = 10**13
#: Most candidates one file may declare: far beyond any real ballot paper (the longest have a
#: few hundred), small enough for per-candidate tables and for int32 ranking codes.
MAX_CANDIDATES = 10_000
#: Cells of the ranking matrix a reader may build however short the file: distinct rankings
#: of very different lengths are padded to the longest, so without a bound a file of a few kB
#: could ask for gigabytes.
MIN_CELL_BUDGET = 1 << 24
#: Beyond `MIN_CELL_BUDGET`, cells allowed per preference actually read from the file.
CELLS_PER_PREFERENCE = 64


class BallotFileError(FileProblem):
    """A ballot file that cannot be read: where, and what was expected there."""


def whole_number(token: str) -> int | None:
    """``token`` as a non-negative int if it is 1-18 ASCII digits, else None.

    ASCII only, because ``str.isdigit`` alone also accepts superscripts, which ``int``
    refuses; at most 18 digits, so it converts at once (Python refuses strings of over
    4,300 digits) and fits in int64.
    """
    return int(token) if token.isdigit() and token.isascii() and len(token) <= 18 else None


def ballot_count(path: Path, token: str | int, *, line: int | None, field: str) -> int:
    """``token`` (a file's text, or a number already parsed) as a number of ballots (a weight
    or a count), or the precise reason it is not one: not a whole number, negative, or above
    `MAX_BALLOTS` (however many digits it has)."""
    value = whole_number(token) if isinstance(token, str) else token
    if value is not None and 0 <= value <= MAX_BALLOTS:
        return value
    digits = str(token).removeprefix("-")  # an int here converts: it came from int()
    if isinstance(token, int) or (digits.isdigit() and digits.isascii() and digits.strip("0")):
        if str(token).startswith("-"):
            raise BallotFileError(path, f"{shown(token)} is negative; expected a number of "
                                  "ballots, 0 or more", line=line, field=field)
        raise BallotFileError(path, f"{shown(token)} is too large; at most {MAX_BALLOTS:,} "
                              "ballots are supported", line=line, field=field)
    raise BallotFileError(path, f"expected a whole number of ballots, found {shown(token)}",
                          line=line, field=field)


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters, so one huge token cannot flood a message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 3]}..."


def check_ballots(path: Path, total: int, *, line: int | None = None,
                  field: str | None = None) -> None:
    """Refuse a running total of ballots above `MAX_BALLOTS`."""
    if total > MAX_BALLOTS:
        raise BallotFileError(path, f"more than {MAX_BALLOTS:,} ballots in all", line=line,
                              field=field)


def check_candidates(path: Path, n: int, *, line: int | None = None,
                     field: str = "candidates") -> None:
    """Refuse more than `MAX_CANDIDATES` candidates."""
    if n > MAX_CANDIDATES:
        raise BallotFileError(path, f"{n:,} candidates; at most {MAX_CANDIDATES:,} are supported",
                              line=line, field=field)


def check_header(path: Path, n: int, seats: int, *, line: int | None = None) -> None:
    """A 'candidates seats' header line: at least one candidate, 1 to n seats."""
    if n < 1:
        raise BallotFileError(path, "there must be at least one candidate", line=line,
                              field="header")
    check_candidates(path, n, line=line, field="header")
    if not 1 <= seats <= n:
        raise BallotFileError(path, f"{seats} seat{'s' if seats != 1 else ''} for {n} "
                                     f"candidate{'s' if n != 1 else ''}; expected 1 to {n}",
                              line=line, field="header")


def cell_budget(preferences: int) -> int:
    """Cells a ranking matrix may have when its file spells out ``preferences`` preferences."""
    return max(MIN_CELL_BUDGET, CELLS_PER_PREFERENCE * preferences)


def check_matrix(path: Path, rankings: dict[tuple[int, ...], int], preferences: int) -> None:
    """Refuse rankings whose padded matrix would dwarf the file they came from.

    ``preferences`` is how many preferences the file spelt out; the matrix may have
    `CELLS_PER_PREFERENCE` cells for each, or `MIN_CELL_BUDGET` in all, whichever is more.
    """
    width = max((len(r) for r in rankings), default=0)
    cells = len(rankings) * width
    if cells > cell_budget(preferences):
        raise BallotFileError(
            path, f"{len(rankings):,} distinct rankings padded to the longest ({width:,} "
            f"preferences) would need {cells:,} cells; the file spells out only "
            f"{preferences:,} preferences", field="ballots")


def check_ballot_file(path: Path) -> None:
    """Refuse a ``path`` that is missing or is not a regular file (a folder, a device, a pipe),
    before any reader opens it: a pipe or a terminal would otherwise block the read."""
    problem = input_problem(path, "a ballot file")
    if problem is not None:
        raise BallotFileError(path, problem)


def read_error(path: Path, error: OSError) -> BallotFileError:
    """The error for a ballot file that cannot be opened or read, said plainly."""
    if isinstance(error, FileNotFoundError):
        return BallotFileError(path, "no such file")
    if isinstance(error, IsADirectoryError):
        return BallotFileError(path, "this is a folder; expected a ballot file")
    return BallotFileError(path, error.strerror or str(error))


def file_text(path: Path) -> str:
    """The whole of a UTF-8 text file with its line ends made ``\\n`` (as Python's universal
    newlines make LF, CRLF and a lone CR), a leading BOM dropped; line numbers counted in it
    agree with `text_lines`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise read_error(path, error) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise not_utf8(path, error) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def text_lines(path: Path) -> Generator[tuple[int, str], None, None]:
    """Each line of a UTF-8 text file without its ending, numbered from 1; a leading BOM dropped.

    Lines end at LF, CRLF or a lone CR (Python's universal newlines). Bad UTF-8 is reported
    with the number of the first line that does not decode.
    """
    try:
        with path.open(encoding="utf-8-sig", newline=None) as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line[:-1] if line.endswith("\n") else line
    except UnicodeDecodeError as error:
        raise not_utf8(path, error) from None
    except OSError as error:
        raise read_error(path, error) from None


def not_utf8(path: Path, error: UnicodeDecodeError) -> BallotFileError:
    """The error for a file that is not UTF-8, naming the first line that does not decode."""
    bad, reason = _first_bad_line(path, error.reason)
    return BallotFileError(path, f"not UTF-8 text ({reason})", line=bad)


def _first_bad_line(path: Path, reason: str) -> tuple[int | None, str]:
    """The number of the first line (as `text_lines` counts them) that is not UTF-8, and why.

    Only called once decoding has failed, so the happy path keeps the speed of text mode.
    """
    number = 0
    try:
        with path.open("rb") as handle:
            for raw in handle:
                # LF never occurs inside a UTF-8 sequence, nor does CR, so lines decode alone.
                for part in raw.removesuffix(b"\n").removesuffix(b"\r").split(b"\r"):
                    number += 1
                    try:
                        part.decode("utf-8")
                    except UnicodeDecodeError as error:
                        return number, error.reason
    except OSError:
        pass
    return None, reason
