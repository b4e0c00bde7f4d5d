"""Served over HTTPS (``PSEPHOS_PUBLIC_URL=https://...``): HSTS on every response, the
session and CSRF cookies marked Secure, and a proxy's ``X-Forwarded-Proto`` believed only
when ``PSEPHOS_TRUSTED_PROXIES`` says proxies stand in front. None of it held before: no
HSTS, cookies not Secure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.test import Client, TestCase, override_settings

from psephos.web.security import headers_for
from psephos.web.settings import HSTS_SECONDS, https_settings

SRC = str(Path(__file__).resolve().parents[2] / "src")
NAMES = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
         "SECURE_PROXY_SSL_HEADER")


def _settings_as_loaded(**environ: str) -> dict[str, object]:
    """The settings module's values in a fresh interpreter with this environment."""
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PSEPHOS_")}
        env.update(PYTHONPATH=SRC, PSEPHOS_DATA_DIR=folder, PSEPHOS_SECRET_KEY="x" * 50,
                   **environ)
        code = ("import json, psephos.web.settings as s; "
                f"print(json.dumps({{n: getattr(s, n, None) for n in {NAMES!r}}}))")
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, check=True)
    return dict(json.loads(done.stdout))


def test_https_public_url_turns_on_hsts_and_secure_cookies() -> None:
    loaded = _settings_as_loaded(PSEPHOS_PUBLIC_URL="https://vote.example.org")
    assert loaded == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
                      "SECURE_HSTS_SECONDS": HSTS_SECONDS, "SECURE_PROXY_SSL_HEADER": None}
    assert HSTS_SECONDS >= 180 * 24 * 3600  # long enough to cover a whole ballot


def test_plain_http_sets_neither() -> None:
    loaded = _settings_as_loaded(PSEPHOS_PUBLIC_URL="http://127.0.0.1:8000")
    assert loaded["SESSION_COOKIE_SECURE"] is False and loaded["SECURE_HSTS_SECONDS"] == 0


def test_the_proxy_header_only_when_a_trusted_proxy_is_declared() -> None:
    https = "https://vote.example.org"
    assert https_settings(https, {})["SECURE_PROXY_SSL_HEADER"] is None
    trusted = https_settings(https, {"PSEPHOS_TRUSTED_PROXIES": "1"})
    assert trusted["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert https_settings(https, {"PSEPHOS_HSTS_SECONDS": "600"})["SECURE_HSTS_SECONDS"] == 600
    assert https_settings(https, {"PSEPHOS_HSTS_SECONDS": "0"})["SECURE_HSTS_SECONDS"] == 0
    assert https_settings(https, {"PSEPHOS_TRUSTED_PROXIES": "0"})[
        "SECURE_PROXY_SSL_HEADER"] is None
    with pytest.raises(ValueError, match="PSEPHOS_TRUSTED_PROXIES"):
        https_settings(https, {"PSEPHOS_TRUSTED_PROXIES": "yes"})
    with pytest.raises(ValueError, match="PSEPHOS_HSTS_SECONDS"):
        https_settings(https, {"PSEPHOS_HSTS_SECONDS": "a year"})
    cookies_only = https_settings("http://localhost", {"PSEPHOS_SECURE_COOKIES": "1"})
    assert cookies_only["SESSION_COOKIE_SECURE"] and not cookies_only["SECURE_HSTS_SECONDS"]


def test_every_response_carries_hsts_even_when_django_cannot_see_the_tls() -> None:
    """Behind a proxy Django sees plain HTTP and its middleware adds no HSTS; the headers
    wrapped round the whole application (static files too) do."""
    with override_settings(SECURE_HSTS_SECONDS=HSTS_SECONDS):
        wanted = dict(headers_for("/static/contests/site.css", [], "text/css"))
        assert wanted["Strict-Transport-Security"] == f"max-age={HSTS_SECONDS}"
        already = headers_for("/", ["Strict-Transport-Security"], "text/html")
        assert "Strict-Transport-Security" not in dict(already)
    with override_settings(SECURE_HSTS_SECONDS=0):
        assert "Strict-Transport-Security" not in dict(headers_for("/", [], "text/html"))


class SecureCookies(TestCase):
    def test_the_session_cookie_is_secure_over_https(self) -> None:
        from django.contrib.auth.models import User

        User.objects.create_superuser("tls", "", "a long passphrase here")
        with override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True,
                               SECURE_HSTS_SECONDS=HSTS_SECONDS):
            browser = Client(HTTP_HOST="localhost")
            page = browser.get("/admin/login/", secure=True)
            self.assertEqual(page["Strict-Transport-Security"], f"max-age={HSTS_SECONDS}")
            self.assertTrue(browser.cookies["csrftoken"]["secure"])
            browser.post("/admin/login/", {
                "username": "tls", "password": "a long passphrase here",
                "csrfmiddlewaretoken": browser.cookies["csrftoken"].value}, secure=True)
            self.assertTrue(browser.cookies["sessionid"]["secure"])
