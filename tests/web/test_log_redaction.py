"""No voter's secret in any log line: a 4xx on a voting link, a bad API cast, the access
log (`psephos.web.logredact`, installed by the settings' ``LOGGING``)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.test import TestCase

from psephos.web.logredact import RedactSecrets, redact
from tests.web.helpers import CORBYN, SLUG, demo_contest, secrets_for


@contextmanager
def server_log() -> Iterator[io.StringIO]:
    """What the settings' own handlers write, whichever logger the record came through."""
    written = io.StringIO()
    names = ("", "django", "django.request", "django.server", "granian.access")
    handlers = {h for name in names for h in logging.getLogger(name).handlers
                if isinstance(h, logging.StreamHandler)
                and any(isinstance(f, RedactSecrets) for f in h.filters)}
    assert handlers, "the settings install no redacting handler"
    previous = {h: h.setStream(written) for h in handlers}  # type: ignore[arg-type]
    try:
        yield written
    finally:
        for handler, stream in previous.items():
            handler.setStream(stream)  # type: ignore[type-var]


class VotingLinkErrors(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.contest = demo_contest()
        cls.secret = secrets_for(cls.contest, 1)[0]

    def test_a_4xx_on_a_voting_link_logs_no_token(self) -> None:
        token = self.secret.link_token
        with server_log() as log:
            bad = self.client.post(f"/vote/{SLUG}/{token}/", {"step": "cast", "rank-1": "x"})
            missing = self.client.get(f"/vote/no-such-contest/{token}/")
            api = self.client.post(f"/api/contests/{SLUG}/ballots?credential={token}",
                                   {"credential": token, "ranking": "not a list"},
                                   content_type="application/json")
        self.assertEqual((bad.status_code, missing.status_code, api.status_code),
                         (400, 404, 400))
        text = log.getvalue()
        self.assertIn(f"/vote/{SLUG}/[redacted]/", text)  # the line is there, redacted
        self.assertIn("/vote/no-such-contest/[redacted]/", text)
        self.assertNotIn(token, text)
        # The link still works, and nobody reading the log could have used it.
        self.assertEqual(self.client.get(f"/vote/{SLUG}/{token}/").status_code, 200)

    def test_the_access_log_line_is_redacted(self) -> None:
        token, code = self.secret.link_token, self.secret.postal_code
        with server_log() as log:
            logging.getLogger("django.server").info('"GET /vote/%s/%s/ HTTP/1.1" 404 1',
                                                    SLUG, token)
            logging.getLogger("granian.access").info("POST /vote/?code=%s 200", code)
            logging.getLogger("psephos").warning("body %s", {"credential": token})
        text = log.getvalue()
        self.assertNotIn(token, text)
        self.assertNotIn(code, text)
        self.assertEqual(text.count("[redacted]"), 3, text)


def test_redact_leaves_other_paths_and_trackers() -> None:
    assert redact(f"/contests/{SLUG}/receipt/ABCD-EFGH/") == f"/contests/{SLUG}/receipt/ABCD-EFGH/"
    assert redact("status_code=404 ranking=" + CORBYN) == "status_code=404 ranking=" + CORBYN
    assert redact('{"credential": "x-y", "ranking": []}') == \
        '{"credential": "[redacted]", "ranking": []}'
    assert redact("postal_code=AB-CD&x=1") == "postal_code=[redacted]&x=1"
