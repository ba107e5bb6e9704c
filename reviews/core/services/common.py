"""What every workflow step does first (lock the change request and read where it stands),
and the emails several steps send."""

from reviews.core import audit, notifications, selectors
from reviews.core.diffs import Renderings, since_sign_off
from reviews.core.models import ChangeRequest, Decision
from reviews.core.status import ReviewStatus
from reviews.core.workflow import Automatic, Step, move

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
    """Email everyone who could give a sign-off the change still needs, apart from those
    whose approval of it already counts. Someone who decided on earlier content is told what
    changed since their decision (anyone else asked again, since the last approval), so an
    edit after an approval cannot pass unseen."""
    missing = review.missing
    reviewers = selectors.users_in_roles(list(missing)).exclude(
        pk__in=[a.pk for a in review.authors]
    )
    # Someone whose approval of this content still counts has nothing more to give.
    counted = [s.reviewer_id for s in review.counting if s.reviewer_id]
    reviewers = reviewers.exclude(pk__in=counted)
    earlier = [s for s in review.sign_offs if s.content_hash != change.content_hash]
    last_approval = next((s for s in reversed(earlier) if s.decision == Decision.APPROVE), None)
    renderings, summaries = Renderings(), {}

    def since_their_decision(user) -> dict:
        mine = next((s for s in reversed(review.sign_offs) if s.reviewer_id == user.pk), None)
        base = mine if mine is not None else (last_approval if again else None)
        if base is None or base.content_hash == change.content_hash:
            return {}
        if base.pk not in summaries:
            summaries[base.pk] = since_sign_off(change, base, renderings=renderings)
        return {"since": summaries[base.pk], "since_yours": base is mine}

    notifications.notify(
        users=reviewers,
        event=notifications.AWAITING_REVIEW,
        change=change,
        actor=actor,
        context_for=since_their_decision,
        again=again,
        missing=missing,
    )


def tell_authors(change: ChangeRequest, *, review: ReviewStatus, event: str, actor, **context):
    notifications.notify(users=review.authors, event=event, change=change, actor=actor, **context)


def send_back_to_review(
    change: ChangeRequest, *, step: Step | Automatic, by, action: str, message: str, **extra
) -> None:
    """An approved, scheduled or in-review change whose sign-offs no longer all count (it was
    edited, or an approval lapsed) goes back to review: any schedule is cancelled, the
    event is audited with ``message``, and its reviewers are asked again."""
    move(change, step=step, to=State.IN_REVIEW)
    change.scheduled_for = change.scheduled_by = change.decided_at = None
    change.save(update_fields=["state", "scheduled_for", "scheduled_by", "decided_at"])
    audit.record_change(change, action=action, actor=by, message=message, **extra)
    ask_reviewers(change, review=ReviewStatus(change), actor=by, again=True)
