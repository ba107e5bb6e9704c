"""Invariant 1: no public route ever shows text that has not been signed off and published."""

import re

import pytest
from django.urls import reverse

from infopages.models import Page, Reference, Resource, Section, Topic
from infopages.services import save_with_version

DRAFT_SECTION = "zebracorn-draft-section-text"
DRAFT_TITLE = "Quagganite draft title"
DRAFT_SUMMARY = "Wobblefrost draft summary"
DRAFT_REFERENCE = "Snorkelbury draft reference"
DRAFT_RESOURCE = "Flumpington draft booklet"
NEVER_PUBLISHED = "Grizzlewhump never-published page"
NEVER_PUBLISHED_BODY = "Jibberwock unpublished body"
EMPTY_TOPIC = "Mumbleshire empty topic"
MARKERS = [
    DRAFT_SECTION,
    DRAFT_TITLE,
    DRAFT_SUMMARY,
    DRAFT_REFERENCE,
    DRAFT_RESOURCE,
    NEVER_PUBLISHED,
    NEVER_PUBLISHED_BODY,
    EMPTY_TOPIC,
]


@pytest.fixture
def site_with_drafts(make_page, publish, editor, topic):
    """A live page with draft edits to everything, a never-published page and an empty topic."""
    page = make_page()
    publish(page)
    section = Section.objects.get(page=page, anchor="what-is-it")
    section.body = f"Changed: {DRAFT_SECTION}"
    save_with_version(
        section, by=editor, comment="Draft", expected_lock_version=section.lock_version
    )
    save_with_version(
        Section(page=page, position=9, heading="New draft heading", body=DRAFT_SECTION),
        by=editor,
        comment="Draft",
    )
    save_with_version(Reference(page=page, citation=DRAFT_REFERENCE), by=editor, comment="Draft")
    save_with_version(
        Resource(page=page, title=DRAFT_RESOURCE, url="https://example.org/b"),
        by=editor,
        comment="Draft",
    )
    page.title, page.summary = DRAFT_TITLE, DRAFT_SUMMARY
    save_with_version(page, by=editor, comment="Draft", expected_lock_version=page.lock_version)

    hidden = make_page(
        slug="never-published", title=NEVER_PUBLISHED, sections=[("Heading", NEVER_PUBLISHED_BODY)]
    )
    page.related_pages.add(hidden)
    Topic.objects.create(name=EMPTY_TOPIC, slug="empty-topic", parent=topic)
    return Page.objects.get(pk=page.pk)


def public_urls(page: Page) -> list[str]:
    slug = page.slug
    # Search for the first word only: the results page repeats the query back to the reader.
    searches = [f"/search/?q={re.split(r'[\s-]', marker)[0]}" for marker in MARKERS]
    return [
        "/",
        "/topics/cancer-types/",
        "/topics/cancer-types/breast-cancer/",
        "/topics/cancer-types/breast-cancer/empty-topic/",
        f"/info/{slug}/",
        f"/info/{slug}/print/",
        f"/info/{slug}/feedback/?helpful=yes",
        "/info/never-published/",
        "/info/never-published/print/",
        "/info/never-published/feedback/",
        *searches,
        "/search/?q=draft",
        "/search/?q=changed",
        "/sitemap.xml",
        "/robots.txt",
        reverse("infopages:feed"),
        "/api/pages/",
        f"/api/pages/{slug}/",
        "/api/pages/never-published/",
    ]


def test_no_public_route_shows_draft_text(client, site_with_drafts):
    for url in public_urls(site_with_drafts):
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        body = response.content.decode()
        for marker in MARKERS:
            assert marker not in body, f"{marker!r} leaked on {url}"
    # ...while the signed-off text is still there.
    assert b"Cancer that has spread." in client.get(f"/info/{site_with_drafts.slug}/").content


def test_no_public_route_shows_draft_text_when_served_from_the_cache(
    client, site_with_drafts, page_cache
):
    urls = public_urls(site_with_drafts)
    for url in urls:
        client.get(url)
    for url in urls:
        body = client.get(url).content.decode()
        assert not [marker for marker in MARKERS if marker in body], url


def test_search_for_draft_words_finds_nothing(client, site_with_drafts):
    response = client.get("/search/", {"q": "zebracorn"})

    assert "We could not find any pages" in response.content.decode()
