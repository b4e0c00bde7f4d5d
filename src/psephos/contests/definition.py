"""A contest defined in a TOML file: sections, candidates, nomination rules and timetable.

See ``examples/labour-2016.toml`` and ``docs/contests.md`` for the format. Every mistake is
reported with the file, the key and what it may be, before anything is written.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from psephos.contests import audit
from psephos.contests.errors import ContestError, DefinitionError
from psephos.contests.models import (
    Candidate,
    Contest,
    NominatingBody,
    Nomination,
    Section,
    TimetableEvent,
)
from psephos.contests.names import (
    clash_message,
    first_clash,
    name_key,
    name_problem,
    stored_name,
)
from psephos.contests.timetable import UK_TIME
from psephos.files import input_problem
from psephos.rules.registry import RULES

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: The most any count in a file may be unless something smaller bounds it: a nominating
#: body's size, its nominations, a threshold (a count makes that many rows, so an
#: unbounded one exhausts memory: ``count = 50000000`` once did).
MAX_COUNT = 100_000
#: The most members the affiliates of a body may hold together (only ever multiplied).
MAX_MEMBERS = 100_000_000
#: The most seats, and the most a section's priority may be.
MAX_SEATS = 1_000


@dataclass(frozen=True)
class SectionDef:
    slug: str
    name: str
    priority: int = 0
    join_cutoff: date | None = None
    arrears: bool = False
    fee_window: tuple[date, date] | None = None


@dataclass(frozen=True)
class CandidateDef:
    name: str
    incumbent: bool = False
    consented: bool = False


@dataclass(frozen=True)
class BodyDef:
    slug: str
    name: str
    kind: str = "nominators"
    size: int = 0
    share: Decimal = Decimal(0)
    min_count: int = 0
    min_unions: int = 0
    min_members_share: Decimal = Decimal(0)
    total_members: int = 0


@dataclass(frozen=True)
class NominationDef:
    candidate: str
    body: str
    nominator: str
    union: bool = False
    members: int = 0


@dataclass(frozen=True)
class EventDef:
    kind: str
    title: str
    start: datetime
    end: datetime | None = None
    place: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ContestDefinition:
    """Everything a TOML file says about a contest, checked."""

    slug: str
    name: str
    method: str = "av"
    seats: int = 1
    description: str = ""
    freeze_date: date | None = None
    dedupe_by: str = "email"
    sections: tuple[SectionDef, ...] = ()
    candidates: tuple[CandidateDef, ...] = ()
    incumbent_bypass: bool = False
    require: tuple[tuple[str, ...], ...] = ()
    bodies: tuple[BodyDef, ...] = ()
    nominations: tuple[NominationDef, ...] = ()
    timetable: tuple[EventDef, ...] = field(default=())


class _Reader:
    """Reads typed values out of TOML tables, naming the key on every mistake."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> DefinitionError:
        return DefinitionError(self.path, message, key=key)

    def table(self, data: Any, key: str, allowed: tuple[str, ...],
              required: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(key, "expected a table")
        for name in data:
            if name not in allowed:
                raise self.fail(f"{key}.{name}",
                                f"unknown key; expected one of {', '.join(allowed)}")
        for name in required:
            if name not in data:
                raise self.fail(f"{key}.{name}", "missing (required)")
        return data

    def tables(self, data: Any, key: str) -> list[dict[str, Any]]:
        if data is None:
            return []
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise self.fail(key, f"expected an array of tables ([[{key}]])")
        return data

    def text(self, data: dict[str, Any], name: str, key: str, default: str | None = None) -> str:
        value = data.get(name, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(f"{key}.{name}", "expected a non-empty string")
        return value.strip()

    def slug(self, data: dict[str, Any], name: str, key: str) -> str:
        value = self.text(data, name, key)
        if not _SLUG.match(value):
            raise self.fail(f"{key}.{name}",
                            f"{value!r}: use lower-case letters, digits and hyphens")
        return value

    def boolean(self, data: dict[str, Any], name: str, key: str, default: bool = False) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key}.{name}", "expected true or false")
        return value

    def integer(self, data: dict[str, Any], name: str, key: str, default: int = 0,
                minimum: int = 0, maximum: int = MAX_COUNT, bound: str = "") -> int:
        """A whole number from ``minimum`` to ``maximum``; ``bound`` says what sets the
        maximum when it is not the general ceiling (e.g. "the body's size, 251")."""
        value = data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(f"{key}.{name}", f"expected a whole number of at least {minimum}")
        if value > maximum:
            raise self.fail(f"{key}.{name}", f"{value} is more than {bound or maximum}"
                            f"{'' if bound else ' (the most this file may say)'}")
        return value

    def fraction(self, data: dict[str, Any], name: str, key: str) -> Decimal:
        value = data.get(name, 0)
        try:
            number = Decimal(str(value)) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not 0 <= number <= 1:
            raise self.fail(f"{key}.{name}", "expected a fraction between 0 and 1 (0.2 = 20 %)")
        return number

    def day(self, data: dict[str, Any], name: str, key: str) -> date | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            raise self.fail(f"{key}.{name}", "expected a date such as 2016-01-12")
        return value

    def moment(self, data: dict[str, Any], name: str, key: str) -> datetime | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UK_TIME)
        if isinstance(value, date):
            return datetime.combine(value, time(0), tzinfo=UK_TIME)
        raise self.fail(f"{key}.{name}", "expected a date or a date and time "
                        "such as 2016-08-25T19:00:00 (UK time unless an offset is given)")

    def choice(self, data: dict[str, Any], name: str, key: str, choices: tuple[str, ...],
               default: str) -> str:
        value = data.get(name, default)
        if value not in choices:
            raise self.fail(f"{key}.{name}",
                            f"{value!r} is not one of {', '.join(choices)}")
        return str(value)


def load_definition(path: str | Path) -> ContestDefinition:
    """Read and check a contest definition; `DefinitionError` names the key at fault."""
    path = Path(path)
    problem = input_problem(path, "a contest definition (TOML)")
    if problem is not None:
        raise DefinitionError(path, problem)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise DefinitionError(path, "not UTF-8 text") from None
    except OSError as error:
        raise DefinitionError(path, error.strerror or str(error)) from None
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError(path, f"not valid TOML: {error}") from None
    return parse_definition(data, path)


def parse_definition(data: dict[str, Any], path: str | Path = "<definition>") -> ContestDefinition:
    """Check a definition already read into Python values (as TOML gives them)."""
    r = _Reader(Path(path))
    r.table(data, "(top level)", ("contest", "sections", "candidates", "nominations",
                                  "timetable"), required=("contest",))
    c = r.table(data["contest"], "contest",
                ("slug", "name", "description", "method", "seats", "freeze_date", "dedupe_by"),
                required=("slug", "name"))
    method = r.choice(c, "method", "contest", tuple(RULES), "av")
    seats = r.integer(c, "seats", "contest", 1, minimum=1, maximum=MAX_SEATS)
    if RULES[method].seats == "one" and seats != 1:
        raise r.fail("contest.seats", f"{RULES[method].label} ({method!r}) fills one seat, not "
                                      f"{seats}; set seats = 1, or choose a method that "
                                      "fills several")
    sections = tuple(_section(r, item, f"sections[{i}]")
                     for i, item in enumerate(r.tables(data.get("sections"), "sections")))
    if not sections:
        raise r.fail("sections", "at least one [[sections]] table is required")
    _unique(r, "sections", [s.slug for s in sections], "slug")
    candidates = tuple(_candidate(r, item, f"candidates[{i}]")
                       for i, item in enumerate(r.tables(data.get("candidates"), "candidates")))
    _unique_names(r, [cand.name for cand in candidates])
    if candidates and seats > len(candidates):
        raise r.fail("contest.seats", f"{seats} seats but only {len(candidates)} "
                                      "candidates; seats must be at most the candidates")
    nominations = r.table(data.get("nominations", {}), "nominations",
                          ("incumbent_bypass", "require", "bodies", "made"))
    bodies = tuple(_body(r, item, f"nominations.bodies[{i}]")
                   for i, item in enumerate(r.tables(nominations.get("bodies"),
                                                     "nominations.bodies")))
    _unique(r, "nominations.bodies", [b.slug for b in bodies], "slug")
    require = _require(r, nominations.get("require", []), {b.slug for b in bodies})
    made = tuple(n for i, item in enumerate(r.tables(nominations.get("made"),
                                                     "nominations.made"))
                 for n in _made(r, item, f"nominations.made[{i}]",
                                {name_key(cand.name): cand.name for cand in candidates},
                                {b.slug: b for b in bodies}))
    _within_sizes(r, made, bodies)
    events = tuple(_event(r, item, f"timetable[{i}]")
                   for i, item in enumerate(r.tables(data.get("timetable"), "timetable")))
    return ContestDefinition(
        slug=r.slug(c, "slug", "contest"),
        name=r.text(c, "name", "contest"),
        description=r.text(c, "description", "contest", ""),
        method=method,
        seats=seats,
        freeze_date=r.day(c, "freeze_date", "contest"),
        dedupe_by=r.choice(c, "dedupe_by", "contest", ("email", "member_number"), "email"),
        sections=sections,
        candidates=candidates,
        incumbent_bypass=r.boolean(nominations, "incumbent_bypass", "nominations"),
        require=require,
        bodies=bodies,
        nominations=made,
        timetable=events,
    )


def _unique(r: _Reader, key: str, values: list[str], name: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            raise r.fail(f"{key}[{i}].{name}", f"{value!r} appears twice")
        seen.add(value)


def _unique_names(r: _Reader, names: list[str]) -> None:
    """Candidates' names differ once compared as `psephos.contests.names` compares them."""
    clash = first_clash(names)
    if clash is not None:
        first, second = clash
        raise r.fail(f"candidates[{second}].name", clash_message(names[first], names[second])
                     + f" (candidates[{first}])")


def _section(r: _Reader, item: dict[str, Any], key: str) -> SectionDef:
    r.table(item, key, ("slug", "name", "priority", "join_cutoff", "arrears", "fee_window"),
            required=("slug", "name"))
    window = item.get("fee_window")
    fee_window = None
    if window is not None:
        ok = (isinstance(window, list) and len(window) == 2
              and all(isinstance(d, date) and not isinstance(d, datetime) for d in window))
        if not ok or window[0] > window[1]:
            raise r.fail(f"{key}.fee_window",
                         "expected [first day, last day], e.g. [2016-07-18, 2016-07-20]")
        fee_window = (window[0], window[1])
    return SectionDef(slug=r.slug(item, "slug", key), name=r.text(item, "name", key),
                      priority=r.integer(item, "priority", key, maximum=MAX_SEATS),
                      join_cutoff=r.day(item, "join_cutoff", key),
                      arrears=r.boolean(item, "arrears", key), fee_window=fee_window)


def _candidate(r: _Reader, item: dict[str, Any], key: str) -> CandidateDef:
    r.table(item, key, ("name", "incumbent", "consented"), required=("name",))
    return CandidateDef(name=candidate_name(r, item.get("name"), f"{key}.name"),
                        incumbent=r.boolean(item, "incumbent", key),
                        consented=r.boolean(item, "consented", key))


def candidate_name(r: _Reader, value: Any, key: str) -> str:
    """A candidate's name as stored, or the reason it is refused naming ``key``."""
    if not isinstance(value, str):
        raise r.fail(key, "expected a string")
    problem = name_problem(value)
    if problem is not None:
        raise r.fail(key, f"{problem} (the name as given: {value!r})")
    return stored_name(value)


def _body(r: _Reader, item: dict[str, Any], key: str) -> BodyDef:
    r.table(item, key, ("slug", "name", "kind", "size", "share", "min_count", "min_unions",
                        "min_members_share", "total_members"), required=("slug", "name"))
    size = r.integer(item, "size", key)
    min_count = r.integer(item, "min_count", key, maximum=size or MAX_COUNT,
                          bound=f"the body's size, {size}" if size else "")
    return BodyDef(slug=r.slug(item, "slug", key), name=r.text(item, "name", key),
                   kind=r.choice(item, "kind", key, ("nominators", "affiliates"), "nominators"),
                   size=size, share=r.fraction(item, "share", key),
                   min_count=min_count,
                   min_unions=r.integer(item, "min_unions", key,
                                        maximum=min_count or MAX_COUNT,
                                        bound=f"min_count, {min_count}" if min_count else ""),
                   min_members_share=r.fraction(item, "min_members_share", key),
                   total_members=r.integer(item, "total_members", key, maximum=MAX_MEMBERS))


def _require(r: _Reader, value: Any, bodies: set[str]) -> tuple[tuple[str, ...], ...]:
    key = "nominations.require"
    if not isinstance(value, list) or not all(isinstance(g, list) for g in value):
        raise r.fail(key, 'expected a list of groups of body slugs, e.g. [["plp"], ["clp", '
                     '"affiliates"]] (every group met, each by any one body in it)')
    for group in value:
        for slug in group:
            if slug not in bodies:
                raise r.fail(key, f"{slug!r} is not a nominating body; expected one of "
                             f"{', '.join(sorted(bodies)) or '(none defined)'}")
    return tuple(tuple(group) for group in value if group)


def _made(r: _Reader, item: dict[str, Any], key: str, candidates: dict[str, str],
          bodies: dict[str, BodyDef]) -> list[NominationDef]:
    """``candidates``: each candidate's name by its `name_key`, so a nomination may spell a
    name in another case or Unicode form and still name that one candidate."""
    r.table(item, key, ("candidate", "body", "nominators", "count", "union", "members"),
            required=("candidate", "body"))
    given = r.text(item, "candidate", key)
    candidate = candidates.get(name_key(given))
    if candidate is None:
        raise r.fail(f"{key}.candidate", f"{given!r} is not a candidate; expected one of "
                     f"{', '.join(sorted(candidates.values()))}")
    body = r.text(item, "body", key)
    if body not in bodies:
        raise r.fail(f"{key}.body", f"{body!r} is not a nominating body; expected one of "
                     f"{', '.join(sorted(bodies)) or '(none defined)'}")
    size = bodies[body].size
    names = item.get("nominators")
    if names is None:
        count = r.integer(item, "count", key, minimum=1, maximum=size or MAX_COUNT,
                          bound=f"the size of {body}, {size}" if size else "")
        names = [f"{body} nominator {i} for {candidate}" for i in range(1, count + 1)]
    elif not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise r.fail(f"{key}.nominators", "expected a list of names")
    union = r.boolean(item, "union", key)
    total = bodies[body].total_members
    members = r.integer(item, "members", key, maximum=total or MAX_MEMBERS,
                        bound=f"the total_members of {body}, {total}" if total else "")
    return [NominationDef(candidate, body, name, union, members) for name in names]


def _within_sizes(r: _Reader, made: tuple[NominationDef, ...],
                  bodies: tuple[BodyDef, ...]) -> None:
    """No body makes more nominations than it has members (nor, sized or not, more than
    `MAX_COUNT`)."""
    made_by: dict[str, int] = {}
    for nomination in made:
        made_by[nomination.body] = made_by.get(nomination.body, 0) + 1
    for b in bodies:
        most = b.size or MAX_COUNT
        if made_by.get(b.slug, 0) > most:
            raise r.fail("nominations.made", f"{made_by[b.slug]} nominations from {b.slug}, "
                         f"more than {f'its size, {b.size}' if b.size else most}")


def _event(r: _Reader, item: dict[str, Any], key: str) -> EventDef:
    r.table(item, key, ("kind", "title", "start", "end", "place", "notes"),
            required=("kind", "title", "start"))
    kinds = tuple(TimetableEvent.Kind.values)
    start = r.moment(item, "start", key)
    assert start is not None
    end = r.moment(item, "end", key)
    if end is not None and end < start:
        raise r.fail(f"{key}.end", "ends before it starts")
    return EventDef(kind=r.choice(item, "kind", key, kinds, ""), title=r.text(item, "title", key),
                    start=start, end=end, place=r.text(item, "place", key, ""),
                    notes=r.text(item, "notes", key, ""))


def create_contest(defn: ContestDefinition, *, actor: Any = "system") -> Contest:
    """Create the contest and everything its definition lists, in one transaction."""
    with transaction.atomic():
        if Contest.objects.filter(slug=defn.slug).exists():
            raise ContestError(f"a contest {defn.slug!r} already exists")
        contest = Contest.objects.create(
            slug=defn.slug, name=defn.name, description=defn.description, method=defn.method,
            seats=defn.seats, freeze_date=defn.freeze_date, dedupe_by=defn.dedupe_by,
            incumbent_bypass=defn.incumbent_bypass,
            nomination_rule=[list(group) for group in defn.require])
        for s in defn.sections:
            Section.objects.create(
                contest=contest, slug=s.slug, name=s.name, priority=s.priority,
                join_cutoff=s.join_cutoff, requires_arrears_paid=s.arrears,
                fee_window_start=s.fee_window[0] if s.fee_window else None,
                fee_window_end=s.fee_window[1] if s.fee_window else None)
        candidates = {
            cand.name: Candidate.objects.create(contest=contest, name=cand.name, order=i,
                                                incumbent=cand.incumbent,
                                                consented=cand.consented)
            for i, cand in enumerate(defn.candidates)}
        bodies = {
            b.slug: NominatingBody.objects.create(
                contest=contest, slug=b.slug, name=b.name, kind=b.kind, size=b.size,
                share=b.share, min_count=b.min_count, min_unions=b.min_unions,
                min_members_share=b.min_members_share, total_members=b.total_members)
            for b in defn.bodies}
        Nomination.objects.bulk_create(
            Nomination(contest=contest, candidate=candidates[n.candidate], body=bodies[n.body],
                       nominator=n.nominator, union=n.union, members=n.members)
            for n in _first_per_nominator(defn.nominations))
        TimetableEvent.objects.bulk_create(
            TimetableEvent(contest=contest, kind=e.kind, title=e.title, place=e.place,
                           start=e.start, end=e.end, notes=e.notes) for e in defn.timetable)
        audit.record(actor, "contest.create", {"contest": contest.slug, "name": contest.name,
                                               "method": contest.method, "seats": contest.seats})
    return contest


def _first_per_nominator(nominations: tuple[NominationDef, ...]) -> list[NominationDef]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for n in nominations:
        if (n.body, n.nominator) in seen:
            raise ContestError(f"{n.nominator!r} nominates twice in body {n.body!r}")
        seen.add((n.body, n.nominator))
        kept.append(n)
    return kept
