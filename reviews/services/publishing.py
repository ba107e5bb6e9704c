"""Putting approved changes live (now or at a chosen time), and taking a page down."""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from infopages.models import Page, PublishedPage
from infopages.publishing import content_from_versions, publish_content, retire_current
from reviews import audit, contents, notifications, policy
from reviews.audit import Action
from reviews.errors import InvalidInput, InvalidTransition, StaleContent, WorkflowError
from reviews.models import ChangeRequest
from reviews.services.common import State, lock, tell_authors
from reviews.status import ReviewStatus
from reviews.workflow import Step, require

logger = logging.getLogger(__name__)


def _require_publishable(change: ChangeRequest, by, *, step: Step, review: ReviewStatus) -> None:
    # The table checks the sign-offs still count; the versions must still match them too.
    require(step, user=by, change=change, review=review)
    if contents.content_hash(contents.included_versions(change)) != change.content_hash:
        raise StaleContent("The versions in this change no longer match what was signed off.")


def _approvers(review: ReviewStatus) -> list[dict]:
    return [
        {
            "name": s.reviewer.get_full_name() or s.reviewer.get_username(),
            "username": s.reviewer.get_username(),
            "role": s.role,
            "role_label": str(s.get_role_display()),
            "at": s.created_at.isoformat(),
            "sign_off": s.pk,
        }
        for s in review.counting
    ]


@transaction.atomic
def publish(*, change: ChangeRequest, by, note: str = "") -> PublishedPage:
    """Publish exactly the versions that were signed off; readers see them at once.

    The previous publication stays in the history, marked as replaced.
    """
    review = lock(change)
    _require_publishable(change, by, step=Step.PUBLISH, review=review)
    now = timezone.now()
    content = content_from_versions(page=change.page, versions=contents.included_versions(change))
    publication = publish_content(
        page=change.page,
        content=content,
        by=by,
        approved_by=_approvers(review),
        note=(note.strip() or f"Change request #{change.pk}: {change.summary}")[:300],
        at=now,
    )
    was_scheduled = change.state == State.SCHEDULED
    change.state = State.PUBLISHED
    change.publication = publication
    change.published_at = now
    change.save(update_fields=["state", "publication", "published_at"])
    message = f"Published as publication {publication.pk}"
    if was_scheduled:
        message += f" (scheduled for {timezone.localtime(change.scheduled_for):%d %b %Y %H:%M})"
    audit.record_change(
        change,
        action=Action.PUBLISHED,
        actor=by,
        message=message + ".",
        publication=publication.pk,
    )
    public_url = f"{settings.SITE_URL}{change.page.get_absolute_url()}"
    tell_authors(
        change, review=review, event=notifications.PUBLISHED, actor=by, public_url=public_url
    )
    return publication


@transaction.atomic
def schedule(*, change: ChangeRequest, by, at: datetime) -> ChangeRequest:
    """Have an approved change published automatically at ``at`` (by ``publish_scheduled``)."""
    review = lock(change)
    _require_publishable(change, by, step=Step.SCHEDULE, review=review)
    if timezone.is_naive(at):
        raise InvalidInput("Give the publication time with its time zone.")
    if at <= timezone.now():
        raise InvalidInput("Choose a publication time in the future, or publish now.")
    change.state = State.SCHEDULED
    change.scheduled_for = at
    change.scheduled_by = by
    change.save(update_fields=["state", "scheduled_for", "scheduled_by"])
    audit.record_change(
        change,
        action=Action.SCHEDULED,
        actor=by,
        message=f"To be published at {timezone.localtime(at):%d %b %Y %H:%M}.",
    )
    return change


@transaction.atomic
def unschedule(*, change: ChangeRequest, by, reason: str = "") -> ChangeRequest:
    """Cancel a scheduled publication; the change stays approved."""
    review = lock(change)
    require(Step.UNSCHEDULE, user=by, change=change, review=review)
    change.state = State.APPROVED
    change.scheduled_for = change.scheduled_by = None
    change.save(update_fields=["state", "scheduled_for", "scheduled_by"])
    audit.record_change(
        change, action=Action.UNSCHEDULED, actor=by, message=reason.strip() or "Unscheduled."
    )
    return change


def publish_due(*, now: datetime | None = None) -> list[PublishedPage]:
    """Publish every scheduled change whose time has come, each in its own transaction.

    Each is published by the publisher who scheduled it, with the same checks as publishing
    by hand. One that is refused goes back to approved (so it is not retried every run), the
    failure is audited and the publisher who scheduled it is told.
    """
    now = now or timezone.now()
    due = ChangeRequest.objects.filter(state=State.SCHEDULED, scheduled_for__lte=now)
    publications = []
    for change in due.select_related("scheduled_by", "page").order_by("scheduled_for", "id"):
        try:
            publications.append(publish(change=change, by=change.scheduled_by))
        except WorkflowError as error:
            logger.warning("Scheduled change %s was not published: %s", change.pk, error)
            _give_up_schedule(change, reason=str(error))
    return publications


@transaction.atomic
def _give_up_schedule(change: ChangeRequest, *, reason: str) -> None:
    lock(change)
    if change.state != State.SCHEDULED:
        return  # published or changed meanwhile by someone else
    scheduler = change.scheduled_by
    change.state = State.APPROVED
    change.scheduled_for = change.scheduled_by = None
    change.save(update_fields=["state", "scheduled_for", "scheduled_by"])
    audit.record_change(
        change,
        action=Action.SCHEDULED_PUBLISH_FAILED,
        actor=None,
        message=f"Not published at the scheduled time: {reason} The change is approved "
        "and waits to be published or scheduled again.",
    )
    if scheduler is not None:
        notifications.notify(
            users=[scheduler], event=notifications.PUBLISH_FAILED, change=change, reason=reason
        )


@transaction.atomic
def unpublish_page(*, page: Page, by, reason: str) -> PublishedPage:
    """Take a page off the public site now (an emergency). Its history stays.

    A publication scheduled for the page is cancelled too, so it cannot come back by itself.
    """
    policy.require_can_unpublish(by)
    if not reason.strip():
        raise InvalidInput("Give the reason for taking the page down: it goes in the audit log.")
    # Lock in the order publishing does (change request, then page), so a take-down racing a
    # scheduled publication of the same page waits for it instead of deadlocking.
    scheduled = (
        ChangeRequest.objects.select_for_update().filter(page=page, state=State.SCHEDULED).first()
    )
    Page.objects.select_for_update().filter(pk=page.pk).first()
    now = timezone.now()
    retired = retire_current(page=page, at=now)
    if retired is None:
        raise InvalidTransition(f"“{page}” is not published, so there is nothing to take down.")
    audit.record(
        action=Action.UNPUBLISHED,
        actor=by,
        page=page,
        versions={"publication": retired.pk, **retired.versions.to_json()},
        message=reason.strip(),
    )
    if scheduled is not None:
        unschedule(change=scheduled, by=by, reason=f"Page taken down: {reason.strip()}")
    return retired
