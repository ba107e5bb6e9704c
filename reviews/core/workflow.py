"""The review workflow's one table: which step a change request allows in which state, who
may take it, and where it leads.

Services call ``require`` before changing anything; screens show exactly the steps
``available_steps`` returns. Both read this table, so a screen never offers a step its
service refuses, and a service never takes a step a screen does not offer.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from reviews.core import policy
from reviews.core.errors import InvalidTransition, NotAllowed, WorkflowError
from reviews.core.models import ChangeRequest
from reviews.core.status import ReviewStatus

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


# Steps taken without a person choosing them: the change moves because something else did.
class Automatic(StrEnum):
    SIGN_OFF_LAPSED = "sign_off_lapsed"  # an approval it relied on stopped counting
    SCHEDULE_FAILED = "schedule_failed"  # publishing at the scheduled time was refused


AUTOMATIC_MOVES: dict[Automatic, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Automatic.SIGN_OFF_LAPSED: ((State.APPROVED, State.SCHEDULED), (State.IN_REVIEW,)),
    Automatic.SCHEDULE_FAILED: ((State.SCHEDULED,), (State.APPROVED,)),
}


def move(change: ChangeRequest, *, step: Step | Automatic, to: str) -> str:
    """Set ``change``'s state to ``to`` (not saved), as the table's row for ``step`` allows,
    and return the state it was in. A move the table does not name is a bug in a service, so
    it is refused loudly rather than written."""
    if step in AUTOMATIC_MOVES:
        sources, targets = AUTOMATIC_MOVES[step]
    else:
        sources, targets = TRANSITIONS[step].sources, TRANSITIONS[step].targets
    if change.state not in sources or to not in targets:
        raise InvalidTransition(
            f"The workflow has no step “{step}” from {STATE_PHRASES[change.state]} to "
            f"{STATE_PHRASES[State(to)]}."
        )
    was, change.state = change.state, to
    return was


# Page-level steps: taken on a page (or the evidence register) rather than on one change
# request, so they have no state column; who may take them is written here once, and the
# screens offer what ``available_page_steps`` returns.
class PageStep(StrEnum):
    SET_OWNER = "set_owner"
    SET_INTERVAL = "set_interval"
    BRING_REVIEW_FORWARD = "bring_review_forward"
    REWORD_NOTICE = "reword_notice"  # what readers are told while a page is reviewed
    START_CHANGE = "start_change"
    START_FULL_REVIEW = "start_full_review"
    TAKE_DOWN = "take_down"
    RESTORE = "restore"  # an earlier version or publication, as a new draft
    CHECK_SOURCE = "check_source"  # the page still agrees with a changed source
    ADD_SOURCE = "add_source"
    EDIT_SOURCE = "edit_source"
    MARK_SOURCE = "mark_source"  # updated, withdrawn, or current again
    MERGE_SOURCES = "merge_sources"
    CREATE_BLOCK = "create_block"  # a shared block, with its first change
    RETIRE_BLOCK = "retire_block"  # a shared block no page uses any more


def _editors(doing: str) -> Callable:
    def check(user, flags) -> None:
        policy.require_editor(user, doing=doing)

    return check


def _publishers(doing: str) -> Callable:
    def check(user, flags) -> None:
        policy.require_publisher(user, doing=doing)

    return check


def _owner_chooser(user, flags) -> None:
    if not (policy.is_editor(user) or policy.is_publisher(user)):
        raise NotAllowed("Only editors and publishers can choose who looks after a page.")


def _source_checker(user, flags) -> None:
    reason = policy.source_check_refusal(user, flags)
    if reason:
        raise NotAllowed(reason)


# Each step's check raises NotAllowed for the wrong person; ``flags`` are the open flags the
# step acts on (only a source check has any).
PAGE_STEPS: dict[PageStep, Callable[[object, Sequence], None]] = {
    PageStep.SET_OWNER: _owner_chooser,
    PageStep.SET_INTERVAL: _publishers("change how often pages are reviewed"),
    PageStep.BRING_REVIEW_FORWARD: _publishers("change when a page is next reviewed"),
    PageStep.REWORD_NOTICE: _publishers("change what readers are told"),
    PageStep.START_CHANGE: _editors("start a change request"),
    PageStep.START_FULL_REVIEW: _editors("start a full review"),
    PageStep.TAKE_DOWN: _publishers("take a page down"),
    PageStep.RESTORE: _editors("restore earlier versions"),
    PageStep.CHECK_SOURCE: _source_checker,
    PageStep.ADD_SOURCE: _editors("add sources to the register"),
    PageStep.EDIT_SOURCE: _editors("change sources in the register"),
    PageStep.MARK_SOURCE: _editors("mark sources updated or withdrawn"),
    PageStep.MERGE_SOURCES: _editors("merge sources"),
    PageStep.CREATE_BLOCK: _editors("create shared blocks"),
    PageStep.RETIRE_BLOCK: _publishers("retire shared blocks"),
}


def page_step_refusal(step: PageStep, *, user, flags: Sequence = ()) -> WorkflowError | None:
    """Why ``user`` may not take the page-level ``step``, or None when they may."""
    try:
        PAGE_STEPS[step](user, flags)
    except WorkflowError as error:
        return error
    return None


def require_page_step(step: PageStep, *, user, flags: Sequence = ()) -> None:
    """Refuse the page-level step (raise its ``NotAllowed``) unless ``user`` may take it."""
    error = page_step_refusal(step, user=user, flags=flags)
    if error is not None:
        raise error


def available_page_steps(user, *, flags: Sequence = ()) -> frozenset[PageStep]:
    """Every page-level step ``user`` may take: what a screen offers."""
    return frozenset(
        step for step in PageStep if page_step_refusal(step, user=user, flags=flags) is None
    )
