"""The workspace's front page: what needs me, by role; starting a change; my email setting;
and, for publishers, taking a page down in an emergency."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from reviews.core import notifications, panels, policy, selectors, services
from reviews.core.errors import WorkflowError
from reviews.core.forms import NotificationPreferenceForm, StartChangeForm, UnpublishForm
from reviews.core.models import ChangeRequest
from reviews.core.views.common import page_steps, refuse_page_step, workspace_view
from reviews.core.workflow import PageStep

State = ChangeRequest.State


def render_dashboard(request: HttpRequest, *, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    groups = policy.groups_of(user)
    is_editor = policy.EDITORS in groups
    is_reviewer = bool(policy.reviewer_roles(user))
    is_publisher = policy.PUBLISHERS in groups
    steps = page_steps(user)
    context = {
        "page_steps": steps,
        "is_editor": is_editor,
        "is_reviewer": is_reviewer,
        "is_publisher": is_publisher,
        "roles": sorted(groups),
        "recently_published": selectors.recently_published_changes(limit=8),
        "preference_form": forms.get("preference_form")
        or NotificationPreferenceForm(initial={"frequency": notifications.frequency_for(user)}),
    }
    if is_reviewer:
        context["awaiting_me"] = selectors.changes_awaiting(reviewer=user)
    if is_editor:
        context["sent_back"] = selectors.changes_sent_back()
        context["my_open"] = [
            c for c in selectors.open_changes_of(editor=user) if c.state != State.CHANGES_REQUESTED
        ]
    if steps["START_CHANGE"]:
        context["start_form"] = forms.get("start_form") or StartChangeForm()
    if is_publisher:
        context["ready_to_publish"] = selectors.changes_in_state(State.APPROVED)
        context["scheduled"] = selectors.changes_in_state(State.SCHEDULED).order_by(
            "scheduled_for", "id"
        )
    if steps["TAKE_DOWN"]:
        context["unpublish_form"] = forms.get("unpublish_form") or UnpublishForm()
    context |= panels.context_for(panels.DASHBOARD, user=user, steps=steps)
    return render(request, "reviews/dashboard.html", context, status=status)


@require_safe
@workspace_view
def dashboard(request: HttpRequest) -> HttpResponse:
    return render_dashboard(request)


@require_POST
@workspace_view
def start_change(request: HttpRequest) -> HttpResponse:
    if refused := refuse_page_step(request, PageStep.START_CHANGE):
        return refused
    form = StartChangeForm(request.POST)
    if form.is_valid():
        try:
            change = services.start_change(
                page=form.cleaned_data["page"],
                by=request.user,
                summary=form.cleaned_data["summary"],
                is_full_review=form.cleaned_data["is_full_review"],
            )
        except WorkflowError as error:
            form.add_error("page", _with_link_to_open_change(error, form.cleaned_data["page"]))
        else:
            messages.success(
                request,
                f"Started a change request for “{change.page}”. Edit the page below, "
                "then send it for review.",
            )
            return redirect(change)
    return render_dashboard(request, start_form=form)


def _with_link_to_open_change(error: WorkflowError, page) -> str:
    """The refusal, with a link to the page's open change when that is the reason (the
    service's message is plain text; the screen links the change it names)."""
    existing = selectors.open_change_for(page)
    if existing is None:
        return error.message
    return format_html(
        '“{}” already has an open change request: <a href="{}">change request #{} ({})</a>. '
        "Add your edits to that one, or choose another page.",
        page,
        existing.get_absolute_url(),
        existing.pk,
        existing.get_state_display().lower(),
    )


@require_POST
@workspace_view
def notification_preference(request: HttpRequest) -> HttpResponse:
    form = NotificationPreferenceForm(request.POST)
    if not form.is_valid():
        return render_dashboard(request, preference_form=form)
    preference = notifications.set_frequency(
        user=request.user, frequency=form.cleaned_data["frequency"]
    )
    messages.success(request, f"Saved: we will email you {preference.get_frequency_display()}.")
    return redirect("reviews:dashboard")


@require_POST
@workspace_view
def unpublish(request: HttpRequest) -> HttpResponse:
    """Take a live page off the public site now, with a reason for the audit log."""
    if refused := refuse_page_step(request, PageStep.TAKE_DOWN):
        return refused
    form = UnpublishForm(request.POST, pages=selectors.live_pages())
    if form.is_valid():
        page = form.cleaned_data["page"]
        try:
            services.unpublish_page(page=page, by=request.user, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"“{page}” is no longer on the public site. Its history is kept. To bring it "
                "back, start a change (or a full review) and have it signed off again.",
            )
            return redirect("reviews:dashboard")
    return render_dashboard(request, unpublish_form=form)
