"""Which sign-offs a change needs, set per topic or per page."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SignOffRequirement(models.Model):
    """The sign-offs needed for changes to one page, or to every page under one topic.

    The page's own requirement wins, then the nearest topic up the tree, then the default:
    one medical reviewer, and for a full review one lay reviewer as well.
    """

    DEFAULT_MEDICAL = 1
    DEFAULT_LAY = 0
    DEFAULT_FULL_REVIEW_LAY = 1

    topic = models.OneToOneField(
        "infopages.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sign_off_requirement",
    )
    page = models.OneToOneField(
        "infopages.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sign_off_requirement",
    )
    needs_medical = models.PositiveSmallIntegerField(
        _("medical reviewers needed"), default=DEFAULT_MEDICAL
    )
    needs_lay = models.PositiveSmallIntegerField(_("lay reviewers needed"), default=DEFAULT_LAY)
    full_review_needs_lay = models.PositiveSmallIntegerField(
        _("lay reviewers needed for a full review"), default=DEFAULT_FULL_REVIEW_LAY
    )

    class Meta:
        ordering = ["topic", "page"]
        verbose_name = _("sign-off requirement")
        verbose_name_plural = _("sign-off requirements")
        constraints = [
            models.CheckConstraint(
                condition=(Q(topic__isnull=False) & Q(page__isnull=True))
                | (Q(topic__isnull=True) & Q(page__isnull=False)),
                name="requirement_for_a_topic_or_a_page",
            ),
            # Every change is signed off by at least one medical reviewer.
            models.CheckConstraint(
                condition=Q(needs_medical__gte=1), name="at_least_one_medical_sign_off"
            ),
        ]

    def __str__(self) -> str:
        target = self.page or self.topic
        return f"{target}: {self.needs_medical} medical, {self.needs_lay} lay"
