"""Voters' secrets kept out of every log line.

A voting link carries its secret in the path (``/vote/<contest>/<token>/``), and a typed
code or an API credential travels in a form field or a JSON body. Django logs the path of
every 4xx and 5xx (``django.request``), the development server and Granian's access log
log every request line, and a traceback may quote a body. `RedactSecrets` is a logging
filter, installed on every handler of the server's ``LOGGING`` (`psephos.web.settings`),
that replaces each such secret with ``[redacted]`` in the message, its arguments and any
traceback text before the line is written. Trackers and slugs are not secrets and stay.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

#: The names a secret travels under, in a query string, a form or a JSON body.
_NAMES = "credential|postal_code|code|link_token|token|password"

_PATTERNS = (
    # A voting link's token: /vote/<slug>/<token>/.
    (re.compile(r"(/vote/[^/\s?#\"']+/)[^/\s?#\"']+"), rf"\1{REDACTED}"),
    # A credential or code in a query string or a form body: credential=...&code=...
    (re.compile(rf"(?i)\b({_NAMES})=[^&\s\"']*"), rf"\1={REDACTED}"),
    # ... or in a JSON body, or a Python dict's repr: "credential": "...".
    (re.compile(rf"(?i)([\"'](?:{_NAMES})[\"']\s*:\s*)[\"'][^\"']*[\"']"),
     rf'\1"{REDACTED}"'),
)


def redact(text: str) -> str:
    """``text`` with every voting token and credential replaced by ``[redacted]``."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (arguments merged in) and traceback text, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as it would
            return True
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            record.exc_info = None  # formatted already, redacted: not again from the source
        if hasattr(record, "request"):
            record.request = None  # its path and body would be a second copy of the secret
        return True
