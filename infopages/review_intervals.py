"""How often a page is fully reviewed: the one statement of the rule.

A page is fully reviewed at least every ``MAX_REVIEW_MONTHS`` (36, the PIF TICK standard); a
topic may ask for less (e.g. 12 months for fast-moving treatment pages), and a page may
override its topic. So: the page's own interval, else the nearest topic's up the tree, else
the maximum. Models (validators, constraints), the workflow's services, its screens and the
importer all read it here.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator

from infopages import topics

MIN_REVIEW_MONTHS = 1
MAX_REVIEW_MONTHS = 36  # patient information is reviewed at least every three years
MAX_REVIEW_YEARS_WORDS = f"{MAX_REVIEW_MONTHS // 12} years"  # as people say it

# The topic tree as the rule reads it: topic id -> (parent id, its own interval or None).
TopicIntervals = dict[int, tuple[int | None, int | None]]


def interval_validators() -> list:
    """For the models' fields: between the minimum and the maximum."""
    return [MinValueValidator(MIN_REVIEW_MONTHS), MaxValueValidator(MAX_REVIEW_MONTHS)]


def interval_refusal(months: int | None) -> str | None:
    """Why ``months`` cannot be a page's or topic's interval (None: it can; so can None,
    which means "as the topic above")."""
    if months is None or MIN_REVIEW_MONTHS <= months <= MAX_REVIEW_MONTHS:
        return None
    return (
        f"Choose between {MIN_REVIEW_MONTHS} and {MAX_REVIEW_MONTHS} months: patient "
        f"information is reviewed at least every {MAX_REVIEW_YEARS_WORDS}."
    )


@dataclass(frozen=True)
class Interval:
    """How often a page is fully reviewed, and where that comes from."""

    months: int
    source: str  # "page", "topic" or "default"
    topic_id: int | None = None  # the topic whose interval applies, for "topic"


def interval_from(own_months: int | None, topic_id: int | None, tree: TopicIntervals) -> Interval:
    """THE rule: the page's own interval, else the nearest topic's, else the maximum."""
    if own_months is not None:
        return Interval(_bounded(own_months), "page")
    parent_of = {pk: parent_id for pk, (parent_id, _months) in tree.items()}
    for nearest in topics.ancestors(topic_id, parent_of):
        months = tree[nearest][1]
        if months is not None:
            return Interval(_bounded(months), "topic", nearest)
    return Interval(MAX_REVIEW_MONTHS, "default")


def _bounded(months: int) -> int:
    """An interval outside the allowed range (the database refuses one over the maximum)
    counts as the maximum."""
    return months if MIN_REVIEW_MONTHS <= months <= MAX_REVIEW_MONTHS else MAX_REVIEW_MONTHS


def topic_intervals() -> TopicIntervals:
    """Every topic's (parent id, own interval), by id: one query (the tree is small)."""
    # Looked up by name: the models read this module's constants, so it cannot import them.
    topic = apps.get_model("infopages", "Topic")
    return {
        pk: (parent_id, months)
        for pk, parent_id, months in topic.objects.order_by().values_list(
            "pk", "parent_id", "review_interval_months"
        )
    }


def interval_for(page) -> Interval:
    """The interval in force for ``page``. One query."""
    return interval_from(page.review_interval_months, page.topic_id, topic_intervals())


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def latest_next_review(reviewed_on: dt.date) -> dt.date:
    """The latest a page reviewed on ``reviewed_on`` may be due again, whatever its interval."""
    return add_months(reviewed_on, MAX_REVIEW_MONTHS)


def next_review_after(reviewed_on: dt.date, page) -> dt.date:
    """When a page fully reviewed on ``reviewed_on`` is next due: that day plus its interval."""
    return add_months(reviewed_on, interval_for(page).months)
