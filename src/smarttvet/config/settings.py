"""Django settings for SMART TVET. Configuration comes only from ``SMARTTVET_*`` variables."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url

from smarttvet.config import env
from smarttvet.core import logs

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.data_dir()

DEBUG = env.get_bool("SMARTTVET_DEBUG", False)
SECRET_KEY = env.get_str("SMARTTVET_SECRET_KEY", env.DEFAULT_SECRET_KEY)
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")
if not DEBUG and not TESTING and SECRET_KEY == env.DEFAULT_SECRET_KEY:
    raise env.ConfigurationError(
        "SMARTTVET_SECRET_KEY is not set and SMARTTVET_DEBUG is off: refusing to start with the "
        "public default key. Set SMARTTVET_SECRET_KEY to a long random value (or SMARTTVET_DEBUG=1 locally)."
    )
# Key of the keyed hash that replaces national ID numbers (IIN); never the IIN itself is stored.
PERSON_KEY = env.get_str("SMARTTVET_PERSON_KEY", SECRET_KEY)
# The platform's public address: verifiable credentials and their QR codes point to it.
PUBLIC_URL = env.get_str("SMARTTVET_PUBLIC_URL", "http://localhost:8000").rstrip("/")

ALLOWED_HOSTS = env.get_list("SMARTTVET_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.get_list("SMARTTVET_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "csp",
    "smarttvet.core",
    "smarttvet.accounts",
    "smarttvet.registry",
    "smarttvet.people",
    "smarttvet.partnership",
    "smarttvet.rating",
    "smarttvet.gradebook",
    "smarttvet.plans",
    "smarttvet.labour",
    "smarttvet.credentials",
    "smarttvet.portfolio",
    "smarttvet.leadership",
    "smarttvet.kpi",
    "smarttvet.demo",
    "smarttvet.web",
]

MIDDLEWARE = [
    "smarttvet.core.middleware.RequestObservabilityMiddleware",  # request id, one log line, metrics
    "django.middleware.security.SecurityMiddleware",
    "smarttvet.core.outage.DatabaseOutageMiddleware",  # a database outage: a clear 503, no stack trace
    "smarttvet.core.request_guard.RejectNulMiddleware",  # NUL in a request: 400 (PostgreSQL text refuses it)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smarttvet.config.urls"
WSGI_APPLICATION = "smarttvet.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "smarttvet.web.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.get_str("SMARTTVET_DATABASE_URL", f"sqlite:///{DATA_DIR / 'smarttvet.sqlite3'}"),
        conn_max_age=int(env.get_str("SMARTTVET_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Login throttling (django-axes): 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Three languages: Kazakh is the default.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"  # private files: never served at a public URL
# Portfolio evidence files (PDF, JPEG, PNG; judged by content): the largest accepted upload.
PORTFOLIO_EVIDENCE_MAX_BYTES = int(float(env.get_str("SMARTTVET_PORTFOLIO_MAX_MB", "5")) * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root

# Security headers. HTTPS-only flags follow SMARTTVET_HTTPS (on behind a TLS-terminating proxy).
HTTPS = env.get_bool("SMARTTVET_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Logs go to stderr: one JSON object a line (json, the default in production) or readable text (the default
# with DEBUG); every line of a request carries its request id (see smarttvet.core.logs).
LOG_FORMAT = env.get_str("SMARTTVET_LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
LOGGING = logs.logging_config(LOG_FORMAT, env.get_str("SMARTTVET_LOG_LEVEL", "INFO"))

# The cache of derived figures (see smarttvet.core.cache), shared by the workers: files in the data directory
# (one host), the database (several hosts; run `smarttvet createcachetable` once), memory (one process) or
# none. The test suite runs without a cache (tests write with factories, not through audited services);
# tests/operations switches it on to test the invalidation.
CACHE_BACKEND = env.get_str("SMARTTVET_CACHE", "none" if TESTING else "file")
_CACHE_BACKENDS = {
    "file": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(DATA_DIR / "cache"),
             "OPTIONS": {"MAX_ENTRIES": 5000}},
    "db": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "smarttvet_cache",
           "OPTIONS": {"MAX_ENTRIES": 5000}},
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "none": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
if CACHE_BACKEND not in _CACHE_BACKENDS:
    raise env.ConfigurationError(f"SMARTTVET_CACHE={CACHE_BACKEND!r} is not a cache: use file, db, locmem or none")
CACHES = {"default": _CACHE_BACKENDS[CACHE_BACKEND]}

# /metrics (Prometheus): direct clients from these networks, or any client with the bearer token.
METRICS_ALLOW = env.get_list("SMARTTVET_METRICS_ALLOW", ["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env.get_str("SMARTTVET_METRICS_TOKEN", "")

# Gradebook analytics (see smarttvet.gradebook.backends): where the marks are kept and which engine reads them.
# duckdb (embedded, over the Parquet store), spark (over the same Parquet files; SPARK_MASTER local[*] or a
# cluster URL) or postgres (tables in the platform's PostgreSQL database).
GRADEBOOK_BACKEND = env.get_str("SMARTTVET_GRADEBOOK_BACKEND", "duckdb")
GRADEBOOK_STORE = Path(env.get_str("SMARTTVET_GRADEBOOK_STORE", str(DATA_DIR / "gradebook")))
GRADEBOOK_SPARK_MASTER = env.get_str("SMARTTVET_SPARK_MASTER", "local[2]")
GRADEBOOK_DUCKDB_MEMORY_LIMIT = env.get_str("SMARTTVET_DUCKDB_MEMORY_LIMIT", "")
if GRADEBOOK_BACKEND not in {"duckdb", "spark", "postgres"}:
    raise env.ConfigurationError(
        f"SMARTTVET_GRADEBOOK_BACKEND={GRADEBOOK_BACKEND!r} is not a gradebook backend: use duckdb, spark or postgres"
    )

# SQLite cannot enforce UNIQUE ... NULLS NOT DISTINCT (monitoring lists, employers' needs): PostgreSQL, the
# production database, does; on SQLite the services check for the duplicate themselves.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
