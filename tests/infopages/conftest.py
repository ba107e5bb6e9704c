"""Fixtures for the public site's tests (the shared ones live in tests/conftest.py)."""

import os
import socket

import pytest
from django.core.cache import cache

from tests.infopages.content import publish_demo_pages


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered pages, the publication generation and rate-limit counters start afresh."""
    cache.clear()
    yield
    cache.clear()


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """Turn on the rendered-response cache (off by default without Redis), in local memory
    and in a real Redis, the production backend, when one answers on 127.0.0.1:6379."""
    if request.param == "redis":
        if not _redis_answers():
            pytest.skip("no Redis server on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
                "KEY_PREFIX": f"portal-test-{os.getpid()}",
            }
        }
        cache.clear()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    yield settings
    cache.clear()


@pytest.fixture
def demo_site(editor):
    """The demo pages, all published: five pages in three topics, with related pages."""
    return publish_demo_pages(by=editor)
