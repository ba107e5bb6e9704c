"""How often a page is fully reviewed: its own interval, else the nearest topic's, else at
most 36 months; one rule read by the models, the workflow, its screens and the importer."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from infopages.review_intervals import (
    MAX_REVIEW_MONTHS,
    interval_for,
    interval_refusal,
    latest_next_review,
)


@pytest.fixture
def page(make_page):
    return make_page()


def test_a_page_without_intervals_anywhere_is_reviewed_every_36_months(page):
    assert (interval_for(page).months, interval_for(page).source) == (36, "default")


def test_the_page_own_interval_wins_over_its_topics(page):
    page.topic.review_interval_months = 12
    page.topic.save()
    page.review_interval_months = 6

    assert (interval_for(page).months, interval_for(page).source) == (6, "page")


def test_the_nearest_topic_up_the_tree_sets_the_interval(page):
    parent = page.topic.parent
    parent.review_interval_months = 24
    parent.save()

    interval = interval_for(page)

    assert (interval.months, interval.source, interval.topic_id) == (24, "topic", parent.pk)


def test_a_topic_nearer_the_page_wins_over_one_above_it(page):
    page.topic.parent.review_interval_months = 24
    page.topic.parent.save()
    page.topic.review_interval_months = 12
    page.topic.save()

    assert (interval_for(page).months, interval_for(page).topic_id) == (12, page.topic.pk)


def test_interval_for_reads_the_topic_tree_in_one_query(page, django_assert_num_queries):
    with django_assert_num_queries(1):
        interval_for(page)


@pytest.mark.parametrize("months", [None, 1, 12, 36])
def test_intervals_up_to_the_maximum_are_allowed(months):
    assert interval_refusal(months) is None


@pytest.mark.parametrize("months", [0, 37, 120])
def test_intervals_outside_one_to_36_months_are_refused_with_the_reason(months):
    assert interval_refusal(months) == (
        "Choose between 1 and 36 months: patient information is reviewed at least every 3 years."
    )


def test_a_page_saved_with_an_interval_over_the_maximum_fails_validation(page):
    page.review_interval_months = MAX_REVIEW_MONTHS + 1

    with pytest.raises(ValidationError, match="less than or equal to 36"):
        page.full_clean()


def test_the_latest_next_review_is_36_months_on_and_29_february_falls_back(db):
    assert latest_next_review(dt.date(2025, 3, 1)) == dt.date(2028, 3, 1)
    assert latest_next_review(dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)
