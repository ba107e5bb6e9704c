"""Fixtures for the public site's tests (the shared ones live in tests/conftest.py)."""

import pytest
from django.core.cache import cache

from tests.infopages.content import publish_demo_pages


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered pages, the publication generation and rate-limit counters start afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_cache(settings):
    """Turn on the rendered-response cache (off by default without Redis)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    return settings


@pytest.fixture
def demo_site(editor):
    """The demo pages, all published: five pages in three topics, with related pages."""
    return publish_demo_pages(by=editor)
