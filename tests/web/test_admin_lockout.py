"""Admin login lockout (django-axes): after the configured number of wrong passwords for
one username from one address, even the right password is refused, without hashing."""

from __future__ import annotations

from unittest import mock

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
    from typing import Any

    from psephos.web import asgi
    from psephos.web.logins import LockoutDelay

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
            asyncio.run(LockoutDelay(answering(status))(scope, receive, send))
        assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
        return time.monotonic() - started

    assert seconds(429) >= 0.3
    assert seconds(200) < 0.2  # a wrong password before the lockout: the form at once
    assert seconds(429, "/api/contests/x/ballots") < 0.2  # codes have their own limit
    layers, layer = [], asgi.application
    while layer is not None:  # the server's application has it in front of Django
        layers.append(type(layer).__name__)
        layer = getattr(layer, "application", None)
    assert "LockoutDelay" in layers
