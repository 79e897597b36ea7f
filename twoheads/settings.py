"""Two Heads settings: one file, driven by environment variables (see the table in README.md)."""

import logging
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TWOHEADS_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_bool("DJANGO_DEBUG")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (or set DJANGO_DEBUG=1 for local development, which keeps a generated key "
            f"in {DATA_DIR / 'secret_key'})."
        )
    # Development only: keep one generated key so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A form refused by the CSRF check answers with the site's own page and the way back.
CSRF_FAILURE_VIEW = "twoheads.errors.csrf_failure"
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "twoheads.accounts",
    "twoheads.programmes",
    "twoheads.participants",
    "twoheads.pairing",
    "twoheads.meetings",
    "twoheads.journal",
    "twoheads.guard",
    "twoheads.privacy",
    "twoheads.insights",
    "twoheads.api",
    "twoheads.demo",
    "twoheads.mail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "twoheads.accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "twoheads.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "twoheads.urls"
WSGI_APPLICATION = "twoheads.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "twoheads.accounts.context_processors.navigation",
            ],
            "libraries": {"form_errors": "twoheads.form_errors"},
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'twoheads.sqlite3'}"
DATABASE_ENGINES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}


def _database(url: str) -> dict[str, Any]:
    """The database of DATABASE_URL; a URL this product cannot use is said in one line, which
    names its scheme but never the rest (it may hold a password)."""
    scheme = url.partition("://")[0] if "://" in url else ""
    try:
        database = dj_database_url.parse(url, conn_max_age=60)
    except dj_database_url.ParseError:
        reason = "it is not a valid URL (is the port a number, the password %-encoded?)"
    except ValueError:  # an unknown scheme
        reason = f"its scheme {scheme!r} is unknown" if scheme else "it is not a URL"
    else:
        if database["ENGINE"] in DATABASE_ENGINES:
            return database
        reason = f"Two Heads does not run on {scheme!r}"
    raise ImproperlyConfigured(
        "DATABASE_URL must look like postgres://user:password@host:5432/name or "
        f"sqlite:////path/to/file.sqlite3; {reason}."
    )


DATABASES = {"default": _database(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock at the
        # start of a transaction so concurrent writers queue instead of failing mid-way.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock an account after this many failed logins, and an address after LOGIN_ADDRESS_LIMIT,
# within LOGIN_LOCKOUT_MINUTES.
LOGIN_ACCOUNT_LIMIT = env_int("LOGIN_ACCOUNT_LIMIT", 5)
LOGIN_ADDRESS_LIMIT = env_int("LOGIN_ADDRESS_LIMIT", 20)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# The request header a trusted proxy puts the client's address in (e.g. X-Forwarded-For); its
# last address is the one the proxy saw. Unset, the connecting peer's address is used, which
# behind a proxy is the proxy's for everyone.
CLIENT_ADDRESS_HEADER = os.environ.get("CLIENT_ADDRESS_HEADER", "")

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"

# Background work: Django's tasks framework with a database-backed queue (`twoheads db_worker`).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Email: EMAIL_BACKEND is smtp, file (messages written under var/mail), console or memory.
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
_email_backend = os.environ.get("EMAIL_BACKEND", "file" if DEBUG else "smtp")
if _email_backend not in EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND must be one of {', '.join(EMAIL_BACKENDS)}, not {_email_backend!r}."
    )
_email_options: dict[str, object] = {}
if _email_backend == "smtp":
    _email_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "use_ssl": env_bool("EMAIL_USE_SSL"),
        "timeout": 20,
    }
elif _email_backend == "file":
    _email_options = {"file_path": str(DATA_DIR / "mail")}
# Everything is sent through the outbox ("default"), which stores each email and hands it to the
# real backend ("delivery") from a background task, retrying when the mail server refuses it.
MAILERS = {
    "default": {"BACKEND": "twoheads.mail.backend.OutboxBackend"},
    "delivery": {"BACKEND": EMAIL_BACKENDS[_email_backend], "OPTIONS": _email_options},
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Two Heads <noreply@twoheads.local>")
# Stored emails hold names and addresses: `send_outbox` deletes sent ones this many days after
# they were sent (and ones it gave up on, this many days after they were written).
EMAIL_RETENTION_DAYS = env_int("EMAIL_RETENTION_DAYS", 30)

# Webhooks call only https addresses on the public internet; 1 lets them call http and private
# networks too (a receiver inside the same network).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer's health check may speak plain HTTP to the application's port.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# A request body may hold the largest participant file (the API takes it as the body) and a
# little more for the form around an upload.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(IMPORT_MAX_BYTES, 10 * 1024 * 1024) + 2 * 1024 * 1024

# The JSON API's limit per token: this many requests in each window of seconds.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)
API_RATE_WINDOW = env_int("API_RATE_WINDOW", 60)
# A match run that has not reported for this long is taken as stopped (its worker died).
MATCH_RUN_STALE_SECONDS = env_int("MATCH_RUN_STALE_SECONDS", 15 * 60)
# The key the memory of past pairs is kept under, after anonymisation; when SECRET_KEY is
# rotated, set this to the old SECRET_KEY so that past pairs are still recognised.
PAST_PAIR_KEY = os.environ.get("PAST_PAIR_KEY", "")


def _without_traceback(record: logging.LogRecord) -> bool:
    """Keep the message, drop the traceback: for errors whose cause the message says whole."""
    record.exc_info, record.exc_text = None, None
    return True


# One line per event on standard error: time, level, logger, message (tracebacks for real errors).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "without_traceback": {
            "()": "django.utils.log.CallbackFilter",
            "callback": _without_traceback,
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line"},
        "console_one_line": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["without_traceback"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # A request naming a host not in ALLOWED_HOSTS (scanners do, all day): its message
        # names the host; a traceback would say nothing more.
        "django.security.DisallowedHost": {"handlers": ["console_one_line"], "propagate": False},
    },
}
