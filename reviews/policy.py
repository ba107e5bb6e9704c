"""Who may do what in the review workflow. Services ask here before changing anything.

Roles are Django groups: Editors, Medical reviewers, Lay reviewers, Publishers. Being a
superuser grants no workflow role: a sign-off in a role must come from a person in that role.
Each ``require_*`` raises ``NotAllowed`` with a message for the person; each ``can_*`` answers
the same question as a boolean, for deciding what a screen offers.
"""

from collections.abc import Callable

from reviews import contents, selectors
from reviews.errors import NotAllowed
from reviews.models import ChangeRequest, Role

EDITORS = "Editors"
MEDICAL_REVIEWERS = Role.MEDICAL.group_name
LAY_REVIEWERS = Role.LAY.group_name
PUBLISHERS = "Publishers"
WORKFLOW_GROUPS = (EDITORS, MEDICAL_REVIEWERS, LAY_REVIEWERS, PUBLISHERS)


def groups_of(user) -> set[str]:
    """The workflow groups ``user`` is in (none for anonymous or deactivated people)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return set(user.groups.filter(name__in=WORKFLOW_GROUPS).values_list("name", flat=True))


def is_editor(user) -> bool:
    return EDITORS in groups_of(user)


def is_publisher(user) -> bool:
    return PUBLISHERS in groups_of(user)


def reviewer_roles(user) -> set[Role]:
    return {role for role in Role if role.group_name in groups_of(user)}


def is_author(user, change: ChangeRequest) -> bool:
    return user in contents.authors_of(change)


def require_editor(user, *, doing: str = "change pages") -> None:
    if not is_editor(user):
        raise NotAllowed(f"Only editors can {doing}.")


def require_can_edit(user, change: ChangeRequest) -> None:
    require_editor(user, doing="change pages or submit changes for review")


def require_can_withdraw(user, change: ChangeRequest) -> None:
    if not (is_editor(user) or is_publisher(user)):
        raise NotAllowed("Only editors and publishers can withdraw a change request.")


def require_can_sign_off(user, change: ChangeRequest, role: Role) -> None:
    """A reviewer in ``role``, which the change needs, who wrote no part of it."""
    role = Role(role)
    if role not in reviewer_roles(user):
        raise NotAllowed(
            f"Only {role.group_name.lower()} can sign off as a {role.label}; "
            "you are not in that group."
        )
    if role not in selectors.required_sign_offs(change):
        needed = ", ".join(str(r.label) for r in selectors.required_sign_offs(change))
        raise NotAllowed(
            f"This change does not need a {role.label}'s sign-off (it needs: {needed})."
        )
    if is_author(user, change):
        raise NotAllowed("You wrote part of this change, so someone else must sign it off.")
    other_roles = change.sign_offs.filter(reviewer=user).exclude(role=role)
    if other_roles.exists():
        given = other_roles.first().get_role_display()
        raise NotAllowed(
            f"You have already reviewed this change as a {given}; "
            f"another person must sign it off as a {role.label}."
        )


def require_can_publish(user, change: ChangeRequest) -> None:
    """A publisher who wrote no part of the change (four eyes)."""
    if not is_publisher(user):
        raise NotAllowed("Only publishers can publish or schedule a change.")
    if is_author(user, change):
        raise NotAllowed("You wrote part of this change, so another publisher must publish it.")


def require_can_unpublish(user) -> None:
    if not is_publisher(user):
        raise NotAllowed("Only publishers can take a page down.")


def require_can_comment(user, change: ChangeRequest) -> None:
    if not groups_of(user):
        raise NotAllowed("Only editors, reviewers and publishers can comment on a change.")


def can_view(user, change: ChangeRequest) -> bool:
    return bool(groups_of(user)) or bool(user and user.is_authenticated and user.is_staff)


def _allowed(check: Callable, *args) -> bool:
    try:
        check(*args)
    except NotAllowed:
        return False
    return True


def can_edit(user, change: ChangeRequest) -> bool:
    return _allowed(require_can_edit, user, change)


def can_sign_off(user, change: ChangeRequest, role: Role) -> bool:
    return _allowed(require_can_sign_off, user, change, role)


def can_publish(user, change: ChangeRequest) -> bool:
    return _allowed(require_can_publish, user, change)


def can_withdraw(user, change: ChangeRequest) -> bool:
    return _allowed(require_can_withdraw, user, change)


def can_comment(user, change: ChangeRequest) -> bool:
    return _allowed(require_can_comment, user, change)
