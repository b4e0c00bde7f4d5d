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
