"""Who may do what in the review workflow: roles, and the checks that depend on them.

Roles are Django groups: Editors, Publishers, and one group per reviewer role (rows of
``ReviewerRole``: Medical reviewers, Lay reviewers, and any the administrators add). Being a
superuser grants no workflow role: a sign-off in a role must come from a person in that role.
Each ``require_*`` raises ``NotAllowed`` with a message for the person. Which step a change's
state allows, combined with these checks, is ``reviews.core.workflow``: services and screens ask
it, never these checks alone.

Checks that depend on a change's sign-offs or authors take its ``ReviewStatus``, read once
by the service or screen that asks.

An outside reviewer acts through their ``Invitation``, which is never a signed-in person: it
is in no group, so every staff check refuses it; only signing off asks about it
(``invitee_refusal``).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from reviews.core.errors import NotAllowed
from reviews.core.models import Invitation, Role, RoleKey
from reviews.core.status import AUTHORS_ADDRESS, INVITED_BY_AUTHOR, INVITERS_ADDRESS, ReviewStatus

EDITORS = "Editors"
PUBLISHERS = "Publishers"
# The groups of the two reviewer roles the portal starts with (other roles' groups are
# whatever the administrators chose: ``ReviewerRole.group``).
MEDICAL_REVIEWERS = "Medical reviewers"
LAY_REVIEWERS = "Lay reviewers"
WORKFLOW_GROUPS = (EDITORS, MEDICAL_REVIEWERS, LAY_REVIEWERS, PUBLISHERS)
STAFF_GROUPS = (EDITORS, PUBLISHERS)

# Counts changes to group memberships in this process: ``groups_of`` keeps its answer on the
# user object with the count it was read at, and reads again once the count has moved on.
_memberships_version = 0


def _memberships_changed(**kwargs) -> None:
    global _memberships_version
    _memberships_version += 1


# Someone joined or left a group (from either side), or a group was renamed or deleted.
m2m_changed.connect(
    _memberships_changed, sender=get_user_model().groups.through, dispatch_uid="workflow_groups"
)
for _signal in (post_save, post_delete):
    _signal.connect(_memberships_changed, sender=Group, dispatch_uid="workflow_groups")


def groups_of(user) -> set[str]:
    """The workflow groups ``user`` is in (none for anonymous or deactivated people): Editors,
    Publishers and the groups of active reviewer roles.

    Read once per user object and kept on it, as Django's own permission checks do: a
    request's user lives for one request, so a screen asks the database once. Any change to
    group memberships or roles in this process makes every kept answer stale, so a person
    added to or removed from a group is seen so at once, even through a user object already
    asked.
    """
    return set(_workflow_groups(user)[0])


def _workflow_groups(user) -> tuple[frozenset[str], frozenset[RoleKey]]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset(), frozenset()
    kept = getattr(user, "_workflow_groups", None)
    if kept is None or kept[0] != _memberships_version:
        version = _memberships_version  # before reading: a change meanwhile makes it stale
        rows = user.groups.filter(
            Q(name__in=STAFF_GROUPS) | Q(reviewer_role__active=True)
        ).values_list(
            "name",
            "reviewer_role__code",
            "reviewer_role__label",
            "reviewer_role__public_label",
            "reviewer_role__position",
        )
        names, roles = set(), set()
        for name, code, label, public_label, position in rows:
            names.add(name)
            if code is not None:
                roles.add(
                    RoleKey(
                        code,
                        label=label,
                        public_label=public_label,
                        position=position,
                    )
                )
        kept = user._workflow_groups = (version, frozenset(names), frozenset(roles))
    return kept[1], kept[2]


def is_editor(user) -> bool:
    return EDITORS in groups_of(user)


def is_publisher(user) -> bool:
    return PUBLISHERS in groups_of(user)


def reviewer_roles(user) -> set[RoleKey]:
    """The active reviewer roles ``user`` holds (read with their groups, in one query)."""
    return set(_workflow_groups(user)[1])


def require_editor(user, *, doing: str = "change pages") -> None:
    if not is_editor(user):
        raise NotAllowed(f"Only editors can {doing}.")


def require_publisher(user, *, doing: str) -> None:
    if not is_publisher(user):
        raise NotAllowed(f"Only publishers can {doing}.")


def require_can_withdraw(user) -> None:
    if not (is_editor(user) or is_publisher(user)):
        raise NotAllowed("Only editors and publishers can withdraw a change request.")


def require_can_sign_off(user, role: str, review: ReviewStatus) -> None:
    """A reviewer in ``role``, which the change needs, who wrote no part of it."""
    role = review.role_named(role)
    if role not in reviewer_roles(user):
        group = Group.objects.filter(reviewer_role__code=role).values_list("name", flat=True)
        raise NotAllowed(
            f"Only {(group.first() or 'its group').lower()} can sign off as a {role.label}; "
            "you are not in that group."
        )
    if role not in review.required:
        needed = ", ".join(str(r.label) for r in review.required)
        raise NotAllowed(
            f"This change does not need a {role.label}'s sign-off (it needs: {needed})."
        )
    if review.is_author(user):
        raise NotAllowed("You wrote part of this change, so someone else must sign it off.")
    other_roles = [s for s in review.sign_offs if s.reviewer_id == user.pk and s.role != role]
    if other_roles:
        given = review.role_named(other_roles[0].role).label
        raise NotAllowed(
            f"You have already reviewed this change as a {given}; "
            f"another person must sign it off as a {role.label}."
        )


def sign_off_roles(user, review: ReviewStatus) -> tuple[list[RoleKey], str]:
    """The roles ``user`` may sign the change off in, or why they may not (if a reviewer).
    ``user`` may be an outside reviewer's invitation: its one role, or why not."""
    if isinstance(user, Invitation):
        reason = invitee_refusal(user, review)
        return ([], reason) if reason else ([review.role_named(user.role)], "")
    held = reviewer_roles(user)
    roles, reason = [], ""
    for role in [role for role in review.required if role in held]:
        try:
            require_can_sign_off(user, role, review)
        except NotAllowed as refusal:
            reason = refusal.message
        else:
            roles.append(role)
    if roles:
        return roles, ""
    if not reason:
        needed = [str(role.label) for role in review.required]
        if held:
            reason = (
                f"This change does not need a {min(held, key=_by_position).label}'s sign-off "
                f"(it needs: {', '.join(needed)})."
            )
        else:
            who = " or a ".join(needed)
            reason = f"This change needs a sign-off from a {who}, and you are not one."
    return [], reason


def _by_position(role: RoleKey) -> tuple[int, str]:
    return role.position, str(role)


# What an outside reviewer is told when four eyes refuse their decision (``outside_conflict``).
_INVITEE_CONFLICT = {
    INVITED_BY_AUTHOR: (
        "The person who invited you has since written part of this change, so your decision "
        "cannot count. The information team will send you a new link if they need you."
    ),
    AUTHORS_ADDRESS: (
        "Someone with your email address wrote part of this change, so someone else "
        "must sign it off."
    ),
    INVITERS_ADDRESS: (
        "This link was sent to the address of the person who invited you, so your decision "
        "cannot count: someone else must sign it off."
    ),
}


def invitee_refusal(invitation: Invitation, review: ReviewStatus) -> str:
    """Why this outside reviewer may not sign the change off now ("" when they may): the
    link must still work, for this change, in a role it needs, and four eyes must hold: it
    was sent by someone who wrote none of the change, to an address that is none of its
    authors' nor the inviter's (``ReviewStatus.outside_conflict``)."""
    if invitation.change_id != review.change.pk:
        return "This link is for another change."
    status = invitation.status()
    if status == Invitation.Status.REVOKED:
        return "This invitation was withdrawn by the information team."
    if status == Invitation.Status.DECIDED:
        return "You have already given your decision on this change."
    if status == Invitation.Status.LOCKED:
        return "This link stopped working after too many wrong codes."
    if status == Invitation.Status.EXPIRED:
        return "This link has expired."
    role = review.role_named(invitation.role)
    if role not in review.required:
        return f"This change no longer needs a {role.label}'s sign-off."
    conflict = review.outside_conflict(invitation)
    if conflict:
        return _INVITEE_CONFLICT[conflict]
    key = invitation.reviewer_key
    if any(s.reviewer_key == key and s.role != role for s in review.sign_offs):
        return f"You have already reviewed this change in another role than {role.label}."
    return ""


def require_can_revoke_invitation(user, review: ReviewStatus) -> None:
    """Publishers, and the editor who looks after the page (its owner), revoke outside
    reviewers' invitations (an author may always stop a link working)."""
    page = review.change.page
    if is_publisher(user):
        return
    if is_editor(user) and page.owner_id is not None and page.owner_id == user.pk:
        return
    raise NotAllowed(
        "Only publishers and the editor who looks after the page can invite outside reviewers "
        "or revoke their links."
    )


def require_can_invite(user, review: ReviewStatus) -> None:
    """Publishers, and the editor who looks after the page (its owner), invite outside
    reviewers, if they wrote no part of the change: the inviter is the second pair of eyes
    who vouches that the address is not an author's own (four eyes)."""
    require_can_revoke_invitation(user, review)
    if review.is_author(user):
        raise NotAllowed(
            "You wrote part of this change, so someone who did not must invite its outside "
            "reviewers: ask a publisher."
        )


def require_can_publish(user, review: ReviewStatus) -> None:
    """A publisher who wrote no part of the change (four eyes)."""
    require_publisher(user, doing="publish or schedule a change")
    if review.is_author(user):
        raise NotAllowed("You wrote part of this change, so another publisher must publish it.")


def source_check_refusal(user, flags) -> str:
    """Why ``user`` may not clear these flags (one source's, on one page) by checking the page
    against the changed source ("" when they may). A medical reviewer judges whether the
    page still agrees with the evidence, and not the person who marked the source: a second
    pair of eyes reads the page, as four eyes asks of every change."""
    if Role.MEDICAL not in reviewer_roles(user):
        return (
            "Only medical reviewers can confirm that a page still agrees with a changed "
            "source. An editor can start a change instead."
        )
    if any(flag.raised_by_id is not None and flag.raised_by_id == user.pk for flag in flags):
        return (
            "You marked this source as changed, so another medical reviewer must check "
            "the page against it."
        )
    return ""


def require_can_comment(user) -> None:
    if not groups_of(user):
        raise NotAllowed("Only editors, reviewers and publishers can comment on a change.")


def can_view(user) -> bool:
    """The workspace is for editors, reviewers, publishers, and staff admins (who may look
    but hold no role)."""
    return bool(groups_of(user)) or bool(user and user.is_authenticated and user.is_staff)
