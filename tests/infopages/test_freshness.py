"""The freshness bound of cached public responses (``infopages.caching``).

A worker serves what it rendered (or what the shared cache holds) without a query, and reads
the log of changes to the read model again at most every ``PUBLIC_FRESHNESS_SECONDS``.
Changes made by *another* process (another worker, another app server) are simulated here by
writing the read model and a row of the log without this process's signals; the clock is
moved with time-machine, never slept.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from infopages import caching
from infopages.models import PublicChange, PublicWording, PublishedPage
from portal import settings as production

BOUND = 1.0
START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def process_memory(settings):
    """The production settings' per-process memory, and a bound of one second."""
    settings.PUBLIC_PAGE_MEMORY_BYTES = production.PUBLIC_PAGE_MEMORY_BYTES
    settings.PUBLIC_FRESHNESS_SECONDS = BOUND
    caching.start_afresh()
    caching.process_page_cache().clear()
    yield
    if caching.process_page_cache() is not None:
        caching.process_page_cache().clear()
    caching.start_afresh()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def live_page(make_page, publish):
    page = make_page()
    publish(page)
    return page


def elsewhere(change, tags) -> None:
    """Make a change to the read model as another process would: in the database, with a row
    in the log naming what changed, but without telling this process."""
    change()
    PublicChange.objects.create(at=timezone.now(), tags=" ".join(tags))


def take_down_elsewhere(page) -> None:
    live = PublishedPage.objects.get(page=page, is_current=True)
    elsewhere(
        lambda: PublishedPage.objects.filter(pk=live.pk).update(
            is_current=False, superseded_at=timezone.now()
        ),
        [caching.page_tag(page.pk), caching.LISTING, *caching.topic_tags(live.topic_path)],
    )


@pytest.mark.parametrize("path", ["/info/secondary-breast-cancer/", "/api/pages/", "/"])
def test_a_take_down_elsewhere_reaches_this_worker_within_the_bound(client, live_page, clock, path):
    assert b"Secondary breast cancer" in client.get(path).content

    take_down_elsewhere(live_page)
    clock.shift(BOUND * 0.9)
    within = client.get(path)
    clock.shift(BOUND * 0.2)
    after = client.get(path)

    assert b"Secondary breast cancer" in within.content  # allowed: inside the bound
    assert b"Secondary breast cancer" not in after.content
    if path.startswith("/info/"):
        assert after.status_code == 404


def test_a_take_down_reaches_the_shared_cache_within_the_bound(
    client, live_page, clock, page_cache
):
    page_cache.PUBLIC_PAGE_MEMORY_BYTES = 0  # the shared (Redis) cache alone
    url = live_page.get_absolute_url()
    assert client.get(url).status_code == 200

    take_down_elsewhere(live_page)
    clock.shift(BOUND + 0.01)

    assert client.get(url).status_code == 404


def test_a_conditional_request_sees_the_take_down_within_the_bound(client, live_page, clock):
    url = live_page.get_absolute_url()
    etag = client.get(url)["ETag"]

    take_down_elsewhere(live_page)
    clock.shift(BOUND + 0.01)

    assert client.get(url, headers={"if-none-match": etag}).status_code == 404


def test_new_wording_of_the_review_notice_elsewhere_reaches_readers_within_the_bound(
    client, make_page, publish, clock
):
    page = make_page()
    publish(page, next_review_on=dt.date(2026, 5, 1))  # overdue: the notice shows
    url = page.get_absolute_url()
    assert b"currently being reviewed" in client.get(url).content

    elsewhere(
        lambda: PublicWording.objects.update_or_create(
            key=PublicWording.Key.REVIEW_NOTICE, defaults={"text": "We are checking this page."}
        ),
        [caching.EVERYTHING],
    )
    clock.shift(BOUND + 0.01)

    assert b"We are checking this page." in client.get(url).content


def test_this_worker_sees_its_own_changes_at_once(client, live_page, clock):
    from infopages.publishing import retire_current

    url = live_page.get_absolute_url()
    assert client.get(url).status_code == 200

    retire_current(page=live_page)

    assert client.get(url).status_code == 404


def test_a_cached_response_costs_no_query_within_the_bound_and_one_after(
    client, live_page, clock, django_assert_num_queries
):
    url = live_page.get_absolute_url()
    client.get(url)

    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    clock.shift(BOUND + 0.01)
    with django_assert_num_queries(1):  # the log, read again
        assert client.get(url).status_code == 200


def test_the_bound_is_a_setting_of_one_second():
    assert production.PUBLIC_FRESHNESS_SECONDS == 1.0
