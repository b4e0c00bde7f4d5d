"""BLT ballot lines of plain numbers, read with whole-array operations.

Between its header and its closing 0, a BLT file is one ballot a line: ``weight preference
... 0``, numbers separated by blanks or commas. When those lines hold nothing else (as in
every real file), `read` turns them into a ranking matrix and weights in a fixed number of
numpy steps, however many lines there are: reading the 1,100 Scottish council files this
way takes a fraction of the time a loop over their million lines takes.

It takes only what the line-by-line reader of `psephos.ballots.blt` would take, and gives
the same ballots; anything else (a bad line, a total over the limit, rankings too ragged
to pad) it leaves to that reader by returning None, and that reader names the line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from psephos.ballots.errors import MAX_BALLOTS, cell_budget
from psephos.ballots.profile import END, IntMatrix, IntVector

#: Characters of ballot lines read as one block of arrays.
_BLOCK = 1 << 22
#: Digits a number may have to be read here: any 18-digit number fits in int64.
_MAX_DIGITS = 18
_ZERO, _COMMA, _NEWLINE = ord("0"), ord(","), ord("\n")


@dataclass(frozen=True)
class Ballots:
    """Ballot lines as read: 0-based rankings padded with `END` (rows may repeat, repeated
    preferences dropped), their weights (all positive), and the blank ballots."""

    rankings: IntMatrix
    weights: IntVector
    blank: int
    preferences: int  # as written, repeats too


def read(section: str, n: int) -> Ballots | None:
    """The ballots of ``section`` (the lines between header and closing 0, of digits, blanks,
    commas and line ends only) for ``n`` candidates, or None to read it line by line.

    A long section is read in blocks of whole lines, so that the arrays of a block (some
    20 bytes a character) stay small however large the file.
    """
    if len(section) <= _BLOCK:
        return _read_block(section, n)
    blocks = []
    start = 0
    while start < len(section):
        end = section.find("\n", start + _BLOCK) + 1 or len(section)
        block = _read_block(section[start:end], n)
        if block is None:
            return None
        blocks.append(block)
        start = end
    return _joined(blocks)


def _joined(blocks: list[Ballots]) -> Ballots | None:
    """The ballots of consecutive blocks as one, checked as a whole as each block was."""
    weights = np.concatenate([b.weights for b in blocks])
    blank = sum(b.blank for b in blocks)
    preferences = sum(b.preferences for b in blocks)
    width = max(b.rankings.shape[1] for b in blocks)
    if _total(weights) + blank > MAX_BALLOTS or len(weights) * width > cell_budget(preferences):
        return None
    rankings = np.full((len(weights), width), END, dtype=np.int32)
    row = 0
    for b in blocks:
        rankings[row:row + len(b.weights), :b.rankings.shape[1]] = b.rankings
        row += len(b.weights)
    return Ballots(rankings, weights, blank, preferences)


def _read_block(section: str, n: int) -> Ballots | None:
    buf = np.frombuffer(("\n" + section + "\n").encode("ascii"), dtype=np.uint8)
    digit = (buf - _ZERO) < 10  # uint8 arithmetic wraps: only "0" to "9" fall below 10
    edges = np.flatnonzero(digit[1:] != digit[:-1]) + 1
    starts, ends = edges[0::2], edges[1::2]  # the buffer begins and ends with a newline
    line_of = np.cumsum(buf == _NEWLINE)[starts]  # each number's line
    new_line = np.ones(len(starts), dtype=bool)
    new_line[1:] = line_of[1:] != line_of[:-1]
    first = np.flatnonzero(new_line)  # each line's first number
    if _COMMA in buf and not _commas_beside_numbers(buf, line_of[first]):
        return None
    if not len(starts):
        return Ballots(np.empty((0, 0), dtype=np.int32), np.empty(0, dtype=np.int64), 0, 0)
    lengths = ends - starts
    if int(lengths.max()) > _MAX_DIGITS:
        return None
    values = _numbers(buf, starts, lengths)
    last = np.empty_like(first)
    last[:-1] = first[1:] - 1
    last[-1] = len(starts) - 1
    counts = last - first + 1  # numbers on each line: weight, preferences, 0
    if int(counts.min()) < 2 or values[last].any() or (lengths[last] != 1).any():
        return None  # a line that is not 'weight preference ... 0'
    weights = values[first]
    if int(weights.max()) > MAX_BALLOTS or _total(weights) > MAX_BALLOTS:
        return None
    # Preferences from 1 to n: no 0 but each line's last (and zero weights), none above n.
    if int(np.count_nonzero(values == 0)) != len(first) + int(np.count_nonzero(weights == 0)):
        return None
    values[first] = 0
    if int(values.max()) > n:
        return None
    width = int(counts.max())
    preferences = len(starts) - 2 * len(first)
    if len(first) * width > cell_budget(preferences):
        return None  # the line-by-line reader decides, on the distinct rankings
    # Every number in a table of lines: weights (now 0) and closing 0s become END (-1),
    # preference p becomes candidate p - 1.
    table = np.full((len(first), width), END, dtype=np.int32)
    table[np.repeat(np.arange(len(first)), counts),
          np.arange(len(starts)) - np.repeat(first, counts)] = values - 1
    matrix = table[:, 1:width - 1]
    ranks = counts - 2
    blank = int(weights[ranks == 0].sum())
    keep = (ranks > 0) & (weights > 0)
    if not keep.all():
        matrix, weights = matrix[keep], weights[keep]
    _drop_repeats(matrix)
    return Ballots(matrix, weights, blank, preferences)


def _commas_beside_numbers(buf: np.ndarray, number_lines: np.ndarray) -> bool:
    """Whether every comma stands on a line with numbers (a line of commas and blanks alone
    is for the line-by-line reader, which skips some and refuses others)."""
    lines = np.cumsum(buf == _NEWLINE)[np.flatnonzero(buf == _COMMA)]
    return bool(np.isin(lines, number_lines).all())


def _numbers(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> IntVector:
    """The value of each run of digits, one digit position at a time for all runs at once."""
    values: IntVector = buf[starts].astype(np.int64) - _ZERO
    for k in range(1, int(lengths.max())):
        longer = np.flatnonzero(lengths > k)
        values[longer] = values[longer] * 10 + (buf[starts[longer] + k].astype(np.int64) - _ZERO)
    return values


def _total(weights: IntVector) -> int:
    """The exact sum of weights each at most `MAX_BALLOTS`: in int64 when that cannot
    overflow, else in Python integers."""
    if len(weights) * MAX_BALLOTS < 2**63:
        return int(weights.sum())
    return sum(int(w) for w in weights.tolist())


def _drop_repeats(matrix: IntMatrix) -> None:
    """Keep only the first mark of a candidate a ranking names twice, as the line reader does."""
    if matrix.shape[1] < 2 or not matrix.shape[0]:
        return
    if matrix.shape[1] <= 64 and matrix.max() < 56:  # no sum below can overflow
        # Each row's candidates as bits: summed they equal their OR unless one repeats.
        bits = (np.int64(1) << (matrix.astype(np.int64) + 1)) >> 1  # END gives 0
        repeats = bits.sum(axis=1) != np.bitwise_or.reduce(bits, axis=1)
    else:
        ordered = np.sort(matrix, axis=1)
        repeats = ((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] != END)).any(axis=1)
    for r in np.flatnonzero(repeats).tolist():
        kept = list(dict.fromkeys(c for c in matrix[r].tolist() if c != END))
        matrix[r] = END
        matrix[r, :len(kept)] = kept
