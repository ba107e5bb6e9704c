"""Writing to the audit log. Every service that changes workflow state calls ``record``."""

from typing import Any

from reviews.core.models import AuditEvent


class Action:
    """The audit log's verbs, one per workflow step, the staff sign-in events, and changes
    made in the admin."""

    CHANGE_STARTED = "change_started"
    DETAILS_CHANGED = "details_changed"
    EDITED = "edited"
    REMOVED = "removed"
    REORDERED = "reordered"
    RESTORED = "restored"
    SUBMITTED = "submitted"
    SIGNED_OFF = "signed_off"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    UNSCHEDULED = "unscheduled"
    PUBLISHED = "published"
    SCHEDULED_PUBLISH_FAILED = "scheduled_publish_failed"
    WITHDRAWN = "withdrawn"
    COMMENTED = "commented"
    UNPUBLISHED = "unpublished"
    SIGN_OFF_LAPSED = "sign_off_lapsed"
    TOPIC_CHANGED = "topic_changed"
    NEXT_REVIEW_CHANGED = "next_review_changed"
    REVIEW_INTERVAL_CHANGED = "review_interval_changed"
    OWNER_CHANGED = "owner_changed"
    WORDING_CHANGED = "wording_changed"
    CREDIT_CHANGED = "credit_changed"
    CALENDAR_FEED_CREATED = "calendar_feed_created"
    CALENDAR_FEED_REVOKED = "calendar_feed_revoked"
    INVITATION_SENT = "invitation_sent"  # an outside reviewer asked, by a secure link
    INVITATION_OPENED = "invitation_opened"  # their one-time code accepted, the first time
    INVITATION_LOCKED = "invitation_locked"  # too many wrong codes: the link stops working
    INVITATION_REVOKED = "invitation_revoked"
    SOURCE_ADDED = "source_added"
    SOURCE_CHANGED = "source_changed"
    SOURCE_MARKED = "source_marked"  # updated, withdrawn or current again
    SOURCES_MERGED = "sources_merged"
    REVIEW_FLAGGED = "review_flagged"  # a source the page cites changed
    REVIEW_FLAGS_CLEARED = "review_flags_cleared"
    SOURCE_CHECKED = "source_checked"  # the page still agrees with a changed source
    IMPORTED = "imported"
    IMPORTED_DRAFT = "imported_draft"
    SIGN_IN_LOCKED_OUT = "sign_in_locked_out"
    TWO_FACTOR_ENABLED = "two_factor_enabled"
    BLOCK_CREATED = "block_created"  # a shared block and its first change
    BLOCK_RETIRED = "block_retired"
    BLOCK_REPUBLICATION_STARTED = "block_republication_started"
    BLOCK_REPUBLISHED = "block_republished"  # one live page, with a block's new version
    BLOCK_REPUBLICATION_FINISHED = "block_republication_finished"
    VERSION_STARTED = "version_started"  # a language or easy read version of a page
    SOURCE_FOLLOWED = "source_followed"  # a version made from a newer English publication
    ADMIN_CHANGED = "admin_changed"  # people, topics, requirements, accounts: in the admin


def record(
    *,
    action: str,
    actor=None,
    page=None,
    change_request_id: int | None = None,
    versions: dict[str, Any] | None = None,
    message: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        page=page,
        change_request_id=change_request_id,
        versions=versions or {},
        message=message,
    )


def record_all(action: str, *, actor=None, events: list[dict[str, Any]]) -> list[AuditEvent]:
    """One event per entry of ``events`` (each with ``page_id`` and any of
    ``change_request_id``, ``versions``, ``message``), written in one statement: a step done
    to many pages at once still leaves one event a page."""
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.bulk_create(
        AuditEvent(action=action, actor=actor, **{"versions": {}} | event) for event in events
    )


def record_change(change, *, action: str, actor, message: str = "", **extra: Any) -> AuditEvent:
    """An event about a change request, with the exact versions and hash it holds now."""
    versions = {"content_hash": change.content_hash, **change.source_versions().to_json(), **extra}
    return record(
        action=action,
        actor=actor,
        page=change.page,
        change_request_id=change.pk,
        versions=versions,
        message=message,
    )
