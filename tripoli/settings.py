"""Settings for RCP Profiles.

Everything that differs between a laptop and IOM's servers comes from the
environment (see ``.env.example``); the defaults are safe for local use.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from rcp.countries import iom_country_name
from tripoli import production

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Production is declared with DJANGO_ENV=production (tripoli/production.py): the app then
# refuses to start without a real SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL, and
# turns on HTTPS-only settings (end of this file). Without it the defaults suit local use.
PRODUCTION = production.is_production(os.environ)
if PRODUCTION and (missing := production.problems(os.environ)):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production, but the environment is not ready for production:\n- "
        + "\n- ".join(missing)
    )

# The fallback key only serves local use; `manage.py check --deploy` flags it.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-local-only-set-a-real-SECRET_KEY"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Before the admin (its TranslationAdmin) and before rcp, whose ready() expects the
    # translation fields and history that rcp/translation.py registers.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # rcp before import_export, so that its `import` and `export` commands take precedence.
    "rcp",
    "django_countries",
    "import_export",
    "simple_history",
    "csp",
    "axes",
]

# The security headers of every response (tests/test_production.py checks them), static files
# included. SecurityMiddleware last, so that its HTTP->HTTPS redirect passes through the other two.
RCP_SECURITY_HEADERS_MIDDLEWARE = [
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
]
MIDDLEWARE = [
    # A NUL character in the address, a header, a cookie or a form gets a 400 before anything
    # reads them, the page cache included; the refusal gets the security headers too.
    "rcp.security.RefuseNulCharactersMiddleware",
    # Readers' public pages from the cache, with the headers stored with them (rcp/cache.py).
    "rcp.cache.PublicPageCacheMiddleware",
    *RCP_SECURITY_HEADERS_MIDDLEWARE,
    "rcp.security.AdminNotIndexedMiddleware",
    "rcp.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the address (/fr/, /es/); in the admin, the editor's (rcp/languages.py).
    "rcp.languages.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # History: who made each change, and one changeset per request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "rcp.history_records.ChangesetMiddleware",
    # Last, as django-axes asks: turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tripoli.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rcp.context_processors.site_links",
                "rcp.admin.review.review_queue",
            ],
        },
    },
]

WSGI_APPLICATION = "tripoli.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request within seconds (the 503 page).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# What editors write exists in every language of LANGUAGES (rcp/translation.py): English is the
# source, and a text not yet translated reads in English (rcp/multilingual.py marks it so).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_CUSTOM_FIELDS = ("FormattedTextField",)


def language_column_label(verbose_name, language: str) -> str:
    """How the admin, the history and the import guide name a language's column: the field's
    own name for English, the source ("objectives"), else with the language ("objectives
    (French)"). Called at display time, in the reader's language."""
    if language == LANGUAGE_CODE:
        return str(verbose_name)
    return f"{verbose_name} ({dict(LANGUAGES)[language]})"


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = language_column_label

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `make setup` and `make test` run collectstatic; with DEBUG on, edits show without it.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Hashed names (site.3f2a….css, cached by browsers for a year) and gzip copies, made by
# collectstatic. In DEBUG the plain names are used.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Country names as IOM writes them. django-countries' common names already give
# "United Kingdom", "Tanzania" and "Democratic Republic of the Congo"; the others
# are overridden here, and stay translated in every language django-countries knows.
COUNTRIES_OVERRIDE = {
    "CG": iom_country_name("Republic of the Congo", iso_name="Congo"),
    "ST": iom_country_name("São Tomé and Príncipe", iso_name="Sao Tome and Principe"),
}

LOGIN_URL = "admin:login"
# Where a log-in lands when its "next" is missing or refused (another site, say): the admin's
# index, wherever ADMIN_URL puts it (Django's default, /accounts/profile/, does not exist here).
LOGIN_REDIRECT_URL = "admin:index"

# Django's cache: Redis when REDIS_URL is set (shared by every app server), else local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing its client (rcp/redis_cache.py).
            "BACKEND": "rcp.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Keys of several sites (or test runs) sharing one Redis stay apart.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "rcp"),
            # A Redis that does not answer slows a request by at most this much (seconds);
            # each process then skips it for REDIS_SKIP_SECONDS before trying again, and
            # renders pages without the cache meanwhile (rcp/redis_cache.py).
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "1")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "1")),
                "skip_seconds": float(os.environ.get("REDIS_SKIP_SECONDS", "5")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages are served from the cache and invalidated when any profile data changes
# (rcp/cache.py). Seconds a page is kept at most; 0 turns the page cache off.
RCP_PAGE_CACHE_SECONDS = int(os.environ.get("RCP_PAGE_CACHE_SECONDS", "3600"))
# Session keys are signed, so that the page cache tells an editor's session from a made-up
# cookie without the database (rcp/sessions.py); sessions are kept in the database.
SESSION_ENGINE = "rcp.sessions"

# CSV and Excel import/export (django-import-export). An upload waiting for confirmation is kept
# in the database (RCP_UPLOAD_* below; rcp.admin.SpreadsheetAdmin), not in the library's
# temporary storage, so that any app server can confirm it and Redis never holds one.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Only staff holding rcp.import_<model> / rcp.export_<model> see the buttons and may use them;
# by default the library lets anyone with view permission import.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# Files are refused before they are read whole: size in bytes, then data rows. 5,000 rows (more
# than any real profile file: all members of all processes are about 3,000) import in under 20 s
# on PostgreSQL with a full check and history of every row, within a worker's timeout; `make
# bench` measures it. Raise it only with the workers' timeout (GUNICORN_TIMEOUT).
RCP_IMPORT_MAX_BYTES = int(os.environ.get("RCP_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
RCP_IMPORT_MAX_ROWS = int(os.environ.get("RCP_IMPORT_MAX_ROWS", "5000"))
# A legacy profile page, uploaded or pasted (rcp/legacy/limits.py): real pages are tens of KB.
RCP_LEGACY_MAX_BYTES = int(os.environ.get("RCP_LEGACY_MAX_BYTES", str(1024 * 1024)))
# The first handler gives a page pasted over Django's 2.5 MB limit on fields the form's message.
FILE_UPLOAD_HANDLERS = [
    "rcp.legacy.limits.OversizedPageHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploads waiting for an editor's confirmation (rcp/uploads.py), kept in the database: for this
# long at most, and at most this many (and this many bytes) per user; the oldest go first.
RCP_UPLOAD_WAIT_SECONDS = int(os.environ.get("RCP_UPLOAD_WAIT_SECONDS", "3600"))
RCP_UPLOADS_PER_USER = int(os.environ.get("RCP_UPLOADS_PER_USER", "3"))
RCP_UPLOAD_BYTES_PER_USER = int(
    os.environ.get("RCP_UPLOAD_BYTES_PER_USER", str(3 * RCP_IMPORT_MAX_BYTES))
)

# Structured logs: one JSON object per line (rcp/events.py); LOG_FORMAT=text for plain lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "rcp.events.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if os.environ.get("LOG_FORMAT", "json") == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Security -----------------------------------------------------------------------------------
# On every response (tests/test_production.py checks them): Content-Security-Policy
# (django-csp), X-Frame-Options, X-Content-Type-Options, Referrer-Policy and
# Cross-Origin-Opener-Policy; in production also HSTS, HTTPS only and secure cookies.

# The admin's address, e.g. ADMIN_URL=office/ to move it from /admin/.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Load balancers in front of the app servers that append the client's address to
# X-Forwarded-For and set X-Forwarded-Proto (set it to 1 behind one load balancer that
# terminates HTTPS). 0: the app is reached directly and trusts no such header.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The strictest policy the pages and the admin work with: nothing inline, nothing from
# elsewhere. (django-import-export's export page loses two cosmetic inline styles.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "upgrade-insecure-requests": PRODUCTION,
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# HTTPS everywhere in production; /healthz stays reachable over plain HTTP for the load balancer.
# The redirect carries the same headers as every response, except HSTS: sent over plain HTTP it
# would be ignored (RFC 6797, 7.2); the HTTPS response it leads to carries it.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

# Password guessing on the admin (django-axes, rcp/security.py): after AXES_FAILURE_LIMIT
# failures for one user name from one address, that pair is locked out for
# AXES_COOLOFF_MINUTES, and so is an address after AXES_IP_FAILURE_LIMIT failures across all
# user names (one password tried against many names). Attempts are kept in the database, so
# every app server agrees. The address is the connection's, or the load balancer's
# X-Forwarded-For entry with TRUSTED_PROXY_COUNT (README: app servers behind it only).
AUTHENTICATION_BACKENDS = [
    "rcp.security.WebLoginAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "rcp.security.AddressLockoutAxesHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "rcp.security.client_ip"
AXES_LOCKOUT_CALLABLE = "rcp.security.lockout_response"
AXES_VERBOSE = False  # no banner on every start; failures and lockouts are still logged
