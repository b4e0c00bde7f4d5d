"""The GLA elections of 6 May 2021, read from tables extracted from London Elects' PDFs.

Five CSV files (see the catalogue entry ``lm2021``): the Mayor's first-choice x
second-choice table and each candidate's first and second choices by area; each Assembly
constituency's candidates; the London-wide list votes by area; and each constituency's
electorate and valid votes. Candidates are printed as "Forename SURNAME description"; the
files are checked against one another (areas add to the London-wide figures, candidates to
the valid votes) so a bad extraction stops here with the file, line and column.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from psephos.uk.errors import DataFileError
from psephos.uk.tables import Candidate
from psephos.uk.tabular import Row, read_table

LONDON_WIDE = "London-wide"

#: Ballot descriptions and list names of 2021 with a party code of their own (exact labels;
#: any other is ``other``).
LONDON_2021_LABELS: dict[str, str] = {
    "Labour Party": "lab",
    "Labour and Co-operative Party": "lab",
    "Conservatives": "con",
    "Conservative Party Candidate": "con",
    "The Conservative Party Candidate": "con",
    "Conservative and Unionist Party": "con",
    "Green Party": "green",
    "Green Party candidate": "green",
    "The Green Party": "green",
    "Liberal Democrats": "ld",
    "ReformUK - London Deserves Better": "reform",
    "UKIP": "ukip",
    "Independent": "ind",
}


@dataclass(frozen=True)
class MayoralCandidate:
    name: str  # "Forename SURNAME"
    surname: str  # as the cross-table heads its row and column
    party_name: str  # the ballot description
    party_code: str
    first_choices: int  # London-wide
    second_choices: int  # second-choice marks on every ballot, London-wide


@dataclass(frozen=True)
class AssemblyConstituency:
    name: str
    candidates: tuple[Candidate, ...]
    electorate: int
    valid_votes: int
    rejected: int


@dataclass(frozen=True)
class London2021:
    candidates: tuple[MayoralCandidate, ...]
    #: ``matrix[i][j]``: ballots with candidate i first and candidate j second (i == j: the
    #: same candidate twice); ballots with no usable second choice are not in it.
    matrix: tuple[tuple[int, ...], ...]
    constituencies: tuple[AssemblyConstituency, ...]
    list_votes: dict[str, int]  # London-wide, list name -> votes, in the file's order

    def list_code(self, party: str) -> str:
        """The party code of a list name (``other`` for a label without one)."""
        return LONDON_2021_LABELS.get(party, "other")


def split_candidate(row: Row, column: str) -> tuple[str, str, str]:
    """"Forename SURNAME description" as (name, surname, description).

    A known description at the end is split off first (``UKIP`` is itself in capitals);
    otherwise the name ends with the first run of words in capitals.
    """
    words = row.text(column).split()
    text = " ".join(words)
    for label in sorted(LONDON_2021_LABELS, key=len, reverse=True):
        if text.endswith(" " + label):
            name = text[:-len(label) - 1].split()
            start, end = _capitals(name)
            if end:
                return " ".join(name), " ".join(name[start:end]), label
    start, end = _capitals(words)
    if 0 < end < len(words):
        return " ".join(words[:end]), " ".join(words[start:end]), " ".join(words[end:])
    raise row.error(f"expected 'Forename SURNAME description', found {text[:60]!r}", column)


def _capitals(words: list[str]) -> tuple[int, int]:
    """Where the first run of words in capitals starts and ends ((0, 0) if none)."""
    start: int | None = None
    for index, word in enumerate(words):
        if any(c.isalpha() for c in word) and word == word.upper():
            start = index if start is None else start
        elif start is not None:
            return start, index
    return (start, len(words)) if start is not None else (0, 0)


def read_london2021(matrix: Path, preferences: Path, constituencies: Path, lists: Path,
                    totals: Path) -> London2021:
    """The five tables, each checked against the others."""
    meta = _read_totals(totals)
    candidates = _read_preferences(preferences, meta)
    return London2021(
        candidates=candidates,
        matrix=_read_matrix(matrix, candidates),
        constituencies=_read_constituencies(constituencies, meta),
        list_votes=_read_lists(lists, meta),
    )


def _read_totals(path: Path) -> dict[str, Row]:
    _, rows = read_table(path, ("constituency", "electorate", "assembly_good_votes",
                                "assembly_rejected", "list_good_votes", "mayor_good_first"),
                         what="constituency_meta.csv (London 2021 constituency totals)")
    out: dict[str, Row] = {}
    for row in rows:
        name = row.text("constituency")
        if not name or name in out:
            raise row.error(f"expected a constituency named once, found {name!r}"[:200],
                            "constituency")
        for column in ("electorate", "assembly_good_votes", "assembly_rejected",
                       "list_good_votes", "mayor_good_first"):
            row.count(column)
        out[name] = row
    if not out:
        raise DataFileError(path, "no constituencies", line=2)
    return out


def _area(row: Row, column: str, meta: dict[str, Row]) -> str:
    area = row.text(column)
    if area != LONDON_WIDE and area not in meta:
        raise row.error(f"expected {LONDON_WIDE!r} or a constituency of "
                        f"constituency_meta.csv, found {area!r}"[:200], column)
    return area


def _read_preferences(path: Path, meta: dict[str, Row]) -> tuple[MayoralCandidate, ...]:
    _, rows = read_table(path, ("area", "candidate_and_party", "first_preferences",
                                "second_preferences"),
                         what="mayor2021_preferences.csv (first and second choices by area)")
    london: dict[str, tuple[Row, str, str, str]] = {}
    summed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_area: dict[str, int] = defaultdict(int)
    for row in rows:
        area = _area(row, "area", meta)
        name, surname, description = split_candidate(row, "candidate_and_party")
        first, second = row.count("first_preferences"), row.count("second_preferences")
        if area == LONDON_WIDE:
            if name in london:
                raise row.error(f"{name!r} twice in the London-wide rows"[:200],
                                "candidate_and_party")
            london[name] = (row, surname, description, name)
        else:
            summed[name][0] += first
            summed[name][1] += second
            by_area[area] += first
    if len(london) < 2:
        raise DataFileError(path, "fewer than 2 London-wide candidate rows")
    for area, row in meta.items():
        if by_area[area] != row.count("mayor_good_first"):
            raise row.error(f"the mayoral first choices of {area} add to {by_area[area]:,} in "
                            f"{path.name}, not {row.count('mayor_good_first'):,}",
                            "mayor_good_first")
    out: list[MayoralCandidate] = []
    for name, (row, surname, description, _) in london.items():
        first, second = row.count("first_preferences"), row.count("second_preferences")
        if summed[name] != [first, second]:
            raise row.error(f"the areas add to {summed[name][0]:,} first and "
                            f"{summed[name][1]:,} second choices, not {first:,} and {second:,}",
                            "first_preferences")
        out.append(MayoralCandidate(name, surname, description,
                                    LONDON_2021_LABELS.get(description, "other"), first, second))
    if len({c.surname for c in out}) != len(out):
        raise DataFileError(path, "two candidates share a surname; the cross-table cannot "
                            "tell them apart")
    return tuple(out)


def _read_matrix(path: Path, candidates: tuple[MayoralCandidate, ...]
                 ) -> tuple[tuple[int, ...], ...]:
    columns = [f"second_choice_{c.surname}" for c in candidates]
    _, rows = read_table(path, ("first_choice_no", "first_choice_candidate", *columns),
                         what="mayor2021_first_by_second_matrix.csv (the first x second "
                              "choice table)")
    index = {c.surname: i for i, c in enumerate(candidates)}
    table: dict[int, tuple[int, ...]] = {}
    for row in rows:
        surname = row.text("first_choice_candidate")
        i = index.get(surname)
        if i is None or i in table:
            raise row.error(f"expected one row for each candidate, found {surname!r}"[:200],
                            "first_choice_candidate")
        cells = tuple(row.count(column) for column in columns)
        if sum(cells) > candidates[i].first_choices:
            raise row.error(f"{sum(cells):,} second choices on {surname}'s ballots, more than "
                            f"the {candidates[i].first_choices:,} first choices",
                            "first_choice_candidate")
        table[i] = cells
    if len(table) != len(candidates):
        missing = [c.surname for i, c in enumerate(candidates) if i not in table]
        raise DataFileError(path, f"no row for {', '.join(missing)}"[:300])
    matrix = tuple(table[i] for i in range(len(candidates)))
    for j, candidate in enumerate(candidates):
        marks = sum(matrix[i][j] for i in range(len(candidates)))
        if marks != candidate.second_choices:
            raise DataFileError(path, f"the column adds to {marks:,}, but "
                                f"{candidate.second_choices:,} second choices were declared",
                                field=columns[j])
    return matrix


def _read_constituencies(path: Path, meta: dict[str, Row]
                         ) -> tuple[AssemblyConstituency, ...]:
    _, rows = read_table(path, ("constituency", "candidate_and_party", "votes"),
                         what="assembly2021_constituency_candidates.csv")
    seats: dict[str, list[Candidate]] = defaultdict(list)
    for row in rows:
        area = _area(row, "constituency", meta)
        if area == LONDON_WIDE:
            raise row.error("expected an Assembly constituency", "constituency")
        name, _, description = split_candidate(row, "candidate_and_party")
        seats[area].append(Candidate(name, LONDON_2021_LABELS.get(description, "other"),
                                     description, row.count("votes")))
    out: list[AssemblyConstituency] = []
    for area, total in meta.items():
        valid = total.count("assembly_good_votes")
        if sum(c.votes for c in seats[area]) != valid:
            raise total.error(f"the candidates of {area} in {path.name} have "
                              f"{sum(c.votes for c in seats[area]):,} votes, not {valid:,}",
                              "assembly_good_votes")
        out.append(AssemblyConstituency(area, tuple(seats[area]), total.count("electorate"),
                                        valid, total.count("assembly_rejected")))
    return tuple(out)


def _read_lists(path: Path, meta: dict[str, Row]) -> dict[str, int]:
    _, rows = read_table(path, ("area", "party", "votes"),
                         what="assembly2021_list_votes.csv (London-wide list votes)")
    london: dict[str, int] = {}
    parts: list[tuple[Row, str, str, int]] = []
    for row in rows:
        area, party = _area(row, "area", meta), " ".join(row.text("party").split())
        if not party:
            raise row.error("expected a party's name", "party")
        if area == LONDON_WIDE:
            if party in london:
                raise row.error(f"{party!r} twice in the London-wide rows"[:200], "party")
            london[party] = row.count("votes")
        else:
            parts.append((row, area, party, row.count("votes")))
    if not london:
        raise DataFileError(path, f"no {LONDON_WIDE} rows")
    summed: dict[str, int] = defaultdict(int)
    by_area: dict[str, int] = defaultdict(int)
    for row, area, label, votes in parts:
        # Constituency sheets print "Name (description)"; the London-wide sheet the name.
        listed = next((p for p in london if label == p or label.startswith(p + " (")), None)
        if listed is None:
            raise row.error(f"expected a list of the {LONDON_WIDE} rows, found {label!r}"[:200],
                            "party")
        summed[listed] += votes
        by_area[area] += votes
    for party, votes in london.items():
        if summed[party] != votes:
            raise DataFileError(path, f"{party!r}: the constituencies add to "
                                f"{summed[party]:,}, not the London-wide {votes:,}"[:300],
                                field="votes")
    for area, total in meta.items():
        if by_area[area] != total.count("list_good_votes"):
            raise total.error(f"the list votes of {area} add to {by_area[area]:,} in "
                              f"{path.name}, not {total.count('list_good_votes'):,}",
                              "list_good_votes")
    return london
