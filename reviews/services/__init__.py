"""The review workflow's verbs. Each is one transaction that checks permission and state,
writes its audit event and raises a ``reviews.errors.WorkflowError`` (with a message for the
person) when the step is refused, changing nothing.
"""

from reviews.services.changes import (
    add_comment,
    restore_as_draft,
    restore_publication_as_draft,
    start_change,
    submit_for_review,
    topic_changed,
    update_change_details,
    withdraw,
)
from reviews.services.editing import edit_in_change, remove_in_change, reorder_in_change
from reviews.services.invitation_access import check_code, invitation_for_key, send_code
from reviews.services.invitations import decide_as_invited, invite_reviewer, revoke_invitation
from reviews.services.people import set_public_credit
from reviews.services.publishing import (
    publish,
    publish_due,
    review_record_now,
    schedule,
    unpublish_page,
    unschedule,
)
from reviews.services.readings import keep_sections_read
from reviews.services.review_schedule import (
    set_next_review,
    set_owner,
    set_public_wording,
    set_review_interval,
)
from reviews.services.signoffs import reconsider_approvals, sign_off
from reviews.services.source_checks import check_against_source
from reviews.services.sources import add_source, edit_source, mark_source, merge_sources

__all__ = [
    "add_comment",
    "check_against_source",
    "check_code",
    "decide_as_invited",
    "edit_in_change",
    "invitation_for_key",
    "invite_reviewer",
    "keep_sections_read",
    "add_source",
    "edit_in_change",
    "edit_source",
    "mark_source",
    "merge_sources",
    "publish",
    "publish_due",
    "reconsider_approvals",
    "remove_in_change",
    "reorder_in_change",
    "restore_as_draft",
    "restore_publication_as_draft",
    "review_record_now",
    "revoke_invitation",
    "schedule",
    "send_code",
    "set_next_review",
    "set_owner",
    "set_public_credit",
    "set_public_wording",
    "set_review_interval",
    "sign_off",
    "start_change",
    "submit_for_review",
    "topic_changed",
    "unpublish_page",
    "unschedule",
    "update_change_details",
    "withdraw",
]
