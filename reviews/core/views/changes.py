"""The change request page, and the workflow steps taken from it.

The page offers exactly the steps ``reviews.core.workflow.available_steps`` allows this person.
Each step is a small POST view (``take_step``): 403 when the person may never take it, else
one service call; a ``WorkflowError`` is shown with the person's input kept (the change page
is rendered again with the form as they filled it in).
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from infopages.models import PublishedPage
from reviews.core import hooks, panels, policy, selectors, services, workflow
from reviews.core.credits import credit_for
from reviews.core.diffs import (
    Renderings,
    change_diff,
)
from reviews.core.errors import StaleContent, WorkflowError
from reviews.core.forms import (
    ChangeDetailsForm,
    CommentForm,
    PublishForm,
    ScheduleForm,
    SignOffForm,
    WithdrawForm,
)
from reviews.core.models import ChangeRequest
from reviews.core.services.common import NEVER_PUBLISHED
from reviews.core.status import ReviewStatus
from reviews.core.views.change_page import (
    kept_form_input,
    open_request_for_changes,
    person_refusal,
    read_whole_page,
    sections_to_confirm,
    sign_off_summary,
    since_my_decision,
    standing_in_words,
    state_in_words,
    still_read,
    ticks_kept,
)
from reviews.core.views.common import describe_roles, forbidden, get_change, person, workspace_view
from reviews.core.views.editing import edit_panel
from reviews.core.workflow import Step

State = ChangeRequest.State


def render_change(
    request: HttpRequest, change: ChangeRequest, *, status: int = 200, **forms
) -> HttpResponse:
    """The change request page, with any forms given (bound, with errors) in place of the
    blank ones. ``change`` comes from ``get_change``: its sign-offs, requirement and authors
    are read once, into ``review``, which every check below shares."""
    user = request.user
    review = ReviewStatus(change)
    steps = workflow.available_steps(user, change, review)
    may = {f"may_{step}": step in steps for step in Step}
    standing = review.standing_of(user)
    # A reviewer whose decision stands is not asked again, until an edit makes it lapse;
    # one who approved may still choose to ask for changes ("?decide=again").
    deciding_again = "sign_off_form" in forms or request.GET.get("decide") == "again"
    may["may_sign_off"] = may["may_sign_off"] and (standing.needs_decision or deciding_again)
    missing = review.missing
    needs, decisions = sign_off_summary(change, review)
    roles, sign_off_refusal = policy.sign_off_roles(user, review)
    in_review = change.state == State.IN_REVIEW
    renderings = Renderings(
        plain_english=change.page.language.plain_english
    )  # each version's text rendered once for both comparisons
    since = since_my_decision(change, review, user, renderings)
    parts = change_diff(change, renderings=renderings)
    sign_off_form = forms.get("sign_off_form") or SignOffForm(
        roles=roles,
        sections=sections_to_confirm(change),
        initial={"seen_hash": change.content_hash},
    )
    reading = read_whole_page(
        change,
        review,
        user,
        parts=parts,
        renderings=renderings,
        sign_off_form=sign_off_form if may["may_sign_off"] else None,
    )
    context = {
        "change": change,
        "page": change.page,
        "state_sentence": state_in_words(change, missing),
        "standing_sentence": standing_in_words(standing, change, missing),
        "may_decide_again": standing.approved and Step.SIGN_OFF in steps,
        "missing": missing,
        "missing_words": describe_roles(missing),
        "needs": needs,
        "decisions": decisions,
        "lapsed": review.lapsed,
        "since": since,
        "open_request": open_request_for_changes(change, review),
        "parts": parts,
        "reading": reading,
        "was_published": change.was_published,
        "comments": change.comments.all(),
        "authors": sorted(person(a) for a in review.authors),
        "editing": edit_panel(change.page) if may["may_edit"] else None,
        **may,
        "sign_off_refusal": sign_off_refusal if in_review and policy.reviewer_roles(user) else "",
        "sign_off_roles": [role.label for role in roles],
        "details_form": forms.get("details_form")
        or ChangeDetailsForm(
            initial={"summary": change.summary, "is_full_review": change.is_full_review}
        ),
        "sign_off_form": sign_off_form,
        "credit": credit_for(user, roles[0]) if roles and change.is_full_review else None,
        "comment_form": forms.get("comment_form") or CommentForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(),
    }
    context |= panels.context_for(
        panels.CHANGE_PAGE, change=change, review=review, user=user, steps=steps
    )
    _show_errors_of_hidden_forms(request, context, forms)
    return render(request, "reviews/change_detail.html", context, status=status)


# Which step shows each form on the page.
FORM_SHOWN_BY = {
    "details_form": "may_describe",
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
    return render_change(request, get_change(pk, reader=request.user))


def _done(request: HttpRequest, change: ChangeRequest, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(change.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def take_step(
    request: HttpRequest,
    pk: int,
    *,
    step: Step,
    run: Callable[..., object],
    done: str | Callable[[ChangeRequest, dict], str],
    form_class: type[forms.Form] | None = None,
    form_name: str = "",
    anchor: str = "",
) -> HttpResponse:
    """A step taken from the change page: 403 with the reason when the person may never take
    it here; then the service, and the change page again with its message on a refusal.

    With a form, ``run(change, cleaned_data)`` runs once the form is valid, and a refusal is
    shown on the form with what the person typed kept; without one, ``run(change, {})``.
    """
    change = get_change(pk)
    refusal = person_refusal(step, request.user, change)
    if refusal:
        return forbidden(request, refusal)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return render_change(request, change, **{form_name: form})
    cleaned = form.cleaned_data if form is not None else {}
    try:
        run(change, cleaned)
    except WorkflowError as error:
        if form is None:
            messages.error(request, error.message)
            return redirect(change.get_absolute_url())
        form.add_error(None, error.message)
        return render_change(request, get_change(pk), **{form_name: form})
    message = done(change, cleaned) if callable(done) else done
    return _done(request, change, message, anchor=anchor)


@require_POST
@workspace_view
def update_details(request: HttpRequest, pk: int) -> HttpResponse:
    def run(change: ChangeRequest, data: dict) -> None:
        services.update_change_details(
            change=change,
            by=request.user,
            summary=data["summary"],
            is_full_review=data["is_full_review"],
        )

    return take_step(
        request,
        pk,
        step=Step.DESCRIBE,
        run=run,
        form_class=ChangeDetailsForm,
        form_name="details_form",
        done="Saved what changed and why.",
    )


@require_POST
@workspace_view
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    def run(change: ChangeRequest, data: dict) -> None:
        services.submit_for_review(change=change, by=request.user)

    return take_step(
        request,
        pk,
        step=Step.SUBMIT,
        run=run,
        done="Sent for review. The reviewers have been told.",
    )


@require_POST
@workspace_view
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    def run(change: ChangeRequest, data: dict) -> None:
        services.add_comment(change=change, by=request.user, body=data["body"])

    return take_step(
        request,
        pk,
        step=Step.COMMENT,
        run=run,
        form_class=CommentForm,
        form_name="comment_form",
        done="Your comment was added.",
        anchor="comments",
    )


@require_POST
@workspace_view
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    def run(change: ChangeRequest, data: dict) -> None:
        services.withdraw(change=change, by=request.user, reason=data["reason"])

    return take_step(
        request,
        pk,
        step=Step.WITHDRAW,
        run=run,
        form_class=WithdrawForm,
        form_name="withdraw_form",
        done="The change request was withdrawn.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what would go live, and its dates, to confirm; POST: publish it (the service
    checks everything again, and that the content is still the one confirmed)."""
    if request.method == "POST":
        return _publish(request, pk)
    change = get_change(pk)
    refusal = person_refusal(Step.PUBLISH, request.user, change)
    if refusal:
        return forbidden(request, refusal)
    initial = {"seen_hash": change.content_hash, "public_note": change.public_note}
    return _confirm_publish(request, change, PublishForm(initial=initial))


def _confirm_publish(request: HttpRequest, change: ChangeRequest, form: PublishForm):
    review = ReviewStatus(change)
    if Step.PUBLISH not in workflow.available_steps(request.user, change, review):
        messages.error(request, f"It cannot be published now. {state_in_words(change, {})}")
        return redirect(change.get_absolute_url())
    record = services.review_record_now(change, review)
    if record is None:
        messages.error(request, NEVER_PUBLISHED)
        return redirect(change.get_absolute_url())
    page_fields = next(i.version.field_dict for i in change.items.all() if i.kind == "page")
    context = {
        "change": change,
        "title": page_fields["title"],
        "address": reverse("infopages:page", kwargs={"slug": page_fields["slug"]}),
        "record": record,
        "parts": change_diff(change, preview=False),
        "kinds": PublishedPage.Kind,
        "form": form,
        **panels.context_for(panels.PUBLISH_CONFIRM, change=change, review=review),
    }
    return render(request, "reviews/publish_confirm.html", context)


def _publish(request: HttpRequest, pk: int) -> HttpResponse:
    form = PublishForm(request.POST)
    if not form.is_valid():  # the note for readers is too long: confirm again, note kept
        change = get_change(pk)
        refusal = person_refusal(Step.PUBLISH, request.user, change)
        return forbidden(request, refusal) if refusal else _confirm_publish(request, change, form)

    def run(change: ChangeRequest, data: dict) -> None:
        services.publish(
            change=change,
            by=request.user,
            seen_hash=form.cleaned_data["seen_hash"] or None,
            public_note=form.cleaned_data["public_note"],
        )

    def done(change: ChangeRequest, data: dict) -> str:
        return f"Published: readers now see the new “{change.page}”."

    return take_step(request, pk, step=Step.PUBLISH, run=run, done=done)


@require_POST
@workspace_view
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    def run(change: ChangeRequest, data: dict) -> None:
        services.schedule(
            change=change, by=request.user, at=data["publish_at"], public_note=data["public_note"]
        )

    def done(change: ChangeRequest, data: dict) -> str:
        return f"Scheduled for {timezone.localtime(data['publish_at']):%-d %B %Y at %H:%M}."

    return take_step(
        request,
        pk,
        step=Step.SCHEDULE,
        run=run,
        form_class=ScheduleForm,
        form_name="schedule_form",
        done=done,
    )


@require_POST
@workspace_view
def unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    def run(change: ChangeRequest, data: dict) -> None:
        services.unschedule(change=change, by=request.user)

    return take_step(
        request,
        pk,
        step=Step.UNSCHEDULE,
        run=run,
        done="The scheduled publication was cancelled. It is still approved.",
    )


@require_POST
@workspace_view
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer's decision, bound to the content hash of the page they were shown."""
    change = get_change(pk)
    roles, refusal = policy.sign_off_roles(request.user, ReviewStatus(change))
    if not roles:
        return forbidden(request, refusal)
    allowed = {role.value for role in roles}
    chosen = request.POST.get("role") or ""
    if chosen and chosen not in allowed:
        label = ReviewStatus(change).role_named(chosen).label
        return forbidden(request, f"You cannot sign this change off as a {label}.")
    form = SignOffForm(request.POST, roles=roles, sections=sections_to_confirm(change))
    if form.is_valid():
        role = form.cleaned_data["role"] or roles[0].value
        try:
            services.sign_off(
                change=change,
                reviewer=request.user,
                decision=form.cleaned_data["decision"],
                seen_hash=form.cleaned_data["seen_hash"],
                comment=form.cleaned_data["comment"],
                role=role,
                sections=form.cleaned_data.get("sections", []),
                shown=hooks.shown_in(request.POST),
            )
        except StaleContent as error:
            # Show the current content, and make them choose again having read it.
            change = get_change(pk)
            data = still_read(request.POST, change, request.user)
            form = SignOffForm(data, roles=roles, sections=sections_to_confirm(change))
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
def keep_sections_read(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer's ticks in a full review, kept for when they come back ("Keep my ticks for
    later", or each tick as it is clicked, with JavaScript): not a decision. The page comes
    back with anything they typed in the decision form kept."""
    change = get_change(pk)
    refusal = person_refusal(Step.SIGN_OFF, request.user, change)
    if refusal:
        return forbidden(request, refusal)
    wants_json = "application/json" in request.headers.get("Accept", "")
    total = len(sections_to_confirm(change))
    try:
        ticked = services.keep_sections_read(
            change=change,
            reader=request.user,
            seen_hash=request.POST.get("seen_hash", ""),
            sections=request.POST.getlist("sections"),
        )
    except WorkflowError as error:
        if wants_json:
            return JsonResponse({"error": error.message}, status=409)
        messages.error(request, error.message)
        change = get_change(pk)
        kept = selectors.sections_read(
            change=change, reader=request.user, review=ReviewStatus(change)
        )
        initial = kept_form_input(request, change, sections=kept)
        return render_change(
            request, change, sign_off_form=_unbound_sign_off_form(request, change, initial)
        )
    if wants_json:
        return JsonResponse({"ticked": len(ticked), "total": total})
    messages.success(request, ticks_kept(ticked, total))
    if not (request.POST.get("comment", "").strip() or request.POST.get("decision")):
        return redirect(change.get_absolute_url() + "#sign-off")
    initial = kept_form_input(request, change, sections=ticked)
    return render_change(
        request, change, sign_off_form=_unbound_sign_off_form(request, change, initial)
    )


def _unbound_sign_off_form(
    request: HttpRequest, change: ChangeRequest, initial: dict
) -> SignOffForm:
    roles, _refusal = policy.sign_off_roles(request.user, ReviewStatus(change))
    return SignOffForm(roles=roles, sections=sections_to_confirm(change), initial=initial)
