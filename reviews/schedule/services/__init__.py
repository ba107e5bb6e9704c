"""The review schedule's verbs. Each is one transaction that checks permission and state, writes its
audit event and raises a ``WorkflowError`` (with a message for the person) when refused.
"""

from reviews.schedule.services.review_schedule import (
    set_next_review,
    set_owner,
    set_public_wording,
    set_review_interval,
)

__all__ = ["set_next_review", "set_owner", "set_public_wording", "set_review_interval"]
