"""Email notifications: each person's preference, and the outbox of emails to send."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("straight away")
    DAILY = "daily", _("in a daily digest")


class NotificationPreference(models.Model):
    """How often someone wants workflow emails. Without a row: straight away."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    frequency = models.CharField(
        _("send emails"), max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )

    class Meta:
        ordering = ["user"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"


class Notification(models.Model):
    """One workflow email for one person (or, for review reminders of a page nobody looks
    after, the team's address): sent straight away, or gathered into a digest.

    Rows stay after sending (``sent_at``), so unsent ones can be retried and sent ones traced.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_notifications",
    )
    address = models.EmailField(
        _("address"), blank=True, help_text=_("When sent to an address rather than a person.")
    )
    reminder = models.ForeignKey(
        "reviews.ReviewReminder",
        verbose_name=_("review reminder"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    change = models.ForeignKey(
        "reviews.ChangeRequest",
        verbose_name=_("change request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.CharField(_("event"), max_length=40)
    frequency = models.CharField(_("send"), max_length=20, choices=Frequency.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)
    claim = models.UUIDField(
        _("claimed by"), null=True, blank=True, editable=False, help_text=_("The sending run.")
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(address=""), name="notification_has_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.address}: {self.subject}"

    @property
    def email_to(self) -> str:
        return self.user.email if self.user_id else self.address
