"""The review workflow's records. The audit log lives here: append-only evidence of every step."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(ValueError):
    """Raised on any attempt to change or delete audit events."""


APPEND_ONLY = "The audit log is append-only: its events cannot be changed or deleted."


class AuditEventQuerySet(models.QuerySet):
    """Bulk ``update()`` and ``delete()`` are refused here, before the database's own triggers
    (migration 0003) would refuse them, so the mistake shows as a clear Python error."""

    def update(self, **kwargs):
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self):
        raise AppendOnlyError(APPEND_ONLY)

    delete.queryset_only = True  # as Django's: no AuditEvent.objects.delete() at all


class AuditEvent(models.Model):
    """One workflow step: who did what, when, to which page, change and versions.

    Rows are only ever added; saving an existing event or deleting one is refused, by the
    model, its queryset and, underneath, the database (triggers from migration 0003).
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

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        who = self.actor or "system"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY)
