"""Putting approved changes live (now or at a chosen time), and taking a page down."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from infopages.models import PUBLIC_NOTE_MAX_LENGTH, Page, PublishedPage
from infopages.publishing import (
    PublishingRefused,
    ReviewRecord,
    content_from_versions,
    last_publication,
    publish_content,
    retire_current,
    topic_trail,
)
from infopages.review_intervals import next_review_after
from reviews.core import audit, contents, hooks, notifications
from reviews.core.audit import Action
from reviews.core.credits import public_reviewers
from reviews.core.errors import InvalidInput, InvalidTransition, StaleContent, WorkflowError
from reviews.core.models import ChangeRequest
from reviews.core.services.common import NEVER_PUBLISHED, State, lock, tell_authors
from reviews.core.status import ReviewStatus
from reviews.core.workflow import Automatic, PageStep, Step, move, require, require_page_step

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Publishable:
    """What publishing a change reads once and uses twice."""

    versions: list
    trail: list[dict]
    last: PublishedPage | None


def _require_publishable(
    change: ChangeRequest, by, *, step: Step, review: ReviewStatus
) -> _Publishable:
    # The table checks the sign-offs still count; what readers would see must still match
    # what was signed, topic names included.
    require(step, user=by, change=change, review=review)
    versions = contents.included_versions(change)
    page_version = next(v for v in versions if v._model is Page)
    trail = topic_trail(page_version.field_dict["topic_id"])
    if contents.content_hash(versions, trail=trail) != change.content_hash:
        raise StaleContent(
            "What readers would see no longer matches what was signed off (a part of the page "
            "or the name of its topic changed since). It needs to be reviewed again."
        )
    last = last_publication(change.page)
    if not change.is_full_review and last is None:
        raise InvalidTransition(NEVER_PUBLISHED)
    return _Publishable(versions=versions, trail=trail, last=last)


def _review_record(
    change: ChangeRequest, review: ReviewStatus, *, on, last: PublishedPage | None
) -> ReviewRecord:
    """What readers are told about the review: a full review dates the page from the day it
    is published and names the reviewers who signed it; any other change keeps both from
    the last publication."""
    approvers = _approvers(review)
    if change.is_full_review:
        kind = (
            PublishedPage.Kind.FULL_REVIEW
            if contents.differs_from_published(change)
            else PublishedPage.Kind.RECERTIFIED
        )
        return ReviewRecord(
            kind=kind,
            reviewed_on=on,
            next_review_on=next_review_after(on, change.page),
            reviewers=public_reviewers(review.counting),
            approved_by=approvers,
        )
    return ReviewRecord(
        kind=PublishedPage.Kind.CHANGE,
        reviewed_on=last.reviewed_on,
        next_review_on=last.next_review_on,
        reviewers=last.reviewers,
        approved_by=approvers,
    )


def _approvers(review: ReviewStatus) -> list[dict]:
    return [_approver(s) for s in review.counting]


def _approver(s) -> dict:
    entry = {
        "name": s.reviewer_name,
        "role": s.role,
        "role_label": str(s.get_role_display()),
        "at": s.created_at.isoformat(),
        "sign_off": s.pk,
    }
    if s.is_outside:
        return entry | {
            "role_label": f"{entry['role_label']}, outside reviewer",
            "email": s.invitation.email,
            "invitation": s.invitation_id,
        }
    return entry | {"username": s.reviewer.get_username()}


def clean_public_note(note: str) -> str:
    """The note readers see in the page's history: one line of plain text, at most
    ``PUBLIC_NOTE_MAX_LENGTH`` characters (it is shown escaped, never as markup)."""
    note = " ".join(note.split())
    if len(note) > PUBLIC_NOTE_MAX_LENGTH:
        raise InvalidInput(
            f"Keep the note for readers to one line of at most {PUBLIC_NOTE_MAX_LENGTH} "
            f"characters (it has {len(note)})."
        )
    return note


def review_record_now(change: ChangeRequest, review: ReviewStatus) -> ReviewRecord | None:
    """What publishing ``change`` today would tell readers about its review (its kind, dates
    and reviewers), as ``publish`` sets it: the publisher confirms it first. None when it
    could not be published as it is (a first publication that is not a full review)."""
    last = last_publication(change.page)
    if not change.is_full_review and last is None:
        return None
    return _review_record(change, review, on=timezone.localdate(), last=last)


@transaction.atomic
def publish(
    *,
    change: ChangeRequest,
    by,
    note: str = "",
    seen_hash: str | None = None,
    public_note: str | None = None,
) -> PublishedPage:
    """Publish exactly the versions that were signed off; readers see them at once.

    ``seen_hash``: the content the publisher confirmed (the change's ``content_hash`` on
    the confirmation screen); publishing is refused if it is not what would go live.
    ``public_note``: one line readers see in the page's history ("Updated the information
    about bone scans"); optional. None: the note given when it was scheduled, if any.
    The previous publication stays in the history, marked as replaced. The page's review
    flags whose reason every counting approval was given with are cleared (the evidence
    register's part, through ``reviews.core.hooks``).
    """
    review = lock(change)
    ready = _require_publishable(change, by, step=Step.PUBLISH, review=review)
    if seen_hash is not None and seen_hash != change.content_hash:
        raise StaleContent(
            "This change was edited and signed off again after you opened it, so it was not "
            "published. Look at what would go live now and confirm again."
        )
    public_note = clean_public_note(change.public_note if public_note is None else public_note)
    now = timezone.now()
    content = content_from_versions(page=change.page, versions=ready.versions, trail=ready.trail)
    record = _review_record(change, review, on=timezone.localdate(now), last=ready.last)
    try:
        publication = publish_content(
            page=change.page,
            content=content,
            review=record,
            by=by,
            note=(note.strip() or f"Change request #{change.pk}: {change.summary}")[:300],
            public_note=public_note,
            at=now,
            ends_review_notice=change.is_full_review,  # only a full review told readers
        )
    except PublishingRefused as refusal:
        raise InvalidTransition(str(refusal)) from None
    outcomes = hooks.publish(change=change, approvals=review.counting, at=now, by=by)
    was_scheduled = move(change, step=Step.PUBLISH, to=State.PUBLISHED) == State.SCHEDULED
    change.publication = publication
    change.published_at = now
    change.public_note = public_note
    change.save(update_fields=["state", "publication", "published_at", "public_note"])
    message = f"Published as publication {publication.pk}"
    if was_scheduled:
        message += f" (scheduled for {timezone.localtime(change.scheduled_for):%d %b %Y %H:%M})"
    if public_note:
        message += f", with the note for readers “{public_note}”"
    message += "."
    message += "".join(f" {outcome.sentence}" for outcome in outcomes if outcome.sentence)
    audit.record_change(
        change,
        action=Action.PUBLISHED,
        actor=by,
        message=message,
        publication=publication.pk,
        **{key: value for outcome in outcomes for key, value in outcome.details.items()},
    )
    shown = next((outcome for outcome in outcomes if outcome.shown_at), None)
    path = shown.shown_at if shown else change.page.get_absolute_url()
    tell_authors(
        change,
        review=review,
        event=notifications.PUBLISHED,
        actor=by,
        public_url=f"{settings.SITE_URL}{path}",
        shown_as=shown.shown_as if shown else "",
    )
    return publication


@transaction.atomic
def schedule(*, change: ChangeRequest, by, at: datetime, public_note: str = "") -> ChangeRequest:
    """Have an approved change published automatically at ``at`` (by ``publish_scheduled``),
    with the note for readers given now (see ``publish``)."""
    review = lock(change)
    _require_publishable(change, by, step=Step.SCHEDULE, review=review)
    if timezone.is_naive(at):
        raise InvalidInput("Give the publication time with its time zone.")
    if at <= timezone.now():
        raise InvalidInput("Choose a publication time in the future, or publish now.")
    change.public_note = clean_public_note(public_note)
    move(change, step=Step.SCHEDULE, to=State.SCHEDULED)
    change.scheduled_for = at
    change.scheduled_by = by
    change.save(update_fields=["state", "scheduled_for", "scheduled_by", "public_note"])
    note = f", with the note for readers “{change.public_note}”" if change.public_note else ""
    audit.record_change(
        change,
        action=Action.SCHEDULED,
        actor=by,
        message=f"To be published at {timezone.localtime(at):%d %b %Y %H:%M}{note}.",
    )
    return change


@transaction.atomic
def unschedule(*, change: ChangeRequest, by, reason: str = "") -> ChangeRequest:
    """Cancel a scheduled publication; the change stays approved."""
    review = lock(change)
    require(Step.UNSCHEDULE, user=by, change=change, review=review)
    move(change, step=Step.UNSCHEDULE, to=State.APPROVED)
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
    move(change, step=Automatic.SCHEDULE_FAILED, to=State.APPROVED)
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
    require_page_step(PageStep.TAKE_DOWN, user=by)
    if not reason.strip():
        raise InvalidInput("Give the reason for taking the page down: it goes in the audit log.")
    # Lock in the order publishing does (change request, then page), so a take-down racing a
    # scheduled publication of the same page waits for it instead of deadlocking.
    scheduled = (
        ChangeRequest.objects.select_for_update().filter(page=page, state=State.SCHEDULED).first()
    )
    Page.objects.select_for_update().filter(pk=page.pk).first()
    now = timezone.now()
    retired = retire_current(page=page, by=by, at=now)
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
