"""Casting a ballot: the one path every channel (web, post, phone) goes through.

The ranking is sealed first, outside any transaction: encrypted under the contest's
election key (`psephos.contests.sealing`), so only the ciphertext goes on. Then in one
transaction: spend the voter's active credential (one conditional UPDATE that also checks
the contest is open and the voter eligible), write their "voted" mark (the database's
unique key refuses a second), store the sealed ballot with no link to the voter, and
seal the voter -> ballot pointer that a revocation may need until the close. The receipt
exists only once that transaction has committed; casts arriving together share it (a
group commit: `psephos.contests.casting.groupcommit`), written set-wise. The batch of
returned postal ballots (`psephos.contests.postal`) applies the same rules and stores its
ballots with the same `store_ballots`.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.db import IntegrityError, connection
from django.http import HttpRequest

from psephos.contests import sealing, timetable, tokens
from psephos.contests.casting.groupcommit import GroupCommit
from psephos.contests.casting.lookup import (
    CredentialKey,
    contest_to_cast,
    credential_problem,
    not_open,
)
from psephos.contests.casting.paper import ballot_paper
from psephos.contests.casting.recovery import seal
from psephos.contests.casting.rows import insert_groups
from psephos.contests.casting.signing import (
    BrowserBallot,
    SignedBallot,
    check_ahead,
    check_browser_ballot,
    sign,
)
from psephos.contests.errors import (
    AlreadyVoted,
    ContestError,
    ContestNotOpen,
    InvalidRanking,
    UnknownCredential,
)
from psephos.contests.models import (
    Ballot,
    BallotSeal,
    Contest,
    Credential,
    TrackerRecovery,
    VotedMark,
    Voter,
)
from psephos.contests.throttle import Attempt, TooManyFailures, reserve_many, settle_many

CHANNELS = ("web", "post", "phone", "cli")


@dataclass(frozen=True)
class Receipt:
    """What the voter keeps: the tracker to find their ballot on the published list."""

    contest: str
    tracker: str


def _spend_sql(count: int) -> str:
    """One statement that spends the active credentials, matching any of ``count`` pairs of
    hashes, of eligible voters of an open contest whose close time (``closes_at``) has not
    come; it returns each one's voter, section and hashes (no row for a credential when any
    of that fails). The time is a parameter (`spend_parameters`), so a ballot arriving
    after the close is refused here even if nobody has closed the contest yet.

    The voter check is a correlated EXISTS on the credentials the hashes find by index; an
    ``IN (SELECT ...)`` would make SQLite build the whole roll for every cast.
    """
    q = connection.ops.quote_name
    cred, voter, contest = (q(m._meta.db_table) for m in (Credential, Voter, Contest))
    # PostgreSQL: share-lock the contest row, so a close (which locks it for update) waits
    # for casts in flight, and a cast waiting on a close re-reads the state and is refused.
    # SQLite runs one writing transaction at a time, which gives the same order. Contest,
    # then credential, then (the mark's key) voter: the one lock order of
    # `psephos.contests.lock_order`, which reissue and revocation follow too.
    lock = " FOR KEY SHARE OF c" if connection.vendor == "postgresql" else ""
    marks = ", ".join(["%s"] * count)
    return (
        f"UPDATE {cred} SET {q('status')} = %s "
        f"WHERE ({q('link_hash')} IN ({marks}) OR {q('postal_hash')} IN ({marks})) "
        f"AND {q('status')} = %s "
        f"AND EXISTS (SELECT 1 FROM {voter} v JOIN {contest} c "
        f"ON c.{q('id')} = v.{q('contest_id')} WHERE v.{q('id')} = {cred}.{q('voter_id')} "
        f"AND v.{q('contest_id')} = %s AND v.{q('status')} = %s AND c.{q('state')} = %s "
        f"AND (c.{q('closes_at')} IS NULL OR c.{q('closes_at')} > %s){lock}) "
        f"RETURNING {q('voter_id')}, (SELECT s.{q('section_id')} FROM {voter} s "
        f"WHERE s.{q('id')} = {cred}.{q('voter_id')}), {q('link_hash')}, {q('postal_hash')}")


def spend_parameters(links: list[str], postals: list[str], contest_id: int) -> list[object]:
    """The parameters of `_spend_sql` for these hashes, the time of the close check now."""
    return [Credential.Status.USED, *links, *postals, Credential.Status.ACTIVE, contest_id,
            Voter.Status.ELIGIBLE, Contest.State.OPEN,
            connection.ops.adapt_datetimefield_value(timetable.now())]


def _refusal(contest: Contest, key: CredentialKey) -> ContestError:
    """Why a credential the spending statement did not spend was refused, in the order a
    voter needs to hear it: the contest not open, then the credential's own state."""
    return (not_open(contest) or credential_problem(contest, key)
            or UnknownCredential("that credential was replaced; use the new one"))


@dataclass(frozen=True)
class PreparedCast:
    """A ballot ready to be written: its ranking sealed and signed (`signed`)."""

    contest: Contest
    key: CredentialKey
    signed: SignedBallot
    channel: str

    @property
    def sealed(self) -> bytes:
        return self.signed.sealed


class PendingCast(Protocol):
    """A cast handed to the batcher before its checks (the server's fast path): they are
    made on the batcher's thread, so the event loop never waits for the database."""

    def prepare(self, contests: dict[str, Contest]) -> PreparedCast:
        """The cast ready to write, or its refusal raised (``ContestError``,
        ``TooManyFailures``); ``contests``: those looked up in this batch, by slug."""
        ...

    def attempt_wanted(self) -> tuple[HttpRequest, str] | None:
        """The client and contest whose code attempt (`psephos.contests.throttle`) its
        batch should reserve for it before `prepare`, or None."""
        ...

    def reserved(self, attempt: Attempt | TooManyFailures) -> None:
        """The attempt its batch reserved for it, or the refusal, for `prepare` to use."""
        ...

    def attempt_to_settle(self, outcome: Receipt | Exception) -> tuple[Attempt, bool] | None:
        """Its attempt, with whether its code matched (by ``outcome``), or None."""
        ...

    def settled(self) -> None:
        """Its attempt was settled with its batch's."""
        ...

    def browser_ballot(self) -> tuple[str, BrowserBallot] | None:
        """The contest (slug) and the ballot its voter's device sealed and signed, whose
        secret-free checks its batch makes ahead (`check_ahead`), or None."""
        ...

    def checked_ahead(self, ballot: BrowserBallot) -> None:
        """That ballot, with its checks made ahead, for `prepare` to use."""
        ...


def _failed(error: Exception) -> Receipt | Exception:
    """The answer to a cast that could not be written alone."""
    if isinstance(error, IntegrityError):
        return AlreadyVoted("a ballot has already been cast with this voter's credential; "
                            "only the first one counts")
    return error


def _prepare_batch(items: Sequence[PreparedCast | PendingCast]
                   ) -> list[PreparedCast | PendingCast | Exception]:
    """Prepare the pending casts of a batch (checked and sealed), outside the writing
    transaction (`GroupCommit.prepare`); a refusal is that cast's outcome. Each contest is
    looked up once a batch."""
    contests: dict[str, Contest] = {}
    _reserve_attempts(items)
    _check_ahead(items, contests)
    prepared: list[PreparedCast | PendingCast | Exception] = []
    for item in items:
        try:
            prepared.append(item if isinstance(item, PreparedCast) else item.prepare(contests))
        except (ContestError, TooManyFailures) as error:
            prepared.append(error)
    return prepared


def _check_ahead(items: Sequence[PreparedCast | PendingCast],
                 contests: dict[str, Contest]) -> None:
    """The secret-free checks of a batch's ballots sealed by voters' devices, made at once
    on threads: the check of each credential, which needs the secret, stays with `prepare`,
    which then refuses a cast for the same reason, in the same order, as checking it alone.
    ``contests``: those looked up in this batch, by slug, which this adds to."""
    pending = [(item, wanted) for item in items if not isinstance(item, PreparedCast)
               for wanted in [item.browser_ballot()] if wanted is not None]
    if len(pending) < 2:
        return
    widths: dict[str, int | None] = {}
    for _, (slug, _) in pending:
        if slug not in widths:
            widths[slug] = _paper_width(slug, contests)
    work = [(item, (slug, width, ballot)) for item, (slug, ballot) in pending
            for width in [widths[slug]] if width is not None]
    for (item, _), checked in zip(work, check_ahead([w for _, w in work]), strict=True):
        item.checked_ahead(checked)


def _paper_width(slug: str, contests: dict[str, Contest]) -> int | None:
    """The width of the ballot paper of the contest named ``slug``, looked up once a batch;
    None if there is no such contest or it has no paper yet (its casts are refused)."""
    try:
        contest = contests.get(slug) or contests.setdefault(slug, contest_to_cast(slug))
        return len(ballot_paper(contest).pks) or None
    except ContestError:
        return None


def _reserve_attempts(items: Sequence[PreparedCast | PendingCast]) -> None:
    """The code attempts of a batch's pending casts, reserved together, and those of the
    batch before settled, in one change of the shared counts
    (`psephos.contests.throttle.reserve_many`): one a batch, not three a cast."""
    pending = [(item, wanted) for item in items if not isinstance(item, PreparedCast)
               for wanted in [item.attempt_wanted()] if wanted is not None]
    if not pending:
        return
    settling = UNSETTLED.take()
    try:
        reserved = reserve_many([w for _, w in pending], settling)
    except BaseException:
        UNSETTLED.put(settling)  # to be settled with the next batch, or when none follows
        raise
    for (item, _), attempt in zip(pending, reserved, strict=True):
        item.reserved(attempt)


def _settle_attempts(items: Sequence[PreparedCast | PendingCast],
                     outcomes: Sequence[Receipt | Exception], more: bool) -> None:
    """The code attempts of a written (and answered) batch's pending casts: settled with
    the next batch's reservations when one is waiting (`_reserve_attempts`), else now."""
    held = [(item, pair) for item, outcome in zip(items, outcomes, strict=True)
            if not isinstance(item, PreparedCast)
            for pair in [item.attempt_to_settle(outcome)] if pair is not None]
    for item, _ in held:
        item.settled()
    UNSETTLED.put([pair for _, pair in held])
    if not more:
        settling = UNSETTLED.take()
        try:
            settle_many(settling)
        except BaseException:
            UNSETTLED.put(settling)
            raise


@dataclass(eq=False)
class Unsettled:
    """Code attempts whose casts were answered but whose counts are not yet settled. Until
    they are, they still count in flight, so the limit is never read too low (a failure
    leaves the count in flight in the same change that counts it); a process stopped
    meanwhile leaves them in flight until their minute is over."""

    _pairs: list[tuple[Attempt, bool]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, pairs: Sequence[tuple[Attempt, bool]]) -> None:
        with self._lock:
            self._pairs.extend(pairs)

    def take(self) -> list[tuple[Attempt, bool]]:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        return pairs


#: This process's attempts awaiting their settling.
UNSETTLED = Unsettled()


def _write_batch(items: Sequence[PreparedCast | PendingCast]) -> list[Receipt | Exception]:
    """Write a batch's casts together (`_write_casts`), preparing any still pending (a
    cast written inside a caller's own transaction skips `_prepare_batch`)."""
    ready = _prepare_batch(items)
    casts = [item for item in ready if isinstance(item, PreparedCast)]
    written = iter(_write_casts(casts) if casts else [])
    return [next(written) if isinstance(item, PreparedCast)
            else item if isinstance(item, Exception)
            else RuntimeError("a cast was neither refused nor written") for item in ready]


def _write_casts(casts: Sequence[PreparedCast]) -> list[Receipt | Exception]:
    """Write a batch of casts set-wise: per contest one statement spends the credentials
    (a credential named twice counts for the first only), then `store_ballots`. A clash
    with a row already there (a voter marked as voted another way) raises, and the group
    commit then writes each cast alone, so each gets its own answer (`_failed`)."""
    spent: set[int] = set()
    trackers: dict[int, str] = {}
    by_contest: dict[int, list[int]] = {}
    for index, cast in enumerate(casts):
        by_contest.setdefault(cast.contest.pk, []).append(index)
    for contest_id, indices in by_contest.items():
        links = [casts[i].key.link for i in indices]
        postals = [casts[i].key.postal for i in indices]
        with connection.cursor() as cursor:
            cursor.execute(_spend_sql(len(indices)),
                           spend_parameters(links, postals, contest_id))
            rows = cursor.fetchall()
        ballots = []
        recoveries = []
        for voter_id, section_id, link, postal in rows:
            first = next(i for i in indices if i not in spent
                         and (casts[i].key.link == link or casts[i].key.postal == postal))
            spent.add(first)
            cast = casts[first]
            signature = cast.signed.for_kind(link_matched=cast.key.link == link)
            trackers[first] = signature.tracker
            ballots.append(StoredBallot(int(voter_id), int(section_id), cast.sealed,
                                        signature.tracker, cast.channel,
                                        signature.credential, signature.signature,
                                        signature.proof, signature.full_tracker))
            if cast.key.recovery:  # under the secret that cast it: a link, or a code
                lookup, box = cast.key.recovery[0 if cast.key.link == link else 1]
                recoveries.append((lookup, seal(box, signature.tracker)))
        store_ballots(contest_id, ballots, recoveries)
    return [Receipt(contest=cast.contest.slug, tracker=trackers[index]) if index in spent
            else _refusal(cast.contest, cast.key)
            for index, cast in enumerate(casts)]


@dataclass(frozen=True)
class StoredBallot:
    """A ballot to store for a voter whose credential was just spent."""

    voter: int
    section: int
    sealed: bytes
    tracker: str
    channel: str
    signed_by: str
    signature: str
    proof: str
    full_tracker: str


def store_ballots(contest_id: int, ballots: Sequence[StoredBallot],
                  recoveries: Sequence[tuple[str, bytes]] = ()) -> None:
    """For voters whose credentials were just spent: their "voted" marks, their signed,
    sealed ballots (random ids, nothing about the voter) and the seals a revocation needs
    until the close; one statement a table, or one in all on PostgreSQL when it fits.
    Online casts and postal batches both store through here; online casts also give their
    trackers' recovery rows as (lookup, sealed tracker), written in lookup order, not the
    ballots' (`psephos.contests.casting.recovery`).

    Each ballot is labelled with the board block that will list it: the contest's
    ``board_next``, read here, in a statement of its own after the caller has locked the
    contest row (the spending statement's key share, or a postal batch's lock), so a
    checkpoint moving the label on (`psephos.contests.board`) either waits for this
    transaction or has committed before this read."""
    block = _board_next(contest_id)
    noise = os.urandom(16 * len(ballots))
    ids = [uuid.UUID(bytes=noise[16 * n:16 * n + 16], version=4) for n in range(len(ballots))]
    key = tokens.seal_key(contest_id)
    insert_groups([
        (VotedMark, ("voter_id", "contest_id", "channel"),
         [(b.voter, contest_id, b.channel) for b in ballots]),
        (Ballot, ("id", "contest_id", "section_id", "sealed", "tracker", "full_tracker",
                  "signed_by", "signature", "proof", "removed", "block"),
         [(i, contest_id, b.section, b.sealed, b.tracker, b.full_tracker, b.signed_by,
           b.signature, b.proof, False, block)
          for i, b in zip(ids, ballots, strict=True)]),
        (BallotSeal, ("contest_id", "voter_key", "ballot_id"),
         [(contest_id, tokens.seal_with(key, b.voter), i)
          for i, b in zip(ids, ballots, strict=True)]),
        (TrackerRecovery, ("contest_id", "lookup", "sealed"),
         [(contest_id, lookup, sealed) for lookup, sealed in sorted(recoveries)]),
    ])


def _board_next(contest_id: int) -> int:
    """The contest's ``board_next``, by one plain statement: through the ORM the read took
    0.15 ms of CPU, eight times as long, once a batch."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q('board_next')} FROM {q(Contest._meta.db_table)} "
                       f"WHERE {q('id')} = %s", [contest_id])
        row = cursor.fetchone()
    if row is None:
        raise Contest.DoesNotExist(f"no contest with id {contest_id}")
    return int(row[0])


#: Every cast in this process goes through this one batcher
#: (`psephos.contests.casting.groupcommit`), whether its caller waits or not.
CASTS: GroupCommit[PreparedCast | PendingCast, Receipt] = GroupCommit(
    _write_batch, _failed, prepare=_prepare_batch, after=_settle_attempts)


def prepare_cast(contest: Contest, credential: str | CredentialKey,
                 ranking: Sequence[str | int], *, channel: str = "web",
                 browser: BrowserBallot | None = None) -> PreparedCast:
    """A ballot ready to be written (`CASTS`): its ranking checked against the paper,
    sealed and signed under the voter's credential; or, with ``browser``, the ballot the
    voter's browser sealed and signed, checked (`psephos.contests.casting.signing`).
    `ContestNotOpen`, `InvalidRanking` or `UnknownCredential` if it cannot be."""
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
    paper = ballot_paper(contest)
    try:
        chosen = paper.resolve(ranking)
    except InvalidRanking:
        problem = not_open(contest)  # a closed contest says so before judging the ranking
        if problem is not None:
            raise problem from None
        paper = ballot_paper(contest)
        chosen = paper.resolve(ranking)  # the paper as it is now, or raise
    key = sealing.election_key(contest)
    if key is None:  # no complete ceremony: the contest cannot have opened
        raise not_open(contest) or ContestNotOpen("voting is not open")
    credential_key = CredentialKey.of(credential)
    if browser is not None:
        signed = check_browser_ballot(contest, credential_key, len(paper.pks), browser)
    else:
        signed = sign(contest, credential_key, *sealing.seal(key, paper, chosen))
    return PreparedCast(contest, credential_key, signed, channel)


def cast_ballot(contest: Contest, credential: str | CredentialKey,
                ranking: Sequence[str | int], *, channel: str = "web",
                browser: BrowserBallot | None = None) -> Receipt:
    """Record one ballot and return its receipt; the first valid ballot of a voter wins.

    ``credential``: the secret as typed or followed, or its `CredentialKey`."""
    return CASTS.run(prepare_cast(contest, credential, ranking, channel=channel,
                                  browser=browser))
