"""Settings for the portal, read from the environment in one place.

A newcomer needs nothing set: DEBUG off by default, SQLite in the project folder. Production
sets SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and, optionally, REDIS_URL.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# Without SECRET_KEY, management commands still run (migrate, makemigrations), but the web
# server refuses to start with DEBUG off (portal/wsgi.py) and `check --deploy` warns.
INSECURE_DEVELOPMENT_KEY = "django-insecure-local-development-only"
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_DEVELOPMENT_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # search vectors (infopages.search_index); harmless on SQLite
    "reversion",
    "markdownx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "infopages",
    "reviews",
    "accounts",
    "portal",  # commands that need both content and workflow (import, demo)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, so it sees the views' exceptions first: a lost database becomes a calm 503 page.
    "infopages.middleware.DatabaseUnavailableMiddleware",
    # Turns a sign-in refused for too many failures into our lockout page (accounts.throttling).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging: readers never wait for a writer, and a commit costs one sync of
    # the log instead of several (imports and publishing are several times faster). Writers
    # take the lock when their transaction starts, so two never deadlock ("database is
    # locked") halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# `manage.py flush` would empty the append-only audit log: refused (reviews' flush command).
# Only the test settings allow it, for the suite's own teardown; not read from the
# environment, so no deployment can turn it on by mistake.
AUDIT_LOG_FLUSH_ALLOWED = False

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The public site keeps whole rendered pages in the cache for this long (0: off). On by default
# only with Redis, shared by every worker, so publishing refreshes them everywhere at once; a
# local-memory cache is per process and one worker could not tell the others.
PUBLIC_PAGE_CACHE_SECONDS = int(
    os.environ.get("PUBLIC_PAGE_CACHE_SECONDS") or (600 if REDIS_URL else 0)
)
# Each worker also keeps the public responses it built in its own memory, up to this many
# megabytes (0: off), least recently used out first. Safe with any number of workers and app
# servers: each reads the log of changes to the read model at most every
# PUBLIC_FRESHNESS_SECONDS and drops what a change names (infopages.caching). 64 MB holds a
# whole 2,000-page site of pages up to 30 kB each (the benchmark's are 13 kB: 27 MB), and it
# is what each worker may grow by, so 2 workers: up to 128 MB.
PUBLIC_PAGE_MEMORY_MB = float(os.environ.get("PUBLIC_PAGE_MEMORY_MB", "64"))
PUBLIC_PAGE_MEMORY_BYTES = int(PUBLIC_PAGE_MEMORY_MB * 1024 * 1024)
# How long a worker may go on serving cached public responses before it reads the log of
# changes again (infopages.caching): the bound on how late a publication or a take-down
# reaches every worker of every app server. One small query per worker per period.
PUBLIC_FRESHNESS_SECONDS = float(os.environ.get("PUBLIC_FRESHNESS_SECONDS", "1"))
# Where the client's address is, for rate limits and sign-in throttling, when a proxy stands in
# front (e.g. HTTP_X_FORWARDED_FOR: the right-most entry, added by our own proxy, is used).
# Empty: REMOTE_ADDR. See infopages.clients.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

# Sign-in throttling (django-axes, see accounts.throttling for the policy and why): this many
# failed sign-ins for one username from one address pause it for that many minutes. The
# admin's sign-in is throttled too: axes checks every authentication.
SIGN_IN_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "5"))
SIGN_IN_LOCKOUT_MINUTES = int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15"))
# And this many failed sign-ins from one address, whatever the usernames, within that many
# minutes pause signing in from that address (accounts.throttling.SignInAttempts).
SIGN_IN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("SIGN_IN_FAILURE_LIMIT_PER_ADDRESS", "30"))
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = SIGN_IN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=SIGN_IN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.throttling.SignInAttempts"
# Tries during a pause are refused without counting, so it ends when the page says it will.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in forgets earlier typos.
AXES_RESET_ON_SUCCESS = True
# The same address as the feedback rate limit: CLIENT_IP_HEADER behind a proxy.
AXES_CLIENT_IP_CALLABLE = "infopages.clients.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.locked_out_response"
AXES_HTTP_RESPONSE_CODE = 429
# No version banner on every management command (cron would mail it every five minutes).
AXES_VERBOSE = False

# Two-factor sign-in (accounts.two_factor): optional for everyone; with this on, members of the
# Publishers group must set it up before the workspace or the admin opens for them.
REQUIRE_TWO_FACTOR_FOR_PUBLISHERS = env_bool("REQUIRE_TWO_FACTOR_FOR_PUBLISHERS")
OTP_TOTP_ISSUER = "Cancer information"
# A signed-in person who has not used the workspace or the admin for this long is signed out
# on their next request there (accounts.middleware; 0: never).
STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "60"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
# The public chrome in the languages versions are published in (``infopages.languages``):
# ``locale/<code>/LC_MESSAGES/django.po``, compiled ``.mo`` files committed beside them.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Figures' pictures (infopages.images): files named by their content digest, never
# overwritten, served for a year as immutable. On this machine's disk by default (served by
# the portal at /figures/); in an S3-compatible object store when FIGURES_S3_BUCKET is set, so
# several app servers share them.
FIGURES_ROOT = Path(os.environ.get("FIGURES_ROOT") or BASE_DIR / "media" / "figures")
FIGURES_URL = "/figures/"
FIGURES_CACHE_CONTROL = "public, max-age=31536000, immutable"
FIGURES_S3_BUCKET = os.environ.get("FIGURES_S3_BUCKET", "")
FIGURES_S3_ENDPOINT_URL = os.environ.get("FIGURES_S3_ENDPOINT_URL", "")
FIGURES_S3_CUSTOM_DOMAIN = os.environ.get("FIGURES_S3_CUSTOM_DOMAIN", "")


def figures_storage(
    bucket: str, *, endpoint_url: str = "", custom_domain: str = "", region: str = ""
) -> dict:
    """The ``figures`` entry of STORAGES for an S3-compatible bucket (django-storages)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "custom_domain": custom_domain or None,
            "access_key": os.environ.get("FIGURES_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("FIGURES_S3_SECRET_ACCESS_KEY") or None,
            "querystring_auth": False,  # public pictures: plain, cacheable URLs
            "file_overwrite": False,
            "default_acl": None,
            "object_parameters": {"CacheControl": FIGURES_CACHE_CONTROL},
        },
    }


def figures_origin(*, bucket: str, endpoint_url: str, custom_domain: str, region: str) -> str:
    """Where readers' browsers fetch pictures from, for the CSP: "" when from the portal."""
    if not bucket:
        return ""
    if custom_domain:
        return f"https://{custom_domain.split('/')[0]}"
    if endpoint_url:
        scheme, _sep, rest = endpoint_url.partition("://")
        return f"{scheme}://{rest.split('/')[0]}"
    return f"https://{bucket}.s3.{region or 'us-east-1'}.amazonaws.com"


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "figures": (
        figures_storage(
            FIGURES_S3_BUCKET,
            endpoint_url=FIGURES_S3_ENDPOINT_URL,
            custom_domain=FIGURES_S3_CUSTOM_DOMAIN,
            region=os.environ.get("FIGURES_S3_REGION", ""),
        )
        if FIGURES_S3_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": FIGURES_ROOT, "base_url": FIGURES_URL},
        }
    ),
}
FIGURES_ORIGIN = figures_origin(
    bucket=FIGURES_S3_BUCKET,
    endpoint_url=FIGURES_S3_ENDPOINT_URL,
    custom_domain=FIGURES_S3_CUSTOM_DOMAIN,
    region=os.environ.get("FIGURES_S3_REGION", ""),
)
# Uploads larger than this, or with more pixels, are refused (decompression bombs included).
FIGURE_MAX_BYTES = int(os.environ.get("FIGURE_MAX_BYTES", str(10 * 1024 * 1024)))
FIGURE_MAX_PIXELS = int(os.environ.get("FIGURE_MAX_PIXELS", "40000000"))

# Plain-English scores shown to editors and reviewers: the reading age the team aims for.
READING_AGE_TARGET = int(os.environ.get("READING_AGE_TARGET", "11"))

# Forms larger than this are refused before they are read (a friendly 400 page). Large enough
# that an over-long section reaches its form and is refused there with the text kept.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# An uploaded picture is read into memory up to this size (it is checked whole anyway), and
# refused past FIGURE_MAX_BYTES with the rest of the form kept.
FILE_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reviews:dashboard"
LOGOUT_REDIRECT_URL = "infopages:home"

# Email: sent over SMTP when EMAIL_HOST is set; otherwise printed to the console in
# development (whole: no quoted-printable line breaks cutting links), and in production
# refused with an error and printed nowhere (portal.mail: a log must never hold a
# password-reset link). So `check --deploy` passes either way; an operator who wants email
# sets EMAIL_HOST.
EMAIL_HOST_NAME = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST_NAME:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST_NAME,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "portal.mail.ConsoleEmailBackend"}}
else:
    MAILERS = {"default": {"BACKEND": "portal.mail.NotConfiguredEmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "information-team@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Review reminders of pages that nobody looks after go to the team (reviews.schedule).
REVIEW_TEAM_EMAIL = os.environ.get("REVIEW_TEAM_EMAIL") or DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Markdown: the live preview in the editor goes through the same sanitising renderer as
# publication, so an editor never sees HTML that readers would not get.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "infopages.shared_blocks.render_for_editors"
MARKDOWNX_URLS_PATH = "/markdownx/markdownify/"
# Each render runs in a renderer process, killed past this many seconds of wall-clock time
# (infopages.render_pool): text that needs longer is refused on save and publication, and
# shown as plain text where it is already stored.
MARKDOWN_RENDER_SECONDS = float(os.environ.get("MARKDOWN_RENDER_SECONDS", "2"))

# Security headers. A strict CSP: every asset comes from the portal itself (pictures also from
# the figures' object store, when one is set).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # Pictures come from the portal, or from the figures' object store when there is one.
    "img-src": [CSP.SELF, "data:", *([FIGURES_ORIGIN] if FIGURES_ORIGIN else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One handler, on the root logger. Django's own default config gives its "django" logger a
# console handler of its own (with DEBUG on) and lets it propagate too, so each of its lines
# was printed twice: its handlers are emptied here and its lines reach the root's alone.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}
