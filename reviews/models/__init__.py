"""The review workflow's records, one module per concept.

- ``changes``: change requests, the exact versions they contain, sign-offs and comments.
- ``invitations``: outside reviewers asked, by a secure link, to sign off one change.
- ``roles``: reviewer roles (rows the admin keeps) and how many of each a requirement needs.
- ``requirements``: which sign-offs a topic or page needs.
- ``notifications``: who wants email when, and the outbox of emails to send.
- ``schedule``: review reminders sent, and owners' private calendar feeds.
- ``flags``: pages needing review because a source they cite changed, and source checks.
- ``readings``: the sections a reviewer ticked as read so far in a full review.
- ``audit``: the append-only audit log.
"""

from reviews.models.audit import AuditEvent
from reviews.models.changes import (
    ChangeRequest,
    ChangeRequestItem,
    Comment,
    Decision,
    Role,
    SignOff,
)
from reviews.models.flags import ReviewFlag, SourceCheck
from reviews.models.invitations import Invitation
from reviews.models.notifications import Frequency, Notification, NotificationPreference
from reviews.models.readability import PageReadability
from reviews.models.readings import ReadingProgress
from reviews.models.requirements import SignOffRequirement
from reviews.models.roles import ReviewerRole, RoleKey, SignOffRequirementRole
from reviews.models.schedule import CalendarFeed, ReviewReminder

__all__ = [
    "AuditEvent",
    "CalendarFeed",
    "ChangeRequest",
    "ChangeRequestItem",
    "Comment",
    "Decision",
    "Frequency",
    "Invitation",
    "Notification",
    "NotificationPreference",
    "PageReadability",
    "ReadingProgress",
    "ReviewFlag",
    "ReviewReminder",
    "ReviewerRole",
    "Role",
    "RoleKey",
    "SignOff",
    "SignOffRequirement",
    "SignOffRequirementRole",
    "SourceCheck",
]
