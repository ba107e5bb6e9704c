"""What every workflow step does first (lock the change request and read where it stands),
and the emails several steps send."""

from reviews import notifications, selectors
from reviews.models import ChangeRequest
from reviews.status import ReviewStatus

State = ChangeRequest.State

NEVER_PUBLISHED = (
    "This page has never been published, so its first publication must be a full review: "
    "every section checked, and the page dated from it. Mark the change as a full review."
)


def lock(change: ChangeRequest) -> ReviewStatus:
    """Lock the change request's row for this transaction, re-read it, and return where it
    stands: two people acting at once are served one after the other, each seeing the
    other's result. The step passes the returned status to every check it makes."""
    ChangeRequest.objects.select_for_update().filter(pk=change.pk).first()
    change.refresh_from_db()
    return ReviewStatus(change)


def ask_reviewers(change: ChangeRequest, *, review: ReviewStatus, actor, again=False) -> None:
    """Email everyone who could give a sign-off the change still needs."""
    missing = review.missing
    groups = [role.group_name for role in missing]
    reviewers = selectors.users_in_group_any(groups).exclude(pk__in=[a.pk for a in review.authors])
    notifications.notify(
        users=reviewers,
        event=notifications.AWAITING_REVIEW,
        change=change,
        actor=actor,
        again=again,
        missing=missing,
    )


def tell_authors(change: ChangeRequest, *, review: ReviewStatus, event: str, actor, **context):
    notifications.notify(users=review.authors, event=event, change=change, actor=actor, **context)
