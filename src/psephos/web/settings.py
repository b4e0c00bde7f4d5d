"""Django settings for the members' ballot, all taken from the environment.

Environment:

- ``PSEPHOS_DATABASE_URL``: ``sqlite:///path`` or ``postgresql://user@host:port/db``
  (default: SQLite ``psephos.sqlite3`` in the data folder).
- ``PSEPHOS_DB_POOL_SIZE``, ``PSEPHOS_DB_POOL_TIMEOUT``: PostgreSQL's connection pool per
  server process (`pool_options`).
- ``PSEPHOS_DATA_DIR``: the data folder (default ``platformdirs.user_data_dir("psephos")``).
- ``PSEPHOS_SECRET_KEY``: else one is generated once and kept (mode 0600) in the data folder.
- ``PSEPHOS_AUDIT_KEY_FILE``: the audit log's signing key (default ``audit-signing.key`` in
  the data folder, made once, mode 0600). ``PSEPHOS_AUDIT_NEW_KEY=1``: sign on with a key
  other than the one that signed the log's head (refused otherwise).
- ``PSEPHOS_DEBUG=1``: debug pages (never in production).
- ``PSEPHOS_ALLOWED_HOSTS``: comma-separated (default ``localhost,127.0.0.1``).
- ``PSEPHOS_CSRF_TRUSTED_ORIGINS``: comma-separated origins behind a proxy.
- ``PSEPHOS_SECURE_COOKIES=1``: cookies only over HTTPS (always so when
  ``PSEPHOS_PUBLIC_URL`` is ``https://``; `https_settings`).
- ``PSEPHOS_HSTS_SECONDS``: how long browsers must use HTTPS only, when
  ``PSEPHOS_PUBLIC_URL`` is ``https://`` (default a year; 0 sends no HSTS header).
- ``PSEPHOS_TRUSTED_PROXIES``: how many reverse proxies stand in front (default 0). When
  set, the client's address is read from ``X-Forwarded-For`` (`psephos.contests.throttle`)
  and whether it came over HTTPS from ``X-Forwarded-Proto``; without it, both headers are
  ignored, so a client cannot claim an address or HTTPS by sending them.
- ``PSEPHOS_SMTP_HOST``, ``PSEPHOS_SMTP_PORT``, ``PSEPHOS_SMTP_USER``,
  ``PSEPHOS_SMTP_PASSWORD``, ``PSEPHOS_SMTP_TLS=1``, ``PSEPHOS_FROM_EMAIL``: outgoing mail
  (default SMTP on 127.0.0.1:25). ``PSEPHOS_EMAIL_BACKEND`` overrides the backend
  (tests use ``django.core.mail.backends.locmem.EmailBackend``).
- ``PSEPHOS_TRUSTEE_MIXES``: how many trustees' re-mixes (``psephos trustee mix``, then
  ``psephos contest add-mix``) each section's chain needs after the server's shuffle before
  the decryption requests go out (default 0; 2 or more so that no one party, the server
  included, knows the permutation unless all the mixers collude).
- ``PSEPHOS_POSTAL_ITERATIONS``: PBKDF2 iterations a new contest derives postal codes'
  public credentials with (default 20,000; docs/verifiability.md, section 10.2); fixed per
  contest when it is created and published with its credential lists.
- ``PSEPHOS_BOARD_INTERVAL``: seconds between the public board's signed checkpoints while
  a ballot is open (default 60; `psephos.contests.board`).
- ``PSEPHOS_STATIC_ROOT``: where ``collectstatic`` puts files (default ``<data>/static``).
- ``PSEPHOS_CACHE_URL``: where the rate limit counts (`cache_config`): ``memory``
  (default), ``database`` or ``redis://HOST:PORT/N``.
- ``PSEPHOS_LOGIN_FAILURES``, ``PSEPHOS_LOGIN_COOLOFF_MINUTES``: the admin login lockout
  (django-axes, below); ``PSEPHOS_LOGIN_LOCKOUT_DELAY``: a locked-out login is answered
  after one to two times these seconds (default 1; `psephos.web.logins.LoginPacing`);
  ``PSEPHOS_LOGIN_INTERVAL``: seconds between login requests a worker lets through
  (default 0.05).
- ``PSEPHOS_PUBLISHED_DIR``: where published records go, one folder per contest (default
  ``<data>/published``).
- ``PSEPHOS_EXPLORE_UPLOAD_MB``: the largest ballot file the explorer counts (default 50 MB).
- ``PSEPHOS_EXPLORE_EXAMPLES``: the folder of example ballot files the explorer offers
  (default the repository's ``examples``).
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
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
    # Each request closes its connection when it ends: under ASGI each request runs in a
    # thread of its own, and a connection kept for a thread that is gone is never closed
    # (with CONN_MAX_AGE=60 every request leaked one, and PostgreSQL refused everyone at
    # its 100th). On PostgreSQL "closing" hands the connection back to psycopg's pool, so
    # it is still reused (`pool_options`); SQLite opens a file, which costs next to nothing.
    config["CONN_MAX_AGE"] = 0
    config["CONN_HEALTH_CHECKS"] = True  # on PostgreSQL: the pool checks before lending
    config["ATOMIC_REQUESTS"] = False
    if engine == "django.db.backends.postgresql":
        config["OPTIONS"] = {**config.get("OPTIONS", {}), "pool": pool_options()}
    return config


def pool_options() -> dict[str, Any]:
    """psycopg's connection pool for each server process (Django's ``"pool"`` option):
    ``PSEPHOS_DB_POOL_SIZE`` connections at most (default 10; with ``--workers N`` the
    server holds up to N times that, which must stay under PostgreSQL's
    ``max_connections``, 100 by default), each checked before it is lent; a request that
    waits ``PSEPHOS_DB_POOL_TIMEOUT`` seconds (default 30) for one fails."""
    size = int(os.environ.get("PSEPHOS_DB_POOL_SIZE", "10"))
    if size < 1:
        raise ValueError(f"PSEPHOS_DB_POOL_SIZE={size}: at least 1")
    return {"min_size": 1, "max_size": size, "max_idle": 300,
            "timeout": float(os.environ.get("PSEPHOS_DB_POOL_TIMEOUT", "30"))}


def cache_config(url: str | None) -> dict[str, Any]:
    """Django's cache from ``PSEPHOS_CACHE_URL``, where the rate limit on codes counts.

    Unset or ``memory``: each process's own memory (`psephos serve` with more than one
    worker uses ``database`` instead). ``database``: Django's database cache, a table in
    the ballot's own database (`psephos serve` makes it), shared by every worker and every
    server on that database, its ``incr`` made atomic (`psephos.web.cache`).
    ``redis://HOST:PORT/N``: Redis, shared the same way (needs the ``redis`` package).
    """
    if not url or url == "memory":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url == "database":
        return {"BACKEND": "psephos.web.cache.DatabaseCache",  # its incr is atomic
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


#: What a yes/no environment variable takes as yes.
TRUE = frozenset({"1", "true", "yes", "on"})


def _flag(name: str) -> bool:
    return os.environ.get(name, "") in TRUE


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
    "psephos.explore",
    "axes",  # admin login lockout (`AXES_*` below)
]

MIDDLEWARE = [
    "psephos.web.middleware.RefuseBadParameters",
    "psephos.web.middleware.HeadAsGet",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # answers a locked-out login 429
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
#: Admin logins (django-axes, https://django-axes.readthedocs.io): after
#: ``PSEPHOS_LOGIN_FAILURES`` wrong passwords (default 5) for one username from one address,
#: that username is refused from that address for ``PSEPHOS_LOGIN_COOLOFF_MINUTES`` (default
#: 30), even with the right password. The lockout is checked by the first backend, before
#: any password is hashed, so guessers cannot keep the server busy with Argon2 (which
#: casting shares the CPUs with). The attempts live in the database, shared by every
#: worker. Unlock early with ``psephos contest unlock-login USERNAME``.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("PSEPHOS_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PSEPHOS_LOGIN_COOLOFF_MINUTES",
                                                          "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "psephos.web.logins.login_client_ip"  # trusted proxies too
AXES_VERBOSE = False
#: Seconds before a locked-out admin login is answered (`psephos.web.logins.LoginPacing`).
PSEPHOS_LOGIN_LOCKOUT_DELAY = float(os.environ.get("PSEPHOS_LOGIN_LOCKOUT_DELAY", "1"))
#: Seconds between admin login requests one worker lets through (`LoginPacing`).
PSEPHOS_LOGIN_INTERVAL = float(os.environ.get("PSEPHOS_LOGIN_INTERVAL", "0.05"))

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
PSEPHOS_TRUSTEE_MIXES = int(os.environ.get("PSEPHOS_TRUSTEE_MIXES") or 0)
PSEPHOS_POSTAL_ITERATIONS = int(os.environ.get("PSEPHOS_POSTAL_ITERATIONS") or 20_000)
PSEPHOS_BOARD_INTERVAL = float(os.environ.get("PSEPHOS_BOARD_INTERVAL") or 60)
PSEPHOS_PUBLISHED_DIR = os.environ.get("PSEPHOS_PUBLISHED_DIR") or str(data_dir() / "published")
#: The largest ballot file the explorer's count page takes, in megabytes (a bigger upload
#: is refused with 413 before it is read).
PSEPHOS_EXPLORE_UPLOAD_MB = float(os.environ.get("PSEPHOS_EXPLORE_UPLOAD_MB") or 50)
#: Example ballot files the explorer counts without an upload.
PSEPHOS_EXPLORE_EXAMPLES = (os.environ.get("PSEPHOS_EXPLORE_EXAMPLES")
                            or str(Path(__file__).resolve().parents[3] / "examples"))
#: The audit log's Ed25519 signing key (made once, mode 0600), never in the database.
PSEPHOS_AUDIT_KEY_FILE = (os.environ.get("PSEPHOS_AUDIT_KEY_FILE")
                          or str(data_dir() / "audit-signing.key"))
#: Let a different (or new) key sign entries after the head's (verify-log then needs both).
PSEPHOS_AUDIT_NEW_KEY = _flag("PSEPHOS_AUDIT_NEW_KEY")

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

#: HSTS for a year: long enough to protect a whole ballot from its first visit on.
HSTS_SECONDS = 365 * 24 * 3600


def https_settings(public_url: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """The transport settings for a site served at ``public_url``.

    Served over HTTPS: the session and CSRF cookies are sent over HTTPS only, and every
    response carries HSTS (RFC 6797; `psephos.web.security` adds it even where Django's
    middleware does not see the request as secure, behind a proxy). The proxy's
    ``X-Forwarded-Proto`` is believed only when ``PSEPHOS_TRUSTED_PROXIES`` says proxies
    stand in front (and set it): otherwise any client could claim to be on HTTPS.
    """
    https = public_url.lower().startswith("https://")
    secure = https or environ.get("PSEPHOS_SECURE_COOKIES", "") in TRUE
    seconds = environ.get("PSEPHOS_HSTS_SECONDS", "").strip()
    if seconds and not seconds.isdigit():
        raise ValueError(f"PSEPHOS_HSTS_SECONDS {seconds!r}: a whole number of seconds")
    proxies = environ.get("PSEPHOS_TRUSTED_PROXIES", "").strip() or "0"
    if not proxies.isdigit():
        raise ValueError(f"PSEPHOS_TRUSTED_PROXIES {proxies!r}: a whole number of proxies")
    result: dict[str, Any] = {
        "SESSION_COOKIE_SECURE": secure, "CSRF_COOKIE_SECURE": secure,
        "SECURE_HSTS_SECONDS": (int(seconds) if seconds else HSTS_SECONDS) if https else 0,
        "SECURE_PROXY_SSL_HEADER": None}
    if int(proxies) > 0:
        result["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
    return result


_https = https_settings(PSEPHOS_PUBLIC_URL, os.environ)
SESSION_COOKIE_SECURE = _https["SESSION_COOKIE_SECURE"]
CSRF_COOKIE_SECURE = _https["CSRF_COOKIE_SECURE"]
SECURE_HSTS_SECONDS = _https["SECURE_HSTS_SECONDS"]
SECURE_PROXY_SSL_HEADER = _https["SECURE_PROXY_SSL_HEADER"]

#: Every handler redacts voters' secrets (`psephos.web.logredact`); Django's request and
#: server loggers and Granian's access log are routed through them, not their own.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "psephos.web.logredact.RedactSecrets"}},
    "formatters": {"server": {"()": "django.utils.log.ServerFormatter",
                              "format": "[{server_time}] {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        "server": {"class": "logging.StreamHandler", "filters": ["redact"],
                   "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "granian.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
