"""Every record of the workflow app, for Django (which loads ``<app>.models``), the admin and
the tests. The records themselves live with the package they belong to: the core's in
``reviews.core.models``, each feature's in its own ``models`` module. Code inside ``reviews``
imports them from there, never from here (``make lint`` checks it).
"""

from reviews.blocks.models import BlockRepublication
from reviews.core.models import (
    AuditEvent,
    ChangeRequest,
    ChangeRequestItem,
    Comment,
    Decision,
    Frequency,
    Invitation,
    Notification,
    NotificationPreference,
    ReadingProgress,
    ReviewerRole,
    Role,
    RoleKey,
    SignOff,
    SignOffRequirement,
    SignOffRequirementRole,
)
from reviews.evidence.models import ReviewFlag, SourceCheck
from reviews.readability.models import PageReadability
from reviews.schedule.models import CalendarFeed, ReviewReminder

__all__ = [
    "AuditEvent",
    "BlockRepublication",
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
