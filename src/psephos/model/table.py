"""One election as flat candidate arrays: the shape every model step computes on.

Candidates, not parties: one seat can have two candidates with the same party code
(two independents), so a seat-by-party matrix would merge people who stood apart.
Rows are grouped by seat (``starts`` marks where each seat begins) and keep the
publisher's order inside a seat; rows the model adds come after the publisher's.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from psephos.count import Lot
from psephos.model.errors import ScenarioError
from psephos.uk.tables import PARTY_CODES, GeneralElection

Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]

NO_ROW = -1


@dataclass(frozen=True)
class CandidateTable:
    """Every candidate of one election; per-row arrays share one index.

    ``stood`` is False for a row the model adds when an alliance party that did not
    stand in a seat is named to stand there (it starts with no votes).
    """

    election: str
    seat_ids: tuple[str, ...]
    seat_names: tuple[str, ...]
    nations: tuple[str, ...]
    regions: tuple[str, ...]
    in_scope: Bools  # per seat: the pact and swing apply here
    starts: Int64s  # per seat, then the row count: seat s has rows starts[s]:starts[s+1]
    seat: Int64s  # per row
    party: Int64s  # per row, index into `parties`
    parties: tuple[str, ...]
    names: tuple[str, ...]
    votes: Int64s  # per row, at the base election
    stood: Bools  # per row

    @property
    def n_seats(self) -> int:
        return len(self.seat_ids)

    def party_index(self, code: str) -> int:
        return self.parties.index(code)

    def seat_totals(self, votes: Int64s) -> Int64s:
        """Votes per seat (exact integer sums)."""
        return np.add.reduceat(votes, self.starts[:-1]) if votes.size else np.zeros(0, np.int64)

    def find_seat(self, key: str, setting: str) -> int:
        """The seat whose id or name is ``key``; a `ScenarioError` under ``setting``."""
        return self.find_seats([key], setting)[0]

    def find_seats(self, keys: Sequence[str], setting: str) -> list[int]:
        """The seats named by ``keys``: an id, matched ignoring case ("e14000530"), or a name,
        matched ignoring case, accents, "&" for "and" and punctuation ("ynys mon" is Ynys
        Môn). Every key that names no seat, or several, or a seat an earlier key named, is
        reported in one `ScenarioError`, with the nearest names."""
        if not keys:
            return []
        by_id = {seat_id.casefold(): s for s, seat_id in enumerate(self.seat_ids)}
        by_name: dict[str, list[int]] = {}
        for s, name in enumerate(self.seat_names):
            by_name.setdefault(seat_key(name), []).append(s)
        found: list[int] = []
        named: dict[int, str] = {}  # seat -> the first key that named it
        problems: list[str] = []
        for key in keys:
            seat = by_id.get(key.strip().casefold())
            matches = [seat] if seat is not None else by_name.get(seat_key(key), [])
            if len(matches) == 1 and matches[0] in named:
                s = matches[0]
                problems.append(f"{named[s]!r} and {key!r} both name {self.seat_names[s]} "
                                f"({self.seat_ids[s]}); give each seat once")
            elif len(matches) == 1:
                found.append(matches[0])
                named[matches[0]] = key
            elif matches:
                ids = ", ".join(self.seat_ids[s] for s in matches)
                problems.append(f"{len(matches)} seats are named {key!r}; give the id ({ids})")
            else:
                problems.append(f"no constituency {key!r} in {self.election}"
                                + _suggest(key, by_name, self.seat_names))
        if problems:
            raise ScenarioError(setting, "; ".join(problems))
        return found


def seat_key(name: str) -> str:
    """A seat name reduced to what a user can be expected to type: no accents, no case,
    "&" as "and", punctuation as spaces ("Brighton, Pavilion" is "brighton pavilion")."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name)
                    if not unicodedata.combining(c))
    words = re.sub(r"[\W_]+", " ", plain.casefold().replace("&", " and "))
    return " ".join(words.split())


def _suggest(key: str, by_name: Mapping[str, list[int]], names: tuple[str, ...]) -> str:
    """" (did you mean ...?)" with up to three near names, or nothing."""
    near = difflib.get_close_matches(seat_key(key), list(by_name), n=3, cutoff=0.6)
    if not near:
        return ""
    shown = [repr(names[by_name[k][0]]) for k in near]
    return f" (did you mean {' or '.join(shown)}?)"


def candidate_table(election: GeneralElection, *, northern_ireland: bool = False,
                    speaker: bool = False) -> CandidateTable:
    """Flatten ``election``; seats in Northern Ireland or the Speaker's seat are out of scope
    (the pact and swing leave them as they were) unless asked for."""
    parties = list(PARTY_CODES)
    names: list[str] = []
    votes: list[int] = []
    party: list[int] = []
    seat: list[int] = []
    starts = [0]
    in_scope: list[bool] = []
    for s, constituency in enumerate(election.constituencies):
        if not constituency.candidates:
            raise ScenarioError("election", f"{constituency.name} has no candidates")
        for candidate in constituency.candidates:
            if candidate.party_code not in parties:
                parties.append(candidate.party_code)
            names.append(candidate.name)
            votes.append(candidate.votes)
            party.append(parties.index(candidate.party_code))
            seat.append(s)
        starts.append(len(names))
        codes = {c.party_code for c in constituency.candidates}
        in_scope.append((northern_ireland or constituency.nation != "Northern Ireland")
                        and (speaker or "speaker" not in codes))
    seats = election.constituencies
    return CandidateTable(
        election=election.election,
        seat_ids=tuple(c.id for c in seats),
        seat_names=tuple(c.name for c in seats),
        nations=tuple(c.nation for c in seats),
        regions=tuple(c.region for c in seats),
        in_scope=np.array(in_scope, dtype=bool),
        starts=np.array(starts, dtype=np.int64),
        seat=np.array(seat, dtype=np.int64),
        party=np.array(party, dtype=np.int64),
        parties=tuple(parties),
        names=tuple(names),
        votes=np.array(votes, dtype=np.int64),
        stood=np.ones(len(names), dtype=bool),
    )


def winners(table: CandidateTable, votes: Int64s, running: Bools | None = None
            ) -> tuple[Int64s, Int64s, dict[int, Lot]]:
    """Per seat, the winning row and the runner-up's row, by first past the post.

    The rule is ``psephos results``'s own (`psephos.uk.results.first_past_the_post`:
    RPA 1983 Sch. 1 r.49, an equality of votes settled by its seeded lot), so a seat
    the model leaves alone has the winner the official count gives it. Votes here are
    whole numbers, so a tie is exact: `leaders` finds the seats, and only those (none
    in any official file) go through the lot, which is returned for the record: per
    seat, its `Lot` with the tied and chosen candidates as rows of ``table``.
    """
    top, second = leaders(table, votes, running)
    tied_seats = np.flatnonzero(tied(votes, top, second))
    if not tied_seats.size:
        return top, second, {}
    from psephos.uk.results import first_past_the_post  # the count's rule, and its lot

    lots: dict[int, Lot] = {}
    for s in tied_seats:
        rows = np.arange(table.starts[s], table.starts[s + 1])
        if running is not None:
            rows = rows[running[rows]]
        level = votes[top[s]]
        candidates = rows[votes[rows] == level]
        chosen, lot = first_past_the_post([table.names[r] for r in candidates],
                                          votes[candidates])
        top[s] = candidates[chosen]
        second[s] = candidates[0] if chosen else candidates[1]
        if lot is not None:
            lots[int(s)] = replace(lot, tied=tuple(int(r) for r in candidates),
                                   chosen=int(top[s]))
    return top, second, lots


def leaders(table: CandidateTable, votes: Int64s, running: Bools | None = None
            ) -> tuple[Int64s, Int64s]:
    """Per seat, the row with most ``votes`` and the runner-up's row (`NO_ROW` if none).

    Only rows where ``running`` is True compete. Rows with equal votes keep seat order
    (the first listed comes first): `winners` settles a tie for first by lot; other
    callers rank the alliance's own candidates, which is the pact's choice, not a count.
    """
    n = votes.size
    key = votes if running is None else np.where(running, votes, -1)
    order = np.lexsort((np.arange(n), -key, table.seat))
    firsts = table.starts[:-1]
    sizes = np.diff(table.starts)
    top = order[firsts]
    second = np.where(sizes > 1, order[np.minimum(firsts + 1, n - 1)], NO_ROW)
    if running is not None:
        top = np.where(running[top], top, NO_ROW)
        valid_second = second >= 0
        second = np.where(valid_second & running[np.maximum(second, 0)], second, NO_ROW)
    return top.astype(np.int64), second.astype(np.int64)


def tied(votes: Int64s, top: Int64s, second: Int64s) -> Bools:
    """Seats whose winner and runner-up have exactly the same votes."""
    has_two = (top >= 0) & (second >= 0)
    same = votes[np.maximum(top, 0)] == votes[np.maximum(second, 0)]
    return np.asarray(has_two & same, dtype=bool)


def add_rows(table: CandidateTable, seats: Int64s, parties: Int64s
             ) -> tuple[CandidateTable, Int64s]:
    """``table`` with one new, empty row per (seat, party) at the end of each seat.

    Returns the new table and, for every old row, its index in the new one.
    """
    if seats.size == 0:
        return table, np.arange(table.votes.size, dtype=np.int64)
    order = np.argsort(seats, kind="stable")
    seats, parties = seats[order], parties[order]
    at = table.starts[seats + 1]
    n_old = table.votes.size
    old_index = np.arange(n_old, dtype=np.int64)
    old_index += np.searchsorted(at, old_index, side="right")
    names = list(table.names)
    for position, seat_party in zip(at[::-1], parties[::-1], strict=True):
        names.insert(int(position), f"({table.parties[int(seat_party)]} candidate)")
    added_per_seat = np.bincount(seats, minlength=table.n_seats)
    starts = table.starts + np.concatenate(([0], np.cumsum(added_per_seat)))
    new = replace(
        table,
        starts=starts.astype(np.int64),
        seat=np.insert(table.seat, at, seats),
        party=np.insert(table.party, at, parties),
        names=tuple(names),
        votes=np.insert(table.votes, at, 0),
        stood=np.insert(table.stood, at, False),
    )
    return new, old_index
