"""Which sign-offs a change needs, set per topic or per page, with a default for the rest."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SignOffRequirement(models.Model):
    """The sign-offs needed for changes to one page, or to every page under one topic, or (for
    the one requirement naming neither) to every other page. Its ``roles`` rows say how many
    approvals each reviewer role gives.

    The page's own requirement wins, then the nearest topic up the tree, then the default,
    which starts as one medical reviewer, and for a full review one lay reviewer as well.
    """

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

    class Meta:
        ordering = ["topic", "page"]
        verbose_name = _("sign-off requirement")
        verbose_name_plural = _("sign-off requirements")
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=True) | Q(page__isnull=True),
                name="requirement_for_a_topic_or_a_page",
            ),
        ]

    def __str__(self) -> str:
        target = self.page or self.topic
        return str(target) if target is not None else str(_("Default for every other page"))

    @property
    def is_default(self) -> bool:
        return self.topic_id is None and self.page_id is None
