"""Importing a section's electorate from CSV or XLSX, checking eligibility row by row.

The whole file is one transaction: a file that cannot be read at all imports nothing, and
a readable file imports its eligible rows and reports every other row with its line and
the reason. One person gets one vote: a person already on the roll (by e-mail or member
number, as the contest says) stays in the section that ranks first, and the other row is
reported. Rows are written in batches so a million-row roll fits in memory and time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from psephos.contests import audit
from psephos.contests.errors import ElectorateError, WrongState
from psephos.contests.models import Contest, Section, Voter
from psephos.contests.textfile import csv_records, file_sha256
from psephos.files import input_problem

BATCH = 5000
COLUMNS: dict[str, tuple[str, ...]] = {
    "member_number": ("member_number", "member number", "membership number", "member_id",
                      "member id", "id", "number"),
    "email": ("email", "e-mail", "email address"),
    "name": ("name", "full name", "full_name"),
    "joined": ("joined", "join date", "join_date", "joined_on", "date joined"),
    "arrears_paid": ("arrears_paid", "arrears paid", "in good standing", "paid_up"),
    "fee_paid_on": ("fee_paid_on", "fee paid on", "fee_paid", "fee date", "paid_on"),
    "suspended": ("suspended",),
}
REQUIRED = ("member_number", "name")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE = {"yes", "y", "true", "1", "t"}
_FALSE = {"no", "n", "false", "0", "f", ""}

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RejectedRow:
    line: int
    member_number: str
    reason: str


@dataclass(frozen=True)
class DuplicateRow:
    """A row for someone already on the roll: ``kept`` is the section they vote in."""

    line: int
    member_number: str
    kept: str
    reason: str


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    file: str
    section: str
    dry_run: bool = False
    rows: int = 0
    accepted: int = 0
    moved: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    duplicates: list[DuplicateRow] = field(default_factory=list)
    sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "section": self.section, "dry_run": self.dry_run,
            "rows": self.rows, "accepted": self.accepted, "moved": self.moved,
            "sha256": self.sha256,
            "rejected": [vars(r) for r in self.rejected],
            "duplicates": [vars(d) for d in self.duplicates],
        }


def import_electorate(contest: Contest, path: str | Path, section: str, *,
                      dry_run: bool = False, progress: Progress | None = None,
                      actor: Any = "system") -> ImportReport:
    """Import ``path`` (CSV or XLSX) into the section with slug (or name) ``section``."""
    path = Path(path)
    if contest.state != Contest.State.DRAFT:
        raise WrongState(f"contest {contest.slug!r} is {contest.state}: the electorate can "
                         "only be imported while it is a draft")
    target = _section(contest, section)
    problem = input_problem(path, "a roll (CSV or XLSX)")
    if problem is not None:
        raise ElectorateError(f"{path}: {problem}")
    report = ImportReport(file=str(path), section=target.slug, dry_run=dry_run,
                          sha256=file_sha256(path))
    rows = _rows(path)
    with transaction.atomic():
        _import(contest, target, rows, report, progress)
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit.record(actor, "electorate.import", {
                "contest": contest.slug, "section": target.slug, "file": path.name,
                "sha256": report.sha256, "rows": report.rows, "accepted": report.accepted,
                "moved": report.moved, "rejected": len(report.rejected),
                "duplicates": len(report.duplicates)})
    return report


def roll_entry(contest: Contest, section: Section, values: dict[str, Any]) -> Voter:
    """The unsaved `Voter` for one person given as field -> value, checked as an imported
    row is (`ElectorateError` says why it is refused): for roll changes after the freeze."""
    try:
        return _voter(contest, section, values)
    except _Reject as reason:
        raise ElectorateError(str(reason)) from None


def section_named(contest: Contest, wanted: str) -> Section:
    """The contest's section with this slug or name (`ElectorateError` lists them)."""
    return _section(contest, wanted)


def _section(contest: Contest, wanted: str) -> Section:
    sections = list(contest.sections.all())
    for s in sections:
        if wanted in (s.slug, s.name) or wanted.casefold() == s.name.casefold():
            return s
    raise ElectorateError(f"no section {wanted!r} in contest {contest.slug!r}; choose one of "
                          f"{', '.join(s.slug for s in sections)}")


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, {field: value}) for each data row, with the header checked first."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        raw: Iterator[tuple[int, list[Any]]] = _xlsx_rows(path)
    elif suffix in {".csv", ".txt", ""}:
        raw = _csv_rows(path)
    else:
        raise ElectorateError(f"{path}: unsupported file type {suffix!r}; use .csv or .xlsx")
    try:
        _, header = next(raw)
    except StopIteration:
        raise ElectorateError(f"{path}: the file is empty") from None
    mapping = _header(path, header)
    return ((line, {name: (values[i] if i < len(values) else None)
                    for name, i in mapping.items()})
            for line, values in raw if any(v not in (None, "") for v in values))


def _header(path: Path, header: list[Any]) -> dict[str, int]:
    names = [str(h or "").strip().casefold() for h in header]
    mapping: dict[str, int] = {}
    for column, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                mapping[column] = i
                break
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        optional = ", ".join(c for c in COLUMNS if c not in REQUIRED)
        raise ElectorateError(
            f"{path}:1: missing column {', '.join(missing)}; the header must name "
            f"{', '.join(REQUIRED)} (and may name {optional})")
    return mapping


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    return csv_records(path, ElectorateError)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ElectorateError(f"{path}: not a readable XLSX workbook ({error})") from None
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        book.close()


def person_key(contest: Contest, member_number: str, email: str) -> str:
    """What makes two rows the same person in this contest."""
    if contest.dedupe_by == Contest.Dedupe.MEMBER_NUMBER:
        return f"m:{member_number.strip().casefold()}"
    return f"e:{email.strip().casefold()}"


class _Reject(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any, column: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            pass
    raise _Reject(f"{column}: {text!r} is not a date (expected YYYY-MM-DD or DD/MM/YYYY)")


def _bool(value: Any, column: str, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text == "":
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Reject(f"{column}: {value!r} is not yes or no")


def _field(values: dict[str, Any], column: str) -> str:
    """A text field, refused (the row, not the file) if it holds a NUL character or is
    longer than the roll's column holds."""
    text = _text(values.get(column))
    if "\x00" in text:
        raise _Reject(f"{column}: contains a NUL character")
    limit = _LIMITS[column]
    if len(text) > limit:
        raise _Reject(f"{column}: {len(text)} characters, at most {limit}")
    return text


#: The longest value of each text field (the e-mail's leaves room for the person key's
#: ``e:`` prefix).
_LIMITS = {"member_number": Voter._meta.get_field("member_number").max_length or 0,
           "name": Voter._meta.get_field("name").max_length or 0,
           "email": (Voter._meta.get_field("person_key").max_length or 0) - 2}


def _voter(contest: Contest, section: Section, values: dict[str, Any]) -> Voter:
    """A `Voter` for an eligible row, else `_Reject` with the reason."""
    number = _field(values, "member_number")
    name = _field(values, "name")
    email = _field(values, "email")
    if not number:
        raise _Reject("member_number: empty")
    if not name:
        raise _Reject("name: empty")
    if email and not _EMAIL.match(email):
        raise _Reject(f"email: {email!r} is not an e-mail address")
    if not email and contest.dedupe_by == Contest.Dedupe.EMAIL:
        raise _Reject("email: empty (this contest tells people apart by e-mail)")
    joined = _date(values.get("joined"), "joined")
    fee_paid_on = _date(values.get("fee_paid_on"), "fee_paid_on")
    arrears_paid = _bool(values.get("arrears_paid"), "arrears_paid", True)
    suspended = _bool(values.get("suspended"), "suspended", False)
    cutoff = section.join_cutoff or contest.freeze_date
    if cutoff is not None:
        if joined is None:
            raise _Reject(f"joined: empty (must be on or before {cutoff.isoformat()})")
        if joined > cutoff:
            raise _Reject(f"joined {joined.isoformat()}, after the freeze date "
                          f"{cutoff.isoformat()}")
    if section.requires_arrears_paid and not arrears_paid:
        raise _Reject("arrears not paid")
    if section.fee_window_start and section.fee_window_end:
        window = f"{section.fee_window_start.isoformat()} to {section.fee_window_end.isoformat()}"
        if fee_paid_on is None:
            raise _Reject(f"fee_paid_on: empty (the fee must be paid {window})")
        if not section.fee_window_start <= fee_paid_on <= section.fee_window_end:
            raise _Reject(f"fee paid on {fee_paid_on.isoformat()}, outside the window {window}")
    if suspended:
        raise _Reject("suspended")
    return Voter(contest=contest, section=section, member_number=number, email=email,
                 name=name, person_key=person_key(contest, number, email), joined=joined,
                 arrears_paid=arrears_paid, fee_paid_on=fee_paid_on, suspended=suspended)


def _import(contest: Contest, section: Section, rows: Iterable[tuple[int, dict[str, Any]]],
            report: ImportReport, progress: Progress | None) -> None:
    sections = {s.pk: s for s in contest.sections.all()}
    # person_key -> (voter pk or None for a row of this file, section pk, line in this file)
    known: dict[str, tuple[int | None, int, int]] = {
        key: (pk, section_pk, 0)
        for key, pk, section_pk in Voter.objects.filter(contest=contest)
        .values_list("person_key", "pk", "section_id").iterator(chunk_size=BATCH)}
    voted = set(contest.voted_marks.values_list("voter_id", flat=True))
    batch: list[Voter] = []
    moves: list[int] = []
    for line, values in rows:
        report.rows += 1
        try:
            voter = _voter(contest, section, values)
        except _Reject as reason:
            report.rejected.append(RejectedRow(line, _text(values.get("member_number")),
                                               str(reason)))
            continue
        previous = known.get(voter.person_key)
        if previous is None:
            known[voter.person_key] = (None, section.pk, line)
            batch.append(voter)
        else:
            _duplicate(report, voter, line, previous, section, sections, voted, moves, known)
        if len(batch) >= BATCH:
            _flush(batch, report, progress)
    _flush(batch, report, progress)
    if moves:
        for start in range(0, len(moves), BATCH):
            Voter.objects.filter(pk__in=moves[start:start + BATCH]).update(section=section)
        report.moved = len(moves)


def _duplicate(report: ImportReport, voter: Voter, line: int,
               previous: tuple[int | None, int, int], section: Section,
               sections: dict[int, Section], voted: set[int], moves: list[int],
               known: dict[str, tuple[int | None, int, int]]) -> None:
    pk, section_pk, first_line = previous
    kept = sections[section_pk]
    if pk is None:
        report.duplicates.append(DuplicateRow(line, voter.member_number, kept.slug,
                                              f"same person as line {first_line}"))
    elif section.priority < kept.priority and pk not in voted:
        moves.append(pk)
        known[voter.person_key] = (pk, section.pk, line)
        report.duplicates.append(DuplicateRow(
            line, voter.member_number, section.slug,
            f"also in {kept.slug}; moved to {section.slug}, which ranks first"))
    else:
        where = "this section" if kept.pk == section.pk else kept.slug
        report.duplicates.append(DuplicateRow(
            line, voter.member_number, kept.slug,
            f"already on the roll in {where} (one vote per person)"))


def _flush(batch: list[Voter], report: ImportReport, progress: Progress | None) -> None:
    if batch:
        Voter.objects.bulk_create(batch, batch_size=BATCH)
        report.accepted += len(batch)
        batch.clear()
    if progress is not None:
        progress(report.rows)


def import_rows(contest: Contest, section: Section,
                rows: Iterable[tuple[int, dict[str, Any]]]) -> ImportReport:
    """Import rows already in Python (field -> value), as a file's rows would be (demo data)."""
    report = ImportReport(file="(rows)", section=section.slug)
    with transaction.atomic():
        _import(contest, section, rows, report, None)
    return report
