"""The review schedule's dates: what follows from how often a page is reviewed, and reminders.

How often is one rule, in ``infopages.review_intervals`` (the page's own interval, else the
nearest topic's, else at most 36 months). A published full review sets "Date reviewed" to the
day it was published and "Next review" to that day plus the interval; nothing else moves them,
except a publisher bringing the next review forward.
"""

import datetime as dt

from infopages.models import Page
from infopages.review_intervals import add_months as add_months
from infopages.review_intervals import interval_for
from infopages.review_intervals import next_review_after as next_review_after


def review_interval_for(page: Page) -> int:
    """The page's own interval, else the nearest topic's up the tree, else 36 months."""
    return interval_for(page).months


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
