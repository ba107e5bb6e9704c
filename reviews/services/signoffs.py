"""Reviewers' decisions: approve, or ask for changes, on exactly the content they saw."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from infopages.models import Section
from reviews import audit, notifications, policy, selectors
from reviews.audit import Action
from reviews.credits import credit_for
from reviews.errors import InvalidInput, InvalidTransition, StaleContent
from reviews.models import ChangeRequest, Decision, Role, SignOff
from reviews.services.common import State, lock, tell_authors
from reviews.status import ReviewStatus
from reviews.workflow import Step, require


def _resolve_role(reviewer, review: ReviewStatus, role: Role | str | None) -> Role:
    """The role asked for, or the one role this reviewer may sign the change off in."""
    if role is not None:
        try:
            return Role(role)
        except ValueError:
            raise InvalidInput(f"“{role}” is not a reviewer role.") from None
    roles, _reason = policy.sign_off_roles(reviewer, review)
    if len(roles) > 1:
        raise InvalidInput("You review in more than one role: say in which role you sign this off.")
    return roles[0]  # the workflow refused the step if there were none


@transaction.atomic
def sign_off(
    *,
    change: ChangeRequest,
    reviewer,
    decision: Decision | str,
    seen_hash: str,
    comment: str = "",
    role: Role | str | None = None,
    sections: Iterable[int | str] = (),
) -> SignOff:
    """Record a reviewer's decision on exactly the content they saw.

    ``seen_hash`` is the change's ``content_hash`` as shown to the reviewer; if the change was
    edited since, the decision is refused so they can look again. Asking for changes sends the
    change back to its editors; the last approval it needs makes it approved.

    In a full review, an approval must confirm every section (``sections``: the ids of those
    the reviewer ticked as read); otherwise it covers the sections the change alters. The
    sign-off carries the reviewer's public credit as it is now.
    """
    review = lock(change)
    decision = Decision(decision)
    require(Step.SIGN_OFF, user=reviewer, change=change, review=review)
    role = _resolve_role(reviewer, review, role)
    policy.require_can_sign_off(reviewer, role, review)
    if seen_hash != change.content_hash:
        raise StaleContent(
            "This change was edited after you opened it, so your decision was not recorded. "
            "Please read the current version and decide again."
        )
    comment = comment.strip()
    if decision == Decision.REQUEST_CHANGES and not comment:
        raise InvalidInput("Say what needs to change, so the editor can act on it.")
    latest = review.latest_of(reviewer)
    if latest and latest.decision == decision and latest.content_hash == change.content_hash:
        raise InvalidTransition("You have already given this decision on this version.")
    covered = _sections_covered(change, review, decision, {str(pk) for pk in sections})

    signed = SignOff.objects.create(
        change=change,
        reviewer=reviewer,
        role=role,
        decision=decision,
        comment=comment,
        content_hash=change.content_hash,
        versions=change.source_versions().to_json(),
        sections=covered,
        credit=credit_for(reviewer, role),
    )
    now = timezone.now()
    if decision == Decision.REQUEST_CHANGES:
        change.state = State.CHANGES_REQUESTED
        change.decided_at = now
        change.save(update_fields=["state", "decided_at"])
        audit.record_change(
            change,
            action=Action.CHANGES_REQUESTED,
            actor=reviewer,
            role=role,
            message=f"As {role.label}: {comment}",
        )
        tell_authors(
            change,
            review=review,
            event=notifications.CHANGES_REQUESTED,
            actor=reviewer,
            sign_off=signed,
        )
        return signed

    audit.record_change(
        change,
        action=Action.SIGNED_OFF,
        actor=reviewer,
        role=role,
        message=f"Approved as {role.label}" + (f": {comment}" if comment else "."),
    )
    review = review.after_write()
    if review.is_fully_approved:
        _approve(change, review=review, reviewer=reviewer, at=now)
    return signed


def _sections_covered(
    change: ChangeRequest, review: ReviewStatus, decision: Decision, ticked: set[str]
) -> list[str]:
    """The sections a decision covers; refuses a full-review approval that skips any."""
    if not change.is_full_review:
        changed = {str(item.object_id) for item in change.items.all() if item.is_changed}
        return [pk for pk in review.section_ids if pk in changed]
    if decision == Decision.APPROVE:
        unticked = [pk for pk in review.section_ids if pk not in ticked]
        if unticked:
            headings = Section.objects.filter(pk__in=unticked).order_by("position", "id")
            names = ", ".join(f"“{s.heading}”" for s in headings)
            raise InvalidInput(
                "A full review covers the whole page: tick each section once you have read "
                f"it. Not ticked yet: {names}."
            )
    return [pk for pk in review.section_ids if pk in ticked]


def _approve(change: ChangeRequest, *, review: ReviewStatus, reviewer, at) -> None:
    """The last sign-off the change needed was given: tell its editors and the publishers."""
    approvals = review.counting
    change.state = State.APPROVED
    change.decided_at = at
    change.save(update_fields=["state", "decided_at"])
    names = ", ".join(
        f"{s.reviewer.get_full_name() or s.reviewer.get_username()} ({s.get_role_display()})"
        for s in approvals
    )
    audit.record_change(
        change,
        action=Action.APPROVED,
        actor=reviewer,
        message=f"Every required sign-off given: {names}.",
    )
    tell_authors(
        change, review=review, event=notifications.APPROVED, actor=reviewer, approvals=approvals
    )
    authors = {a.pk for a in review.authors}
    publishers = selectors.users_in_group_any([policy.PUBLISHERS]).exclude(pk__in=authors)
    notifications.notify(
        users=publishers, event=notifications.READY_TO_PUBLISH, change=change, actor=reviewer
    )
