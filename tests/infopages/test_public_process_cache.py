"""Each worker's own memory of rendered pages (``caching.PageMemory``).

Nothing tells a worker that something was published: every request reads the validators
from the database and is served from memory only while they still match. These tests change
the read model without touching that memory, as another process would, and check that what
is served changes at once, with a plain GET and with a conditional one.
"""

import datetime as dt

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from infopages import caching
from infopages.models import Page, Reference, Section
from infopages.publishing import retire_current
from infopages.services import save_with_version
from portal import settings as production

# Each public view of a page, and the function that builds its body (forbidden on a hit).
VIEWS = {
    "page": ("infopages:page", "infopages.page_bodies.compose"),
    "print": ("infopages:page_print", "infopages.views.render"),
    "api": ("infopages:api_page", "infopages.api._json"),
}


@pytest.fixture(autouse=True)
def process_memory(settings):
    """The per-process cache on, as the production settings configure it (the test settings
    leave it out), and the shared rendered-page cache off."""
    settings.PUBLIC_PAGE_MEMORY_BYTES = production.PUBLIC_PAGE_MEMORY_BYTES
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    store = caching.process_page_cache()
    store.clear()
    yield store
    store.clear()


@pytest.fixture(params=VIEWS)
def view(request):
    return VIEWS[request.param]


@pytest.fixture(params=["plain", "conditional"])
def revalidating(request):
    """A reader who has the page already (conditional GET with its ETag) or one who has not."""
    return request.param == "conditional"


@pytest.fixture
def live_page(make_page, publish):
    page = make_page()
    publish(page)
    return page


def get(client, view, slug, etag=None):
    headers = {"if-none-match": etag} if etag else {}
    return client.get(reverse(view[0], args=[slug]), headers=headers)


def forbid(monkeypatch, target: str) -> None:
    def fail(*args, **kwargs):
        raise AssertionError(f"{target} called: the response was built again")

    monkeypatch.setattr(target, fail)


def test_page_built_once_is_served_from_memory_after_the_validator_queries(
    client, live_page, view, monkeypatch, django_assert_max_num_queries
):
    first = get(client, view, live_page.slug)
    forbid(monkeypatch, view[1])

    with django_assert_max_num_queries(2):
        second = get(client, view, live_page.slug)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    assert second["Cache-Control"] == first["Cache-Control"]


def test_conditional_request_costs_the_validator_queries_only(
    client, live_page, view, monkeypatch, django_assert_max_num_queries
):
    etag = get(client, view, live_page.slug)["ETag"]
    forbid(monkeypatch, view[1])

    with django_assert_max_num_queries(2):
        response = get(client, view, live_page.slug, etag)

    assert response.status_code == 304


def test_publication_changes_what_memory_serves_at_once(
    client, live_page, publish, editor, view, revalidating
):
    before = get(client, view, live_page.slug)
    section = Section.objects.get(page=live_page, anchor="what-is-it")
    section.body = "Updated after review."
    save_with_version(section, by=editor, comment="Edit")
    publish(live_page)

    response = get(client, view, live_page.slug, before["ETag"] if revalidating else None)

    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert b"Updated after review." in response.content
    assert b"Cancer that has spread." not in response.content


def test_related_page_change_reaches_the_page_from_memory_at_once(
    client, make_page, publish, editor, view, revalidating
):
    scan = make_page(slug="bone-scan", title="Bone scan")
    publish(scan)
    page = make_page()
    page.related_pages.add(scan)
    publish(page)
    linked = get(client, view, page.slug)
    assert b"Bone scan" in linked.content

    retire_current(page=scan)
    withdrawn = get(client, view, page.slug, linked["ETag"] if revalidating else None)

    assert withdrawn.status_code == 200
    assert b"/info/bone-scan/" not in withdrawn.content

    scan.title = "Bone scans explained"
    save_with_version(scan, by=editor, comment="Retitled", expected_lock_version=scan.lock_version)
    publish(scan)
    back = get(client, view, page.slug, withdrawn["ETag"] if revalidating else None)

    assert back.status_code == 200
    assert b"Bone scans explained" in back.content


def shows_review_notice(response) -> bool:
    if response["Content-Type"] == "application/json":
        return response.json()["review_overdue"]
    return b"currently being reviewed" in response.content


def test_review_notice_day_changes_what_memory_serves(
    client, live_page, monkeypatch, view, revalidating
):
    before = get(client, view, live_page.slug)
    assert not shows_review_notice(before)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2029, 3, 2))

    response = get(client, view, live_page.slug, before["ETag"] if revalidating else None)

    assert response.status_code == 200
    assert shows_review_notice(response)


def test_withdrawn_page_is_not_served_from_memory(client, live_page, view, revalidating):
    before = get(client, view, live_page.slug)

    retire_current(page=live_page)

    response = get(client, view, live_page.slug, before["ETag"] if revalidating else None)
    assert response.status_code == 404
    assert b"Cancer that has spread." not in response.content


def test_draft_edits_never_reach_a_page_served_from_memory(
    client, live_page, editor, view, revalidating, process_memory
):
    before = get(client, view, live_page.slug)
    section = Section.objects.get(page=live_page, anchor="what-is-it")
    section.body = "DRAFT SECTION TEXT"
    save_with_version(section, by=editor, comment="Draft")
    save_with_version(
        Reference(page=live_page, citation="DRAFT REFERENCE"), by=editor, comment="Draft"
    )
    page = Page.objects.get(pk=live_page.pk)
    page.title = "DRAFT TITLE"
    save_with_version(page, by=editor, comment="Draft", expected_lock_version=page.lock_version)

    from_memory = get(client, view, live_page.slug, before["ETag"] if revalidating else None)
    process_memory.clear()
    built_again = get(client, view, live_page.slug)

    assert from_memory.status_code == (304 if revalidating else 200)
    assert built_again.status_code == 200
    assert b"DRAFT" not in from_memory.content and b"DRAFT" not in built_again.content
    assert b"Cancer that has spread." in built_again.content


def test_pages_render_on_every_request_without_the_process_cache(
    client, live_page, settings, django_assert_max_num_queries
):
    settings.PUBLIC_PAGE_MEMORY_BYTES = 0
    assert caching.process_page_cache() is None

    for _ in range(2):
        with django_assert_max_num_queries(4):
            response = client.get(live_page.get_absolute_url())
        assert response.status_code == 200
        assert b"Cancer that has spread." in response.content


def test_memory_of_rendered_pages_is_bounded_in_bytes_and_holds_a_whole_site():
    """64 MB a worker by default: 2,000 pages of 30 kB, least recently used out first."""
    assert production.PUBLIC_PAGE_MEMORY_BYTES == 64 * 1024 * 1024
    memory = caching.PageMemory(max_bytes=400_000)
    kept = [caching.keep(HttpResponse(b"x" * 20_000), frozenset({"listing"}), 0) for _ in range(30)]
    for n, one in enumerate(kept):
        memory.put(f"page-{n}", one)

    assert 300_000 < memory.bytes <= 400_000 and 10 < len(memory) < 30
    assert memory.get("page-0") is None and memory.get("page-29") is kept[29]
