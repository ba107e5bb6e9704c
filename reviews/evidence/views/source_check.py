"""The source check of a flagged page: for each source it cites that changed, the note
saying what changed, the page's references to it and the passages citing it, then the whole
page as readers see it. A medical reviewer may clear a source's flags ("Checked against the
updated source: no change needed"); an editor may start a change instead.

Who may clear flags is the workflow's page step ``CHECK_SOURCE``: the service requires it,
and the screen asks the same rule to choose what to offer.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from infopages.models import Page
from reviews.core import selectors
from reviews.core import services as core_services
from reviews.core.errors import NotAllowed, WorkflowError
from reviews.core.views.common import forbidden, page_steps, refuse_page_step, workspace_view
from reviews.core.workflow import PageStep, page_step_refusal
from reviews.evidence import selectors as source_selectors
from reviews.evidence import services
from reviews.evidence.forms import SourceCheckForm, StartChangeForSourceForm


def _page(page_pk: int) -> Page:
    return get_object_or_404(Page.objects.select_related("topic"), pk=page_pk)


def render_source_check(
    request: HttpRequest, page: Page, *, check_form=None, start_form=None
) -> HttpResponse:
    user = request.user
    screen = source_selectors.source_check_screen(page)
    to_check, placed = [], False
    for item in screen.sources:
        error = page_step_refusal(PageStep.CHECK_SOURCE, user=user, flags=item.flags)
        refusal = error.message if error else ""
        bound = check_form is not None and check_form["source"].value() == str(item.source.pk)
        placed = placed or (bound and not refusal)
        form = check_form if bound else SourceCheckForm(initial={"source": item.source.pk})
        to_check.append({"item": item, "refusal": refusal, "form": None if refusal else form})
    # A refusal about a source no longer flagged (someone else checked it meanwhile) has no
    # form to stand beside: it goes at the top, so it is never silent.
    unplaced = [] if check_form is None or placed else check_form.errors.get("note", [])
    open_change = selectors.open_change_for(page)
    steps = page_steps(user)
    if start_form is None and steps["START_CHANGE"] and open_change is None:
        reasons = "; ".join(item.flags[-1].reason for item in screen.sources)
        start_form = StartChangeForSourceForm(
            initial={"summary": f"Bring in line with the updated source: {reasons}"[:500]}
        )
    context = {
        "page": page,
        "screen": screen,
        "to_check": to_check,
        "unplaced_errors": unplaced,
        "open_change": open_change,
        "page_steps": steps,
        "start_form": start_form,
    }
    return render(request, "reviews/source_check.html", context)


@require_safe
@workspace_view
def source_check(request: HttpRequest, page_pk: int) -> HttpResponse:
    return render_source_check(request, _page(page_pk))


@require_POST
@workspace_view
def confirm_source_check(request: HttpRequest, page_pk: int) -> HttpResponse:
    """ "Checked against the updated source: no change needed"."""
    page = _page(page_pk)
    form = SourceCheckForm(request.POST)
    form.is_valid()  # a missing source id names no flag: the service says so
    source_id = form.cleaned_data.get("source") or 0
    try:
        check = services.check_against_source(
            page=page,
            source_id=source_id,
            by=request.user,
            note=form.cleaned_data["note"],
            shown=[pk for pk in request.POST.getlist("flags_shown") if pk.isdigit()],
        )
    except NotAllowed as refusal:
        return forbidden(request, refusal.message)
    except WorkflowError as error:
        form.add_error("note", error.message)
        return render_source_check(request, page, check_form=form)
    messages.success(
        request,
        f"Recorded: “{page}” still agrees with “{check.source}”. Its flag for this source is "
        "cleared; the review dates are unchanged.",
    )
    return redirect("reviews:source_check", page_pk=page.pk)


@require_POST
@workspace_view
def start_change_for_source(request: HttpRequest, page_pk: int) -> HttpResponse:
    """The check found something: start a change to the page (editors), as the dashboard
    does. Its flags clear when a change whose reviewers saw them is published."""
    page = _page(page_pk)
    if refused := refuse_page_step(request, PageStep.START_CHANGE):
        return refused
    form = StartChangeForSourceForm(request.POST)
    if form.is_valid():
        try:
            change = core_services.start_change(
                page=page, by=request.user, summary=form.cleaned_data["summary"]
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Started a change request for “{page}”. Edit what the source changed, then "
                "send it for review: the reviewers see why the page needs review.",
            )
            return redirect(change)
    return render_source_check(request, page, start_form=form)
