"""Listings stay bounded: the home page, topic pages, the sitemap and the feed cost the same
queries and about the same bytes with many pages as with few."""

import re

import pytest

from infopages.views import TOPIC_PAGE_SIZE

LISTINGS = ["/", "/topics/cancer-types/", "/topics/cancer-types/breast-cancer/", "/sitemap.xml"]


def publish_many(make_page, publish, first: int, last: int) -> None:
    for n in range(first, last):
        publish(make_page(slug=f"page-{n:03d}", title=f"Page {n:03d}", sections=[("A", "Text.")]))


@pytest.mark.parametrize("url", LISTINGS + ["/feeds/updated/", "/sitemap-pages.xml"])
def test_listings_need_the_same_queries_with_many_pages(
    client, make_page, publish, url, django_assert_max_num_queries
):
    publish_many(make_page, publish, 0, 3)
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).status_code == 200
    publish_many(make_page, publish, 3, 80)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", LISTINGS)
def test_listings_do_not_grow_with_pages(client, make_page, publish, url):
    publish_many(make_page, publish, 0, TOPIC_PAGE_SIZE + 1)
    size = len(client.get(url).content)
    publish_many(make_page, publish, TOPIC_PAGE_SIZE + 1, 3 * TOPIC_PAGE_SIZE)

    assert len(client.get(url).content) <= size + 200  # counts and page numbers grow, not lists


def test_topic_page_lists_its_pages_a_to_z_a_page_at_a_time(client, make_page, publish):
    publish_many(make_page, publish, 0, TOPIC_PAGE_SIZE + 3)
    url = "/topics/cancer-types/breast-cancer/"

    first, second = client.get(url).content.decode(), client.get(url, {"page": 2}).content.decode()

    titles = re.findall(r'<a href="/info/page-\d+/">(Page \d+)</a>', first)
    assert titles == [f"Page {n:03d}" for n in range(TOPIC_PAGE_SIZE)]
    assert re.findall(r'<a href="/info/page-\d+/">(Page \d+)</a>', second) == [
        f"Page {n:03d}" for n in range(TOPIC_PAGE_SIZE, TOPIC_PAGE_SIZE + 3)
    ]
    assert f"{TOPIC_PAGE_SIZE + 3} pages, A to Z: showing 1 to {TOPIC_PAGE_SIZE}." in first
    assert 'href="?page=2">More pages</a>' in first
    assert client.get(url, {"page": 3}).status_code == 404


def test_home_counts_pages_under_each_topic(client, make_page, publish):
    publish_many(make_page, publish, 0, 7)

    html = client.get("/").content.decode()

    assert '<p class="count">7 pages</p>' in html
    assert "(7 pages)" in html


def test_sitemap_pages_are_split_into_sitemaps_of_at_most_a_thousand(settings):
    from infopages.sitemaps import PageSitemap

    assert PageSitemap.limit == 1000


def test_feed_shows_the_latest_thirty(client, make_page, publish):
    publish_many(make_page, publish, 0, 35)

    xml = client.get("/feeds/updated/").content.decode()

    assert xml.count("<entry>") == 30
    assert "<title>Page 034</title>" in xml and "<title>Page 000</title>" not in xml
