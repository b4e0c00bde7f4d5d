"""Ballot e-mails per second: the outbox handing credential e-mails to an SMTP server.

    python benchmarks/mail_throughput.py                 # 20,000 e-mails, SQLite
    python benchmarks/mail_throughput.py --messages 5000 --database postgresql://...

Makes an open contest with ``--messages`` voters, queues their ballot e-mails (the links
are minted as each is sent, as in production), starts a local SMTP sink (aiosmtpd on
127.0.0.1, a free port) and runs `psephos.contests.outbox.send_pending` until the queue is
empty. Prints messages per second and how long 784,000 e-mails (Labour 2020's electorate)
would take at that rate; the goal is >= 40/s (784,000 in under 6 h). Checks that the sink
received every message and each carries a different link. Needs aiosmtpd (``test`` extra).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

GOAL_PER_SECOND = 40.0
LABOUR_2020 = 784_000


class Sink:
    """An SMTP server that keeps each message's vote link and nothing else."""

    def __init__(self) -> None:
        self.links: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        text = envelope.content.decode("utf-8", "replace")
        link = next((w for w in text.split() if "/vote/" in w), "")
        with self.lock:
            self.links.append(link)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_contest(voters: int, slug: str) -> Any:
    """An open two-candidate contest with ``voters`` voters, each with a credential."""

    from psephos.contests.credentials import issue_credentials
    from psephos.contests.definition import create_contest, parse_definition
    from psephos.contests.demo import definition_closing_later
    from psephos.contests.electorate import import_rows
    from psephos.contests.lifecycle import open_contest
    from psephos.contests.trustees import run_local_ceremony

    data = definition_closing_later()
    data["contest"]["slug"] = slug
    contest = create_contest(parse_definition(data, "mail.toml"), actor="benchmark")
    section = contest.sections.get(slug="members")
    rows = ((i + 2, {"member_number": f"M{i:07d}", "name": f"Voter {i}",
                     "email": f"voter{i}@example.org", "joined": date(2015, 1, 1),
                     "arrears_paid": True}) for i in range(voters))
    import_rows(contest, section, rows)
    issue_credentials(contest, actor="benchmark")
    run_local_ceremony(contest, 3, 2, Path(tempfile.mkdtemp(prefix="psephos-trustees-")),
                       actor="benchmark")
    open_contest(contest, actor="benchmark")
    return contest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20_000, help="e-mails to send")
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="psephos-mail-")
    os.environ.setdefault("PSEPHOS_DATA_DIR", folder)
    os.environ.setdefault("PSEPHOS_SECRET_KEY", "mail-benchmark-" + "x" * 40)
    url = args.database or f"sqlite:///{folder}/mail.sqlite3"

    from aiosmtpd.controller import Controller

    from psephos.web import setup

    setup(url)
    from django.conf import settings

    from psephos.contests.credentials import queue_credential_emails
    from psephos.contests.models import OutboxMessage
    from psephos.contests.outbox import send_pending

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    slug = f"mail-{os.getpid()}"
    try:
        print(f"database: {url.split('://')[0]}; {args.messages:,} voters")
        started = time.perf_counter()
        contest = make_contest(args.messages, slug)
        queued = queue_credential_emails(contest, actor="benchmark")
        print(f"contest made and {queued:,} e-mails queued in "
              f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        cpu = time.process_time()
        sent = 0
        while True:
            done = send_pending()
            sent += done
            if done == 0:
                break
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        time.sleep(0.2)  # let the sink finish its last message
        rate = sent / elapsed
        print(f"sent {sent:,} in {elapsed:.1f} s: {rate:,.0f} messages/s "
              f"({cpu / max(sent, 1) * 1000:.2f} ms CPU each in the sender)")
        hours = LABOUR_2020 / rate / 3600
        print(f"projection: {LABOUR_2020:,} e-mails in {hours:.2f} h "
              f"(goal >= {GOAL_PER_SECOND:.0f}/s, under 6 h): "
              f"{'met' if rate >= GOAL_PER_SECOND else 'NOT met'}")
        failed = OutboxMessage.objects.exclude(status="sent").count()
        assert sent == queued and failed == 0, (sent, queued, failed)
        assert len(sink.links) == sent and len(set(sink.links)) == sent, "links not unique"
    finally:
        controller.stop()
        if args.database:
            from psephos.contests.models import Contest, OutboxMessage

            OutboxMessage.objects.filter(voter__contest__slug=slug).delete()
            Contest.objects.filter(slug=slug).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
