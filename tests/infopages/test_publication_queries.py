"""Which snapshot readers could see at a moment, and a page's last publication: one query
each, shared by the public history, the dated public page and the workspace."""

import datetime as dt

import pytest
from django.utils import timezone

from infopages.models import PublishedPage
from infopages.publishing import content_from_working_copy, publish_content, retire_current
from tests.conftest import imported_review

FIRST = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))
SECOND = timezone.make_aware(dt.datetime(2026, 4, 1, 9, 0))
THIRD = timezone.make_aware(dt.datetime(2026, 5, 1, 9, 0))
A_MOMENT = dt.timedelta(microseconds=1)


@pytest.fixture
def two_publications(make_page):
    """The page published at FIRST, then again at SECOND (which replaced the first)."""
    page = make_page()
    published = [
        publish_content(
            page=page, content=content_from_working_copy(page), review=imported_review(), at=at
        )
        for at in (FIRST, SECOND)
    ]
    return page, published


def live_at(page, moment):
    return list(PublishedPage.objects.filter(page=page).live_at(moment))


def test_nothing_is_live_before_the_first_publication(two_publications):
    page, _ = two_publications

    assert live_at(page, FIRST - A_MOMENT) == []


def test_a_publication_is_live_from_its_exact_moment(two_publications):
    page, (first, _second) = two_publications

    assert live_at(page, FIRST) == [first]


def test_the_replaced_publication_is_live_until_just_before_its_successor(two_publications):
    page, (first, _second) = two_publications

    assert live_at(page, SECOND - A_MOMENT) == [first]


def test_at_the_successor_moment_only_the_successor_is_live(two_publications):
    page, (_first, second) = two_publications

    assert live_at(page, SECOND) == [second]


def test_live_during_a_span_includes_what_was_live_at_its_start_and_what_came_in_it(
    two_publications,
):
    page, (first, second) = two_publications
    span = PublishedPage.objects.filter(page=page).live_during(
        SECOND - dt.timedelta(hours=1), SECOND + dt.timedelta(hours=1)
    )

    assert set(span) == {first, second}


def test_live_during_excludes_one_published_at_the_span_end(two_publications):
    page, (first, _second) = two_publications
    span = PublishedPage.objects.filter(page=page).live_during(FIRST, SECOND)

    assert list(span) == [first]


def test_a_taken_down_page_is_not_live_after_it_was_taken_down(two_publications, editor):
    page, _ = two_publications
    retire_current(page=page, by=editor, at=THIRD)

    assert live_at(page, THIRD) == []


def test_the_last_publication_is_the_newest_even_once_taken_down(
    two_publications, editor, django_assert_num_queries
):
    page, (_first, second) = two_publications
    retire_current(page=page, by=editor, at=THIRD)

    with django_assert_num_queries(1):
        last = PublishedPage.objects.last_for(page)

    assert last == second


def test_a_page_never_published_has_no_last_publication(make_page):
    assert PublishedPage.objects.last_for(make_page()) is None
