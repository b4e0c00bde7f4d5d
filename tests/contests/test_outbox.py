"""The e-mail outbox: links minted at sending, per-message status, retries with backoff."""

from __future__ import annotations

from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

from tests.contests.helpers import open_with_voters


class Refusing(BaseEmailBackend):
    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("mail server down")


def test_ballot_emails_carry_a_working_link(db: str, tmp_path: Path) -> None:
    from django.core import mail

    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.credentials import queue_credential_emails
    from psephos.contests.models import OutboxMessage
    from psephos.contests.outbox import send_pending

    contest, _ = open_with_voters(tmp_path)
    mail.outbox = []
    assert queue_credential_emails(contest) == 8
    assert queue_credential_emails(contest) == 0  # not twice
    assert send_pending(limit=3) == 3
    assert send_pending() == 5
    assert OutboxMessage.objects.filter(status="sent").count() == 8
    message = mail.outbox[0]
    assert message.to == ["m1@example.org"] and "Small ballot" in message.subject
    token = message.body.split("/vote/small/")[1].split("/")[0]
    assert cast_ballot(contest, token, ["Alice"]).tracker


def test_failures_are_retried_with_backoff_then_given_up(db: str, tmp_path: Path,
                                                         settings: object = None) -> None:
    from django.test import override_settings
    from django.utils import timezone

    from psephos.contests.models import OutboxMessage
    from psephos.contests.outbox import MAX_ATTEMPTS, queue, send_pending

    message = queue("x@example.org", "Hello", "Body")
    with override_settings(EMAIL_BACKEND=f"{__name__}.Refusing"):
        assert send_pending() == 0
        message.refresh_from_db()
        assert message.status == "queued" and message.attempts == 1
        assert "mail server down" in message.last_error
        assert message.next_attempt_at > timezone.now()
        assert send_pending() == 0  # not due yet
        message.refresh_from_db()
        assert message.attempts == 1
        for _ in range(MAX_ATTEMPTS - 1):
            OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
            send_pending()
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS


def test_one_smtp_session_carries_the_run(db: str, tmp_path: Path) -> None:
    """A real SMTP server (aiosmtpd on loopback) gets every message over one connection."""
    import socket

    import pytest

    controller_module = pytest.importorskip("aiosmtpd.controller")
    from django.test import override_settings

    from psephos.contests.credentials import queue_credential_emails
    from psephos.contests.models import OutboxMessage
    from psephos.contests.outbox import send_pending

    class Handler:
        def __init__(self) -> None:
            self.sessions: list[int] = []
            self.recipients: list[str] = []

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            self.sessions.append(id(session))
            self.recipients.extend(envelope.rcpt_tos)  # type: ignore[attr-defined]
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Handler()
    controller = controller_module.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        contest, _ = open_with_voters(tmp_path)
        queue_credential_emails(contest)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                               EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_USE_TLS=False,
                               EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD=""):
            assert send_pending() == 8
    finally:
        controller.stop()
    assert sorted(handler.recipients) == sorted(
        OutboxMessage.objects.values_list("to", flat=True))
    assert len(set(handler.sessions)) == 1
    assert OutboxMessage.objects.filter(status="sent").count() == 8
