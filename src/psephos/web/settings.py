"""Django settings for the members' ballot, all taken from the environment.

Environment:

- ``PSEPHOS_DATABASE_URL``: ``sqlite:///path`` or ``postgresql://user@host:port/db``
  (default: SQLite ``psephos.sqlite3`` in the data folder).
- ``PSEPHOS_DATA_DIR``: the data folder (default ``platformdirs.user_data_dir("psephos")``).
- ``PSEPHOS_SECRET_KEY``: else one is generated once and kept (mode 0600) in the data folder.
- ``PSEPHOS_DEBUG=1``: debug pages (never in production).
- ``PSEPHOS_ALLOWED_HOSTS``: comma-separated (default ``localhost,127.0.0.1``).
- ``PSEPHOS_CSRF_TRUSTED_ORIGINS``: comma-separated origins behind a proxy.
- ``PSEPHOS_SECURE_COOKIES=1``: cookies only over HTTPS.
- ``PSEPHOS_SMTP_HOST``, ``PSEPHOS_SMTP_PORT``, ``PSEPHOS_SMTP_USER``,
  ``PSEPHOS_SMTP_PASSWORD``, ``PSEPHOS_SMTP_TLS=1``, ``PSEPHOS_FROM_EMAIL``: outgoing mail
  (default SMTP on 127.0.0.1:25). ``PSEPHOS_EMAIL_BACKEND`` overrides the backend
  (tests use ``django.core.mail.backends.locmem.EmailBackend``).
- ``PSEPHOS_STATIC_ROOT``: where ``collectstatic`` puts files (default ``<data>/static``).
- ``PSEPHOS_CACHE_URL``: where the rate limit counts (`cache_config`): ``memory``
  (default), ``database`` or ``redis://HOST:PORT/N``.
- ``PSEPHOS_PUBLISHED_DIR``: where published records go, one folder per contest (default
  ``<data>/published``).
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import platformdirs

#: The SQLite pragmas the design asks for: WAL so readers never block the writer, and an
#: fsync at every commit so a receipt is only shown for a ballot already on disk.
SQLITE_INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"


def data_dir() -> Path:
    """The folder for the default database and the generated secret key."""
    return Path(os.environ.get("PSEPHOS_DATA_DIR") or platformdirs.user_data_dir("psephos"))


def database_config(url: str | None) -> dict[str, Any]:
    """Django's DATABASES entry for a database URL (None: the SQLite file in the data folder)."""
    if not url:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'psephos.sqlite3'}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as error:
        raise ValueError(f"database URL {url!r}: {error}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": SQLITE_INIT,
            "transaction_mode": "IMMEDIATE",
            "timeout": 60,
        }
    elif engine != "django.db.backends.postgresql":
        raise ValueError(f"database URL {url!r}: use sqlite:///PATH or postgresql://...")
    # Keep a connection between requests (measured: 2.3x the casts per second on PostgreSQL),
    # checked before reuse; PSEPHOS_CONN_MAX_AGE=0 opens one per request.
    config["CONN_MAX_AGE"] = int(os.environ.get("PSEPHOS_CONN_MAX_AGE", "60"))
    config["CONN_HEALTH_CHECKS"] = True
    config["ATOMIC_REQUESTS"] = False
    return config


def cache_config(url: str | None) -> dict[str, Any]:
    """Django's cache from ``PSEPHOS_CACHE_URL``, where the rate limit on codes counts.

    Unset or ``memory``: each process's own memory (a client gets the limit once per
    worker). ``database``: Django's database cache, a table in the ballot's own database
    (`psephos serve` makes it), shared by every worker and every server on that database.
    ``redis://HOST:PORT/N``: Redis, shared the same way (needs the ``redis`` package).
    """
    if not url or url == "memory":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url == "database":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": CACHE_TABLE}
    if url.startswith(("redis://", "rediss://", "unix://")):
        if importlib.util.find_spec("redis") is None:
            raise ValueError(f"PSEPHOS_CACHE_URL {url!r} needs the redis package: "
                             "pip install redis")
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ValueError(f"PSEPHOS_CACHE_URL {url!r}: use memory, database or "
                     "redis://HOST:PORT/N")


#: The database cache's table (``PSEPHOS_CACHE_URL=database``).
CACHE_TABLE = "psephos_cache"


def _secret_key() -> str:
    """The key from the environment, else one made once and kept private in the data folder."""
    key = os.environ.get("PSEPHOS_SECRET_KEY")
    if key:
        return key
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    with os.fdopen(handle, "w") as out:
        out.write(key + "\n")
    return key


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _flag(name: str) -> bool:
    return os.environ.get(name, "") in {"1", "true", "yes", "on"}


SECRET_KEY = _secret_key()
DEBUG = _flag("PSEPHOS_DEBUG")
ALLOWED_HOSTS = _list("PSEPHOS_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = _list("PSEPHOS_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' own script and styles (no CDN, strict CSP)
    "psephos.contests",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "psephos.web.urls"
WSGI_APPLICATION = "psephos.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config(os.environ.get("PSEPHOS_DATABASE_URL"))}
CACHES = {"default": cache_config(os.environ.get("PSEPHOS_CACHE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("PSEPHOS_STATIC_ROOT") or str(data_dir() / "static")
#: Published records (ballots, trackers, declaration), one folder per contest slug.
#: The data folder itself (the demonstration keeps its trustees' files there).
PSEPHOS_DATA_DIR = str(data_dir())
PSEPHOS_PUBLISHED_DIR = os.environ.get("PSEPHOS_PUBLISHED_DIR") or str(data_dir() / "published")

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("PSEPHOS_SECURE_COOKIES")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = os.environ.get(
    "PSEPHOS_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("PSEPHOS_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("PSEPHOS_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PSEPHOS_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PSEPHOS_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _flag("PSEPHOS_SMTP_TLS")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("PSEPHOS_FROM_EMAIL", "ballot@localhost")
#: The address voters' links start with, e.g. ``https://vote.example.org``.
PSEPHOS_PUBLIC_URL = os.environ.get("PSEPHOS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
