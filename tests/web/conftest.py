"""Django for the web tests: a private data folder and a temporary SQLite database.

Each test class runs in a transaction rolled back afterwards (`django.test.TestCase`), so
tests share one migrated database without seeing each other's votes.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile

_FOLDER = tempfile.mkdtemp(prefix="psephos-web-tests-")
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
os.environ.setdefault("PSEPHOS_DATA_DIR", _FOLDER)
os.environ.setdefault("PSEPHOS_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from psephos.web import setup  # noqa: E402

setup(f"sqlite:///{_FOLDER}/web.sqlite3")

from django.test.utils import setup_test_environment  # noqa: E402

with contextlib.suppress(RuntimeError):  # RuntimeError: another conftest already did
    setup_test_environment()  # the test client's host, the in-memory mail outbox

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _forget_failed_codes() -> None:
    """The rate limit counts failed codes in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
