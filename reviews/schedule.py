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


def topic_interval_tree() -> dict[int, tuple[int | None, int | None]]:
    """Every topic's (parent id, own interval), by id: one query (the tree is small)."""
    return {
        pk: (parent_id, months)
        for pk, parent_id, months in Topic.objects.order_by().values_list(
            "pk", "parent_id", "review_interval_months"
        )
    }


def review_intervals_for(pages) -> dict[int, int]:
    """``review_interval_for`` each page, by page id, in one query whatever their number."""
    tree = topic_interval_tree()
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


def interval_source(page: Page, tree: dict[int, tuple[int | None, int | None]]) -> int | None:
    """The id of the topic whose interval applies to ``page`` (None: its own, or the default).

    ``tree`` maps topic id to (parent id, months), as ``review_intervals_for`` reads it."""
    if page.review_interval_months is not None:
        return None
    topic_id, seen = page.topic_id, set()
    while topic_id is not None and topic_id not in seen:
        seen.add(topic_id)
        parent_id, months = tree.get(topic_id, (None, None))
        if months is not None:
            return topic_id
        topic_id = parent_id
    return None


# Reminders: before the due date, on it, and every week once it has passed.
REMINDER_DAYS_BEFORE = (7, 30, 90)
OVERDUE_REPEAT_DAYS = 7
ESCALATE_AFTER_DAYS = 30  # overdue by more than this: the publishers are told too
DUE = "due"


def reminder_due(due_on: dt.date, today: dt.date) -> str | None:
    """Which reminder of the review due on ``due_on`` belongs to ``today``, if any.

    "90_days" from 90 days before, "30_days" from 30, "7_days" from 7, "due" on the day and
    the week after it, then "overdue_1", "overdue_2"… each week. A run that missed a day
    sends the reminder of the stage it finds, once; earlier stages are not sent late.
    """
    days_left = (due_on - today).days
    if days_left > 0:
        return next((f"{d}_days" for d in REMINDER_DAYS_BEFORE if days_left <= d), None)
    weeks = -days_left // OVERDUE_REPEAT_DAYS
    return f"overdue_{weeks}" if weeks else DUE


def reminder_escalates(due_on: dt.date, today: dt.date) -> bool:
    return (today - due_on).days > ESCALATE_AFTER_DAYS


def due_status(next_review_on: dt.date | None, today: dt.date) -> tuple[str, str]:
    """("overdue" | "soon" | "later" | "not-live", words) for a review date, in words that
    do not rely on colour."""
    if next_review_on is None:
        return "not-live", "Not live"
    days = (next_review_on - today).days
    if days < 0:
        return "overdue", f"Overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "soon", "Due today"
    if days <= 30:
        return "soon", f"Due in {days} day{'s' if days != 1 else ''}"
    return "later", f"Due in {days} days"
