"""Reminding owners that a page's full review is due (``manage.py send_review_reminders``).

Each live page's owner (or, for a page nobody looks after, ``REVIEW_TEAM_EMAIL``) is emailed
90, 30 and 7 days before the next review date readers are shown, on the day, and every week
once it has passed; from more than 30 days overdue the publishers are told too.

A page flagged "review needed" (a source it cites was updated or withdrawn) is due now: its
owner is reminded on the first run after the flag is raised, then every week while it is
open, the publishers too after 30 days; each flag has its own series (kind
``flag_<id>_<weeks>``, due date: the day it was raised).

A language or easy read version whose English page was published with other content is due
now too (``reviews.versions``): its owner is reminded the same way, each English publication
that moved it on starting its own series (kind ``version_<publication id>_<weeks>``).

Each reminder is recorded (``ReviewReminder``, unique per page, due date and kind) in the
same transaction as its emails are written to the outbox, so a reminder is sent once however
often, or however many at once, the command runs; the emails leave after the commit, and
``send_review_digests`` retries any that the mail server refused. A fixed number of queries
whatever the number of pages.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from infopages.models import PublishedPage
from reviews.core import notifications, policy
from reviews.core.models import ChangeRequest
from reviews.core.selectors import users_in_group_any
from reviews.evidence.models import ReviewFlag
from reviews.schedule.dates import (
    OVERDUE_REPEAT_DAYS,
    REMINDER_DAYS_BEFORE,
    reminder_due,
    reminder_escalates,
)
from reviews.schedule.models import ReviewReminder
from reviews.versions.selectors import OutdatedVersion, outdated_versions

logger = logging.getLogger(__name__)

ATTEMPTS = 3


@dataclass(frozen=True)
class PlannedReminder:
    """A reminder that is due and not yet sent, and to whom it goes."""

    publication: PublishedPage
    kind: str
    owner: object | None  # None: the team's address
    publishers: tuple = ()
    open_change: dict | None = None

    @property
    def page(self):
        return self.publication.page

    @property
    def title(self) -> str:
        return self.publication.title

    @property
    def due_on(self) -> dt.date:
        return self.publication.next_review_on

    @property
    def escalated(self) -> bool:
        return bool(self.publishers)

    @property
    def recipients(self) -> list[str]:
        """Who is told, by username, or the team's address."""
        first = [self.owner.get_username()] if self.owner else [team_address()]
        others = [p.get_username() for p in self.publishers if p != self.owner]
        return first + others


@dataclass(frozen=True)
class PlannedFlagReminder:
    """A reminder that a flagged page needs review now, and to whom it goes."""

    flag: ReviewFlag
    kind: str
    owner: object | None
    publishers: tuple = ()
    open_change: dict | None = None

    @property
    def page(self):
        return self.flag.page

    @property
    def title(self) -> str:
        return self.flag.page.title

    @property
    def due_on(self) -> dt.date:
        return timezone.localdate(self.flag.raised_at)

    escalated = PlannedReminder.escalated
    recipients = PlannedReminder.recipients


@dataclass(frozen=True)
class PlannedVersionReminder:
    """A reminder that a version's English page moved on, and to whom it goes."""

    outdated: OutdatedVersion
    kind: str
    owner: object | None
    publishers: tuple = ()
    open_change: dict | None = None

    @property
    def page(self):
        return self.outdated.page

    @property
    def title(self) -> str:
        return f"{self.outdated.page.title} ({self.outdated.kind.name})"

    @property
    def due_on(self) -> dt.date:
        return timezone.localdate(self.outdated.updated_at)

    escalated = PlannedReminder.escalated
    recipients = PlannedReminder.recipients


def team_address() -> str:
    return settings.REVIEW_TEAM_EMAIL


def plan_reminders(*, today: dt.date) -> list[PlannedReminder]:
    """The reminders due today and not yet recorded, by due date. Four queries."""
    horizon = today + dt.timedelta(days=max(REMINDER_DAYS_BEFORE))
    current = (
        PublishedPage.objects.filter(
            is_current=True, next_review_on__isnull=False, next_review_on__lte=horizon
        )
        .select_related("page__owner")
        .only(
            "pk",
            "title",
            "reviewed_on",
            "next_review_on",
            "page__id",
            "page__title",
            "page__owner__username",
            "page__owner__first_name",
            "page__owner__last_name",
            "page__owner__email",
            "page__owner__is_active",
        )
        .order_by("next_review_on", "pk")
    )
    due = [(p, kind) for p in current if (kind := reminder_due(p.next_review_on, today))]
    if not due:
        return []
    page_ids = [p.page_id for p, _ in due]
    recorded = set(
        ReviewReminder.objects.filter(
            page_id__in=page_ids,
            due_on__in={p.next_review_on for p, _ in due},
            kind__in={kind for _, kind in due},
        ).values_list("page_id", "due_on", "kind")
    )
    due = [(p, kind) for p, kind in due if (p.page_id, p.next_review_on, kind) not in recorded]
    escalating = any(reminder_escalates(p.next_review_on, today) for p, _ in due)
    publishers = tuple(users_in_group_any([policy.PUBLISHERS]).order_by("pk") if escalating else [])
    open_changes = _open_changes(page_ids)
    return [
        PlannedReminder(
            publication=p,
            kind=kind,
            owner=p.page.owner if _reachable(p.page.owner) else None,
            publishers=publishers if reminder_escalates(p.next_review_on, today) else (),
            open_change=open_changes.get(p.page_id),
        )
        for p, kind in due
    ]


def plan_flag_reminders(*, today: dt.date) -> list[PlannedFlagReminder]:
    """Reminders of open review flags due today and not yet recorded: one the first run
    after a flag is raised, then one a week. One query when no page is flagged, four at
    most."""
    open_flags = list(
        ReviewFlag.objects.filter(cleared_at__isnull=True)
        .select_related("page__owner")
        .order_by("raised_at", "pk")
    )
    if not open_flags:
        return []
    due = []
    for flag in open_flags:
        raised_on = timezone.localdate(flag.raised_at)
        weeks = max((today - raised_on).days, 0) // OVERDUE_REPEAT_DAYS
        due.append((flag, f"flag_{flag.pk}_{weeks}", raised_on))
    page_ids = {flag.page_id for flag, _kind, _on in due}
    recorded = set(
        ReviewReminder.objects.filter(
            page_id__in=page_ids, kind__in={kind for _flag, kind, _on in due}
        ).values_list("page_id", "kind")
    )
    due = [(f, kind, on) for f, kind, on in due if (f.page_id, kind) not in recorded]
    escalating = any(reminder_escalates(on, today) for _f, _kind, on in due)
    publishers = tuple(users_in_group_any([policy.PUBLISHERS]).order_by("pk") if escalating else [])
    open_changes = _open_changes({f.page_id for f, _kind, _on in due})
    return [
        PlannedFlagReminder(
            flag=flag,
            kind=kind,
            owner=flag.page.owner if _reachable(flag.page.owner) else None,
            publishers=publishers if reminder_escalates(raised_on, today) else (),
            open_change=open_changes.get(flag.page_id),
        )
        for flag, kind, raised_on in due
    ]


def plan_version_reminders(*, today: dt.date) -> list[PlannedVersionReminder]:
    """Reminders of versions out of date, due today and not yet recorded: one the first run
    after the English page moved on, then one a week. One query when no version is live."""
    outdated = outdated_versions()
    if not outdated:
        return []
    due = []
    for version in outdated:
        moved_on = timezone.localdate(version.updated_at)
        weeks = max((today - moved_on).days, 0) // OVERDUE_REPEAT_DAYS
        due.append((version, f"version_{version.english_now.pk}_{weeks}", moved_on))
    recorded = set(
        ReviewReminder.objects.filter(
            page_id__in={v.page.pk for v, _kind, _on in due},
            kind__in={kind for _v, kind, _on in due},
        ).values_list("page_id", "kind")
    )
    due = [(v, kind, on) for v, kind, on in due if (v.page.pk, kind) not in recorded]
    escalating = any(reminder_escalates(on, today) for _v, _kind, on in due)
    publishers = tuple(users_in_group_any([policy.PUBLISHERS]).order_by("pk") if escalating else [])
    open_changes = _open_changes({v.page.pk for v, _kind, _on in due})
    owners = {
        user.pk: user
        for user in get_user_model().objects.filter(pk__in={v.page.owner_id for v, _k, _o in due})
    }
    return [
        PlannedVersionReminder(
            outdated=version,
            kind=kind,
            owner=owner if _reachable(owner := owners.get(version.page.owner_id)) else None,
            publishers=publishers if reminder_escalates(moved_on, today) else (),
            open_change=open_changes.get(version.page.pk),
        )
        for version, kind, moved_on in due
    ]


def _open_changes(page_ids) -> dict[int, dict]:
    if not page_ids:
        return {}
    return {
        row["page_id"]: row
        for row in ChangeRequest.objects.filter(
            page_id__in=page_ids, state__in=ChangeRequest.OPEN_STATES
        ).values("page_id", "pk", "is_full_review", "state")
    }


def _reachable(user) -> bool:
    return user is not None and user.is_active and bool(user.email)


def send_reminders(
    *, today: dt.date | None = None, dry_run: bool = False
) -> list[PlannedReminder | PlannedFlagReminder]:
    """Record and queue every reminder due today (none with ``dry_run``); returns them.

    Two runs at once: the second waits on the first's records (the unique constraint), finds
    them once the first commits, plans again and sends only what is left, i.e. nothing."""
    today = today or timezone.localdate()
    for attempt in range(ATTEMPTS):
        planned = [
            *plan_flag_reminders(today=today),
            *plan_version_reminders(today=today),
            *plan_reminders(today=today),
        ]
        if dry_run or not planned:
            return planned
        try:
            with transaction.atomic():
                _record_and_queue(planned, today=today)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
            logger.info("Another run recorded some of today's reminders: planning again.")
        else:
            return planned
    return []


def _record_and_queue(
    planned: list[PlannedReminder | PlannedFlagReminder], *, today: dt.date
) -> None:
    reminders = ReviewReminder.objects.bulk_create(
        [
            ReviewReminder(
                page_id=r.page.pk,
                due_on=r.due_on,
                kind=r.kind,
                sent_on=today,
                recipients=r.recipients,
                escalated=r.escalated,
            )
            for r in planned
        ],
        batch_size=1000,
    )
    emails = []
    for reminder, record in zip(planned, reminders, strict=True):
        subject, body = _render(reminder, today=today)
        people = [reminder.owner, *[p for p in reminder.publishers if p != reminder.owner]]
        for user in people:
            emails.append(
                notifications.Email(
                    subject=subject,
                    body=body,
                    event=notifications.REVIEW_REMINDER,
                    user=user,
                    address="" if user else team_address(),
                    reminder=record,
                )
            )
    notifications.queue(emails)


def _render(reminder: PlannedReminder | PlannedFlagReminder, *, today: dt.date):
    if isinstance(reminder, PlannedFlagReminder):
        return _render_flag(reminder, today=today)
    if isinstance(reminder, PlannedVersionReminder):
        return _render_version(reminder, today=today)
    days_left = (reminder.due_on - today).days
    context = {
        "title": reminder.publication.title,
        "due_on": reminder.due_on,
        "reviewed_on": reminder.publication.reviewed_on,
        "days_left": days_left,
        "days_overdue": -days_left,
        "escalated": reminder.escalated,
        "owner": reminder.owner,
        "open_change": reminder.open_change,
        "schedule_url": settings.SITE_URL
        + reverse("reviews:page_schedule", kwargs={"page_pk": reminder.publication.page_id}),
        "change_url": settings.SITE_URL
        + reverse("reviews:change", kwargs={"pk": reminder.open_change["pk"]})
        if reminder.open_change
        else "",
    }
    subject = render_to_string("reviews/email/review_reminder_subject.txt", context)
    return subject, render_to_string("reviews/email/review_reminder.txt", context)


def _render_version(reminder: PlannedVersionReminder, *, today: dt.date) -> tuple[str, str]:
    outdated = reminder.outdated
    context = {
        "title": reminder.title,
        "outdated": outdated,
        "days_open": (today - reminder.due_on).days,
        "escalated": reminder.escalated,
        "owner": reminder.owner,
        "open_change": reminder.open_change,
        "history_url": settings.SITE_URL
        + reverse("reviews:page_history", kwargs={"page_pk": outdated.page.pk}),
        "change_url": settings.SITE_URL
        + reverse("reviews:change", kwargs={"pk": reminder.open_change["pk"]})
        if reminder.open_change
        else "",
    }
    subject = render_to_string("reviews/email/version_reminder_subject.txt", context)
    return subject, render_to_string("reviews/email/version_reminder.txt", context)


def _render_flag(reminder: PlannedFlagReminder, *, today: dt.date) -> tuple[str, str]:
    flag = reminder.flag
    context = {
        "title": reminder.title,
        "flag": flag,
        "days_open": (today - reminder.due_on).days,
        "escalated": reminder.escalated,
        "owner": reminder.owner,
        "open_change": reminder.open_change,
        "schedule_url": settings.SITE_URL
        + reverse("reviews:page_schedule", kwargs={"page_pk": flag.page_id}),
        "source_url": settings.SITE_URL
        + reverse("reviews:source", kwargs={"source_pk": flag.source_id}),
        "change_url": settings.SITE_URL
        + reverse("reviews:change", kwargs={"pk": reminder.open_change["pk"]})
        if reminder.open_change
        else "",
    }
    subject = render_to_string("reviews/email/review_flag_reminder_subject.txt", context)
    return subject, render_to_string("reviews/email/review_flag_reminder.txt", context)
