"""The count and the declaration, overall and by section, and the published record.

The count is `psephos.rules.methods.count` over every opened ballot (the ballots the
trustees decrypted after the close and the shuffle: `psephos.contests.opening`), so it is
the count `psephos count` makes of the exported ballot file. Sections are reported as Labour
declares them: electorate, ballots, turnout and each candidate's votes, and (for counts
that only exclude, such as AV) each round, following the overall count's exclusions.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count as Rows

from psephos.ballots.csv_writer import write_ballot_file
from psephos.ballots.profile import profile_from_rankings
from psephos.contests import audit, board
from psephos.contests.errors import ContestError, WrongState
from psephos.contests.models import Ballot, Contest, Section, Voter
from psephos.contests.nominations import ballot_candidates
from psephos.contests.opening import is_opened, open_ballots
from psephos.contests.record import sealed_record
from psephos.contests.sealed_models import OpenedBallot
from psephos.count import Count
from psephos.files import write_atomically
from psephos.reports.json import count_to_dict
from psephos.rules.errors import RuleError
from psephos.rules.registry import count as run_count

Ranking = tuple[int, ...]


@dataclass(frozen=True)
class Round:
    """Votes per candidate at the end of one stage of the overall count."""

    stage: int
    action: str
    tallies: dict[str, int | str]
    exhausted: int | str
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "action": self.action, "tallies": self.tallies,
                "exhausted": self.exhausted, "elected": list(self.elected),
                "excluded": list(self.excluded)}


@dataclass(frozen=True)
class SectionResult:
    slug: str
    name: str
    electorate: int
    ballots: int
    votes: dict[str, int]
    rounds: tuple[Round, ...] = ()

    @property
    def turnout(self) -> str:
        return percent(self.ballots, self.electorate)

    def to_json(self) -> dict[str, Any]:
        return {"slug": self.slug, "name": self.name, "electorate": self.electorate,
                "ballots": self.ballots, "turnout": self.turnout, "votes": self.votes,
                "rounds": [r.to_json() for r in self.rounds]}


@dataclass(frozen=True)
class Declaration:
    """The result as declared: who is elected, the totals, each section, every round."""

    contest: str
    name: str
    method: str
    seats: int
    candidates: tuple[str, ...]
    elected: tuple[str, ...]
    electorate: int
    ballots: int
    votes: dict[str, int]
    rounds: tuple[Round, ...]
    sections: tuple[SectionResult, ...]
    count: Count = field(compare=False, repr=False)
    #: The audit log's head before the count's entry (`audit.current_head`): an anchor.
    audit_head: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def turnout(self) -> str:
        return percent(self.ballots, self.electorate)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "psephos-declaration/1", "contest": self.contest, "name": self.name,
            "method": self.method, "seats": self.seats, "candidates": list(self.candidates),
            "elected": list(self.elected), "electorate": self.electorate,
            "ballots": self.ballots, "turnout": self.turnout, "votes": self.votes,
            "rounds": [r.to_json() for r in self.rounds],
            "sections": [s.to_json() for s in self.sections],
            "count": count_to_dict(self.count),
            "audit_head": self.audit_head,
        }


def percent(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole`` to one decimal place (as text: exact)."""
    if whole == 0:
        return "0.0"
    return str((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1")))


def _plain(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else format(value, "f")


def opened_rankings(contest: Contest) -> tuple[list[str], dict[int, list[Ranking]]]:
    """Candidate names in ballot order, and per section id the opened ballots' rankings in
    the mixed order (WrongState before the trustees have decrypted)."""
    if not is_opened(contest):
        raise WrongState(f"contest {contest.slug!r}: the ballots have not been decrypted; "
                         "count it first")
    standing = ballot_candidates(contest)
    index = {c.pk: i for i, c in enumerate(standing)}
    by_section: dict[int, list[Ranking]] = {s.pk: [] for s in contest.sections.all()}
    rows = (OpenedBallot.objects.filter(contest=contest).order_by("section_id", "position")
            .values_list("section_id", "ranking"))
    for section_id, ranking in rows.iterator(chunk_size=10000):
        by_section[section_id].append(tuple(index[pk] for pk in ranking if pk in index))
    return [c.name for c in standing], by_section


def load_rankings(contest: Contest) -> tuple[list[str], dict[int, Counter[Ranking]]]:
    """Candidate names in ballot order, and per section id the distinct rankings counted."""
    names, by_section = opened_rankings(contest)
    return names, {pk: Counter(rankings) for pk, rankings in by_section.items()}


def _closed(contest: Contest, doing: str) -> None:
    contest.refresh_from_db()
    if contest.state not in (Contest.State.CLOSED, Contest.State.COUNTED):
        raise WrongState(f"contest {contest.slug!r} is {contest.state}: close it before "
                         f"{doing}")


def _run(contest: Contest, names: Sequence[str], total: Counter[Ranking]) -> Count:
    """The count of these rankings by the contest's method (``total`` loses its blanks)."""
    blank = total.pop((), 0)
    if not total:
        raise ContestError(f"contest {contest.slug!r} has no ballots: there is nothing to count")
    merged: dict[tuple[int, ...], int] = dict(total)
    profile = profile_from_rankings(list(names), merged, blank=blank, title=contest.name,
                                    seats=contest.seats)
    try:
        return run_count(profile, contest.method, contest.seats)
    except (RuleError, ValueError) as error:
        raise ContestError(f"the count of {contest.slug!r} failed: {error}") from None


def recount(contest: Contest) -> Count:
    """Count the stored ballots of a closed (or counted) contest and change nothing: no
    declaration stored, no state change, no audit entry (e.g. for a results chart).

    Refused while voting is open, so nobody sees a running result before the close."""
    _closed(contest, "recounting")
    names, by_section = load_rankings(contest)
    total: Counter[Ranking] = Counter()
    for counter in by_section.values():
        total.update(counter)
    return _run(contest, names, total)


def count_contest(contest: Contest, *, actor: Any = "system") -> Declaration:
    """Count a closed contest, store the declaration and mark it counted (repeatable).

    The first count opens the ballots (`open_ballots`): it needs the shuffle done and k
    trustees' shares of every section in, and says which are missing."""
    _closed(contest, "counting")
    audit.check_ballots_unchanged(contest)  # refuses ballots edited since the close
    open_ballots(contest, actor=actor)
    names, by_section = load_rankings(contest)
    total: Counter[Ranking] = Counter()
    for counter in by_section.values():
        total.update(counter)
    blank = total.get((), 0)
    result = _run(contest, names, total)
    sections = list(contest.sections.all())
    electorate = _electorate(contest)
    exclusions_only = all(stage.action in ("first", "exclude") for stage in result.stages)
    section_results = tuple(
        SectionResult(
            slug=s.slug, name=s.name, electorate=electorate.get(s.pk, 0),
            ballots=sum(by_section[s.pk].values()),
            votes=_first_preferences(names, by_section[s.pk]),
            rounds=_section_rounds(names, by_section[s.pk], result) if exclusions_only else ())
        for s in sections)
    declaration = Declaration(
        contest=contest.slug, name=contest.name, method=contest.method, seats=contest.seats,
        candidates=tuple(names), elected=tuple(result.elected_names),
        electorate=sum(electorate.values()), ballots=sum(total.values()) + blank,
        votes=_first_preferences(names, total), rounds=_rounds(result),
        sections=section_results, count=result, audit_head=audit.current_head())
    document = declaration.to_json()
    with transaction.atomic():
        Contest.objects.filter(pk=contest.pk).update(state=Contest.State.COUNTED,
                                                     declaration=document)
        board.make_block(contest, {"kind": "declaration", "sha256": _digest(document)})
        audit.record(actor, "contest.count", {
            "contest": contest.slug, "elected": list(declaration.elected),
            "ballots": declaration.ballots, "electorate": declaration.electorate,
            "declaration_sha256": _digest(document)})
    contest.state, contest.declaration = Contest.State.COUNTED, document
    return declaration


def _digest(document: Mapping[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _electorate(contest: Contest) -> dict[int, int]:
    """Eligible voters per section id (revoked voters are not in the electorate)."""
    rows = (Voter.objects.filter(contest=contest, status=Voter.Status.ELIGIBLE)
            .values("section_id").order_by().annotate(n=Rows("pk")))
    return {row["section_id"]: row["n"] for row in rows}


def _first_preferences(names: Sequence[str], rankings: Mapping[Ranking, int]) -> dict[str, int]:
    votes = dict.fromkeys(names, 0)
    for ranking, n in rankings.items():
        if ranking:
            votes[names[ranking[0]]] += n
    return votes


def _rounds(result: Count) -> tuple[Round, ...]:
    names = result.candidates
    return tuple(
        Round(stage=s.number, action=s.action,
              tallies={n: _plain(v) for n, v in zip(names, s.tallies, strict=True)},
              exhausted=_plain(s.exhausted), elected=tuple(names[c] for c in s.elected),
              excluded=tuple(names[c] for c in s.excluded))
        for s in result.stages)


def _section_rounds(names: Sequence[str], rankings: Mapping[Ranking, int],
                    result: Count) -> tuple[Round, ...]:
    """A section's share of each round: each ballot with its highest continuing preference."""
    out: list[Round] = []
    gone: set[int] = set()
    for stage in result.stages:
        gone.update(stage.excluded)
        tallies = dict.fromkeys(names, 0)
        exhausted = 0
        for ranking, n in rankings.items():
            current = next((c for c in ranking if c not in gone), None)
            if current is None:
                exhausted += n
            else:
                tallies[names[current]] += n
        out.append(Round(stage=stage.number, action=stage.action, tallies=dict(tallies),
                         exhausted=exhausted, elected=tuple(names[c] for c in stage.elected),
                         excluded=tuple(names[c] for c in stage.excluded)))
    return tuple(out)


def ballot_rows(names: Sequence[str], rankings: Sequence[Ranking]) -> list[list[str]]:
    """One row of candidate names per ballot, in the order given (the mixed order)."""
    return [[names[c] for c in ranking] for ranking in rankings]


def export_contest(contest: Contest, folder: str | Path, *, force: bool = False) -> list[Path]:
    """Publish the record of a counted contest into ``folder``: the opened ballots in the
    mixed order (all, section after section, and per section), the sorted list of
    trackers, the declaration, and the sealed record the trustees' work can be checked
    against (`psephos.contests.record`). Returns the files.

    A folder that already holds anything is refused unless ``force``: a record written over
    another would mix two exports. Each file is written whole or not at all."""
    contest.refresh_from_db()
    if contest.state != Contest.State.COUNTED or contest.declaration is None:
        raise WrongState(f"contest {contest.slug!r} is {contest.state}: count it before "
                         "exporting")
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ContestError(f"{folder}: is not a folder")
    if not force and folder.is_dir() and any(folder.iterdir()):
        raise ContestError(f"{folder}: the folder is not empty; export into a new or empty "
                           "folder, or use --force to write into it")
    folder.mkdir(parents=True, exist_ok=True)
    names, by_section = opened_rankings(contest)
    sections = {s.pk: s for s in Section.objects.filter(contest=contest)}
    total: list[Ranking] = []
    files: list[tuple[str, Any]] = []
    for pk, rankings in by_section.items():
        total += rankings
        files.append((f"ballots-{sections[pk].slug}.csv",
                      lambda p, r=rankings: write_ballot_file(p, names, ballot_rows(names, r))))
    files.insert(0, ("ballots.csv",
                     lambda p: write_ballot_file(p, names, ballot_rows(names, total))))
    trackers = sorted(Ballot.objects.filter(contest=contest, removed=False)
                      .values_list("tracker", flat=True))
    files.append(("trackers.txt", lambda p: p.write_text("".join(t + "\n" for t in trackers))))
    document = contest.declaration
    files.append(("declaration.json", lambda p: p.write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")))
    files += sealed_record(contest)
    for name, write in files:
        write_atomically(folder / name, write)
    return [folder / name for name, _ in files]
