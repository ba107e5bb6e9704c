"""The republication of the pages embedding a block, one run per published block version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BlockRepublication(models.Model):
    """Every live page embedding a block, republished with its new version.

    What is done is read from the snapshots themselves (a page is done once its live snapshot
    holds this version of the block or a newer one), so a run stopped anywhere resumes where
    it stopped and never publishes a page twice. ``republished`` counts the snapshots this
    run wrote; ``total`` the pages that embedded the block when it started.
    """

    block_publication = models.OneToOneField(
        "infopages.BlockPublication",
        verbose_name=_("block version"),
        on_delete=models.PROTECT,
        related_name="republication",
    )
    change = models.ForeignKey(
        "reviews.ChangeRequest",
        verbose_name=_("change request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"))
    total = models.PositiveIntegerField(_("pages embedding it"), default=0)
    republished = models.PositiveIntegerField(_("pages republished"), default=0)
    refused = models.JSONField(
        _("pages refused"),
        default=dict,
        blank=True,
        help_text=_("Pages that could not be republished, by id, with why (left for an editor)."),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("block republication")
        verbose_name_plural = _("block republications")

    def __str__(self) -> str:
        return f"{self.block_publication}: {self.republished}/{self.total}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None
