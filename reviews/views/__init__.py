"""The workflow's screens: the editors', reviewers' and publishers' workspace, and the audit
CSV. Views are thin: they ask ``reviews.workflow`` which steps to offer (``available_steps``,
``available_page_steps``), call ``reviews.services`` and show the ``WorkflowError`` message
of a refused step with the person's input kept.

- ``dashboard``: what needs me, starting a change, email setting, emergency take-down.
- ``changes``: the change request page and the steps taken from it.
  ``change_page``: what that page says (state, standing, sign-offs, the whole page to
  read), shared with the outside reviewer's and invitation screens.
- ``editing``: what every edit screen shares (conflict handling) and editing sections;
  ``editing_page``: the page's title, summary, topic, address and related pages;
  ``editing_parts``: its references and resources; ``ordering``: putting parts in order.
- ``history``: a page's versions and publications, restored as new drafts.
- ``diffs``: the accessible diff and preview the change page shows.
- ``page_schedule``: a page's review schedule and the steps taken from it; the notice wording.
- ``calendar``: the review calendar, its CSV, the owners' iCalendar feeds, the status report.
"""

from reviews.views.audit import audit_csv
from reviews.views.changes import (
    change_detail,
    comment,
    keep_sections_read,
    publish,
    schedule,
    sign_off,
    submit,
    unschedule,
    update_details,
    withdraw,
)
from reviews.views.dashboard import dashboard, notification_preference, start_change, unpublish
from reviews.views.editing import add_section, edit_section, remove_section
from reviews.views.editing_page import edit_page
from reviews.views.history import page_history, restore_publication, restore_version

__all__ = [
    "add_section",
    "audit_csv",
    "change_detail",
    "comment",
    "dashboard",
    "edit_page",
    "edit_section",
    "keep_sections_read",
    "notification_preference",
    "page_history",
    "publish",
    "remove_section",
    "restore_publication",
    "restore_version",
    "schedule",
    "sign_off",
    "start_change",
    "submit",
    "unpublish",
    "unschedule",
    "update_details",
    "withdraw",
]
