"""Reviewers' decisions: approve, or ask for changes, on exactly the content they saw."""

from django.db import transaction
from django.utils import timezone

from reviews import audit, contents, notifications, policy, selectors
from reviews.audit import Action
from reviews.errors import InvalidInput, InvalidTransition, NotAllowed, StaleContent
from reviews.models import ChangeRequest, Decision, Role, SignOff
from reviews.services.common import State, lock, require_state, tell_authors


def _resolve_role(reviewer, change: ChangeRequest, role: Role | str | None) -> Role:
    if role is not None:
        try:
            return Role(role)
        except ValueError:
            raise InvalidInput(f"“{role}” is not a reviewer role.") from None
    required = selectors.required_sign_offs(change)
    mine = [r for r in Role if r in required and r in policy.reviewer_roles(reviewer)]
    if len(mine) == 1:
        return mine[0]
    if not mine:
        needed = " and ".join(str(r.label) for r in required)
        raise NotAllowed(f"This change needs a sign-off from a {needed}; you are neither.")
    raise InvalidInput("You review in more than one role: say in which role you sign this off.")


@transaction.atomic
def sign_off(
    *,
    change: ChangeRequest,
    reviewer,
    decision: Decision | str,
    seen_hash: str,
    comment: str = "",
    role: Role | str | None = None,
) -> SignOff:
    """Record a reviewer's decision on exactly the content they saw.

    ``seen_hash`` is the change's ``content_hash`` as shown to the reviewer; if the change was
    edited since, the decision is refused so they can look again. Asking for changes sends the
    change back to its editors; the last approval it needs makes it approved.
    """
    lock(change)
    decision = Decision(decision)
    doing = "approved" if decision == Decision.APPROVE else "sent back for changes"
    require_state(change, [State.IN_REVIEW], doing=doing)
    role = _resolve_role(reviewer, change, role)
    policy.require_can_sign_off(reviewer, change, role)
    if seen_hash != change.content_hash:
        raise StaleContent(
            "This change was edited after you opened it, so your decision was not recorded. "
            "Please read the current version and decide again."
        )
    comment = comment.strip()
    if decision == Decision.REQUEST_CHANGES and not comment:
        raise InvalidInput("Say what needs to change, so the editor can act on it.")
    latest = next(
        (s for s in selectors.latest_sign_offs(change) if s.reviewer_id == reviewer.pk), None
    )
    if latest and latest.decision == decision and latest.content_hash == change.content_hash:
        raise InvalidTransition("You have already given this decision on this version.")

    signed = SignOff.objects.create(
        change=change,
        reviewer=reviewer,
        role=role,
        decision=decision,
        comment=comment,
        content_hash=change.content_hash,
        versions=change.source_versions().to_json(),
    )
    now = timezone.now()
    if decision == Decision.REQUEST_CHANGES:
        change.state = State.CHANGES_REQUESTED
        change.decided_at = now
        change.save(update_fields=["state", "decided_at"])
        audit.record_change(
            change, action=Action.CHANGES_REQUESTED, actor=reviewer, role=role,
            message=f"As {role.label}: {comment}",
        )  # fmt: skip
        tell_authors(change, event=notifications.CHANGES_REQUESTED, actor=reviewer,
                     sign_off=signed)  # fmt: skip
        return signed

    audit.record_change(
        change, action=Action.SIGNED_OFF, actor=reviewer, role=role,
        message=f"Approved as {role.label}" + (f": {comment}" if comment else "."),
    )  # fmt: skip
    if selectors.is_fully_approved(change):
        approvals = selectors.counting_approvals(change)
        change.state = State.APPROVED
        change.decided_at = now
        change.save(update_fields=["state", "decided_at"])
        names = ", ".join(
            f"{s.reviewer.get_full_name() or s.reviewer.get_username()} ({s.get_role_display()})"
            for s in approvals
        )
        audit.record_change(
            change, action=Action.APPROVED, actor=reviewer,
            message=f"Every required sign-off given: {names}.",
        )  # fmt: skip
        tell_authors(change, event=notifications.APPROVED, actor=reviewer, approvals=approvals)
        authors = {a.pk for a in contents.authors_of(change)}
        publishers = selectors.users_in_group_any([policy.PUBLISHERS]).exclude(pk__in=authors)
        notifications.notify(
            users=publishers, event=notifications.READY_TO_PUBLISH, change=change, actor=reviewer
        )
    return signed
