"""The review schedule's records: reminders already sent, and owners' private calendar feeds."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReviewReminder(models.Model):
    """One reminder of one page's due review, recorded when it is queued.

    A page's series is keyed by the due date it reminds of: a new full review (or a review
    brought forward) gives a new due date and so a fresh series. The unique constraint is
    what makes ``send_review_reminders`` idempotent, even when two runs overlap.
    """

    page = models.ForeignKey(
        "infopages.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="review_reminders",
    )
    due_on = models.DateField(_("review due"))
    kind = models.CharField(
        _("reminder"),
        max_length=20,
        help_text=_(
            '"90_days", "30_days", "7_days", "due", or "overdue_<weeks>"; for a review flag, '
            '"flag_<flag id>_<weeks since raised>" (due_on: the day it was raised).'
        ),
    )
    sent_on = models.DateField(_("queued on"))
    recipients = models.JSONField(_("sent to"), default=list)
    escalated = models.BooleanField(_("publishers told"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "due_on", "kind"], name="one_reminder_per_page_due_date_and_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page}: {self.kind} (due {self.due_on:%Y-%m-%d})"


def hash_feed_key(key: str) -> str:
    """Only a hash of a feed's key is stored: a copy of the database reveals no feed."""
    return hashlib.sha256(key.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A private iCalendar address through which an owner's calendar app reads their pages'
    due reviews. Whoever has the address can read it, so it can be revoked at any time;
    a person has at most one working address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    key_hash = models.CharField(_("key (hashed)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at=None), name="one_working_calendar_feed"
            ),
        ]

    def __str__(self) -> str:
        state = f"revoked {self.revoked_at:%Y-%m-%d}" if self.revoked_at else "working"
        return f"{self.user}: {state}"
