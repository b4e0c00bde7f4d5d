"""Where each distinct ranking's papers sit during an instant-runoff count.

One pointer per distinct ranking (not per paper): the column being read and the candidate
holding the papers, advanced only for the rows that move, so the work of a count follows
the papers transferred. Shared by the statutory alternative vote and RCTab's engine,
which adds its own reasons for a paper to stop (`stop`, `stop_code`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from psephos.ballots.profile import END, Profile
from psephos.rules.preferences import next_preference

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Owner code of a paper with no further continuing preference.
EXHAUSTED = -1


def live_lookup(continuing: Bools) -> Bools:
    """``continuing`` with one more False entry, so that code END (-1) indexes to False."""
    live = np.zeros(continuing.size + 1, dtype=bool)
    live[:-1] = continuing
    return live


class Papers:
    """A per-row rank pointer (``pos``) and holder (``owner``; a negative code once inactive).

    ``stop[i]`` is the column at which row ``i``'s papers stop being read (the width unless
    a rule says otherwise), and ``stop_code[i]`` the inactive code they then take.
    ``width`` keeps only the first columns (a limit on the rankings read).
    """

    def __init__(self, profile: Profile, width: int | None = None) -> None:
        rankings = profile.rankings
        if width is not None and rankings.shape[1] > width:
            rankings = rankings[:, :width]
        self.rankings = np.ascontiguousarray(rankings)
        rows, self.width = self.rankings.shape
        if self.rankings.size and int(self.rankings.max()) >= profile.n_candidates:
            raise ValueError("a ranking names a candidate index beyond the candidate list")
        self.owner = np.full(rows, EXHAUSTED, dtype=np.int64)
        self.pos = np.full(rows, -1, dtype=np.int64)
        self.stop = np.full(rows, self.width, dtype=np.int64)
        self.stop_code = np.full(rows, EXHAUSTED, dtype=np.int64)
        #: `Profile.is_simple`: no skips or overvotes to clamp before a lookup.
        self.simple = not profile.rankings.size or int(profile.rankings.min()) >= END
        #: No row stops before its last column (set False when a rule sets ``stop``).
        self.plain = self.simple

    def start(self, continuing: Bools) -> None:
        """Give every paper to its first continuing preference (the first stage)."""
        if not self.plain or self.width == 0:
            self.advance(np.arange(self.owner.size, dtype=np.int64), continuing)
            return
        # Most papers' first mark is a continuing candidate: take column 0 whole and
        # scan on only for the rest.
        first = self.rankings[:, 0].astype(np.int64)
        ok = live_lookup(continuing)[first]
        self.owner[:] = np.where(ok, first, EXHAUSTED)
        self.pos[:] = 0
        if not ok.all():
            self._scan((~ok).nonzero()[0], continuing)

    def advance(self, rows: Int64s, continuing: Bools) -> None:
        """Move ``rows``' papers to their next continuing preference, or make them inactive."""
        if rows.size:
            self._scan(rows, continuing)

    def _scan(self, rows: Int64s, continuing: Bools) -> None:
        """Move each of ``rows`` to the first continuing candidate after its pointer (and
        before its stop); a row with none takes its stop code."""
        column, candidate = next_preference(
            self.rankings, rows, self.pos[rows], live_lookup(continuing),
            None if self.plain else self.stop[rows], clip=not self.simple)
        found = column >= 0
        self.owner[rows] = np.where(found, candidate, self.stop_code[rows])
        self.pos[rows] = np.where(found, column, self.width)
