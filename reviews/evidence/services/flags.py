"""Raising review flags when a source changes, recording that reviewers were shown them, and
clearing them when a change they saw is published. Called by the services that take those
steps, inside their transactions; each is a fixed number of queries."""

from collections.abc import Iterable

from infopages.register import pages_citing
from infopages.sources import Source
from reviews.core.audit import Action
from reviews.core.errors import StaleContent
from reviews.core.models import AuditEvent, ChangeRequest, Decision, SignOff
from reviews.evidence.flags import open_flags_of, seen_by_every_approval
from reviews.evidence.models import ReviewFlag

Shown = ReviewFlag.shown_to.through


def raise_flags(*, source: Source, by, at) -> list[ReviewFlag]:
    """Flag every page whose working copy or live publication cites ``source`` (or a source
    merged into it), with the source's new status and note; one audit event per page, so
    each page's history says why it needs review."""
    page_ids = sorted(pages_citing([source.pk]))
    actor = by if by is not None and by.is_authenticated else None
    flags = ReviewFlag.objects.bulk_create(
        [
            ReviewFlag(
                page_id=page_id,
                source=source,
                source_status=source.status,
                reason=source.status_note,
                citation=source.citation,
                raised_at=at,
                raised_by=actor,
            )
            for page_id in page_ids
        ],
        batch_size=1000,
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action=Action.REVIEW_FLAGGED,
                actor=actor,
                page_id=flag.page_id,
                versions={"flag": flag.pk, "source": source.pk},
                message=f"Review needed: {flag.summary}",
            )
            for flag in flags
        ],
        batch_size=1000,
    )
    return flags


def require_shown(*, change: ChangeRequest, shown: Iterable[int]) -> list[ReviewFlag]:
    """The page's open flags, all of which the reviewer's screen listed (``shown``: their
    ids). Refused when one was raised after the screen was read: the reviewer reads its
    reason first."""
    flags = open_flags_of(change.page_id)
    listed = {int(pk) for pk in shown}
    unseen = [flag for flag in flags if flag.pk not in listed]
    if unseen:
        raise StaleContent(
            "A source this page cites was marked "
            f"{unseen[0].get_source_status_display()} after you opened the page, so your "
            "decision was not recorded. Read why the page needs review, at the top of the "
            "page, and decide again."
        )
    return flags


def record_shown(*, sign_off: SignOff, flags: list[ReviewFlag]) -> None:
    """Record that this decision was given with these flags' reasons on screen."""
    Shown.objects.bulk_create(
        [Shown(reviewflag_id=flag.pk, signoff_id=sign_off.pk) for flag in flags]
    )


def clear_seen_flags(
    *, change: ChangeRequest, approvals: list[SignOff], at
) -> tuple[list[ReviewFlag], list[ReviewFlag]]:
    """On publishing ``change``: clear the page's open flags that every counting approval
    was given with on screen; return those cleared and those left open."""
    flags = open_flags_of(change.page_id)
    approval_ids = [s.pk for s in approvals if s.decision == Decision.APPROVE]
    seen = seen_by_every_approval(flags, approval_ids)
    cleared = [flag for flag in flags if flag.pk in seen]
    if cleared:
        ReviewFlag.objects.filter(pk__in=[flag.pk for flag in cleared]).update(
            cleared_at=at, cleared_by_change=change
        )
    return cleared, [flag for flag in flags if flag.pk not in seen]
