"""Plain-English scores of what was published, for the team's reports (never shown to readers)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageReadability(models.Model):
    """How hard one publication is to read: scored once, when it is published (snapshots
    never change), so reports across thousands of pages read stored numbers."""

    publication = models.OneToOneField(
        "infopages.PublishedPage",
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        related_name="readability",
    )
    page = models.ForeignKey(
        "infopages.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    reading_age = models.FloatField(_("reading age"), null=True, db_index=True)
    ease = models.FloatField(_("reading ease"), null=True)
    words = models.PositiveIntegerField(_("words"), default=0)
    sections = models.JSONField(
        _("sections"), default=list, help_text=_("anchor, heading, reading_age, ease, words")
    )
    computed_at = models.DateTimeField(_("scored"), auto_now_add=True)

    class Meta:
        ordering = ["-reading_age", "id"]
        verbose_name = _("page readability")
        verbose_name_plural = _("page readability")

    def __str__(self) -> str:
        return f"{self.publication}: reading age {self.reading_age}"

    @property
    def hardest_section(self) -> dict | None:
        scored = [s for s in self.sections if s.get("reading_age") is not None]
        return max(scored, key=lambda s: s["reading_age"], default=None)
