"""The API's cast (``POST /api/contests/<slug>/ballots``), on either of its two paths.

The API view (`psephos.contests.api`) casts a request at a time and waits for the
commit (`cast_for`). The server's fast path (`psephos.web.fastcast`) reads the request on
its event loop and hands it to the batcher without waiting (`submit_api_cast`): the same
checks (`prepare_api_cast`) are then made on the batcher's thread, and each cast is
answered (`answer_for`) with the status and message the view would give, once the
transaction holding it has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from ninja import Schema

from psephos.contests.casting.lookup import contest_to_cast
from psephos.contests.casting.service import CASTS, PreparedCast, Receipt, prepare_cast
from psephos.contests.casting.signing import BrowserBallot
from psephos.contests.errors import ContestError, ContestNotFound, UnknownCredential, status_for
from psephos.contests.models import Contest
from psephos.contests.throttle import Attempt, TooManyFailures, reserve, settle

#: What a cast is answered: status, JSON body, extra headers.
Answer = tuple[int, dict[str, str], list[tuple[str, str]]]
FAILED: Answer = (500, {"message": "the server could not record the ballot; try again"}, [])

log = logging.getLogger("django.request")


class BallotIn(Schema):
    """A ballot by its ranking, sealed and signed by the server; or, as a voter's own
    software sends it, with the sealed ballot, the public credential that signed it, the
    signature and the proof of randomness (hex, docs/verifiability.md section 10), which
    the server checks and stores as they are."""

    credential: str
    ranking: list[str]
    sealed: str | None = None
    signed_by: str | None = None
    signature: str | None = None
    proof: str | None = None

    def browser(self) -> BrowserBallot | None:
        if self.sealed and self.signed_by and self.signature and self.proof:
            return BrowserBallot(self.sealed, self.signed_by, self.signature, self.proof)
        return None


def prepare_api_cast(request: HttpRequest, slug: str, credential: str, ranking: list[str],
                     contests: dict[str, Contest] | None = None,
                     attempt: Attempt | None = None, browser: BrowserBallot | None = None
                     ) -> tuple[PreparedCast, Attempt]:
    """The checks before an API cast is written: the contest, one of this client's
    attempts reserved (`psephos.contests.throttle`), the ranking; the cast and its attempt,
    or the refusal raised with no attempt held. ``contests``: those already looked up, by
    slug (a batch looks each contest up once); ``attempt``: one its batch reserved for the
    contest named ``slug``."""
    contest = contests.get(slug) if contests is not None else None
    try:
        if contest is None:
            try:
                contest = contest_to_cast(slug)
            except ContestNotFound:
                raise ContestNotFound(f"no contest {slug!r}") from None
            if contests is not None:
                contests[slug] = contest
    except BaseException:
        if attempt is not None:
            settle(attempt, matched=True)  # no contest, so no code was looked at
        raise
    if attempt is None:
        attempt = reserve(request, contest.slug)
    try:
        return prepare_cast(contest, credential, ranking, channel="web",
                            browser=browser), attempt
    except BaseException:
        settle(attempt, matched=True)  # refused before its code was looked at
        raise


def receipt_for(outcome: Receipt | Exception, attempt: Attempt | None) -> dict[str, str]:
    """The receipt of a written cast, or its refusal raised; the cast's attempt is given
    back unless its credential matched nothing."""
    if attempt is not None:
        settle(attempt, matched=not isinstance(outcome, UnknownCredential))
    if isinstance(outcome, Exception):
        raise outcome
    return {"contest": outcome.contest, "tracker": outcome.tracker}


def cast_for(request: HttpRequest, slug: str, credential: str, ranking: list[str],
             browser: BrowserBallot | None = None) -> dict[str, str]:
    """The receipt for a ballot cast through the API view, or the `ContestError` /
    `TooManyFailures` that refuses it."""
    cast, attempt = prepare_api_cast(request, slug, credential, ranking, browser=browser)
    try:
        outcome: Receipt | Exception = CASTS.run(cast)
    except Exception as error:
        outcome = error
    return receipt_for(outcome, attempt)


def answer_for(request: HttpRequest, outcome: Receipt | Exception,
               attempt: Attempt | None) -> Answer:
    """What the API view would answer for this outcome: 201 and the receipt, or the
    refusal's status and message (429 with ``Retry-After`` for too many failures)."""
    try:
        return 201, receipt_for(outcome, attempt), []
    except TooManyFailures as error:
        return 429, {"message": str(error)}, [("Retry-After", str(error.seconds))]
    except ContestError as error:
        return status_for(error), {"message": error.message}, []
    except Exception:
        log.exception("casting a ballot failed: %s", request.path)
        return FAILED


@dataclass
class ApiCast:
    """An API cast handed to the batcher before its checks (`PendingCast`); ``attempt``:
    the client's attempt its checks reserved, once they have passed."""

    request: HttpRequest
    slug: str
    ballot: BallotIn
    attempt: Attempt | None = None
    #: What its batch reserved for it, not yet used by `prepare`.
    ahead: Attempt | TooManyFailures | None = None
    #: Its ballot as its voter's device sealed it, with the checks its batch made ahead.
    checked: BrowserBallot | None = None

    def prepare(self, contests: dict[str, Contest]) -> PreparedCast:
        if self.attempt is not None:  # prepared again, alone, after its batch failed
            settle(self.attempt, matched=True)
            self.attempt = None
        ahead, self.ahead = self.ahead, None
        if isinstance(ahead, TooManyFailures):
            raise ahead
        browser, self.checked = self.checked or self.ballot.browser(), None
        cast, self.attempt = prepare_api_cast(self.request, self.slug,
                                              self.ballot.credential, self.ballot.ranking,
                                              contests, ahead, browser)
        return cast

    def browser_ballot(self) -> tuple[str, BrowserBallot] | None:
        browser = self.ballot.browser()
        if browser is None or isinstance(self.ahead, TooManyFailures):
            return None  # a client over its limit is refused without any check
        return self.slug, browser

    def checked_ahead(self, ballot: BrowserBallot) -> None:
        self.checked = ballot

    def attempt_wanted(self) -> tuple[HttpRequest, str] | None:
        return (self.request, self.slug) if self.attempt is None else None

    def reserved(self, attempt: Attempt | TooManyFailures) -> None:
        self.ahead = attempt

    def attempt_to_settle(self, outcome: Receipt | Exception) -> tuple[Attempt, bool] | None:
        if self.attempt is None:
            return None
        return self.attempt, not isinstance(outcome, UnknownCredential)

    def settled(self) -> None:
        self.attempt = None


def submit_api_cast(request: HttpRequest, slug: str, ballot: BallotIn,
                    answer: Callable[[Answer], None]) -> None:
    """Hand an API cast to the batcher without waiting; ``answer`` gets what the view
    would answer, on the batcher's thread, once the cast is committed or refused.

    Its code attempt is settled after the answers have gone out, with the next batch's
    reservations (`psephos.contests.casting.service.UNSETTLED`): until then it still
    counts in flight, so the limit is never read too low, and no voter waits for it."""
    cast = ApiCast(request, slug, ballot)
    CASTS.submit(cast, lambda outcome: answer(answer_for(request, outcome, None)))
