"""HTTP caching of public pages: validators, 304s, Cache-Control and the rendered-page cache."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from infopages.models import Section
from infopages.publishing import retire_current
from infopages.services import save_with_version


@pytest.fixture
def live_page(make_page, publish):
    page = make_page()
    publish(page)
    return page


def republish_with_change(page, publish, editor, text="Updated after review."):
    section = page.sections.get(anchor="what-is-it")
    section.body = text
    save_with_version(section, by=editor, comment="Edit")
    return publish(page)


def test_page_sends_validators_and_cache_control(client, live_page):
    response = client.get(live_page.get_absolute_url())

    publication = live_page.publications.get(is_current=True)
    assert response["ETag"] == publication.etag
    assert response["Last-Modified"]
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=60, stale-if-error=300"


def test_matching_etag_gets_304_without_a_body(client, live_page, django_assert_max_num_queries):
    etag = client.get(live_page.get_absolute_url())["ETag"]

    with django_assert_max_num_queries(2):
        response = client.get(live_page.get_absolute_url(), headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "public" in response["Cache-Control"]


def test_matching_last_modified_gets_304(client, live_page):
    last_modified = client.get(live_page.get_absolute_url())["Last-Modified"]

    response = client.get(
        live_page.get_absolute_url(), headers={"if-modified-since": last_modified}
    )

    assert response.status_code == 304


def test_publishing_changes_the_validators(client, live_page, publish, editor):
    before = client.get(live_page.get_absolute_url())

    republish_with_change(live_page, publish, editor)
    response = client.get(live_page.get_absolute_url(), headers={"if-none-match": before["ETag"]})

    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert b"Updated after review." in response.content


def test_publishing_a_related_page_changes_the_validators(client, make_page, publish):
    scan = make_page(slug="bone-scan", title="Bone scan")
    publish(scan)
    page = make_page()
    page.related_pages.add(scan)
    publish(page)
    before = client.get(page.get_absolute_url())["ETag"]

    retire_current(page=scan)
    response = client.get(page.get_absolute_url(), headers={"if-none-match": before})

    assert response.status_code == 200
    assert b"/info/bone-scan/" not in response.content


def test_review_notice_day_changes_the_validators(client, live_page, monkeypatch):
    before = client.get(live_page.get_absolute_url())["ETag"]
    after_next_review = dt.date(2029, 3, 2)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: after_next_review)

    response = client.get(live_page.get_absolute_url(), headers={"if-none-match": before})

    assert response.status_code == 200
    assert b"currently being reviewed" in response.content


def test_printable_view_and_api_answer_conditional_requests(client, live_page):
    for url in [
        reverse("infopages:page_print", args=[live_page.slug]),
        reverse("infopages:api_page", args=[live_page.slug]),
    ]:
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304, url


def test_cached_page_needs_no_queries(
    client, live_page, page_cache, django_assert_max_num_queries, django_assert_num_queries
):
    with django_assert_max_num_queries(4):
        first = client.get(live_page.get_absolute_url())

    with django_assert_num_queries(0):
        second = client.get(live_page.get_absolute_url())

    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_cached_page_answers_conditional_requests_without_queries(
    client, live_page, page_cache, django_assert_num_queries
):
    etag = client.get(live_page.get_absolute_url())["ETag"]

    with django_assert_num_queries(0):
        response = client.get(live_page.get_absolute_url(), headers={"if-none-match": etag})

    assert response.status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/topics/cancer-types/",
        "/sitemap.xml",
        "/api/pages/",
        "/info/x/print/",
        "/feeds/updated/",
    ],
)
def test_other_public_routes_are_served_from_the_cache(
    client, make_page, publish, page_cache, django_assert_num_queries, url
):
    publish(make_page(slug="x", title="X"))
    assert client.get(url).status_code == 200

    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_publishing_refreshes_the_cached_page_at_once(
    client, live_page, publish, editor, page_cache
):
    client.get(live_page.get_absolute_url())  # now cached

    republish_with_change(live_page, publish, editor)

    assert b"Updated after review." in client.get(live_page.get_absolute_url()).content


def test_withdrawing_a_page_removes_it_from_the_cache_at_once(client, live_page, page_cache):
    client.get(live_page.get_absolute_url())
    client.get("/")

    retire_current(page=live_page)

    assert client.get(live_page.get_absolute_url()).status_code == 404
    assert live_page.title.encode() not in client.get("/").content


def test_draft_edits_do_not_touch_the_cached_page(
    client, live_page, editor, page_cache, django_assert_num_queries
):
    client.get(live_page.get_absolute_url())
    section = Section.objects.get(page=live_page, anchor="what-is-it")
    section.body = "DRAFT"
    save_with_version(section, by=editor, comment="Draft")

    with django_assert_num_queries(0):
        response = client.get(live_page.get_absolute_url())
    assert b"DRAFT" not in response.content


def test_not_found_is_not_cached(client, make_page, publish, page_cache):
    page = make_page()
    assert client.get(page.get_absolute_url()).status_code == 404

    publish(page)

    assert client.get(page.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "url", ["/", "/topics/cancer-types/", "/search/?q=secondary", "/sitemap.xml", "/feeds/updated/"]
)
def test_unchanged_lists_get_304_on_revalidation(client, live_page, url):
    etag = client.get(url)["ETag"]

    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
