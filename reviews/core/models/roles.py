"""Reviewer roles, as rows the administrators keep: who may sign off in which role.

A role is a Django group of the people who hold it (Medical reviewers, Lay reviewers, and any
the team adds, such as Pharmacists). Its ``code`` is what sign-offs and invitations store, so
it never changes once a role is in use.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from infopages.languages import VERSION_ROLES

# The roles the portal started with, as the code knows them: a source check is a medical
# reviewer's judgement, and tests and the demo arrange people in these two.
MEDICAL = "medical"
LAY = "lay"


class RoleKey(str):
    """A role's code that also carries how people read it, so a requirement's roles can key a
    dict by code ({"medical": 1}) and still be shown ("1 medical reviewer")."""

    label: str
    public_label: str
    position: int

    def __new__(cls, code: str, *, label: str, public_label: str, position: int):
        key = super().__new__(cls, code)
        key.label, key.public_label, key.position = label, public_label, position
        return key

    @property
    def value(self) -> str:
        return str(self)


class ReviewerRole(models.Model):
    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Stored with each sign-off in this role; do not change it once in use."),
    )
    label = models.CharField(
        _("label"), max_length=60, help_text=_("As the workspace says it: “medical reviewer”.")
    )
    public_label = models.CharField(
        _("public label"),
        max_length=60,
        help_text=_("As readers see it beside a reviewer's name: “Medical reviewer”."),
    )
    group = models.OneToOneField(
        Group,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="reviewer_role",
        help_text=_("The people in this group hold the role."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive role is required nowhere and nobody signs off in it."),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("reviewer role")
        verbose_name_plural = _("reviewer roles")

    def __str__(self) -> str:
        return self.label

    def key(self) -> RoleKey:
        return RoleKey(
            self.code,
            label=self.label,
            public_label=self.public_label,
            position=self.position,
        )


class SignOffRequirementRole(models.Model):
    """How many approvals one role gives under one requirement: on every change, and on a
    full review (which needs the larger of the two)."""

    requirement = models.ForeignKey(
        "reviews.SignOffRequirement",
        verbose_name=_("requirement"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    role = models.ForeignKey(
        ReviewerRole,
        verbose_name=_("role"),
        on_delete=models.PROTECT,
        related_name="requirement_rows",
    )
    for_every_change = models.PositiveSmallIntegerField(_("needed for every change"), default=0)
    for_full_review = models.PositiveSmallIntegerField(_("needed for a full review"), default=0)

    class Meta:
        ordering = ["role__position", "role__code"]
        verbose_name = _("role needed")
        verbose_name_plural = _("roles needed")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "role"], name="one_row_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.for_every_change} ({self.for_full_review} for a full review)"

    def needed(self, *, full_review: bool) -> int:
        if full_review:
            return max(self.for_every_change, self.for_full_review)
        return self.for_every_change


def role_annotations(field: str = "role") -> dict:
    """Annotations naming the role a row stores by code (its label and position), so a
    query of sign-offs reads them in the same query."""
    roles = ReviewerRole.objects.filter(code=models.OuterRef(field))
    return {
        "role_label": models.Subquery(roles.values("label")[:1]),
        "role_position": models.Subquery(roles.values("position")[:1]),
    }


def key_from(code: str, label: str | None, position: int | None) -> RoleKey:
    """A ``RoleKey`` from a row annotated by ``role_annotations`` (a role since removed is
    named by its code, last)."""
    return RoleKey(
        code,
        label=label or code,
        public_label=(label or code).capitalize(),
        position=position if position is not None else 1000,
    )


# The roles a new portal starts with: code, label, public label, group, position.
STARTING_ROLES = [
    (MEDICAL, "medical reviewer", "Medical reviewer", "Medical reviewers", 0),
    (LAY, "lay reviewer", "Lay reviewer", "Lay reviewers", 1),
]


def seed_starting_roles(**kwargs) -> None:
    """After ``migrate`` or ``flush``: a portal with no reviewer roles at all (a database just
    emptied) gets the two it started with, the language versions' roles
    (``infopages.languages.VERSION_ROLES``), and the default requirement (one medical
    reviewer; a full review also one lay reviewer), as the data migrations made them. Roles the
    administrators changed or added are left alone."""
    from reviews.core.models.requirements import SignOffRequirement

    if ReviewerRole.objects.exists():
        return
    roles = {}
    for code, label, public_label, group_name, position in STARTING_ROLES:
        roles[code] = ReviewerRole.objects.create(
            code=code,
            label=label,
            public_label=public_label,
            group=Group.objects.get_or_create(name=group_name)[0],
            position=position,
        )
    for position, (code, label, public_label, group_name) in enumerate(VERSION_ROLES, start=10):
        ReviewerRole.objects.create(
            code=code,
            label=label,
            public_label=public_label,
            group=Group.objects.get_or_create(name=group_name)[0],
            position=position,
        )
    if not SignOffRequirement.objects.filter(topic=None, page=None).exists():
        default = SignOffRequirement.objects.create()
        SignOffRequirementRole.objects.create(
            requirement=default, role=roles[MEDICAL], for_every_change=1
        )
        SignOffRequirementRole.objects.create(
            requirement=default, role=roles[LAY], for_full_review=1
        )


# The roles as last read, by code: roles are few, and a screen names many sign-offs and
# invitations by role, so they are read at most once per request (forgotten when a request
# starts and whenever a role or a group is saved or deleted in this process).
_known: dict[str, RoleKey] = {}


def remember(roles) -> None:
    """Keep roles already read with something else (a requirement's rows), sparing a query."""
    for role in roles:
        _known.setdefault(str(role), role)


def forget(**kwargs) -> None:
    _known.clear()


def role_key(code: str) -> RoleKey | None:
    """The role with this code, or None if there is none (read once per request)."""
    code = str(code)
    if code not in _known:
        _known.update({role.code: role.key() for role in ReviewerRole.objects.all()})
    return _known.get(code)


def label_of(code: str) -> str:
    """How the workspace names the role with this code (a role since removed: its code)."""
    role = role_key(code)
    return role.label if role is not None else str(code)


models.signals.post_save.connect(forget, sender=ReviewerRole, dispatch_uid="reviews.roles")
models.signals.post_delete.connect(forget, sender=ReviewerRole, dispatch_uid="reviews.roles")
models.signals.post_save.connect(forget, sender=Group, dispatch_uid="reviews.roles")
