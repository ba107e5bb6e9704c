"""A page's review schedule in the workspace: when it was last reviewed and is next due, the
interval in force, who looks after it, each section's last sign-off, and the steps taken
from there (choose an owner, change the interval, bring the next review forward, start a
full review); and the publishers' screen to reword the notice readers see.

Each form posts to its own URL; a refused step shows the screen again with what was typed.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from infopages.models import DEFAULT_REVIEW_NOTICE, Page, PublicWording
from reviews.core import services as core_services
from reviews.core.errors import WorkflowError
from reviews.core.views.common import page_steps, person, refuse_page_step, workspace_view
from reviews.core.workflow import PageStep
from reviews.evidence.flags import open_flags_of
from reviews.schedule import services
from reviews.schedule.dates import due_status
from reviews.schedule.forms import (
    IntervalForm,
    NextReviewForm,
    OwnerForm,
    StartFullReviewForm,
    WordingForm,
)
from reviews.schedule.selectors import page_schedule


def _page(page_pk: int) -> Page:
    return get_object_or_404(Page.objects.select_related("topic", "owner"), pk=page_pk)


def render_schedule(request: HttpRequest, page: Page, **forms) -> HttpResponse:
    user = request.user
    schedule = page_schedule(page)
    today = timezone.localdate()
    steps = page_steps(user)
    interval = page.review_interval_months
    context = {
        "page": page,
        "schedule": schedule,
        "status": due_status(schedule.next_review_on, today),
        "owner_name": person(page.owner) if page.owner else "",
        "page_steps": steps,
        "owner_form": forms.get("owner_form")
        or (OwnerForm(initial={"owner": str(page.owner_id or "")}) if steps["SET_OWNER"] else None),
        "interval_form": forms.get("interval_form")
        or (IntervalForm(initial={"months": interval}) if steps["SET_INTERVAL"] else None),
        "next_review_form": forms.get("next_review_form")
        or (NextReviewForm() if steps["BRING_REVIEW_FORWARD"] and schedule.is_live else None),
        "full_review_form": forms.get("full_review_form") or StartFullReviewForm(),
        "flags": open_flags_of(page.pk),
    }
    return render(request, "reviews/page_schedule.html", context)


@require_safe
@workspace_view
def schedule_screen(request: HttpRequest, page_pk: int) -> HttpResponse:
    return render_schedule(request, _page(page_pk))


@require_POST
@workspace_view
def change_owner(request: HttpRequest, page_pk: int) -> HttpResponse:
    page = _page(page_pk)
    if refused := refuse_page_step(request, PageStep.SET_OWNER):
        return refused
    form = OwnerForm(request.POST)
    if form.is_valid():
        try:
            services.set_owner(page=page, owner=form.chosen(), by=request.user)
        except WorkflowError as error:
            form.add_error("owner", error.message)
        else:
            who = person(page.owner) if page.owner else "nobody: reminders go to the team"
            messages.success(request, f"“{page}” is now looked after by {who}.")
            return redirect("reviews:page_schedule", page_pk=page.pk)
    return render_schedule(request, page, owner_form=form)


@require_POST
@workspace_view
def change_interval(request: HttpRequest, page_pk: int) -> HttpResponse:
    page = _page(page_pk)
    if refused := refuse_page_step(request, PageStep.SET_INTERVAL):
        return refused
    form = IntervalForm(request.POST)
    if form.is_valid():
        try:
            services.set_review_interval(
                target=page, months=form.cleaned_data["months"], by=request.user
            )
        except WorkflowError as error:
            form.add_error("months", error.message)
        else:
            messages.success(
                request,
                f"Saved how often “{page}” is reviewed. It applies from its next full review; "
                "bring the next review forward to act sooner.",
            )
            return redirect("reviews:page_schedule", page_pk=page.pk)
    return render_schedule(request, page, interval_form=form)


@require_POST
@workspace_view
def bring_review_forward(request: HttpRequest, page_pk: int) -> HttpResponse:
    page = _page(page_pk)
    if refused := refuse_page_step(request, PageStep.BRING_REVIEW_FORWARD):
        return refused
    form = NextReviewForm(request.POST)
    if form.is_valid():
        try:
            publication = services.set_next_review(
                page=page,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"The next review of “{page}” is now "
                f"{publication.next_review_on:%-d %B %Y}. Readers see it now.",
            )
            return redirect("reviews:page_schedule", page_pk=page.pk)
    return render_schedule(request, page, next_review_form=form)


@require_POST
@workspace_view
def start_full_review(request: HttpRequest, page_pk: int) -> HttpResponse:
    page = _page(page_pk)
    if refused := refuse_page_step(request, PageStep.START_FULL_REVIEW):
        return refused
    form = StartFullReviewForm(request.POST)
    if form.is_valid():
        try:
            change = core_services.start_change(
                page=page,
                by=request.user,
                summary=form.cleaned_data["summary"] or "Full review.",
                is_full_review=True,
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Started a full review of “{page}”. Edit what needs changing (or nothing, "
                "to re-certify it as it is), then send it for review: the reviewers confirm "
                "every section.",
            )
            return redirect(change)
    return render_schedule(request, page, full_review_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view
def review_notice_wording(request: HttpRequest) -> HttpResponse:
    """What readers are told while a page is being reviewed: publishers reword it."""
    if refused := refuse_page_step(request, PageStep.REWORD_NOTICE):
        return refused
    current = PublicWording.objects.filter(key=WordingForm.key).first()
    if request.method == "POST":
        form = WordingForm(request.POST)
        if form.is_valid():
            try:
                services.set_public_wording(
                    key=WordingForm.key, text=form.cleaned_data["text"], by=request.user
                )
            except WorkflowError as error:
                form.add_error("text", error.message)
            else:
                messages.success(request, "Saved: readers see the new wording now.")
                return redirect("reviews:review_notice_wording")
    else:
        form = WordingForm(initial={"text": current.text if current else DEFAULT_REVIEW_NOTICE})
    context = {"form": form, "current": current, "default": DEFAULT_REVIEW_NOTICE}
    return render(request, "reviews/review_notice_wording.html", context)
