"""Settings for the self-check portal, read from the environment.

Defaults give a self-contained laptop setup: SQLite in ``var/`` and a Celery broker
on the filesystem. Production sets ``DATABASE_URL`` and ``CELERY_BROKER_URL``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from registrar.env import ConfigError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SELFCHECK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "insecure-development-key-only-for-debug-and-tests"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
if SECRET_KEY == _DEV_SECRET and not DEBUG and not env_bool("SELFCHECK_ALLOW_DEV_SECRET", False):
    raise ConfigError("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Proxies in front of the web server that append to X-Forwarded-For (nginx in
# docker-compose.yml: 1). With 0 the header is ignored and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "axes",
    "csp",
    "selfcheck",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "selfcheck.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "selfcheck.middleware.IdleSessionMiddleware",
    "selfcheck.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registrar.urls"
WSGI_APPLICATION = "registrar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "selfcheck.views.context.contacts",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'selfcheck.sqlite3'}"),
        # Persistent connections: opening one per request costs more than the page.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a worker commits an import.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Writers queue for the lock at BEGIN instead of failing at their first write.
            "transaction_mode": "IMMEDIATE",
        }
    )
    # Tests that run requests in parallel threads need a real file: SQLite's shared
    # in-memory database answers "table is locked" instead of waiting.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-selfcheck.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "selfcheck.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in lockout: by user name whatever the address, and by address whatever the
# user name. A success does not clear failures (they may be someone else's).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "selfcheck.clientip.client_ip"
AXES_USERNAME_CALLABLE = "selfcheck.services.throttle.signin_username"
AXES_VERBOSE = False
# Proving who a student is (activation, reset codes): failures per 学号 and per address.
SELFCHECK_IDENTITY_ATTEMPTS = env_int("SELFCHECK_IDENTITY_ATTEMPTS", 5, minimum=1)
SELFCHECK_ADDRESS_ATTEMPTS = env_int("SELFCHECK_ADDRESS_ATTEMPTS", 20, minimum=1)
SELFCHECK_ATTEMPT_WINDOW = timedelta(minutes=env_int("SELFCHECK_ATTEMPT_MINUTES", 15, minimum=1))
SELFCHECK_RESET_CODE_HOURS = env_int("SELFCHECK_RESET_CODE_HOURS", 24, minimum=1)

# --- sessions -------------------------------------------------------------------
# Shared lab PCs: a session ends when the browser closes, and after idle minutes
# (students 30; staff configurable). See selfcheck.middleware.IdleSessionMiddleware.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
STUDENT_SESSION_IDLE_MINUTES = env_int("STUDENT_SESSION_IDLE_MINUTES", 30, minimum=1)
STAFF_SESSION_IDLE_MINUTES = env_int("STAFF_SESSION_IDLE_MINUTES", 60, minimum=1)
SESSION_COOKIE_AGE = 60 * max(STUDENT_SESSION_IDLE_MINUTES, STAFF_SESSION_IDLE_MINUTES)
SESSION_COOKIE_HTTPONLY = True

# --- language and time ------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads above this are refused before they are read (roster files, evidence).
SELFCHECK_UPLOAD_LIMIT = env_int("SELFCHECK_UPLOAD_LIMIT_MB", 20, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Correction evidence: a folder outside MEDIA_ROOT and static that no URL serves.
SELFCHECK_PRIVATE_DIR = Path(env_str("SELFCHECK_PRIVATE_DIR", str(VAR_DIR / "private")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploaded rosters and correction evidence are deleted this many days after use (purge_uploads).
# Hosts a college's group-robot webhook may post to: 企业微信 and 钉钉.
SELFCHECK_WEBHOOK_HOSTS = env_list("SELFCHECK_WEBHOOK_HOSTS", ["qyapi.weixin.qq.com", "oapi.dingtalk.com"])
SELFCHECK_RETENTION_DAYS = env_int("SELFCHECK_RETENTION_DAYS", 180, minimum=1)
# Admin exports: no cell becomes a formula (extended to a leading tab/CR/LF in selfcheck.admin).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- e-mail ---------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "selfcheck@localhost")
# Where people reach the portal: the base of links in e-mails (no trailing slash).
SELFCHECK_SITE_URL = env_str("SELFCHECK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- bulletins ------------------------------------------------------------------
# How often beat runs the dispatcher, and when a claim counts as left by a dead worker.
SELFCHECK_DISPATCH_SECONDS = env_int("SELFCHECK_DISPATCH_SECONDS", 60, minimum=1)
SELFCHECK_BULLETIN_STALE_SECONDS = env_int("SELFCHECK_BULLETIN_STALE_SECONDS", 900, minimum=1)
# Tests only: seconds a generation waits after its claim, so a worker can be killed mid-way.
SELFCHECK_BULLETIN_TEST_DELAY = env_int("SELFCHECK_BULLETIN_TEST_DELAY", 0, minimum=0)

# --- cache ----------------------------------------------------------------------
_REDIS_CACHE = env_str("CACHE_URL", "")
if _REDIS_CACHE:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_CACHE}}
    # Sessions read from Redis, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A per-process cache would keep a session alive in one process after another ended it.
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# A signed-in student's home page, rendered, is kept this many seconds under a key made
# of everything it shows (selfcheck.views.pagecache); 0 renders every time.
SELFCHECK_PAGE_CACHE_SECONDS = env_int("SELFCHECK_PAGE_CACHE_SECONDS", 120, minimum=0)

# --- celery ---------------------------------------------------------------------
_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("queue", "processed", "control"):
        (_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
    _default_backend = f"file://{VAR_DIR / 'celery-results'}"
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    _default_backend = CELERY_BROKER_URL
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", _default_backend)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-bulletins": {
        "task": "selfcheck.dispatch_due_bulletins",
        "schedule": float(SELFCHECK_DISPATCH_SECONDS),
    },
    "purge-uploads": {"task": "selfcheck.purge_uploads", "schedule": 24 * 3600.0},
    "dispatch-due-pushes": {"task": "selfcheck.dispatch_due_pushes", "schedule": 60.0},
}

# --- logging --------------------------------------------------------------------
# One JSON object per line in production, for the log collector; plain text in development.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ConfigError(f"LOG_FORMAT={LOG_FORMAT!r} must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "selfcheck.jsonlog.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- HTTPS and browser protections ------------------------------------------------
# On by default when DEBUG is off: HTTPS behind the proxy (which sets
# X-Forwarded-Proto), HSTS, secure cookies. SELFCHECK_HTTPS=0 for a plain-HTTP intranet.
SELFCHECK_HTTPS = env_bool("SELFCHECK_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SELFCHECK_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SELFCHECK_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Container health checks call the app directly over HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only a registrable domain's own header can enter the browsers' preload list; on
    # the portal's host name the directive is harmless and keeps the check quiet.
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: scripts live in static/selfcheck/*.js, the
# charts are SVG drawn by the server (attributes, not style).
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
