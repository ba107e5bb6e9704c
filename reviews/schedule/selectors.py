"""Reads of one page's review schedule, and of the pages an editor looks after.

Each is a fixed number of queries, however many sections, sign-offs or pages there are, so
any screen (the schedule screen, the history, the change page) can show them.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from infopages.models import Page, PublishedPage, Topic
from infopages.review_intervals import add_months, interval_for
from reviews.core.models import ChangeRequest
from reviews.core.selectors import RoleSignOff, sections_signed_off_by_role
from reviews.evidence.flags import open_flag_count, open_flags_by_page
from reviews.schedule.dates import due_status
from reviews.schedule.models import ReviewReminder

State = ChangeRequest.State


@dataclass(frozen=True)
class IntervalInForce:
    """How often a page is fully reviewed, and where that comes from."""

    months: int
    source: str  # "page", "topic" or "default"
    topic: str = ""

    def __str__(self) -> str:
        where = {
            "page": "set for this page",
            "topic": f"set for the topic “{self.topic}”",
            "default": "the standard: at least every three years",
        }[self.source]
        return f"Every {self.months} months ({where})"


def interval_in_force(page: Page) -> IntervalInForce:
    """The interval ``infopages.review_intervals`` says, with the topic's name when a topic
    sets it. Two queries."""
    interval = interval_for(page)
    if interval.source != "topic":
        return IntervalInForce(interval.months, interval.source)
    name = Topic.objects.values_list("name", flat=True).get(pk=interval.topic_id)
    return IntervalInForce(interval.months, "topic", name)


@dataclass(frozen=True)
class SectionSchedule:
    pk: int
    heading: str
    anchor: str
    sign_offs: list[RoleSignOff]  # the last in each role; none if never signed off here


@dataclass(frozen=True)
class PageSchedule:
    """Everything the schedule screen shows of one page."""

    page: Page
    current: PublishedPage | None
    interval: IntervalInForce
    open_change: ChangeRequest | None
    sections: list[SectionSchedule]
    reminders: list[ReviewReminder]

    @property
    def is_live(self) -> bool:
        return self.current is not None

    @property
    def next_review_on(self) -> dt.date | None:
        return self.current.next_review_on if self.current else None

    @property
    def reviewed_on(self) -> dt.date | None:
        return self.current.reviewed_on if self.current else None

    @property
    def latest_allowed_on(self) -> dt.date | None:
        """The latest day the next review may be set to: the interval after the last one."""
        if self.current is None or self.current.reviewed_on is None:
            return None
        return add_months(self.current.reviewed_on, self.interval.months)


def page_schedule(page: Page) -> PageSchedule:
    current = (
        PublishedPage.objects.filter(page=page, is_current=True)
        .only("pk", "page_id", "reviewed_on", "next_review_on", "kind", "published_at", "slug")
        .first()
    )
    signed = sections_signed_off_by_role(page=page)
    sections = [
        SectionSchedule(
            pk=section.pk,
            heading=section.heading,
            anchor=section.anchor,
            sign_offs=signed.get(section.pk, []),
        )
        for section in page.sections.order_by("position", "id").only("pk", "heading", "anchor")
    ]
    return PageSchedule(
        page=page,
        current=current,
        interval=interval_in_force(page),
        open_change=ChangeRequest.objects.filter(
            page=page, state__in=ChangeRequest.OPEN_STATES
        ).first(),
        sections=sections,
        reminders=list(page.review_reminders.order_by("-sent_on", "-id")[:5]),
    )


def pages_looked_after(*, owner, limit: int = 10) -> tuple[list[Page], int]:
    """The pages ``owner`` looks after: those needing review because a source they cite
    changed first, then the next review due first (overdue ones at the top, pages not live
    last), each with ``next_review_on``, ``reviewed_on``, ``due`` (``due_status``), its
    open change (``open_change_id``, ``open_change_state``, ``open_change_full``) and its
    open review flags (``flags``); and how many in all. At most three queries."""
    pages = _with_schedule(Page.objects.filter(owner=owner)).annotate(open_flags=open_flag_count())
    ordered = list(
        pages.order_by(
            F("open_flags").desc(), F("next_review_on").asc(nulls_last=True), "title", "pk"
        )[:limit]
    )
    today = timezone.localdate()
    flagged = open_flags_by_page(p.pk for p in ordered if p.open_flags)
    for page in ordered:
        page.due = due_status(page.next_review_on, today)
        page.flags = flagged.get(page.pk, [])
    return ordered, len(ordered) if len(ordered) < limit else pages.count()


def _with_schedule(pages: QuerySet[Page]) -> QuerySet[Page]:
    current = PublishedPage.objects.filter(page=OuterRef("pk"), is_current=True)
    open_change = ChangeRequest.objects.filter(
        page=OuterRef("pk"), state__in=ChangeRequest.OPEN_STATES
    )
    return pages.annotate(
        next_review_on=Subquery(current.values("next_review_on")[:1]),
        reviewed_on=Subquery(current.values("reviewed_on")[:1]),
        open_change_id=Subquery(open_change.values("pk")[:1]),
        open_change_state=Subquery(open_change.values("state")[:1]),
        open_change_full=Subquery(open_change.values("is_full_review")[:1]),
    )
