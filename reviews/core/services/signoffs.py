"""Reviewers' decisions: approve, or ask for changes, on exactly the content they saw."""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from infopages.models import Section
from reviews.core import audit, hooks, notifications, policy, selectors
from reviews.core.audit import Action
from reviews.core.credits import credit_for
from reviews.core.errors import InvalidInput, InvalidTransition, StaleContent
from reviews.core.models import ChangeRequest, Decision, Invitation, RoleKey, SignOff
from reviews.core.services.common import State, lock, send_back_to_review, tell_authors
from reviews.core.status import ReviewStatus
from reviews.core.workflow import Automatic, Step, move, require


def _resolve_role(reviewer, review: ReviewStatus, role: str | None) -> RoleKey:
    """The role asked for, or the one role this reviewer may sign the change off in."""
    if role is not None:
        known = review.known_role(role)
        if known is None:
            raise InvalidInput(f"“{role}” is not a reviewer role.")
        return known
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
    role: str | None = None,
    sections: Iterable[int | str] = (),
    shown: Mapping[str, Iterable[int]] | None = None,
) -> SignOff:
    """Record a reviewer's decision on exactly the content they saw.

    ``seen_hash`` is the change's ``content_hash`` as shown to the reviewer; if the change was
    edited since, the decision is refused so they can look again. Asking for changes sends the
    change back to its editors; the last approval it needs makes it approved.

    In a full review, an approval must confirm every section (``sections``: the ids of those
    the reviewer ticked as read); otherwise it covers the sections the change alters. The
    sign-off carries the reviewer's public credit as it is now. (Outside reviewers decide
    through ``invitations.decide_as_invited``, which records the decision the same way.)

    ``shown``: what the reviewer's screen listed besides the change, by the key of the
    feature that listed it (``reviews.core.hooks.ShownWithDecision``), e.g. ``{"flags":
    ids}``: the page's open review flags, recorded with the decision so that publishing
    clears them; one raised since the screen was read refuses the decision, as an edit
    does. A key left out: the screen listed none.
    """
    review = lock(change)
    require(Step.SIGN_OFF, user=reviewer, change=change, review=review)
    role = _resolve_role(reviewer, review, role)
    policy.require_can_sign_off(reviewer, role, review)
    return record_decision(
        change,
        review=review,
        reviewer=reviewer,
        role=role,
        decision=decision,
        seen_hash=seen_hash,
        comment=comment,
        sections=sections,
        credit=credit_for(reviewer, role),
        shown=shown,
    )


def record_decision(
    change: ChangeRequest,
    *,
    review: ReviewStatus,
    role: RoleKey,
    decision: Decision | str,
    seen_hash: str,
    comment: str,
    sections: Iterable[int | str],
    credit: dict,
    reviewer=None,
    invitation: Invitation | None = None,
    shown: Mapping[str, Iterable[int]] | None = None,
) -> SignOff:
    """The decision of a staff ``reviewer`` or of an outside reviewer (``invitation``), once
    the caller has locked the change and checked who decides: what every sign-off checks
    (the content seen, a reason for changes, not the same decision twice, the sections of a
    full review), the sign-off itself, its audit event, and where the change goes next."""
    decision = Decision(decision)
    if seen_hash != change.content_hash:
        raise StaleContent(
            "This change was edited after you opened it, so your decision was not recorded. "
            "Please read the current version and decide again."
        )
    comment = comment.strip()
    if decision == Decision.REQUEST_CHANGES and not comment:
        raise InvalidInput("Say what needs to change, so the editor can act on it.")
    latest = review.latest_of(invitation or reviewer)
    if latest and latest.decision == decision and latest.content_hash == change.content_hash:
        raise InvalidTransition("You have already given this decision on this version.")
    covered = _sections_covered(change, review, decision, {str(pk) for pk in sections})
    checked = hooks.check_shown(change, shown)

    signed = SignOff.objects.create(
        change=change,
        reviewer=reviewer,
        invitation=invitation,
        role=str(role),
        decision=decision,
        comment=comment,
        content_hash=change.content_hash,
        versions=change.source_versions().to_json(),
        sections=covered,
        credit=credit,
    )
    hooks.record_shown(signed, checked)
    now = timezone.now()
    as_whom = f"As {role.label}" + (f" ({outside_reviewer(invitation)})" if invitation else "")
    extra = outside_actor(invitation) if invitation else {}
    if decision == Decision.REQUEST_CHANGES:
        move(change, step=Step.SIGN_OFF, to=State.CHANGES_REQUESTED)
        change.decided_at = now
        change.save(update_fields=["state", "decided_at"])
        audit.record_change(
            change,
            action=Action.CHANGES_REQUESTED,
            actor=reviewer,
            role=role,
            message=f"{as_whom}: {comment}",
            **extra,
        )
        tell_authors(
            change,
            review=review,
            event=notifications.CHANGES_REQUESTED,
            actor=reviewer,
            sign_off=signed,
        )
        return signed

    approved = f"Approved as {role.label}" + (
        f" ({outside_reviewer(invitation)})" if invitation else ""
    )
    audit.record_change(
        change,
        action=Action.SIGNED_OFF,
        actor=reviewer,
        role=role,
        message=approved + (f": {comment}" if comment else "."),
        **extra,
    )
    review = review.after_write()
    if review.is_fully_approved:
        _approve(change, review=review, reviewer=reviewer, at=now)
    return signed


def outside_reviewer(invitation: Invitation) -> str:
    """How the workspace and the audit log name an outside reviewer."""
    return f"outside reviewer {invitation.name}, {invitation.email}"


def outside_actor(invitation: Invitation) -> dict:
    """What an audit event of a step an outside reviewer took records of them (they are not
    a user, so the event has no actor): the audit CSV names them from it."""
    return {
        "invitation": invitation.pk,
        "outside_reviewer": {"name": invitation.name, "email": invitation.email},
    }


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
    move(change, step=Step.SIGN_OFF, to=State.APPROVED)
    change.decided_at = at
    change.save(update_fields=["state", "decided_at"])
    names = ", ".join(
        f"{s.reviewer_name} ({'outside reviewer, ' if s.is_outside else ''}{s.get_role_display()})"
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


def reconsider_approvals(*, reviewer_ids: set[int], reason: str) -> list[ChangeRequest]:
    """Approved or scheduled changes that relied on these reviewers' sign-offs go back to
    review when the sign-offs stop counting (a reviewer left their role or their account
    was closed). Each in its own transaction; returns the changes sent back."""
    signed = SignOff.objects.filter(
        reviewer_id__in=reviewer_ids,
        decision=Decision.APPROVE,
        change__state__in=[State.APPROVED, State.SCHEDULED],
    ).values_list("change_id", flat=True)
    sent_back = []
    for change in ChangeRequest.objects.filter(pk__in=set(signed)).select_related("page"):
        if send_back_if_short(change, reason=reason):
            sent_back.append(change)
    return sent_back


@transaction.atomic
def send_back_if_short(change: ChangeRequest, *, reason: str) -> bool:
    """An approved or scheduled change no longer has every sign-off it needs (one it relied
    on stopped counting): back to review, with the reviewers asked again. True if so."""
    review = lock(change)
    if change.state not in (State.APPROVED, State.SCHEDULED) or review.is_fully_approved:
        return False
    lapsed = ", ".join(
        f"{entry.sign_off.reviewer_name} "
        f"({'outside reviewer, ' if entry.sign_off.is_outside else ''}{entry.reason})"
        for entry in review.lapsed
    )
    send_back_to_review(
        change,
        step=Automatic.SIGN_OFF_LAPSED,
        by=None,
        action=Action.SIGN_OFF_LAPSED,
        message=f"The change was {change.get_state_display()}, but a sign-off it relied on "
        f"no longer counts: {lapsed or reason}. It is back in review.",
    )
    return True
