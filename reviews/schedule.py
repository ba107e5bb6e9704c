"""The review schedule's rules: how often a page is fully reviewed, and the dates that follow.

A page is fully reviewed at least every 36 months (the PIF TICK standard); a topic may ask for
less (e.g. 12 months for fast-moving treatment pages) and a page may override its topic. A
published full review sets "Date reviewed" to the day it was published and "Next review" to
that day plus the interval; nothing else moves them, except a publisher bringing the next
review forward.
"""

import calendar
import datetime as dt

from infopages.models import DEFAULT_REVIEW_INTERVAL_MONTHS, Page, Topic


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def review_interval_for(page: Page) -> int:
    """The page's own interval, else the nearest topic's up the tree, else 36 months."""
    return review_intervals_for([page])[page.pk]


def review_intervals_for(pages) -> dict[int, int]:
    """``review_interval_for`` each page, by page id, in one query whatever their number."""
    tree = dict(
        (pk, (parent_id, months))
        for pk, parent_id, months in Topic.objects.values_list(
            "pk", "parent_id", "review_interval_months"
        )
    )
    intervals = {}
    for page in pages:
        months, topic_id, seen = page.review_interval_months, page.topic_id, set()
        while months is None and topic_id is not None and topic_id not in seen:
            seen.add(topic_id)
            topic_id, months = tree.get(topic_id, (None, None))
        intervals[page.pk] = months or DEFAULT_REVIEW_INTERVAL_MONTHS
    return intervals


def next_review_after(reviewed_on: dt.date, page: Page) -> dt.date:
    return add_months(reviewed_on, review_interval_for(page))
