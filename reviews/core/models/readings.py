"""A reviewer's progress through a full review: the sections they ticked as read so far."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReadingProgress(models.Model):
    """ "I have read this section", ticked by a reviewer in a full review before deciding.

    Kept so that a reviewer can leave and come back; it is not a sign-off (their decision
    records the sections it covers). Each tick holds for the version of the section they
    read (``sections``: {section id: version id}): an edit to the section makes it lapse.
    One per reviewer and change: a staff reviewer's, or an outside reviewer's through their
    invitation, as a sign-off is given. One row, so that the change page reads it with the
    change itself.
    """

    change = models.ForeignKey(
        "reviews.ChangeRequest",
        verbose_name=_("change request"),
        on_delete=models.CASCADE,
        related_name="reading_progress",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    invitation = models.ForeignKey(
        "reviews.Invitation",
        verbose_name=_("outside reviewer's invitation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sections = models.JSONField(
        _("sections read"), default=dict, help_text=_("{section id: version id read}")
    )
    updated_at = models.DateTimeField(_("last ticked"), auto_now=True)

    class Meta:
        ordering = ["change", "id"]
        verbose_name = _("reading progress")
        verbose_name_plural = _("reading progress")
        constraints = [
            models.CheckConstraint(
                condition=(Q(reviewer__isnull=False) & Q(invitation__isnull=True))
                | (Q(reviewer__isnull=True) & Q(invitation__isnull=False)),
                name="reading_by_a_reviewer_or_an_invitation",
            ),
            models.UniqueConstraint(
                fields=["change", "reviewer"],
                condition=Q(reviewer__isnull=False),
                name="one_reading_per_reviewer",
            ),
            models.UniqueConstraint(
                fields=["change", "invitation"],
                condition=Q(invitation__isnull=False),
                name="one_reading_per_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{len(self.sections)} sections read in change #{self.change_id}"
