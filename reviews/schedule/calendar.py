"""The review calendar's reads: live pages by when their next review is due, reviews due each
month, an owner's due dates (the iCalendar feed) and a topic's review status (the report).

Everything reads the current publications (``next_review_on`` is what readers are shown) and
is a fixed number of queries whatever the number of pages; lists are capped by their callers.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth

from infopages import topics
from infopages.models import Page, PublishedPage, Topic
from reviews.core.models import ChangeRequest
from reviews.evidence.flags import has_open_flag, open_flags_by_page
from reviews.evidence.models import ReviewFlag
from reviews.schedule.dates import add_months, due_status


@dataclass(frozen=True)
class Horizon:
    """One of the calendar's lists: reviews due between two offsets from today."""

    key: str
    title: str
    first_day: int | None  # days from today; None: no lower bound
    last_day: int  # inclusive

    def condition(self, today: dt.date) -> Q:
        q = Q(next_review_on__lte=today + dt.timedelta(days=self.last_day))
        if self.first_day is not None:
            q &= Q(next_review_on__gte=today + dt.timedelta(days=self.first_day))
        return q


HORIZONS = (
    Horizon("overdue", "Overdue", None, -1),
    Horizon("30", "Due in the next 30 days", 0, 30),
    Horizon("90", "Due in 31 to 90 days", 31, 90),
    Horizon("365", "Due in 91 to 365 days", 91, 365),
)


@dataclass(frozen=True)
class CalendarFilter:
    """Which pages: those in a topic (and the topics below it), of one owner, or nobody's."""

    topic: Topic | None = None
    owner: object | None = None
    unowned: bool = False
    topic_ids: tuple[int, ...] = field(default=(), compare=False)

    @classmethod
    def of(cls, *, topic: Topic | None = None, owner=None, unowned: bool = False):
        """The filter, with the topics under ``topic`` read once (one query)."""
        ids = tuple(topic_and_below(topic)) if topic is not None else ()
        return cls(topic=topic, owner=owner, unowned=unowned, topic_ids=ids)

    def apply_to_pages(self, pages: QuerySet[Page]) -> QuerySet[Page]:
        if self.topic is not None:
            pages = pages.filter(topic_id__in=self.topic_ids or topic_and_below(self.topic))
        if self.owner is not None:
            pages = pages.filter(owner=self.owner)
        elif self.unowned:
            pages = pages.filter(owner__isnull=True)
        return pages

    def apply(self, publications: QuerySet[PublishedPage]) -> QuerySet[PublishedPage]:
        if self.topic is not None:
            ids = self.topic_ids or topic_and_below(self.topic)
            publications = publications.filter(page__topic_id__in=ids)
        if self.owner is not None:
            publications = publications.filter(page__owner=self.owner)
        elif self.unowned:
            publications = publications.filter(page__owner__isnull=True)
        return publications


def topic_and_below(topic: Topic) -> list[int]:
    """The ids of ``topic`` and every topic under it: one query (the tree is small)."""
    return topics.descendants(topic.pk, topics.parents())


def scheduled(filters: CalendarFilter = CalendarFilter()) -> QuerySet[PublishedPage]:
    """Current publications with a review date, with their page, topic, owner and the page's
    open change (``open_change_id``, ``open_change_full``: a full review under way)."""
    open_change = ChangeRequest.objects.filter(
        page=OuterRef("page_id"), state__in=ChangeRequest.OPEN_STATES
    )
    return (
        filters.apply(PublishedPage.objects.filter(is_current=True, next_review_on__isnull=False))
        .select_related("page__owner", "page__topic")
        .annotate(
            open_change_id=Subquery(open_change.values("pk")[:1]),
            open_change_full=Subquery(open_change.values("is_full_review")[:1]),
            needs_review=has_open_flag("page_id"),
        )
        .only(
            "pk",
            "slug",
            "title",
            "topic_trail",
            "reviewed_on",
            "next_review_on",
            "published_at",
            "page__id",
            "page__title",
            "page__topic__name",
            "page__topic__parent_id",
            "page__owner__username",
            "page__owner__first_name",
            "page__owner__last_name",
            "page__owner__email",
        )
        .order_by("next_review_on", "title", "pk")
    )


def open_flags_of_owner(owner, *, cap: int) -> list[ReviewFlag]:
    """The open review flags of the pages ``owner`` looks after (live or not), oldest first,
    with their page. One query."""
    return list(
        ReviewFlag.objects.filter(cleared_at__isnull=True, page__owner=owner)
        .select_related("page")
        .only("pk", "page_id", "page__title", "source_status", "reason", "raised_at")
        .order_by("raised_at", "id")[:cap]
    )


@dataclass
class FlaggedList:
    """Pages needing review now because a source they cite changed (live or not)."""

    count: int
    rows: list[Page] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def flagged_pages(filters: CalendarFilter, *, today: dt.date, cap: int) -> FlaggedList:
    """Pages with an open review flag, the longest flagged first, each with ``flags`` (its
    open flags), ``next_review_on`` and ``due``. Three queries (one when there are none)."""
    current = PublishedPage.objects.filter(page=OuterRef("pk"), is_current=True)
    pages = filters.apply_to_pages(Page.objects.filter(has_open_flag()))
    count = pages.count()
    if not count:
        return FlaggedList(0)
    first_raised = Subquery(
        ReviewFlag.objects.filter(page=OuterRef("pk"), cleared_at__isnull=True)
        .order_by("raised_at")
        .values("raised_at")[:1]
    )
    rows = list(
        pages.select_related("owner", "topic")
        .annotate(
            next_review_on=Subquery(current.values("next_review_on")[:1]),
            first_flagged_at=first_raised,
        )
        .order_by("first_flagged_at", "title", "pk")[:cap]
    )
    by_page = open_flags_by_page(page.pk for page in rows)
    for page in rows:
        page.flags = by_page.get(page.pk, [])
        page.due = due_status(page.next_review_on, today)
    return FlaggedList(count, rows)


@dataclass
class HorizonList:
    horizon: Horizon
    count: int
    rows: list[PublishedPage] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def horizon_lists(filters: CalendarFilter, *, today: dt.date, cap: int) -> list[HorizonList]:
    """The calendar's four lists, each its first ``cap`` pages and its full count.
    At most five queries (none for an empty list)."""
    base = scheduled(filters)
    counts = base.order_by().aggregate(
        **{h.key: Count("pk", filter=h.condition(today)) for h in HORIZONS}
    )
    return [
        HorizonList(h, counts[h.key], _with_due(base.filter(h.condition(today))[:cap], today))
        if counts[h.key]
        else HorizonList(h, 0)
        for h in HORIZONS
    ]


def _with_due(publications, today: dt.date) -> list[PublishedPage]:
    """The publications, each with ``due``: ``due_status`` of its next review."""
    rows = list(publications)
    for publication in rows:
        publication.due = due_status(publication.next_review_on, today)
    return rows


@dataclass(frozen=True)
class Month:
    first_day: dt.date
    count: int


def due_per_month(filters: CalendarFilter, *, today: dt.date, months: int = 12) -> list[Month]:
    """Reviews due in each of the coming ``months`` calendar months, this one (from today)
    first. One query."""
    start = today.replace(day=1)
    end = add_months(start, months)
    counted = (
        scheduled(filters)
        .filter(next_review_on__gte=today, next_review_on__lt=end)
        .order_by()
        .annotate(month=TruncMonth("next_review_on"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    by_month = {_as_date(row["month"]): row["n"] for row in counted}
    firsts = [add_months(start, i) for i in range(months)]
    return [Month(first, by_month.get(first, 0)) for first in firsts]


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass(frozen=True)
class TopicReport:
    """A topic's review status, for a quality assessor."""

    topic: Topic | None
    today: dt.date
    rows: list[PublishedPage]
    total: int
    overdue: int
    median_age_days: int | None
    oldest_reviewed_on: dt.date | None

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    @property
    def median_age_words(self) -> str:
        """983 -> "983 days (about 2 years and 8 months)"."""
        days = self.median_age_days
        if days is None:
            return "Not known"
        months = round(days / 30.4375)
        years, months = divmod(months, 12)
        parts = [
            f"{n} {unit}{'s' if n != 1 else ''}"
            for n, unit in [(years, "year"), (months, "month")]
            if n
        ]
        about = " and ".join(parts) or "under a month"
        return f"{days} day{'s' if days != 1 else ''} (about {about})"


def topic_report(*, filters: CalendarFilter, today: dt.date, cap: int) -> TopicReport:
    """Every live page of the filter's topic (and those below it) with its review dates, how
    many are overdue and the median age of their content (days since each was last
    reviewed). Two queries."""
    topic_only = CalendarFilter(topic=filters.topic, topic_ids=filters.topic_ids)
    publications = scheduled(topic_only).order_by("title", "pk")
    dates = list(publications.order_by().values_list("reviewed_on", "next_review_on"))
    reviewed = [reviewed_on for reviewed_on, _ in dates if reviewed_on is not None]
    ages = [(today - day).days for day in reviewed]
    rows = _with_due(publications[:cap], today)
    total, overdue = len(dates), sum(1 for _, next_on in dates if next_on < today)
    return TopicReport(
        topic=filters.topic,
        today=today,
        rows=rows,
        total=total,
        overdue=overdue,
        median_age_days=round(statistics.median(ages)) if ages else None,
        oldest_reviewed_on=min(reviewed) if reviewed else None,
    )
