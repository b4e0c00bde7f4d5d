"""Sending the durable e-mail outbox: each message's status, retries with backoff.

Messages are rows, so a stopped worker loses nothing: `send_pending` picks up whatever is
due. A ballot e-mail carries no secret while it waits; its link is minted (replacing any
earlier link of that voter) just before it is handed to the mail server.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from psephos.contests.credentials import active_credential, mint_link, vote_url
from psephos.contests.models import OutboxMessage, Voter

MAX_ATTEMPTS = 5
#: Messages claimed, sent and recorded together.
CHUNK = 200
#: Wait before the n-th retry: 1, 2, 4, 8 ... minutes.
BACKOFF = timedelta(minutes=1)


def queue(to: str, subject: str, body: str) -> OutboxMessage:
    """Queue a plain message."""
    return OutboxMessage.objects.create(to=to, subject=subject, body=body)


def _claim(message: OutboxMessage) -> bool:
    """Take a message for this worker (no other worker sends it meanwhile)."""
    return OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.QUEUED, attempts=message.attempts,
    ).update(attempts=message.attempts + 1) == 1


def _body(message: OutboxMessage) -> str | None:
    """The text to send; for a ballot e-mail, with a link minted now (None: nothing to send)."""
    if message.kind != OutboxMessage.Kind.CREDENTIAL:
        return message.body
    voter = message.voter
    assert voter is not None
    credential = active_credential(voter) if voter.status == Voter.Status.ELIGIBLE else None
    if credential is None:
        return None
    token = mint_link(credential)
    return message.body.format(name=voter.name, contest=voter.contest.name,
                               link=vote_url(voter.contest, token))


def _prepare(chunk: list[OutboxMessage]) -> list[tuple[OutboxMessage, str | None]]:
    """Claim each message and make its text, in one transaction (one commit per chunk)."""
    ready: list[tuple[OutboxMessage, str | None]] = []
    with transaction.atomic():
        for message in chunk:
            if _claim(message):
                ready.append((message, _body(message)))
    return ready


def _fail(message: OutboxMessage, error: Exception) -> None:
    """Record a transport failure: retried after a backoff, given up after MAX_ATTEMPTS."""
    attempts = message.attempts + 1
    failed = attempts >= MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.QUEUED,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=timezone.now() + BACKOFF * (2 ** (attempts - 1)))


def send_pending(*, limit: int | None = None) -> int:
    """Send the messages that are due; returns how many were sent.

    One SMTP session carries the whole run (reopened after a failure). Messages go a chunk
    at a time: claimed and given their links in one transaction, handed to the server one
    by one, then each one's outcome (sent, or its error and next attempt) recorded in one
    transaction. A worker stopped mid-chunk may send that chunk's messages again.
    """
    now = timezone.now()
    due = (OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED)
           .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
           .select_related("voter", "voter__contest").order_by("pk"))
    if limit is not None:
        due = due[:limit]
    messages = list(due)
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        for start in range(0, len(messages), CHUNK):
            sent += _send_chunk(connection, messages[start:start + CHUNK])
    finally:
        connection.close()
    return sent


def _send_chunk(connection: Any, chunk: list[OutboxMessage]) -> int:
    outcomes: list[tuple[OutboxMessage, Exception | None]] = []
    dead: list[int] = []
    for message, body in _prepare(chunk):
        if body is None:
            dead.append(message.pk)
            continue
        try:
            connection.open()  # no-op while the session is up
            EmailMessage(message.subject, body, settings.DEFAULT_FROM_EMAIL, [message.to],
                         connection=connection).send()
        except Exception as error:  # any transport failure: record it and retry later
            outcomes.append((message, error))
            connection.close()  # start a fresh session for the next message
            continue
        outcomes.append((message, None))
    done = [m.pk for m, problem in outcomes if problem is None]
    with transaction.atomic():
        OutboxMessage.objects.filter(pk__in=dead).update(
            status=OutboxMessage.Status.FAILED,
            last_error="no active credential (voted, revoked or replaced)")
        OutboxMessage.objects.filter(pk__in=done).update(
            status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error="")
        for message, failure in outcomes:
            if failure is not None:
                _fail(message, failure)
    return len(done)


def outbox_counts() -> dict[str, int]:
    """Messages per status, for the admin's queue display."""
    counts = dict.fromkeys(OutboxMessage.Status.values, 0)
    for status in OutboxMessage.Status.values:
        counts[status] = OutboxMessage.objects.filter(status=status).count()
    return counts
