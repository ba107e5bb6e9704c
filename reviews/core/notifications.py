"""Workflow emails: reviewers when a change awaits them, editors when a decision is made,
publishers when a change is approved.

Every email is first written to the ``Notification`` outbox in the workflow step's own
transaction. People who want emails straight away get them once that transaction commits;
the others get one digest a day from ``manage.py send_review_digests``, which also retries
any immediate email that could not be sent. Emails not about a change (review reminders)
are queued with ``queue``, in bulk, the same way.
"""

import logging
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from reviews.core.models import ChangeRequest, Frequency, Notification, NotificationPreference

logger = logging.getLogger(__name__)

AWAITING_REVIEW = "awaiting_review"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
READY_TO_PUBLISH = "ready_to_publish"
PUBLISHED = "published"
PUBLISH_FAILED = "publish_failed"
REVIEW_REMINDER = "review_reminder"

# An immediate email still unsent after this long is retried by the digest command.
RETRY_AFTER = timedelta(minutes=10)


def frequency_for(user) -> str:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.frequency if preference else Frequency.IMMEDIATE


def set_frequency(*, user, frequency: str) -> NotificationPreference:
    """Choose straight-away emails or a daily digest for ``user``."""
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"frequency": Frequency(frequency)}
    )
    return preference


def change_url(change: ChangeRequest) -> str:
    return f"{settings.SITE_URL}{change.get_absolute_url()}"


def _render(template: str, context: dict) -> str:
    return render_to_string(f"reviews/email/{template}", context)


def notify(
    *,
    users: Iterable,
    event: str,
    change: ChangeRequest,
    actor=None,
    context_for: Callable[[object], dict] | None = None,
    **context,
) -> list[Notification]:
    """Queue the ``event`` email about ``change`` for each of ``users`` (never the actor).
    ``context_for(user)``: what one person's email says that others' do not."""
    recipients = {
        user.pk: user
        for user in users
        if user.is_active and user.email and (actor is None or user.pk != actor.pk)
    }
    created = []
    for user in sorted(recipients.values(), key=lambda u: u.pk):
        email_context = {
            "user": user,
            "change": change,
            "page": change.page,
            "actor": actor,
            "url": change_url(change),
            **context,
            **(context_for(user) if context_for else {}),
        }
        subject = re.sub(r"\s+", " ", _render(f"{event}_subject.txt", email_context)).strip()
        created.append(
            Notification.objects.create(
                user=user,
                change=change,
                event=event,
                frequency=frequency_for(user),
                subject=subject[:200],
                body=_render(f"{event}.txt", email_context).strip(),
            )
        )
    immediate = [n.pk for n in created if n.frequency == Frequency.IMMEDIATE]
    if immediate:
        transaction.on_commit(lambda: send_now(immediate), robust=True)
    return created


def _claim(pks: list[int], now: datetime) -> int:
    """Mark notifications sent before sending, so two senders never send one twice."""
    return Notification.objects.filter(pk__in=pks, sent_at__isnull=True).update(sent_at=now)


def send_now(pks: Iterable[int]) -> int:
    """Send these immediate notifications, one email each; returns how many were sent.

    They are claimed first, all at once under this run's own mark, so two senders never
    send one twice, and sent over one connection to the mail server; those that fail are
    let go of, for ``send_digests`` to retry. Three queries however many there are."""
    pks, claim = list(pks), uuid.uuid4()
    if not pks:
        return 0
    Notification.objects.filter(pk__in=pks, sent_at__isnull=True).update(
        sent_at=timezone.now(), claim=claim
    )
    claimed = Notification.objects.filter(pk__in=pks, claim=claim).select_related("user")
    outgoing = [
        (
            notification.pk,
            EmailMessage(
                notification.subject,
                _render("single.txt", {"user": notification.user, "notification": notification}),
                settings.DEFAULT_FROM_EMAIL,
                [notification.email_to],
            ),
        )
        for notification in claimed.order_by("pk")
    ]
    sent: list[int] = []
    try:
        with mail.mailers.default as connection:
            for pk, message in outgoing:
                try:
                    connection.send_messages([message])
                except Exception:
                    logger.exception("Could not send notification %s", pk)
                else:
                    sent.append(pk)
    except Exception:  # the mail server could not be reached at all
        logger.exception("Could not connect to send %s notification(s)", len(outgoing))
    done = set(sent)
    failed = [pk for pk, _ in outgoing if pk not in done]
    if failed:
        Notification.objects.filter(pk__in=failed).update(sent_at=None, claim=None)
    return len(sent)


@dataclass(frozen=True)
class Email:
    """An email not about a change request: to a person, or to an address (a team's)."""

    subject: str
    body: str
    event: str
    user: object | None = None
    address: str = ""
    reminder: object | None = None  # the ReviewReminder it is part of


def queue(emails: Sequence[Email]) -> list[Notification]:
    """Write these emails to the outbox, each person's as they prefer (straight away or in
    the daily digest; an address always straight away), sent once the caller's transaction
    commits. A fixed number of queries however many emails."""
    people = {email.user.pk for email in emails if email.user is not None}
    daily = set(
        NotificationPreference.objects.filter(
            user_id__in=people, frequency=Frequency.DAILY
        ).values_list("user_id", flat=True)
    )
    rows = [
        Notification(
            user=email.user,
            address="" if email.user is not None else email.address,
            reminder=email.reminder,
            event=email.event,
            frequency=Frequency.DAILY
            if email.user is not None and email.user.pk in daily
            else Frequency.IMMEDIATE,
            subject=re.sub(r"\s+", " ", email.subject).strip()[:200],
            body=email.body.strip(),
        )
        for email in emails
        if email.user is None or (email.user.is_active and email.user.email)
    ]
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    immediate = [n.pk for n in created if n.frequency == Frequency.IMMEDIATE]
    if immediate:
        transaction.on_commit(lambda: send_now(immediate), robust=True)
    return created


def send_digests(*, now: datetime | None = None) -> int:
    """Send each person one email with all their unsent daily notifications; retry stale
    immediate ones. Returns the number of emails sent."""
    now = now or timezone.now()
    stale = Notification.objects.filter(
        frequency=Frequency.IMMEDIATE, sent_at__isnull=True, created_at__lte=now - RETRY_AFTER
    ).values_list("pk", flat=True)
    sent = send_now(list(stale))
    pending = (
        Notification.objects.filter(frequency=Frequency.DAILY, sent_at__isnull=True)
        .select_related("user", "change__page")
        .order_by("user_id", "created_at", "id")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.user_id, []).append(notification)
    for notifications in by_user.values():
        user = notifications[0].user
        pks = [n.pk for n in notifications]
        if _claim(pks, now) != len(pks):
            # Another run is sending some of these: let go of ours, so the next run sends them.
            Notification.objects.filter(pk__in=pks, sent_at=now).update(sent_at=None)
            continue
        context = {"user": user, "notifications": notifications}
        subject = re.sub(r"\s+", " ", _render("digest_subject.txt", context)).strip()
        try:
            send_mail(
                subject, _render("digest.txt", context), settings.DEFAULT_FROM_EMAIL, [user.email]
            )
        except Exception:
            Notification.objects.filter(pk__in=pks).update(sent_at=None)
            logger.exception("Could not send the review digest to user %s", user.pk)
        else:
            sent += 1
    return sent
