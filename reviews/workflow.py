"""The review workflow's one table: which step a change request allows in which state, who
may take it, and where it leads.

Services call ``require`` before changing anything; screens show exactly the steps
``available_steps`` returns. Both read this table, so a screen never offers a step its
service refuses, and a service never takes a step a screen does not offer.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from reviews import policy
from reviews.errors import InvalidTransition, NotAllowed, WorkflowError
from reviews.models import ChangeRequest
from reviews.status import ReviewStatus

State = ChangeRequest.State
OPEN = tuple(ChangeRequest.OPEN_STATES)


class Step(StrEnum):
    EDIT = "edit"  # change anything on the page within the change
    DESCRIBE = "describe"  # say what changed and why; mark it a full review
    SUBMIT = "submit"
    SIGN_OFF = "sign_off"  # approve, or ask for changes
    WITHDRAW = "withdraw"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    COMMENT = "comment"
    INVITE = "invite"  # ask an outside reviewer, by a secure link, to sign this change off
    REVOKE_INVITATION = "revoke_invitation"


@dataclass(frozen=True)
class Transition:
    step: Step
    sources: tuple[str, ...]  # the states the step may be taken from
    targets: tuple[str, ...]  # where it leads (the same state when it stays)
    doing: str  # completes "it can no longer be ..."
    check: Callable[[object, ReviewStatus], None]  # raises NotAllowed for the wrong person


def _editor(user, review: ReviewStatus) -> None:
    policy.require_editor(user, doing="change pages or submit changes for review")


def _reviewer(user, review: ReviewStatus) -> None:
    # ``user`` may be an outside reviewer's invitation (see ``policy.invitee_refusal``).
    roles, reason = policy.sign_off_roles(user, review)
    if not roles:
        raise NotAllowed(reason)


def _withdrawer(user, review: ReviewStatus) -> None:
    policy.require_can_withdraw(user)


def _publisher(user, review: ReviewStatus) -> None:
    policy.require_can_publish(user, review)
    if not review.is_fully_approved:  # e.g. a reviewer left their role since approving
        raise InvalidTransition(
            "This change does not have every sign-off it needs on its current content."
        )


def _any_publisher(user, review: ReviewStatus) -> None:
    policy.require_publisher(user, doing="cancel a scheduled publication")


def _member(user, review: ReviewStatus) -> None:
    policy.require_can_comment(user)


def _inviter(user, review: ReviewStatus) -> None:
    policy.require_can_invite(user, review)


def _revoker(user, review: ReviewStatus) -> None:
    policy.require_can_revoke_invitation(user, review)


UNDER_REVIEW = tuple(ChangeRequest.UNDER_REVIEW_STATES)

TRANSITIONS: dict[Step, Transition] = {
    t.step: t
    for t in [
        # Editing a change that is in review or signed off sends it back to review.
        Transition(Step.EDIT, OPEN, (*OPEN, State.IN_REVIEW), "edited", _editor),
        Transition(
            Step.DESCRIBE,
            (State.DRAFT, State.CHANGES_REQUESTED),
            (State.DRAFT, State.CHANGES_REQUESTED),
            "re-described",
            _editor,
        ),
        Transition(
            Step.SUBMIT,
            (State.DRAFT, State.CHANGES_REQUESTED),
            (State.IN_REVIEW,),
            "submitted for review",
            _editor,
        ),
        Transition(
            Step.SIGN_OFF,
            (State.IN_REVIEW,),
            (State.IN_REVIEW, State.APPROVED, State.CHANGES_REQUESTED),
            "signed off",
            _reviewer,
        ),
        Transition(Step.WITHDRAW, OPEN, (State.WITHDRAWN,), "withdrawn", _withdrawer),
        Transition(
            Step.PUBLISH,
            (State.APPROVED, State.SCHEDULED),
            (State.PUBLISHED,),
            "published",
            _publisher,
        ),
        Transition(Step.SCHEDULE, (State.APPROVED,), (State.SCHEDULED,), "scheduled", _publisher),
        Transition(
            Step.UNSCHEDULE,
            (State.SCHEDULED,),
            (State.APPROVED,),
            "unscheduled",
            _any_publisher,
        ),
        Transition(Step.COMMENT, OPEN, OPEN, "commented on", _member),
        # Outside reviewers are asked once reviewers are (and while editors act on a request
        # for changes, to line them up); they may decide only while it is in review.
        Transition(
            Step.INVITE,
            (State.IN_REVIEW, State.CHANGES_REQUESTED),
            (State.IN_REVIEW, State.CHANGES_REQUESTED),
            "given an outside reviewer",
            _inviter,
        ),
        # Revoking a decided invitation makes its approval stop counting: an approved or
        # scheduled change it relied on goes back to review.
        Transition(Step.REVOKE_INVITATION, OPEN, (*OPEN, State.IN_REVIEW), "changed", _revoker),
    ]
}

_CLOSED_MESSAGES = {
    State.WITHDRAWN: "This change request was withdrawn, so it can no longer be {doing}. "
    "Start a new change request instead.",
    State.PUBLISHED: "This change request has already been published, so it can no longer be "
    "{doing}. Start a new change request instead.",
}

# How each state reads in "This change request is ...".
STATE_PHRASES = {
    State.DRAFT: "a draft",
    State.IN_REVIEW: "in review",
    State.CHANGES_REQUESTED: "waiting for the editor's changes",
    State.APPROVED: "approved",
    State.SCHEDULED: "scheduled",
    State.PUBLISHED: "published",
    State.WITHDRAWN: "withdrawn",
}


def refusal(
    step: Step, *, user, change: ChangeRequest, review: ReviewStatus
) -> WorkflowError | None:
    """Why ``user`` may not take ``step`` on ``change`` now (the state first, then the
    person), or None when they may."""
    transition = TRANSITIONS[step]
    if change.state not in transition.sources:
        if change.state in _CLOSED_MESSAGES:
            return InvalidTransition(_CLOSED_MESSAGES[change.state].format(doing=transition.doing))
        states = " or ".join(STATE_PHRASES[s] for s in transition.sources)
        return InvalidTransition(
            f"This change request is {STATE_PHRASES[change.state]}; only a change request "
            f"that is {states} can be {transition.doing}."
        )
    try:
        transition.check(user, review)
    except WorkflowError as error:
        return error
    return None


def require(step: Step, *, user, change: ChangeRequest, review: ReviewStatus) -> None:
    """Refuse the step (raise its ``WorkflowError``) unless ``user`` may take it now."""
    error = refusal(step, user=user, change=change, review=review)
    if error is not None:
        raise error


def available_steps(user, change: ChangeRequest, review: ReviewStatus) -> frozenset[Step]:
    """Every step ``user`` may take on ``change`` now: what a screen offers."""
    return frozenset(
        step for step in Step if refusal(step, user=user, change=change, review=review) is None
    )
