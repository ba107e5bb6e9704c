"""Settings for the test suite: the real settings, with a throwaway key and fast hashing."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "insecure-key-for-the-test-suite-only")

from portal.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
# The suite flushes the database after each transactional or live-server test, audit log
# included (reviews' flush command lifts the log's triggers for that flush only).
AUDIT_LOG_FLUSH_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Plain storage: the manifest storage 404s on hashed names under live_server.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # A folder of the run's own (names are digests, so tests sharing it cannot collide).
    "figures": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": tempfile.mkdtemp(prefix="portal-test-figures-"),
            "base_url": FIGURES_URL,  # noqa: F405
        },
    },
}
# Local memory, as without Redis; the per-process page memory stays on, as in production
# (PUBLIC_PAGE_MEMORY_MB).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off, as without Redis, whatever the environment says (tests turn it on: the page_cache fixture).
PUBLIC_PAGE_CACHE_SECONDS = 0
# Serve static files straight from the app folders (no collectstatic needed to run tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# django-axes logs each failed sign-in at WARNING: the throttling tests fail dozens on purpose.
LOGGING = {
    **LOGGING,  # noqa: F405
    "loggers": {**LOGGING["loggers"], "axes": {"level": "ERROR"}},  # noqa: F405
}
