"""Admin login lockout (django-axes): after the configured number of wrong passwords for
one username from one address, even the right password is refused, without hashing."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import User
from django.test import TestCase, override_settings

PASSWORD = "a long enough admin password"


@override_settings(AXES_FAILURE_LIMIT=5)
class AdminLockout(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        User.objects.create_superuser("ro", "ro@example.org", PASSWORD)

    def _login(self, password: str, address: str = "10.0.0.1") -> int:
        response = self.client.post("/admin/login/?next=/admin/",
                                    {"username": "ro", "password": password},
                                    REMOTE_ADDR=address)
        return int(response.status_code)

    def test_sixth_attempt_refused_even_with_the_right_password(self) -> None:
        for n in range(4):
            self.assertEqual(self._login(f"wrong {n}"), 200)  # the form again, with an error
        self.assertEqual(self._login("wrong 5"), 429)  # the 5th failure locks the account
        with mock.patch.object(Argon2PasswordHasher, "verify",
                               autospec=True, side_effect=Argon2PasswordHasher.verify) as verify:
            self.assertEqual(self._login(PASSWORD), 429)
            verify.assert_not_called()  # refused before any Argon2 work
        self.assertNotIn("_auth_user_id", self.client.session)
        # Another address is not locked out of this account.
        self.assertEqual(self._login(PASSWORD, address="10.0.0.2"), 302)

    def test_unlock_command_lets_the_account_in(self) -> None:
        from typer.testing import CliRunner

        from psephos.cli.main import app

        for n in range(5):
            self._login(f"wrong {n}")
        self.assertEqual(self._login(PASSWORD), 429)
        with mock.patch("psephos.cli.contest._services"):
            result = CliRunner().invoke(app, ["contest", "unlock-login", "ro"])
        self.assertEqual(result.exit_code, 0, result.output)
        self.assertIn("ro: 1 failed login record cleared", result.output)
        self.assertEqual(self._login(PASSWORD), 302)


@override_settings(AXES_FAILURE_LIMIT=3)
class LockedOutLoginWritesNothing(TestCase):
    """A locked-out guess is refused with reads only: each one used to delete expired
    attempts and update its attempt row, and on SQLite, whose one writer casting shares,
    8 guessers' writes pushed the cast p99 from 75 to 560 ms (make reliability)."""

    @classmethod
    def setUpTestData(cls) -> None:
        User.objects.create_superuser("ro", "ro@example.org", PASSWORD)

    def test_a_locked_out_guess_writes_nothing(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def guess(password: str) -> int:
            return int(self.client.post("/admin/login/?next=/admin/",
                                        {"username": "ro", "password": password},
                                        REMOTE_ADDR="10.0.0.9").status_code)

        for n in range(3):
            guess(f"wrong {n}")
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(guess("wrong again"), 429)
            self.assertEqual(guess(PASSWORD), 429)
        writes = [q["sql"] for q in queries.captured_queries
                  if q["sql"].split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]
        self.assertEqual(writes, [])


def test_a_locked_out_login_is_answered_after_the_delay() -> None:
    """Guessers that wait for each refusal are slowed to one a second each: refused as fast
    as the server could, 8 guessers took the CPU casting needs (make reliability)."""
    import asyncio
    import time

    from psephos.web import asgi
    from psephos.web.logins import LoginPacing

    def answering(status: int) -> Any:
        async def app(scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": status, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        return app

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    def seconds(status: int, path: str = "/admin/login/") -> float:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        started = time.monotonic()
        scope = {"type": "http", "method": "POST", "path": path}
        with override_settings(PSEPHOS_LOGIN_LOCKOUT_DELAY=0.3):
            asyncio.run(LoginPacing(answering(status))(scope, receive, send))
        assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
        return time.monotonic() - started

    assert seconds(429) >= 0.3
    assert seconds(200) < 0.2  # a wrong password before the lockout: the form at once
    assert seconds(429, "/api/contests/x/ballots") < 0.2  # codes have their own limit
    layers, layer = [], asgi.application
    while layer is not None:  # the server's application has it in front of Django
        layers.append(type(layer).__name__)
        layer = getattr(layer, "application", None)
    assert "LoginPacing" in layers


def _recording_app(started: list[float]) -> Any:
    """An application that answers the login form at once, noting when each began."""
    import time

    async def app(scope: Any, receive: Any, send: Any) -> None:
        started.append(time.monotonic())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"form"})

    return app


async def _receive() -> dict[str, Any]:
    return {"type": "http.request"}


def test_login_requests_are_let_through_one_at_a_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    """8 guessers asking for the login form at once held the interpreter for casting's
    tens of milliseconds (make reliability): a worker lets them through spaced apart, and
    refuses at once, without Django, one that would wait too long."""
    import asyncio
    import itertools

    from psephos.web import logins

    started: list[float] = []
    app = _recording_app(started)

    async def requests(pacing: Any, n: int, path: str = "/admin/login/") -> list[int]:
        async def one() -> int:
            sent: list[Any] = []

            async def send(message: Any) -> None:
                sent.append(message)

            await pacing({"type": "http", "method": "GET", "path": path}, _receive, send)
            return int(sent[0]["status"])

        return list(await asyncio.gather(*(one() for _ in range(n))))

    with override_settings(PSEPHOS_LOGIN_INTERVAL=0.05):
        assert asyncio.run(requests(logins.LoginPacing(app), 8)) == [200] * 8
        gaps = [b - a for a, b in itertools.pairwise(started)]
        assert len(started) == 8 and min(gaps) >= 0.045, gaps
        started.clear()
        assert asyncio.run(requests(logins.LoginPacing(app), 8, "/")) == [200] * 8
        assert started[-1] - started[0] < 0.04  # other pages are not paced
    started.clear()
    monkeypatch.setattr(logins, "MOST_WAITED", 0.55)
    most = 5  # turns after 0, 0.1, ..., 0.5 s are let through; later ones refused
    with override_settings(PSEPHOS_LOGIN_INTERVAL=0.1):
        statuses = asyncio.run(requests(logins.LoginPacing(app), most + 3))
    assert statuses.count(200) == most + 1 and statuses.count(429) == 2
    assert len(started) == most + 1  # the refused ones never reached the application


def test_a_turn_taken_late_does_not_bring_the_next_one_closer() -> None:
    """A busy event loop wakes one waiting login late; the next, due on time, still waits
    the whole interval after it."""
    import asyncio
    import itertools
    import time

    from psephos.web import logins

    started: list[float] = []
    app = _recording_app(started)

    async def send(message: Any) -> None:
        pass

    async def hog() -> None:
        await asyncio.sleep(0.09)
        time.sleep(0.03)  # holds the loop across the third turn (due at 0.10)

    async def run() -> None:
        pacing = logins.LoginPacing(app)
        scope = {"type": "http", "method": "GET", "path": "/admin/login/"}
        await asyncio.gather(hog(), *(pacing(scope, _receive, send) for _ in range(5)))

    with override_settings(PSEPHOS_LOGIN_INTERVAL=0.05):
        asyncio.run(run())
    gaps = [b - a for a, b in itertools.pairwise(started)]
    assert len(started) == 5 and min(gaps) >= 0.045, gaps
