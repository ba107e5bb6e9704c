"""The review workflow's records. The audit log lives here: append-only evidence of every step."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One workflow step: who did what, when, to which page, change and versions.

    Rows are only ever added; saving an existing event or deleting one is refused.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=60, db_index=True)
    page = models.ForeignKey(
        "infopages.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    change_request_id = models.PositiveBigIntegerField(_("change request"), null=True, blank=True)
    versions = models.JSONField(_("versions"), default=dict, blank=True)
    message = models.TextField(_("details"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        who = self.actor or "system"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
