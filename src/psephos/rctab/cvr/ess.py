"""ES&S cast-vote-record spreadsheets (.xlsx): one row per ballot, one column per rank.

The first worksheet is streamed (`xlsx.first_sheet_rows`) so a million rows stay small.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
import zlib

from psephos.ballots.errors import BallotFileError
from psephos.ballots.profile import SKIPPED
from psephos.rctab.config import CvrSource
from psephos.rctab.cvr.xlsx import first_sheet_rows
from psephos.rctab.sink import BallotSink


def read(source: CvrSource, sink: BallotSink) -> None:
    """Add every ballot of an ES&S workbook's first sheet to ``sink``."""
    if source.first_vote_column is None:
        raise BallotFileError(source.path, "ES&S sources need firstVoteColumnIndex",
                              field="firstVoteColumnIndex")
    first_col = source.first_vote_column - 1
    # RCTab reads maxRankingsAllowed rank columns ("max": one per declared candidate).
    ranks = sink.config.max_rankings(len(sink.config.candidates)) or 1
    first_row = source.first_vote_row or 2
    blank = _code(None, source, sink, 0, 0)
    try:
        cache: dict[object, int] = {}
        for line, values in first_sheet_rows(source.path):
            if line < first_row:
                continue
            # Only the cells the row holds are read, not every configured rank: the ranks
            # after the last one are all blank.
            cells = {col - first_col: value for col, value in values.items()
                     if 0 < col - first_col <= ranks and value is not None}
            width = max(cells, default=0)
            codes = [blank] * width
            for rank, value in cells.items():
                code = cache.get(value)
                if code is None:
                    code = _code(value, source, sink, line, first_col + rank - 1)
                    cache[value] = code
                codes[rank - 1] = code
            if blank != SKIPPED:
                # Blanks are undeclared write-ins up to the last rank, as in RCTab; past the
                # marks of the ballot two of them act as any number would (the write-in is
                # out by the time they are reached: one more is passed over or, under
                # exhaustOnDuplicateCandidate, exhausts the ballot as a repeat).
                codes.extend([blank] * min(ranks - width, 2))
            sink.add(codes)
    except BallotFileError:
        raise
    except MemoryError:
        raise
    except (zipfile.BadZipFile, KeyError, StopIteration) as exc:
        raise BallotFileError(source.path, f"not a readable .xlsx workbook ({exc!r})") from None
    except (ET.ParseError, ValueError, IndexError, EOFError, zlib.error) as exc:
        raise BallotFileError(source.path, f"not a readable .xlsx sheet ({exc!r})") from None


def _code(value: object, source: CvrSource, sink: BallotSink, line: int, col: int) -> int:
    """The rank code of one cell: a candidate, a skipped rank or an overvote."""
    label = "" if value is None else str(value).strip()
    if isinstance(value, float) and value.is_integer():
        label = str(int(value))
    column = f"column {_letters(col + 1)}"
    if not label:
        if source.blank_is_undeclared and sink.undeclared is not None:
            return sink.undeclared
        return SKIPPED
    if label == source.skipped_rank_label:
        return SKIPPED
    if label == source.overvote_label:
        return sink.overvote(())
    if source.overvote_delimiter and source.overvote_delimiter in label:
        parts = {p.strip() for p in label.split(source.overvote_delimiter) if p.strip()}
        marks = {sink.candidate(p, source, line=line, column=column) for p in parts}
        return next(iter(marks)) if len(marks) == 1 else sink.overvote(marks)
    return sink.candidate(label, source, line=line, column=column)


def _letters(column: int) -> str:
    """A 1-based column number as spreadsheet letters (1 is A, 27 is AA)."""
    letters = ""
    while column:
        column, digit = divmod(column - 1, 26)
        letters = chr(65 + digit) + letters
    return letters
