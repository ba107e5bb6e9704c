"""Change requests: one page's edits, bundled as exact versions, signed off and published."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from infopages.parts import kind_of
from infopages.versions import SourceVersions
from reviews.core.models.roles import LAY, MEDICAL, label_of


class Role:
    """The codes of the two reviewer roles the portal started with. Roles are rows
    (``ReviewerRole``): these name the two the code itself speaks of."""

    MEDICAL = MEDICAL
    LAY = LAY


class Decision(models.TextChoices):
    APPROVE = "approve", _("approve")
    REQUEST_CHANGES = "request_changes", _("request changes")


class ChangeRequest(models.Model):
    """Edits to one page, submitted for sign-off as a whole-page snapshot of exact versions.

    At submission (and after every later edit) the request records the latest version of the
    page and of each of its sections, references and resources, and a hash of their content.
    Reviewers sign that hash off; publishing writes exactly those versions.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        APPROVED = "approved", _("approved")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    OPEN_STATES = [
        State.DRAFT,
        State.IN_REVIEW,
        State.CHANGES_REQUESTED,
        State.APPROVED,
        State.SCHEDULED,
    ]
    EDITABLE_STATES = OPEN_STATES  # editing an approved or scheduled change sends it back
    UNDER_REVIEW_STATES = [State.IN_REVIEW, State.APPROVED, State.SCHEDULED]

    page = models.ForeignKey(
        "infopages.Page",
        verbose_name=_("page"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    summary = models.TextField(
        _("what changed and why"),
        blank=True,
        help_text=_("In plain English, for the reviewers and for the record."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    is_full_review = models.BooleanField(
        _("full review"),
        default=False,
        help_text=_("Every section looked at; needs the lay sign-off as well as the medical one."),
    )
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    scheduled_for = models.DateTimeField(_("publish at"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    public_note = models.CharField(
        _("note for readers"),
        max_length=200,
        blank=True,
        help_text=_(
            "Given when the change is scheduled: the one line readers see in the page's "
            "history once it is published."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    publication = models.ForeignKey(
        "infopages.PublishedPage",
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_requests",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [
            # The dashboard's "recently published": the newest few of thousands, without a sort.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(state="published"),
                name="change_recently_published",
            ),
        ]
        constraints = [
            # A change request covers the whole page, so two open ones would contradict each other.
            models.UniqueConstraint(
                fields=["page"],
                condition=Q(
                    state__in=["draft", "in_review", "changes_requested", "approved", "scheduled"]
                ),
                name="one_open_change_request_per_page",
            ),
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(scheduled_for__isnull=False),
                name="scheduled_change_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.page}: {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:change", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def source_versions(self) -> SourceVersions:
        """The included version ids by kind, as a publication of them would record them."""
        page, by_kind = None, {}
        for item in self.items.select_related("content_type").order_by("id"):
            if item.kind == "page":
                page = item.version_id
            else:
                by_kind.setdefault(item.kind, []).append(item.version_id)
        return SourceVersions(page=page, **{kind: tuple(ids) for kind, ids in by_kind.items()})


class ChangeRequestItem(models.Model):
    """One object of the page, at the exact version the change request contains."""

    change = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=191)  # as reversion stores it
    version = models.ForeignKey(
        Version, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+"
    )
    base_version = models.ForeignKey(
        Version,
        verbose_name=_("version last published"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when this object has never been published."),
    )

    class Meta:
        ordering = ["change", "id"]
        verbose_name = _("included version")
        verbose_name_plural = _("included versions")
        constraints = [
            models.UniqueConstraint(
                fields=["change", "content_type", "object_id"], name="one_item_per_object"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version.object_repr} (version {self.version_id})"

    @property
    def kind(self) -> str:
        """Which part of the page: "page", or its kind's collection ("sections")."""
        kind = kind_of(self.content_type.model_class())
        return "page" if kind is None else kind.collection

    @property
    def is_changed(self) -> bool:
        """Whether this object differs from what was last published."""
        return self.version_id != self.base_version_id


class SignOff(models.Model):
    """A reviewer's decision on exactly the content they saw (its hash and versions).

    It counts only while the change request's content hash is still the one signed. It is
    given by a staff reviewer (``reviewer``) or by an outside reviewer through their
    invitation (``invitation``): exactly one of the two.
    """

    change = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.PROTECT,
        related_name="sign_offs",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sign_offs",
    )
    invitation = models.ForeignKey(
        "reviews.Invitation",
        verbose_name=_("outside reviewer's invitation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sign_offs",
    )
    role = models.CharField(_("role"), max_length=20, help_text=_("A reviewer role's code."))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    content_hash = models.CharField(_("content hash signed"), max_length=64)
    versions = models.JSONField(_("versions signed"), default=dict)
    sections = models.JSONField(
        _("sections signed off"),
        default=list,
        help_text=_(
            "Ids of the sections this decision covers: those changed, or in a full "
            "review every section the reviewer confirmed reading."
        ),
    )
    credit = models.JSONField(
        _("public credit"),
        default=dict,
        help_text=_(
            "How readers will see the reviewer named (name, role, credentials), as "
            "it was when they signed: the page shows this, not later edits."
        ),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            models.CheckConstraint(
                condition=(Q(reviewer__isnull=False) & Q(invitation__isnull=True))
                | (Q(reviewer__isnull=True) & Q(invitation__isnull=False)),
                name="sign_off_by_a_reviewer_or_an_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_name} ({self.get_role_display()}): {self.get_decision_display()}"

    def get_role_display(self) -> str:
        """The role's label ("medical reviewer"), from the roles table (read once per
        request)."""
        return label_of(self.role)

    @property
    def is_outside(self) -> bool:
        """Given by an outside reviewer, through their invitation."""
        return self.invitation_id is not None

    @property
    def reviewer_key(self) -> str:
        """Who gave it, for "each reviewer's latest decision": a staff reviewer by account,
        an outside reviewer by address (see ``Invitation.reviewer_key``)."""
        if self.invitation_id is not None:
            return self.invitation.reviewer_key
        return f"user:{self.reviewer_id}"

    @property
    def reviewer_name(self) -> str:
        if self.invitation_id is not None:
            return self.invitation.name
        return self.reviewer.get_full_name() or self.reviewer.get_username()

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            raise ValueError("A sign-off cannot be changed; give a new one.")
        super().save(*args, **kwargs)


class Comment(models.Model):
    """One message in a change request's thread, between editors and reviewers."""

    change = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:60]}"
