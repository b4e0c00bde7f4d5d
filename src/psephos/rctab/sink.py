"""Where every CVR reader puts its ballots: `BallotSink` turns marks into rank codes and
collapses identical ballots into one `Profile`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from psephos.ballots.errors import (
    CELLS_PER_PREFERENCE,
    MIN_CELL_BUDGET,
    BallotFileError,
    cell_budget,
    check_matrix,
)
from psephos.ballots.profile import (
    END,
    OVERVOTE,
    SKIPPED,
    Profile,
    ProfileDetails,
    pack,
    pack_matrix,
)
from psephos.rctab.config import UNDECLARED, CvrSource, RctabConfig

Int64s = npt.NDArray[np.int64]


@dataclass
class BallotSink:
    """Collects ballots as rank codes and collapses identical ones.

    Ranks the voter left empty become `SKIPPED` (trailing ones are dropped: they
    change nothing); a rank marked for several candidates becomes an overvote code.
    """

    config: RctabConfig
    merged: dict[tuple[int, ...], int] = field(default_factory=dict)
    blank: int = 0
    #: The CVR source being read (`read_profile` sets it), for errors about its ballots.
    source: CvrSource | None = None
    _sets: dict[tuple[int, ...], int] = field(default_factory=dict)
    _lookup: dict[str, int] = field(default_factory=dict)
    _preferences: int = 0
    _cells: int = 0
    #: Ballots added in bulk (`add_rows`): END-padded rank-code matrices and their weights.
    _blocks: list[tuple[npt.NDArray[np.int32], Int64s]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.max_rank: int = (self.config.max_rankings(len(self.config.candidate_names))
                              or len(self.config.candidate_names))
        for i, cand in enumerate(self.config.candidates):
            for label in (cand.name, *cand.aliases):
                self._lookup.setdefault(" ".join(label.split()), i)
        if self.config.uses_undeclared:
            self.undeclared: int | None = len(self.config.candidates)
            self._lookup.setdefault(UNDECLARED, self.undeclared)
        else:
            self.undeclared = None

    def candidate(self, label: str, source: CvrSource, *, line: int | None,
                  column: str | None = None, field_name: str | None = None) -> int:
        """The candidate index of a CVR label (name, code or alias); ``column`` or
        ``field_name`` says where the label was, for the error if it is unknown."""
        found = self._lookup.get(label)
        if found is None:
            found = self._lookup.get(" ".join(label.split()))
        if found is not None:
            return found
        if self.undeclared is not None and source.undeclared_label == label:
            return self.undeclared
        raise BallotFileError(source.path, f"unknown candidate {label!r}", line=line,
                              field=column or field_name)

    def overvote(self, candidates: Iterable[int]) -> int:
        """The code of a rank marked for ``candidates`` (empty: an overvote of unknown marks)."""
        key = tuple(sorted(set(candidates)))
        if key not in self._sets:
            self._sets[key] = len(self._sets)
        return OVERVOTE - self._sets[key]

    def add(self, codes: Iterable[int], ballots: int = 1) -> None:
        """One ballot (or ``ballots`` identical ones), as one code per rank in order."""
        row = list(codes)
        while row and row[-1] == SKIPPED:
            row.pop()
        if not row:
            self.blank += ballots
            return
        self._preferences += (len(row) - row.count(SKIPPED)) * ballots
        key = tuple(row)
        count = self.merged.get(key)
        if count is None:
            self._cells += len(key)
            self._check_cells()
        self.merged[key] = (count or 0) + ballots

    def add_ranks(self, ranks: Int64s, candidates: Sequence[int], ballots: Int64s) -> None:
        """Many ballots at once, as marks: ``ranks[i, k]`` is the rank (1-based; 0 for none)
        at which ballot row ``i`` marks ``candidates[k]``, and ``ballots[i]`` how many ballots
        the row stands for. Ranks past `max_rank` are not read, as in `add_marks`."""
        ranks = np.where(ranks <= self.max_rank, ranks, 0)
        ordered = np.sort(ranks, axis=1)
        # By hand: two marks at one rank (an overvote, or one candidate named by two
        # columns), and marks at ranks past the number of columns (gaps a matrix would pad).
        tied = ((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] > 0)).any(axis=1) | (
            ordered[:, -1] > ranks.shape[1] if ranks.shape[1] else False)
        for row, count in zip(ranks[tied].tolist(), ballots[tied].tolist(), strict=True):
            marks: dict[int, set[int]] = {}
            for rank, cand in zip(row, candidates, strict=True):
                if rank:
                    marks.setdefault(rank, set()).add(cand)
            self.add_marks(marks, count)
        ranks, ballots = ranks[~tied], ballots[~tied]
        width = int(ranks.max(initial=0))
        codes = np.full((ranks.shape[0], width), SKIPPED, dtype=np.int64)
        rows, cols = np.nonzero(ranks)
        codes[rows, ranks[rows, cols] - 1] = np.asarray(candidates, dtype=np.int64)[cols]
        self.add_rows(codes, ballots)

    def add_rows(self, codes: Int64s, ballots: Int64s) -> None:
        """Many ballots at once: ``ballots[i]`` ballots whose ranks are ``codes[i]`` (one
        code per rank, `SKIPPED` for a rank left empty), as `add` takes them one by one;
        kept as a matrix, merged with the rest when the profile is made."""
        marked = codes != SKIPPED
        width = codes.shape[1]
        lengths = (np.where(marked.any(axis=1), width - np.argmax(marked[:, ::-1], axis=1), 0)
                   if width else np.zeros(codes.shape[0], dtype=np.int64))
        self.blank += int(ballots[lengths == 0].sum(dtype=object))
        self._preferences += int((marked.sum(axis=1) * ballots).sum(dtype=object))
        keep = lengths > 0
        block = codes[keep].astype(np.int32)
        block[np.arange(width) >= lengths[keep][:, None]] = END  # trailing empty ranks
        self._blocks.append((block, ballots[keep]))
        self._cells += block.size
        self._check_cells()

    def _check_cells(self) -> None:
        """Refuse distinct rankings whose stored ranks dwarf the preferences read (a few
        marks at huge ranks); `profile` checks the padded matrix the same way."""
        if self._cells > max(MIN_CELL_BUDGET, CELLS_PER_PREFERENCE * self._preferences):
            path = self.source.path if self.source is not None else self.config.path
            raise BallotFileError(
                path, f"{len(self.merged) + 1:,} distinct rankings would store {self._cells:,} "
                f"ranks; the CVRs spell out only {self._preferences:,} preferences",
                field="ballots")

    def add_marks(self, marks: Mapping[int, set[int]], ballots: int = 1) -> None:
        """One ballot (or ``ballots`` identical ones) as rank (1-based) -> the candidates
        marked at that rank.

        Ranks beyond ``maxRankingsAllowed`` (for "max", one per candidate) are not
        read, as RCTab does not read them. Readers check that ranks are 1 or more.
        """
        marks = {rank: cands for rank, cands in marks.items() if rank <= self.max_rank}
        if not marks:
            self.blank += ballots
            return
        row = [SKIPPED] * max(marks)
        for rank, cands in marks.items():
            row[rank - 1] = next(iter(cands)) if len(cands) == 1 else self.overvote(cands)
        self.add(row, ballots)

    def profile(self) -> Profile:
        withdrawn = [i for i, c in enumerate(self.config.candidates) if c.excluded]
        overvotes = [k for k, _ in sorted(self._sets.items(), key=lambda kv: kv[1])]
        details: ProfileDetails = {
            "blank": self.blank, "withdrawn": withdrawn, "overvotes": overvotes,
            "title": str(self.config.output.get("contestName", ""))}
        check_matrix(self.config.path, self.merged, self._preferences)
        names = self.config.candidate_names
        if not self._blocks:
            return pack(names, self.merged, **details)
        blocks = [*self._blocks]
        if self.merged:
            one_by_one = pack(names, self.merged)
            blocks.insert(0, (one_by_one.rankings, one_by_one.weights))
        width = max(block.shape[1] for block, _ in blocks)
        rows = sum(block.shape[0] for block, _ in blocks)
        if rows * width > cell_budget(self._preferences):
            raise BallotFileError(self.config.path, f"{rows:,} rankings padded to the longest "
                                  f"({width:,} preferences) would need {rows * width:,} cells; "
                                  f"the CVRs spell out only {self._preferences:,} preferences",
                                  field="ballots")
        matrix = np.full((rows, width), END, dtype=np.int32)
        start = 0
        for block, _ in blocks:
            matrix[start:start + block.shape[0], : block.shape[1]] = block
            start += block.shape[0]
        weights = np.concatenate([weights for _, weights in blocks]).astype(np.int64)
        return pack_matrix(names, matrix, weights, **details)
