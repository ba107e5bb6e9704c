"""What every workflow step does first: lock the change request and check its state."""

from reviews import contents, notifications, selectors
from reviews.errors import InvalidTransition
from reviews.models import ChangeRequest

State = ChangeRequest.State

_STATE_MESSAGES = {
    State.WITHDRAWN: "This change request was withdrawn, so it can no longer be {doing}. "
    "Start a new change request instead.",
    State.PUBLISHED: "This change request has already been published, so it can no longer be "
    "{doing}. Start a new change request instead.",
}

# How each state reads in "This change request is ...".
_STATE_PHRASES = {
    State.DRAFT: "a draft",
    State.IN_REVIEW: "in review",
    State.CHANGES_REQUESTED: "waiting for the editor's changes",
    State.APPROVED: "approved",
    State.SCHEDULED: "scheduled",
    State.PUBLISHED: "published",
    State.WITHDRAWN: "withdrawn",
}


def lock(change: ChangeRequest) -> ChangeRequest:
    """Lock the change request's row for this transaction and re-read it, so two people
    acting at once are served one after the other, each seeing the other's result."""
    ChangeRequest.objects.select_for_update().filter(pk=change.pk).first()
    change.refresh_from_db()
    return change


def require_state(change: ChangeRequest, allowed: list[str], *, doing: str) -> None:
    """Refuse the step unless the change request is in one of the ``allowed`` states.

    ``doing`` completes "it can no longer be ..." / "only ... can be": e.g. "approved".
    """
    if change.state in allowed:
        return
    if change.state in _STATE_MESSAGES:
        raise InvalidTransition(_STATE_MESSAGES[change.state].format(doing=doing))
    states = " or ".join(_STATE_PHRASES[s] for s in allowed)
    raise InvalidTransition(
        f"This change request is {_STATE_PHRASES[change.state]}; only a change request that "
        f"is {states} can be {doing}."
    )


def ask_reviewers(change: ChangeRequest, *, actor, again: bool = False) -> None:
    """Email everyone who could give a sign-off the change still needs."""
    missing = selectors.missing_sign_offs(change)
    authors = contents.authors_of(change)
    groups = [role.group_name for role in missing]
    reviewers = selectors.users_in_group_any(groups).exclude(pk__in=[a.pk for a in authors])
    notifications.notify(
        users=reviewers,
        event=notifications.AWAITING_REVIEW,
        change=change,
        actor=actor,
        again=again,
        missing=missing,
    )


def tell_authors(change: ChangeRequest, *, event: str, actor, **context) -> None:
    notifications.notify(
        users=contents.authors_of(change), event=event, change=change, actor=actor, **context
    )
