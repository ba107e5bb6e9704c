"""Shared fixtures and small factories. Arrange through services, as the product does."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches

from infopages.models import Page, Section, Topic
from infopages.publishing import content_from_working_copy, publish_content
from infopages.services import save_with_version


@pytest.fixture(autouse=True)
def fresh_caches():
    """Every test starts with empty caches: database ids and times repeat across tests."""
    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


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
            Page(
                slug=slug,
                title=title,
                summary=f"About {title.lower()}.",
                topic=topic,
                reviewed_on=dt.date(2026, 3, 1),
                next_review_on=dt.date(2029, 3, 1),
            ),
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


@pytest.fixture
def publish():
    def do(page, by=None):
        return publish_content(page=page, content=content_from_working_copy(page), by=by)

    return do
