"""Email notifications: each person's preference, and the outbox of emails to send."""

from django.conf import settings
from django.db import models
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
    """One workflow email for one person: sent straight away, or gathered into a digest.

    Rows stay after sending (``sent_at``), so unsent ones can be retried and sent ones traced.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="review_notifications",
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

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.user}: {self.subject}"
