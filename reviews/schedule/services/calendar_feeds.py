"""Owners' private calendar feeds: a secret address per editor, made and revoked by them.

The address is the key: whoever has it reads the due dates of that editor's pages, so only
its hash is stored, it is shown once, and making a new one revokes the old one. Leaving the
Editors group or having the account closed revokes it for good: joining again does not bring
the old address back (they make a new one).
"""

import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from reviews.core import audit, policy
from reviews.core.audit import Action
from reviews.core.errors import InvalidTransition
from reviews.schedule.models import CalendarFeed, hash_feed_key


def working_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def create_calendar_feed(*, by) -> tuple[CalendarFeed, str]:
    """A new private feed of ``by``'s pages; returns it and its key (never stored)."""
    policy.require_editor(by, doing="have a calendar feed of the pages they look after")
    revoked = _revoke(by)
    key = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=by, key_hash=hash_feed_key(key))
    replaced = " (the old one stops working)" if revoked else ""
    audit.record(
        action=Action.CALENDAR_FEED_CREATED,
        actor=by,
        message=f"New private calendar address{replaced}.",
    )
    return feed, key


@transaction.atomic
def revoke_calendar_feed(*, by) -> CalendarFeed:
    """Stop ``by``'s private calendar address from working, at once."""
    revoked = _revoke(by)
    if revoked is None:
        raise InvalidTransition("You have no private calendar address to revoke.")
    audit.record(
        action=Action.CALENDAR_FEED_REVOKED, actor=by, message="Private calendar address revoked."
    )
    return revoked


def _revoke(user) -> CalendarFeed | None:
    feed = CalendarFeed.objects.select_for_update().filter(user=user, revoked_at=None).first()
    if feed is not None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


@transaction.atomic
def revoke_feeds_of_former_editors(*, user_ids: Iterable[int] | None = None) -> int:
    """Revoke for good the working addresses of these people (None: of anyone) who are no
    longer active editors, each audited; returns how many. Called when someone leaves the
    Editors group or their account is closed, in that transaction."""
    editors = get_user_model().objects.filter(is_active=True, groups__name=policy.EDITORS)
    feeds = CalendarFeed.objects.select_for_update().filter(revoked_at=None)
    if user_ids is not None:
        feeds = feeds.filter(user_id__in=set(user_ids))
    revoked = 0
    for feed in feeds.exclude(user__in=editors).select_related("user"):
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        owner = feed.user.get_full_name() or feed.user.get_username()
        audit.record(
            action=Action.CALENDAR_FEED_REVOKED,
            versions={"user": feed.user_id},
            message=f"Private calendar address of {owner} revoked: they are no longer an editor.",
        )
        revoked += 1
    return revoked


def feed_owner(key: str):
    """The active editor whose working feed has this key, or None (wrong or revoked)."""
    if not key or len(key) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(key_hash=hash_feed_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None or not policy.is_editor(feed.user):
        return None
    return feed.user
