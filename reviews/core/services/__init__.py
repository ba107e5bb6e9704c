"""The change workflow's verbs. Each is one transaction that checks permission and state, writes its
audit event and raises a ``WorkflowError`` (with a message for the person) when refused.
"""

from reviews.core.services.changes import (
    add_comment,
    restore_as_draft,
    restore_publication_as_draft,
    start_change,
    submit_for_review,
    topic_changed,
    update_change_details,
    withdraw,
)
from reviews.core.services.editing import edit_in_change, remove_in_change, reorder_in_change
from reviews.core.services.people import set_public_credit
from reviews.core.services.publishing import (
    publish,
    publish_due,
    review_record_now,
    schedule,
    unpublish_page,
    unschedule,
)
from reviews.core.services.readings import keep_sections_read
from reviews.core.services.signoffs import reconsider_approvals, sign_off

__all__ = [
    "add_comment",
    "edit_in_change",
    "keep_sections_read",
    "publish",
    "publish_due",
    "reconsider_approvals",
    "remove_in_change",
    "reorder_in_change",
    "restore_as_draft",
    "restore_publication_as_draft",
    "review_record_now",
    "schedule",
    "set_public_credit",
    "sign_off",
    "start_change",
    "submit_for_review",
    "topic_changed",
    "unpublish_page",
    "unschedule",
    "update_change_details",
    "withdraw",
]
