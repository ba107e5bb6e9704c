"""What the change page shows, in words and lists: its state, a reviewer's standing, who
signs off, the whole page to read in a full review, and what a refused decision keeps.

Shared by the staff change page (``changes``), the outside reviewer's screens (``outside``)
and the invitations screen, so each says the same thing the same way.
"""

from django import forms
from django.http import HttpRequest
from django.utils import timezone

from reviews.core import selectors, workflow
from reviews.core.diffs import (
    PartDiff,
    Renderings,
    SinceSignOff,
    WholePage,
    since_sign_off,
    whole_page,
)
from reviews.core.errors import NotAllowed, WorkflowError
from reviews.core.models import ChangeRequest, Decision, RoleKey, SignOff
from reviews.core.status import ReviewStatus, Standing
from reviews.core.views.common import describe_roles
from reviews.core.workflow import Step

State = ChangeRequest.State


def state_in_words(change: ChangeRequest, missing: dict[RoleKey, int]) -> str:
    """The change's state as a sentence for the person reading the page."""
    if change.state == State.DRAFT:
        return "Draft: the editors are still working on it. Reviewers have not been asked yet."
    if change.state == State.IN_REVIEW:
        waiting = describe_roles(missing) if missing else "its last sign-off"
        return f"In review: waiting for {waiting}."
    if change.state == State.CHANGES_REQUESTED:
        return "Changes requested: a reviewer asked for changes. The editors are working on them."
    if change.state == State.APPROVED:
        return "Approved: it has every sign-off it needs. A publisher can now publish it."
    if change.state == State.SCHEDULED:
        at = timezone.localtime(change.scheduled_for)
        return f"Scheduled: it will be published on {at:%-d %B %Y at %H:%M}."
    if change.state == State.PUBLISHED:
        return f"Published on {timezone.localtime(change.published_at):%-d %B %Y}."
    withdrawn = timezone.localtime(change.withdrawn_at)
    return f"Withdrawn on {withdrawn:%-d %B %Y}: it will not be published."


def standing_in_words(
    standing: Standing, change: ChangeRequest, missing: dict[RoleKey, int]
) -> str:
    """A reviewer's own decision on the current content, as the page tells them ("" when
    none stands): what they decided, when, and what the change waits for now."""
    if standing.decided_at is None or not change.is_open:
        return ""
    at = timezone.localtime(standing.decided_at)
    when = f"{at:%-d %B} at {at:%H:%M}"
    if standing.asked_for_changes:
        return f"You asked for changes on {when}; the editors are working on them."
    if not standing.approved:
        return ""  # their approval stopped counting: the form asks them again
    if missing:
        return f"You approved this on {when}; waiting for {describe_roles(missing)}."
    if change.state == State.IN_REVIEW:
        return f"You approved this on {when}; waiting for its last sign-off."
    return f"You approved this on {when}; it has every sign-off it needs."


def sign_off_summary(change: ChangeRequest, review: ReviewStatus) -> tuple[list[dict], list[dict]]:
    """Who needs to sign off (per role: needed, counting approvals, still missing), and every
    decision given, each marked when it no longer counts and why."""
    counting = review.counting
    latest = {s.pk for s in review.latest}
    counting_ids = {s.pk for s in counting}
    needs = []
    for role, needed in review.required.items():
        given = [s for s in counting if s.role == role]
        needs.append(
            {"role": role, "needed": needed, "given": given, "missing": max(needed - len(given), 0)}
        )
    lapsed = {entry.sign_off.pk: entry.reason for entry in review.lapsed}
    decisions = []
    for sign_off in review.sign_offs:
        reason = ""
        if sign_off.content_hash != change.content_hash:
            status = "stale"
        elif sign_off.pk not in latest:
            status = "replaced"
        elif sign_off.pk in lapsed:
            status, reason = "lapsed", lapsed[sign_off.pk]
        else:
            status = "counts" if sign_off.pk in counting_ids else "current"
        decisions.append({"sign_off": sign_off, "status": status, "reason": reason})
    return needs, decisions


def sections_to_confirm(change: ChangeRequest) -> list[tuple[str, str]]:
    """In a full review, (id, heading) of each section the reviewer confirms reading."""
    if not change.is_full_review:
        return []
    sections = [item for item in change.items.all() if item.kind == "sections"]
    sections.sort(key=lambda item: (item.version.field_dict["position"], int(item.object_id)))
    return [(item.object_id, item.version.field_dict["heading"]) for item in sections]


def read_whole_page(
    change: ChangeRequest,
    review: ReviewStatus,
    reader,
    *,
    parts: list[PartDiff],
    renderings: Renderings,
    sign_off_form: forms.Form | None,
) -> WholePage | None:
    """In a full review, the whole page to read, with the sections ``reader`` ticked so far:
    as they just sent them (a refused decision keeps its ticks), else as kept from earlier
    visits. ``sign_off_form``: their decision form, when they are asked to decide."""
    if not change.is_full_review:
        return None
    if sign_off_form is None:
        ticked = set()
    elif sign_off_form.is_bound:
        ticked = set(sign_off_form.data.getlist("sections"))
    elif "sections" in sign_off_form.initial:  # kept by "Keep my ticks", or refused
        ticked = set(sign_off_form.initial["sections"])
    else:
        ticked = selectors.sections_read(change=change, reader=reader, review=review)
    return whole_page(
        change,
        parts=parts,
        renderings=renderings,
        last_signed_off=selectors.sections_last_confirmed_read(page=change.page),
        ticked=ticked,
    )


def since_my_decision(
    change: ChangeRequest, review: ReviewStatus, user, renderings: Renderings
) -> SinceSignOff | None:
    """When this reviewer's latest decision was given on earlier content of an open change:
    what changed since, which they must read first."""
    mine = review.latest_of(user)
    if mine is None or not change.is_open or mine.content_hash == change.content_hash:
        return None
    return since_sign_off(change, mine, renderings=renderings)


def open_request_for_changes(change: ChangeRequest, review: ReviewStatus) -> SignOff | None:
    """The request for changes the editors are working on, until they resubmit."""
    if change.state != State.CHANGES_REQUESTED:
        return None
    asked = [s for s in review.sign_offs if s.decision == Decision.REQUEST_CHANGES]
    return asked[-1] if asked else None


def person_refusal(step: Step, user, change: ChangeRequest) -> str:
    """Why this person may never take ``step`` on this change (their role, four eyes), apart
    from its state: a step refused only by the state goes to the service, which says why."""
    try:
        workflow.TRANSITIONS[step].check(user, ReviewStatus(change))
    except NotAllowed as refusal:
        return refusal.message
    except WorkflowError:
        return ""
    return ""


def still_read(posted, change: ChangeRequest, reader):
    """A decision refused because the page was edited meanwhile, to be shown again: bound
    to the current content, with no decision chosen, and ticked only for the sections whose
    tick was kept for the version they hold now (an edited section must be read again)."""
    data = posted.copy()
    data["seen_hash"] = change.content_hash
    data.pop("decision", None)
    if change.is_full_review:
        kept = selectors.sections_read(change=change, reader=reader, review=ReviewStatus(change))
        data.setlist("sections", [pk for pk in data.getlist("sections") if pk in kept])
    return data


def ticks_kept(ticked: list[str], total: int) -> str:
    return (
        f"Your ticks are kept: {len(ticked)} of {total} sections read. This is not a decision "
        "yet: send it when you have read the whole page."
    )


def kept_form_input(request: HttpRequest, change: ChangeRequest, *, sections) -> dict:
    """What the person had typed into the decision form when they kept their ticks, so the
    page shown again keeps it (with the ticks as now kept)."""
    return {
        "seen_hash": change.content_hash,
        "decision": request.POST.get("decision", ""),
        "comment": request.POST.get("comment", ""),
        "role": request.POST.get("role", ""),
        "sections": list(sections),
    }
