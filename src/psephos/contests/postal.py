"""Returned paper ballots, recorded a batch at a time by the scrutineer's stations.

A batch is a CSV file, one returned paper a row: the postal code printed on it, then its
ranking, either as rank columns (``rank1, rank2, ...`` holding candidate names, as
`psephos count` reads them) or as one column per candidate (headed with the candidate's
name) holding the preference number marked beside it. Each row goes through the rules of
an online vote (`psephos.contests.casting`): the same credential, the same ranking checks,
the first valid ballot wins across channels, and each ranking is sealed under the
election key as it is read, before anything is written. A used, unknown, replaced or
withdrawn code is rejected and reported with its line; the rest are recorded in one
transaction, with
set-wise queries rather than one cast per row. The file's SHA-256 and counts are logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from psephos.contests import audit, sealing, timetable, tokens
from psephos.contests.casting.lookup import not_open, refusal
from psephos.contests.casting.paper import BallotPaper, ballot_paper
from psephos.contests.casting.service import StoredBallot, store_ballots
from psephos.contests.casting.signing import Signature, sign_postal_papers
from psephos.contests.errors import AlreadyVoted, ContestError, PostalBatchError
from psephos.contests.models import Contest, Credential, VotedMark
from psephos.contests.textfile import csv_records, file_sha256
from psephos.files import input_problem

BATCH = 5000
CODE_COLUMNS = ("postal_code", "postal code", "code", "credential", "security code")


@dataclass(frozen=True)
class RejectedPaper:
    line: int
    reason: str


@dataclass
class PostalReport:
    """What a batch did (or, with ``dry_run``, would do)."""

    file: str
    sha256: str
    dry_run: bool = False
    rows: int = 0
    recorded: int = 0
    rejected: list[RejectedPaper] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, "dry_run": self.dry_run,
                "rows": self.rows, "recorded": self.recorded,
                "rejected": [vars(r) for r in self.rejected]}


@dataclass
class _Paper:
    line: int
    code_hash: str
    sealed: bytes
    code: str
    scalars: list[bytes]
    signature: Signature | None = None


def import_postal(contest: Contest, path: str | Path, *, dry_run: bool = False,
                  actor: Any = "system") -> PostalReport:
    """Record a batch file of returned paper ballots; every refused row is reported."""
    path = Path(path)
    unreadable = input_problem(path, "a postal batch (CSV)")
    if unreadable is not None:
        raise PostalBatchError(f"{path}: {unreadable}")
    problem = not_open(contest)
    if problem is not None:
        raise problem
    paper = ballot_paper(contest)
    key = sealing.election_key(contest)
    if key is None:  # an open contest always has one
        raise ContestError(f"contest {contest.slug!r} has no election key")
    report = PostalReport(file=str(path), sha256=file_sha256(path), dry_run=dry_run)
    papers = _signed(contest, list(_read(path, paper, key, report)), report)
    with transaction.atomic():
        # Lock the contest row: a close waits for the batch, and batches go one at a time;
        # "no key" so that online casts (which share-lock the row's key) carry on meanwhile.
        locked = Contest.objects.select_for_update(no_key=True).get(pk=contest.pk)
        if locked.state != Contest.State.OPEN or timetable.past_close(locked):
            raise not_open(contest) or ContestError("voting is not open")
        accepted = _accept(contest, papers, report)
        if not dry_run:
            try:
                with transaction.atomic():
                    _record(contest, accepted)
            except IntegrityError:
                raise PostalBatchError(f"{path}: a voter in this batch voted while it was "
                                       "recorded; nothing was recorded, import it again") from None
            audit.record(actor, "postal.import", {
                "contest": contest.slug, "file": path.name, "sha256": report.sha256,
                "rows": report.rows, "recorded": report.recorded,
                "rejected": len(report.rejected)})
        else:
            transaction.set_rollback(True)
    report.rejected.sort(key=lambda r: r.line)
    return report


def _read(path: Path, paper: BallotPaper, key: bytes, report: PostalReport
          ) -> Iterator[_Paper]:
    """Each row with a readable code and a valid ranking, sealed under ``key``; the others
    go in the report."""
    records = csv_records(path, PostalBatchError)
    try:
        header = [h.strip() for h in next(records)[1]]
    except StopIteration:
        raise PostalBatchError(f"{path}: the file is empty") from None
    folded = [h.casefold() for h in header]
    code_at = next((i for i, h in enumerate(folded) if h in CODE_COLUMNS), None)
    if code_at is None:
        raise PostalBatchError(f"{path}:1: no postal code column; the header must start "
                               "with postal_code, then rank1, rank2, ... or the candidates")
    others = [i for i in range(len(header)) if i != code_at and header[i]]
    by_name = {n.casefold(): n for n in paper.names}
    by_candidate = bool(others) and all(folded[i] in by_name for i in others)
    for line, values in records:
        if not any(v.strip() for v in values):
            continue
        report.rows += 1
        cells = [values[i].strip() if i < len(values) else "" for i in others]
        code = values[code_at].strip() if code_at < len(values) else ""
        try:
            if not code:
                raise PostalBatchError("no postal code")
            if any("\x00" in v for v in values):
                raise PostalBatchError("contains a NUL character")
            ranking = (_by_preference([by_name[folded[i]] for i in others], cells)
                       if by_candidate else cells)
            chosen = paper.resolve(ranking)
        except ContestError as error:
            report.rejected.append(RejectedPaper(line, error.message))
            continue
        sealed, scalars = sealing.seal(key, paper, chosen)
        yield _Paper(line, tokens.postal_hash(code), sealed, code, scalars)


def _signed(contest: Contest, papers: list[_Paper], report: PostalReport) -> list[_Paper]:
    """Each paper signed under its code's public credential; a code not of a postal code's
    form goes in the report (no credential could match it)."""
    signatures = sign_postal_papers(contest, [(p.code, p.sealed, p.scalars) for p in papers])
    kept = []
    for p, signature in zip(papers, signatures, strict=True):
        if signature is None:
            unknown = refusal([])
            report.rejected.append(RejectedPaper(p.line, unknown.message if unknown else ""))
            continue
        p.signature = signature
        kept.append(p)
    return kept


def _by_preference(names: list[str], marks: list[str]) -> list[str]:
    """Candidates in the order of the preference numbers marked beside them."""
    marked: dict[int, str] = {}
    for name, mark in zip(names, marks, strict=True):
        if not mark:
            continue
        if not mark.isdigit() or int(mark) < 1:
            raise PostalBatchError(f"{name}: {mark!r} is not a preference number (1, 2, ...)")
        if int(mark) in marked:
            raise PostalBatchError(f"preference {mark} is given to more than one candidate")
        marked[int(mark)] = name
    return [marked[n] for n in sorted(marked)]


@dataclass(frozen=True)
class _Accepted:
    credential_id: int
    voter_id: int
    section_id: int
    sealed: bytes
    signature: Signature


def _accept(contest: Contest, papers: list[_Paper], report: PostalReport) -> list[_Accepted]:
    """The papers that cast a ballot, in file order; the first of a voter's papers wins."""
    found: dict[str, tuple[int, str, int, str, int]] = {}
    hashes = list({p.code_hash for p in papers})
    for start in range(0, len(hashes), BATCH):
        rows = (Credential.objects.select_for_update(of=("self",))
                .filter(postal_hash__in=hashes[start:start + BATCH], voter__contest=contest)
                .values_list("postal_hash", "pk", "status", "voter_id", "voter__status",
                             "voter__section_id"))
        found.update((row[0], row[1:]) for row in rows)
    voter_ids = list({row[2] for row in found.values()})
    voted: set[int] = set()
    for start in range(0, len(voter_ids), BATCH):
        voted.update(VotedMark.objects.filter(voter_id__in=voter_ids[start:start + BATCH])
                     .values_list("voter_id", flat=True))
    accepted: list[_Accepted] = []
    for p in papers:
        row = found.get(p.code_hash)
        problem = refusal([] if row is None else [(row[1], row[3])])
        if problem is None and row is not None and row[2] in voted:
            problem = AlreadyVoted("this voter has already voted")
        if problem is not None:
            report.rejected.append(RejectedPaper(p.line, problem.message))
            continue
        assert row is not None
        voted.add(row[2])
        found[p.code_hash] = (row[0], Credential.Status.USED, *row[2:])
        assert p.signature is not None
        accepted.append(_Accepted(row[0], row[2], row[4], p.sealed, p.signature))
    report.recorded = len(accepted)
    return accepted


def _record(contest: Contest, accepted: list[_Accepted]) -> None:
    """Spend the credentials, mark the voters, store the ballots and their seals."""
    for start in range(0, len(accepted), BATCH):
        chunk = accepted[start:start + BATCH]
        spent = (Credential.objects.filter(pk__in=[a.credential_id for a in chunk],
                                           status=Credential.Status.ACTIVE)
                 .update(status=Credential.Status.USED))
        if spent != len(chunk):  # cannot happen under the locks; refuse rather than guess
            raise ContestError("credentials changed while the batch was recorded; nothing "
                               "was recorded, run the batch again")
        store_ballots(contest.pk, [StoredBallot(a.voter_id, a.section_id, a.sealed,
                                                a.signature.tracker, "post",
                                                a.signature.credential,
                                                a.signature.signature,
                                                a.signature.proof,
                                                a.signature.full_tracker) for a in chunk])
