"""Casting a ballot: the one path every channel (web, post, phone) goes through.

In one transaction: spend the voter's active credential (one conditional UPDATE that also
checks the contest is open and the voter eligible), write their "voted" mark (the
database's unique key refuses a second), store the ballot with no link to the voter, and
seal the voter -> ballot pointer that a revocation may need until the close. The receipt
exists only once that transaction has committed; casts arriving together share it (a
group commit: `psephos.contests.groupcommit`), written set-wise. The batch of returned
postal ballots (`psephos.contests.postal`) applies the same rules and stores its ballots
with the same `store_ballots`.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, connection
from django.db.models import Q

from psephos.contests import tokens
from psephos.contests.errors import (
    AlreadyVoted,
    ContestError,
    ContestNotOpen,
    InvalidRanking,
    UnknownCredential,
)
from psephos.contests.groupcommit import GroupCommit
from psephos.contests.models import (
    Ballot,
    BallotSeal,
    Candidate,
    Contest,
    Credential,
    VotedMark,
    Voter,
)
from psephos.contests.nominations import ballot_candidates
from psephos.contests.rows import insert_groups

CHANNELS = ("web", "post", "phone", "cli")


@dataclass(frozen=True)
class Receipt:
    """What the voter keeps: the tracker to find their ballot on the published list."""

    contest: str
    tracker: str


@dataclass(frozen=True)
class BallotPaper:
    """The candidates on a ballot, in order, and how a ranking names them (key or name)."""

    names: tuple[str, ...]
    pks: tuple[int, ...]
    _lookup: dict[str, int] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def of(cls, candidates: Sequence[Candidate]) -> BallotPaper:
        lookup = {c.name.casefold(): c.pk for c in candidates}
        lookup.update({str(c.pk): c.pk for c in candidates})  # a key beats a name
        return cls(tuple(c.name for c in candidates), tuple(c.pk for c in candidates), lookup)

    def resolve(self, ranking: Sequence[str | int]) -> list[int]:
        """Candidate keys for a ranking given as names or keys; `InvalidRanking` if it cannot be."""
        chosen: list[int] = []
        for item in ranking:
            text = str(item).strip()
            if not text:
                continue
            pk = self._lookup.get(text) or self._lookup.get(text.casefold())
            if pk is None:
                raise InvalidRanking(f"{text!r} is not a candidate on this ballot; the "
                                     f"candidates are {', '.join(self.names)}")
            if pk in chosen:
                raise InvalidRanking(f"{text!r} is ranked more than once")
            chosen.append(pk)
        if not chosen:
            raise InvalidRanking("the ballot ranks no candidate; rank at least one")
        return chosen


#: Ballot papers of opened contests. The paper is fixed at the opening and never changes
#: after it, so it is read once per process; the key includes the database and the contest's
#: creation time, so a contest re-created with a reused id is never served a stale paper.
_PAPERS: dict[tuple[str, int, object], BallotPaper] = {}
_PAPERS_LOCK = threading.Lock()


def ballot_paper(contest: Contest) -> BallotPaper:
    """The contest's ballot paper; cached once it is fixed (the contest has opened)."""
    key = (str(connection.settings_dict.get("NAME")), contest.pk, contest.created_at)
    paper = _PAPERS.get(key)
    if paper is not None:
        return paper
    if contest.state == Contest.State.DRAFT:
        return BallotPaper.of(ballot_candidates(contest))
    fixed = list(Candidate.objects.filter(contest=contest, on_ballot=True).order_by("order", "pk"))
    paper = BallotPaper.of(fixed)
    if fixed:  # only an opened contest has candidates on the ballot, and then for good
        with _PAPERS_LOCK:
            _PAPERS[key] = paper
    return paper


def resolve_ranking(contest: Contest, ranking: Sequence[str | int]) -> list[int]:
    """Candidate keys for a ranking given as names or keys; `InvalidRanking` if it cannot be."""
    return ballot_paper(contest).resolve(ranking)


def refusal(found: Sequence[tuple[str, str]]) -> ContestError | None:
    """Why a secret matching credentials in these (credential status, voter status) pairs
    cannot vote, or None if it can. Shared by every channel, online and postal batch."""
    for status, voter_status in found:
        if status == Credential.Status.ACTIVE:
            if voter_status != Voter.Status.ELIGIBLE:
                return UnknownCredential("this voter's entitlement to vote was withdrawn")
            return None
    # A withdrawn voter hears that first: if they had voted, their ballot was removed, so
    # "already used" would tell them it still counts.
    if any(voter_status == Voter.Status.REVOKED for _, voter_status in found):
        return UnknownCredential("this voter's entitlement to vote was withdrawn")
    if any(status == Credential.Status.USED for status, _ in found):
        return AlreadyVoted("this credential has already been used to vote")
    return UnknownCredential("that credential is not valid for this ballot (check it, or "
                             "ask for a new one if it was replaced)")


def not_open(contest: Contest) -> ContestNotOpen | None:
    """`ContestNotOpen` unless the contest is open (read afresh from the database)."""
    contest.refresh_from_db(fields=["state"])
    if contest.state != Contest.State.OPEN:
        return ContestNotOpen(f"voting in {contest.name} is not open (it is {contest.state})")
    return None


def find_credential(contest: Contest, credential: str) -> Credential:
    """The active credential matching a link token or a typed postal code."""
    link, postal = tokens.credential_hashes(credential)
    mine = (Credential.objects.filter(Q(link_hash=link) | Q(postal_hash=postal),
                                      voter__contest=contest).select_related("voter"))
    rows = list(mine)
    problem = refusal([(c.status, c.voter.status) for c in rows])
    if problem is not None:
        raise problem
    return next(c for c in rows if c.status == Credential.Status.ACTIVE)


def _spend_sql(count: int) -> str:
    """One statement that spends the active credentials, matching any of ``count`` pairs of
    hashes, of eligible voters of an open contest; it returns each one's voter, section and
    hashes (no row for a credential when any of that fails).

    The voter check is a correlated EXISTS on the credentials the hashes find by index; an
    ``IN (SELECT ...)`` would make SQLite build the whole roll for every cast.
    """
    q = connection.ops.quote_name
    cred, voter, contest = (q(m._meta.db_table) for m in (Credential, Voter, Contest))
    # PostgreSQL: share-lock the contest row, so a close (which locks it for update) waits
    # for casts in flight, and a cast waiting on a close re-reads the state and is refused.
    # SQLite runs one writing transaction at a time, which gives the same order.
    lock = " FOR KEY SHARE OF c" if connection.vendor == "postgresql" else ""
    marks = ", ".join(["%s"] * count)
    return (
        f"UPDATE {cred} SET {q('status')} = %s "
        f"WHERE ({q('link_hash')} IN ({marks}) OR {q('postal_hash')} IN ({marks})) "
        f"AND {q('status')} = %s "
        f"AND EXISTS (SELECT 1 FROM {voter} v JOIN {contest} c "
        f"ON c.{q('id')} = v.{q('contest_id')} WHERE v.{q('id')} = {cred}.{q('voter_id')} "
        f"AND v.{q('contest_id')} = %s AND v.{q('status')} = %s AND c.{q('state')} = %s"
        f"{lock}) "
        f"RETURNING {q('voter_id')}, (SELECT s.{q('section_id')} FROM {voter} s "
        f"WHERE s.{q('id')} = {cred}.{q('voter_id')}), {q('link_hash')}, {q('postal_hash')}")


def _refusal(contest: Contest, credential: str) -> ContestError:
    """Why a credential the spending statement did not spend was refused, in the order a
    voter needs to hear it: the contest not open, then the credential's own state."""
    closed = not_open(contest)
    if closed is not None:
        return closed
    try:
        find_credential(contest, credential)
    except ContestError as error:
        return error
    return UnknownCredential("that credential was replaced; use the new one")


@dataclass(frozen=True)
class PreparedCast:
    """A ballot ready to be written: its ranking as candidate keys, its tracker drawn."""

    contest: Contest
    credential: str
    ranking: list[int]
    channel: str
    tracker: str


def _failed(error: Exception) -> Receipt | Exception:
    """The answer to a cast that could not be written alone."""
    if isinstance(error, IntegrityError):
        return AlreadyVoted("a ballot has already been cast with this voter's credential; "
                            "only the first one counts")
    return error


def _write_casts(casts: Sequence[PreparedCast]) -> list[Receipt | Exception]:
    """Write a batch of casts set-wise: per contest one statement spends the credentials
    (a credential named twice counts for the first only), then `store_ballots`. A clash
    with a row already there (a voter marked as voted another way) raises, and the group
    commit then writes each cast alone, so each gets its own answer (`_failed`)."""
    hashes = [tokens.credential_hashes(cast.credential) for cast in casts]
    spent: set[int] = set()
    by_contest: dict[int, list[int]] = {}
    for index, cast in enumerate(casts):
        by_contest.setdefault(cast.contest.pk, []).append(index)
    for contest_id, indices in by_contest.items():
        links = [hashes[i][0] for i in indices]
        postals = [hashes[i][1] for i in indices]
        with connection.cursor() as cursor:
            cursor.execute(_spend_sql(len(indices)), [
                Credential.Status.USED, *links, *postals, Credential.Status.ACTIVE,
                contest_id, Voter.Status.ELIGIBLE, Contest.State.OPEN])
            rows = cursor.fetchall()
        ballots = []
        for voter_id, section_id, link, postal in rows:
            first = next(i for i in indices if i not in spent
                         and (hashes[i][0] == link or hashes[i][1] == postal))
            spent.add(first)
            ballots.append((int(voter_id), int(section_id), casts[first].ranking,
                            casts[first].tracker, casts[first].channel))
        store_ballots(contest_id, ballots)
    return [Receipt(contest=cast.contest.slug, tracker=cast.tracker) if index in spent
            else _refusal(cast.contest, cast.credential)
            for index, cast in enumerate(casts)]


def store_ballots(contest_id: int,
                  ballots: Sequence[tuple[int, int, list[int], str, str]]) -> None:
    """For voters whose credentials were just spent, as (voter, section, ranking, tracker,
    channel): their "voted" marks, their ballots (random ids, nothing about the voter) and
    the seals a revocation needs until the close; one statement a table, or one in all on
    PostgreSQL when it fits. Online casts and postal batches both store through here."""
    noise = os.urandom(16 * len(ballots))
    ids = [uuid.UUID(bytes=noise[16 * n:16 * n + 16], version=4) for n in range(len(ballots))]
    key = tokens.seal_key(contest_id)
    insert_groups([
        (VotedMark, ("voter_id", "contest_id", "channel"),
         [(voter, contest_id, channel) for voter, _, _, _, channel in ballots]),
        (Ballot, ("id", "contest_id", "section_id", "ranking", "tracker"),
         [(i, contest_id, section, ranking, tracker)
          for i, (_, section, ranking, tracker, _) in zip(ids, ballots, strict=True)]),
        (BallotSeal, ("contest_id", "voter_key", "ballot_id"),
         [(contest_id, tokens.seal_with(key, voter), i)
          for i, (voter, *_) in zip(ids, ballots, strict=True)]),
    ])


#: Every cast in this process goes through one group commit (`psephos.contests.groupcommit`).
CASTS: GroupCommit[PreparedCast, Receipt] = GroupCommit(_write_casts, _failed)


def prepare_cast(contest: Contest, credential: str, ranking: Sequence[str | int], *,
                 channel: str = "web") -> PreparedCast:
    """A ballot ready to be written (`CASTS`): its ranking checked against the paper and
    its tracker drawn; `ContestNotOpen` or `InvalidRanking` if it cannot be."""
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
    try:
        chosen = ballot_paper(contest).resolve(ranking)
    except InvalidRanking:
        problem = not_open(contest)  # a closed contest says so before judging the ranking
        if problem is not None:
            raise problem from None
        chosen = ballot_paper(contest).resolve(ranking)  # the paper as it is now, or raise
    return PreparedCast(contest, credential, chosen, channel, tokens.new_tracker())


def cast_ballot(contest: Contest, credential: str, ranking: Sequence[str | int], *,
                channel: str = "web") -> Receipt:
    """Record one ballot and return its receipt; the first valid ballot of a voter wins."""
    return CASTS.run(prepare_cast(contest, credential, ranking, channel=channel))


def candidate_names(contest: Contest) -> dict[int, str]:
    """Candidate key -> name, for every candidate of the contest."""
    return dict(Candidate.objects.filter(contest=contest).values_list("pk", "name"))


def tracker_on_board(contest: Contest, tracker: str) -> bool:
    """True when a ballot with this tracker is held (recorded as cast)."""
    code = tokens.normalise_postal(tracker)
    formatted = "-".join(code[i:i + 4] for i in range(0, len(code), 4))
    return Ballot.objects.filter(contest=contest, tracker=formatted).exists()
