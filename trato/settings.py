"""Trato settings: everything that differs between machines comes from the environment."""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(env_str("TRATO_VAR_DIR", str(BASE_DIR / "var")))
PRODUCTION = env_bool("TRATO_PRODUCTION")
DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when TRATO_PRODUCTION is on.")


def _secret_key() -> str:
    if key := env_str("SECRET_KEY"):
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY: production refuses to start without one.")
    # Development: generate once and keep it, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "trato.core",
    "trato.accounts",
    "trato.partners",
    "trato.timeline",
    "trato.claims",
    "trato.jobs",
    "trato.mail",
    "trato.inbox",
    "trato.numbering",
    "trato.webhooks",
    "trato.reports",
    "trato.notifications",
    "trato.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "trato.core.middleware.ApiErrorBodyMiddleware",
    "trato.core.middleware.RefuseNulBytesMiddleware",
    "trato.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trato.core.middleware.LoginRequiredMiddleware",
    "trato.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trato.urls"
WSGI_APPLICATION = "trato.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trato.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'trato.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler pays off on queries that run for many seconds; on a CRM's pages and reports it adds
    # 100-200 ms of compiling to every query the planner prices high (make bench, docs/bench.md). DATABASE_URL's
    # own ?options=... wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed logins: lock a username+address pair after a few failures, for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every process start
# Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses); none: the connection's address.
TRATO_TRUSTED_PROXIES = frozenset(env_list("TRATO_TRUSTED_PROXIES"))
AXES_CLIENT_IP_CALLABLE = "trato.accounts.client_ip.client_ip"
# Password reset requests: at most so many per hour per email address asked for, and per client address.
TRATO_PASSWORD_RESET_PER_ACCOUNT_PER_HOUR = env_int("TRATO_PASSWORD_RESET_PER_ACCOUNT_PER_HOUR", 3)
TRATO_PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env_int("TRATO_PASSWORD_RESET_PER_ADDRESS_PER_HOUR", 10)

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Madrid")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["trato.core.formats"]  # Spanish amounts grouped with a dot: see trato/core/formats/es

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at every start without it
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/chartjs", BASE_DIR / "node_modules/chart.js/dist"),
    ("vendor/tom-select", BASE_DIR / "node_modules/tom-select/dist"),
]
MEDIA_ROOT = VAR_DIR / "media"  # never served directly: downloads go through a permission check

STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env_str("STORAGE_BACKEND") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY"),
            "secret_key": env_str("S3_SECRET_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Mail: SMTP when EMAIL_HOST is set, otherwise printed to the console (development).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Trato <trato@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

CSRF_FAILURE_VIEW = "trato.core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Trato's own settings.
TRATO_PHONE_REGION = env_str("TRATO_PHONE_REGION", "ES")
TRATO_ATTACHMENT_MAX_BYTES = env_int("TRATO_ATTACHMENT_MAX_MB", 25) * 1024 * 1024
TRATO_API_MAX_PAGE_SIZE = 100
TRATO_LIST_PAGE_SIZE = 25
# Lists and the API count matching records up to this many; past it they say "more than" (docs/bench.md).
TRATO_COUNT_LIMIT = 1_000
TRATO_CURRENCY = env_str("TRATO_CURRENCY", "EUR")  # ISO 4217 code of the amounts reports show
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- jobs ---
from datetime import timedelta  # noqa: E402  (kept inside this block)

# A task still running after this long whose worker has stopped beating is marked failed (lost with its worker).
TRATO_JOB_STALE_AFTER = timedelta(seconds=env_int("TRATO_JOB_STALE_AFTER_SECONDS", 15 * 60))
# Seconds between a worker's beats: heartbeat, periodic jobs, lost-task recovery.
TRATO_JOB_BEAT_SECONDS = env_int("TRATO_JOB_BEAT_SECONDS", 5)
# --- end jobs ---

# --- mail (outbox) ---
# SMTP goes through the two-phase backend (no message sent twice when a worker dies: see docs/mail-out.md).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "trato.mail.backends.TwoPhaseSMTPBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # seconds; without one a silent server blocks a worker forever
# Replies come back to "<alias>+<record token>@<domain>" (the gateway files them on the record).
TRATO_MAIL_REPLY_ADDRESS = env_str("TRATO_MAIL_REPLY_ADDRESS", "trato@localhost")
TRATO_MAIL_MESSAGE_ID_DOMAIN = env_str(
    "TRATO_MAIL_MESSAGE_ID_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
)
# A message claimed longer than this by a worker is taken back (the worker was killed). Keep it well above
# EMAIL_TIMEOUT: a live worker finishes a message within a few timeouts.
TRATO_MAIL_SENDING_LEASE_SECONDS = env_int("TRATO_MAIL_SENDING_LEASE_SECONDS", 600)
TRATO_MAIL_RETRY_CAP_MINUTES = env_int("TRATO_MAIL_RETRY_CAP_MINUTES", 60)  # back-off 1, 2, 4 ... up to this
TRATO_MAIL_GIVE_UP_HOURS = env_int("TRATO_MAIL_GIVE_UP_HOURS", 72)  # transient failures for longer: failed
TRATO_MAIL_BATCH_SIZE = env_int("TRATO_MAIL_BATCH_SIZE", 100)
TRATO_MAIL_MAX_BYTES = env_int("TRATO_MAIL_MAX_MB", 25) * 1024 * 1024  # all attachments of one message

# --- inbox (incoming mail gateway) ---
# Larger incoming messages wait in triage unparsed (TRATO_MAIL_MAX_BYTES above is the outbox's own limit).
TRATO_INBOX_MAX_BYTES = env_int("TRATO_INBOX_MAX_MB", 40) * 1024 * 1024
# Our own mail domains: alias matching only looks at recipients in them (empty: any domain), and a
# Message-ID ending in one of them marks a message as automatic (it came from us).
TRATO_MAIL_DOMAINS = env_list("TRATO_MAIL_DOMAINS")
TRATO_INBOX_POLL_SECONDS = env_int("TRATO_INBOX_POLL_SECONDS", 60)
# --- end inbox ---

# --- claims ---
TRATO_CLAIM_REMINDER_DAYS = env_int("TRATO_CLAIM_REMINDER_DAYS", 2)

# --- webhooks (docs/webhooks.md) ---
TRATO_WEBHOOK_TIMEOUT_SECONDS = env_int("TRATO_WEBHOOK_TIMEOUT_SECONDS", 10)
