"""Review flags: a page needs review because a source it cites changed; and source checks,
a medical reviewer's finding that the page still agrees with the changed source."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from infopages.sources import Source


class ReviewFlag(models.Model):
    """ "Review needed": a source the page cites was marked updated or withdrawn.

    Raised on every page citing the source when it is marked; open until a change to the
    page is published whose approving reviewers were shown the reason (``shown_to``: the
    sign-offs given with it on screen). Kept afterwards, with the change that cleared it.
    """

    page = models.ForeignKey(
        "infopages.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="review_flags",
    )
    source = models.ForeignKey(
        "infopages.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="review_flags",
    )
    source_status = models.CharField(
        _("source marked"), max_length=20, choices=Source.Status.choices
    )
    reason = models.CharField(
        _("reason"), max_length=300, help_text=_("The note given, e.g. “NICE NG101 updated”.")
    )
    citation = models.TextField(_("citation"), help_text=_("The source's, when it was marked."))
    raised_at = models.DateTimeField(_("raised"), db_index=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True, db_index=True)
    cleared_by_change = models.ForeignKey(
        "reviews.ChangeRequest",
        verbose_name=_("cleared by publishing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cleared_flags",
    )
    cleared_by_check = models.ForeignKey(
        "reviews.SourceCheck",
        verbose_name=_("cleared by a source check"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cleared_flags",
    )
    shown_to = models.ManyToManyField(
        "reviews.SignOff",
        verbose_name=_("shown to"),
        blank=True,
        related_name="flags_shown",
        help_text=_("The decisions given with this flag's reason on screen."),
    )

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = _("review flag")
        verbose_name_plural = _("review flags")
        indexes = [models.Index(fields=["page", "cleared_at"], name="review_flag_page_open")]
        constraints = [
            # Cleared by publishing a change, or by a source check: never by nothing.
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True)
                | Q(cleared_by_change__isnull=False)
                | Q(cleared_by_check__isnull=False),
                name="cleared_flag_names_what_cleared_it",
            ),
        ]

    def __str__(self) -> str:
        state = f"cleared {self.cleared_at:%Y-%m-%d}" if self.cleared_at else "open"
        return f"{self.page}: {self.get_source_status_display()} source ({state})"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None

    @property
    def summary(self) -> str:
        """ "The source “NICE NG101…” was updated: NICE NG101 updated 2026-10"."""
        verb = self.get_source_status_display()
        return f"The source “{self.citation[:120]}” was {verb}: {self.reason}"


class SourceCheck(models.Model):
    """ "Checked against the updated source: no change needed": a medical reviewer read the
    page against a source that was marked updated or withdrawn, found it still agrees, and
    cleared the page's flags for that source without a change. The review dates stay as
    they are; readers are not told (nothing they see changed)."""

    page = models.ForeignKey(
        "infopages.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="source_checks",
    )
    source = models.ForeignKey(
        "infopages.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="checks",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), db_index=True)
    note = models.CharField(
        _("what was checked"),
        max_length=300,
        help_text=_("e.g. “Dose advice in ‘Treatment’ matches NG101 (2026) section 1.4.”"),
    )

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("source check")
        verbose_name_plural = _("source checks")

    def __str__(self) -> str:
        return f"{self.page}: checked against “{str(self.source)[:60]}” {self.checked_at:%Y-%m-%d}"
