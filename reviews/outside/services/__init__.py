"""Outside reviewers' verbs. Each is one transaction that checks permission and state, writes its
audit event and raises a ``WorkflowError`` (with a message for the person) when refused.
"""

from reviews.outside.services.invitation_access import check_code, invitation_for_key, send_code
from reviews.outside.services.invitations import (
    decide_as_invited,
    invite_reviewer,
    revoke_invitation,
)

__all__ = [
    "check_code",
    "decide_as_invited",
    "invitation_for_key",
    "invite_reviewer",
    "revoke_invitation",
    "send_code",
]
