"""The change workflow's records, one module per concept.

- ``changes``: change requests, the exact versions they contain, sign-offs and comments.
- ``invitations``: outside reviewers asked to sign off one change. The record is here, not in
  ``reviews.outside``, because a sign-off names who gave it (a user or an invitation) and the
  four-eyes rule that decides whether it counts (invariant 3) is the core's; inviting and the
  invited reviewer's screens are the feature.
- ``roles``: reviewer roles (rows the admin keeps) and how many of each a requirement needs.
- ``requirements``: which sign-offs a topic or page needs.
- ``notifications``: who wants email when, and the outbox of emails to send.
- ``readings``: the sections a reviewer ticked as read so far in a full review.
- ``audit``: the append-only audit log.
"""

from reviews.core.models.audit import AuditEvent
from reviews.core.models.changes import (
    ChangeRequest,
    ChangeRequestItem,
    Comment,
    Decision,
    Role,
    SignOff,
)
from reviews.core.models.invitations import Invitation
from reviews.core.models.notifications import Frequency, Notification, NotificationPreference
from reviews.core.models.readings import ReadingProgress
from reviews.core.models.requirements import SignOffRequirement
from reviews.core.models.roles import ReviewerRole, RoleKey, SignOffRequirementRole

__all__ = [
    "AuditEvent",
    "ChangeRequest",
    "ChangeRequestItem",
    "Comment",
    "Decision",
    "Frequency",
    "Invitation",
    "Notification",
    "NotificationPreference",
    "ReadingProgress",
    "ReviewerRole",
    "Role",
    "RoleKey",
    "SignOff",
    "SignOffRequirement",
    "SignOffRequirementRole",
]
