"""The change request page, and the workflow steps taken from it.

Each step is a small POST view: it asks ``reviews.policy`` first (403 when the person may not
take the step), calls one service, and on a ``WorkflowError`` shows its message with the
person's input kept (the change page is rendered again with the form as they filled it in).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from reviews import policy, selectors, services
from reviews.errors import NotAllowed, StaleContent, WorkflowError
from reviews.forms import (
    ChangeDetailsForm,
    CommentForm,
    ScheduleForm,
    SignOffForm,
    WithdrawForm,
)
from reviews.models import ChangeRequest, Role
from reviews.views.common import describe_roles, forbidden, get_change, person, workspace_view
from reviews.views.diffs import change_diff

State = ChangeRequest.State


def state_in_words(change: ChangeRequest, missing: dict[Role, int]) -> str:
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


def sign_off_roles(
    user, change: ChangeRequest, review: selectors.ReviewStatus | None = None
) -> tuple[list[Role], str]:
    """The roles ``user`` may sign the change off in now, or why they may not (if a reviewer)."""
    review = review if review is not None else selectors.review_status(change)
    held = policy.reviewer_roles(user)
    mine = [role for role in Role if role in review.required and role in held]
    roles, reason = [], ""
    for role in mine:
        try:
            policy.require_can_sign_off(user, change, role, review=review)
        except NotAllowed as refusal:
            reason = refusal.message
        else:
            roles.append(role)
    return roles, ("" if roles else reason)


def _sign_off_summary(
    change: ChangeRequest, review: selectors.ReviewStatus
) -> tuple[list[dict], list[dict]]:
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
    decisions = []
    for sign_off in review.sign_offs:
        if sign_off.content_hash != change.content_hash:
            status = "stale"
        elif sign_off.pk not in latest:
            status = "replaced"
        else:
            status = "counts" if sign_off.pk in counting_ids else "current"
        decisions.append({"sign_off": sign_off, "status": status})
    return needs, decisions


def render_change(
    request: HttpRequest, change: ChangeRequest, *, status: int = 200, **forms
) -> HttpResponse:
    """The change request page, with any forms given (bound, with errors) in place of the
    blank ones. ``change`` comes from ``get_change``: its sign-offs, requirement and authors
    are read once, into ``review``, which every check below shares."""
    user = request.user
    state = change.state
    is_open = state in ChangeRequest.OPEN_STATES
    review = selectors.review_status(change)
    missing = review.missing
    needs, decisions = _sign_off_summary(change, review)
    roles, sign_off_refusal = sign_off_roles(user, change, review)
    may_edit = policy.can_edit(user, change) and is_open
    may_publish = policy.can_publish(user, change, review=review)
    is_publisher = policy.is_publisher(user)
    in_review = state == State.IN_REVIEW
    context = {
        "change": change,
        "page": change.page,
        "state_sentence": state_in_words(change, missing),
        "missing": missing,
        "missing_words": describe_roles(missing),
        "needs": needs,
        "decisions": decisions,
        "parts": change_diff(change),
        "was_published": change.was_published,
        "comments": change.comments.all(),
        "authors": sorted(person(a) for a in review.authors),
        "sections": change.page.sections.all() if may_edit else [],
        "may_edit": may_edit,
        "may_submit": may_edit and state in (State.DRAFT, State.CHANGES_REQUESTED),
        "may_sign_off": in_review and bool(roles),
        "sign_off_refusal": sign_off_refusal if in_review else "",
        "sign_off_roles": [role.label for role in roles],
        "may_withdraw": is_open and policy.can_withdraw(user, change),
        "may_publish": may_publish and state in (State.APPROVED, State.SCHEDULED),
        "may_schedule": may_publish and state == State.APPROVED,
        "may_unschedule": state == State.SCHEDULED and is_publisher,
        "may_comment": is_open and policy.can_comment(user, change),
        "is_publisher": is_publisher,
        "details_form": forms.get("details_form")
        or ChangeDetailsForm(
            initial={"summary": change.summary, "is_full_review": change.is_full_review}
        ),
        "sign_off_form": forms.get("sign_off_form")
        or SignOffForm(roles=roles, initial={"seen_hash": change.content_hash}),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(),
    }
    _show_errors_of_hidden_forms(request, context, forms)
    return render(request, "reviews/change_detail.html", context, status=status)


# Which permission shows each form on the page.
FORM_SHOWN_BY = {
    "details_form": "may_submit",
    "sign_off_form": "may_sign_off",
    "comment_form": "may_comment",
    "withdraw_form": "may_withdraw",
    "schedule_form": "may_schedule",
}


def _show_errors_of_hidden_forms(request: HttpRequest, context: dict, forms: dict) -> None:
    """A step refused because the change moved on (someone else acted first) may leave its
    form off the page: say why in a message instead, so the refusal is never silent."""
    for name, form in forms.items():
        if form is None or context.get(FORM_SHOWN_BY.get(name, ""), True):
            continue
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)


@require_safe
@workspace_view
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One change request: what changed, who signed off, and the steps this person may take.
    Workflow emails link here."""
    change = get_change(pk)
    if not policy.can_view(request.user, change):
        return forbidden(request, "Only editors, reviewers and publishers can see change requests.")
    return render_change(request, change)


def _done(request: HttpRequest, change: ChangeRequest, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(change.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _refused(request: HttpRequest, change: ChangeRequest, error: WorkflowError):
    messages.error(request, error.message)
    return redirect(change.get_absolute_url())


@require_POST
@workspace_view
def update_details(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_change(pk)
    if not policy.can_edit(request.user, change):
        return forbidden(request, "Only editors can change what a change request says.")
    form = ChangeDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.update_change_details(
                change=change, by=request.user, summary=form.cleaned_data["summary"],
                is_full_review=form.cleaned_data["is_full_review"],
            )  # fmt: skip
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            return _done(request, change, "Saved what changed and why.")
    return render_change(request, get_change(pk), details_form=form)


@require_POST
@workspace_view
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_change(pk)
    if not policy.can_edit(request.user, change):
        return forbidden(request, "Only editors can submit a change for review.")
    try:
        services.submit_for_review(change=change, by=request.user)
    except WorkflowError as error:
        return _refused(request, change, error)
    return _done(request, change, "Sent for review. The reviewers have been told.")


@require_POST
@workspace_view
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer's decision, bound to the content hash of the page they were shown."""
    change = get_change(pk)
    roles, refusal = sign_off_roles(request.user, change)
    if not roles:
        return forbidden(
            request, refusal or "Only the reviewers this change needs can sign it off."
        )
    allowed = {role.value for role in roles}
    chosen = request.POST.get("role") or ""
    if chosen and chosen not in allowed:
        label = Role(chosen).label if chosen in Role.values else chosen
        return forbidden(request, f"You cannot sign this change off as a {label}.")
    form = SignOffForm(request.POST, roles=roles)
    if form.is_valid():
        role = form.cleaned_data["role"] or roles[0].value
        try:
            services.sign_off(
                change=change, reviewer=request.user, decision=form.cleaned_data["decision"],
                seen_hash=form.cleaned_data["seen_hash"], comment=form.cleaned_data["comment"],
                role=role,
            )  # fmt: skip
        except StaleContent as error:
            # Show the current content, and make them choose again having read it.
            change = get_change(pk)
            data = request.POST.copy()
            data["seen_hash"] = change.content_hash
            data.pop("decision", None)
            form = SignOffForm(data, roles=roles)
            form.is_valid()
            form.add_error(None, error.message)
        except WorkflowError as error:
            change = get_change(pk)
            form.add_error(None, error.message)
        else:
            return _done(request, change, "Thank you: your decision has been recorded.")
    return render_change(request, change, sign_off_form=form)


@require_POST
@workspace_view
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_change(pk)
    if not policy.can_comment(request.user, change):
        return forbidden(request, "Only editors, reviewers and publishers can comment.")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(change=change, by=request.user, body=form.cleaned_data["body"])
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            return _done(request, change, "Your comment was added.", anchor="comments")
    return render_change(request, get_change(pk), comment_form=form)


@require_POST
@workspace_view
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_change(pk)
    if not policy.can_withdraw(request.user, change):
        return forbidden(request, "Only editors and publishers can withdraw a change request.")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw(change=change, by=request.user, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            return _done(request, change, "The change request was withdrawn.")
    return render_change(request, get_change(pk), withdraw_form=form)


@require_POST
@workspace_view
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_change(pk)
    if not policy.can_publish(request.user, change):
        return forbidden(request, _publish_refusal(request.user, change))
    try:
        services.publish(change=change, by=request.user)
    except WorkflowError as error:
        return _refused(request, change, error)
    return _done(request, change, f"Published: readers now see the new “{change.page}”.")


@require_POST
@workspace_view
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_change(pk)
    if not policy.can_publish(request.user, change):
        return forbidden(request, _publish_refusal(request.user, change))
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.schedule(change=change, by=request.user, at=form.cleaned_data["publish_at"])
        except WorkflowError as error:
            form.add_error("publish_at", error.message)
        else:
            at = timezone.localtime(form.cleaned_data["publish_at"])
            return _done(request, change, f"Scheduled for {at:%-d %B %Y at %H:%M}.")
    return render_change(request, get_change(pk), schedule_form=form)


@require_POST
@workspace_view
def unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_change(pk)
    if not policy.is_publisher(request.user):
        return forbidden(request, "Only publishers can cancel a scheduled publication.")
    try:
        services.unschedule(change=change, by=request.user)
    except WorkflowError as error:
        return _refused(request, change, error)
    return _done(request, change, "The scheduled publication was cancelled. It is still approved.")


@require_POST
@workspace_view
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Take in edits saved to the page outside the change request (e.g. in the admin)."""
    change = get_change(pk)
    if not policy.can_edit(request.user, change):
        return forbidden(request, "Only editors can change what a change request contains.")
    try:
        services.refresh_change_contents(change=change, by=request.user)
    except WorkflowError as error:
        return _refused(request, change, error)
    return _done(request, change, "The change now holds the page's latest text.")


def _publish_refusal(user, change: ChangeRequest) -> str:
    try:
        policy.require_can_publish(user, change)
    except NotAllowed as refusal:
        return refusal.message
    return "You cannot publish this change."
