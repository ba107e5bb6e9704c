"""Shared fixtures and small factories. Arrange through services, as the product does."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches

from infopages import caching, markdown
from infopages.models import Page, PublishedPage, Section, Topic
from infopages.publishing import ReviewRecord, content_from_working_copy, publish_content
from infopages.services import save_with_version


@pytest.fixture(autouse=True)
def fresh_caches():
    """Every test starts with empty caches: database ids and times repeat across tests (the
    log of changes too: this process must read it afresh)."""
    for cache in caches.all(initialized_only=True):
        cache.clear()
    caching.start_afresh()
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()
    caching.start_afresh()


@pytest.fixture
def make_user(db):
    def make(username="editor", **extra):
        return get_user_model().objects.create_user(
            username=username,
            password="a-long-test-password",
            email=f"{username}@example.org",
            **extra,
        )

    return make


@pytest.fixture
def editor(make_user):
    return make_user("editor", is_staff=True)


@pytest.fixture
def topic(db):
    parent = Topic.objects.create(name="Cancer types", slug="cancer-types")
    return Topic.objects.create(name="Breast cancer", slug="breast-cancer", parent=parent)


@pytest.fixture
def make_page(topic, editor):
    """A page with sections, saved through the versioning service."""

    def make(slug="secondary-breast-cancer", title="Secondary breast cancer", sections=None):
        page = save_with_version(
            Page(slug=slug, title=title, summary=f"About {title.lower()}.", topic=topic),
            by=editor,
            comment="Created",
        ).obj
        for position, (heading, body) in enumerate(
            sections or [("What is it?", "Cancer that has spread."), ("Symptoms", "Pain.")]
        ):
            save_with_version(
                Section(page=page, position=position, heading=heading, body=body),
                by=editor,
                comment="Created",
            )
        return page

    return make


REVIEWED_ON, NEXT_REVIEW_ON = dt.date(2026, 3, 1), dt.date(2029, 3, 1)


def imported_review(
    reviewed_on=REVIEWED_ON, next_review_on=NEXT_REVIEW_ON, reviewers=()
) -> ReviewRecord:
    """How a page reviewed before the portal (as the import publishes it) is dated."""
    return ReviewRecord(
        kind=PublishedPage.Kind.IMPORTED,
        reviewed_on=reviewed_on,
        next_review_on=next_review_on,
        reviewers=list(reviewers),
    )


@pytest.fixture
def publish():
    """Publish the working copy as it stands, as the import does (reviewed 1 March 2026)."""

    def do(page, by=None, **review):
        return publish_content(
            page=page,
            content=content_from_working_copy(page),
            review=imported_review(**review),
            by=by,
        )

    return do


@pytest.fixture
def render_budget(settings):
    """A short render budget (1 s), and no render remembered from another test."""
    settings.MARKDOWN_RENDER_SECONDS = 1.0
    markdown._recent.clear()
    yield settings
    markdown._recent.clear()
