"""Shared blocks in the workspace: the list, one block (its text, versions, where it is used,
the republication of the pages showing it), its editor, and retiring it.

Everyone in the workspace may read them; editors create and edit blocks (inside a change,
reviewed like a page's), publishers retire them. Views are thin: the services decide.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from infopages.services import EditConflict
from infopages.shared_blocks import Block, BlockPublication, render_block
from reviews.blocks import services
from reviews.blocks.forms import BlockFieldsForm, NewBlockForm, RetireBlockForm
from reviews.blocks.models import BlockRepublication
from reviews.core import selectors
from reviews.core.errors import WorkflowError
from reviews.core.models import ChangeRequest
from reviews.core.services import start_change
from reviews.core.views.common import page_steps, refuse_page_step, workspace_view
from reviews.core.workflow import PageStep

LISTED_PAGES = 200  # where a block is used: the first so many of each list


def _block(name: str) -> Block:
    return get_object_or_404(Block.objects.select_related("page"), name=name)


@require_safe
@workspace_view
def block_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, NewBlockForm())


def _render_list(request, form, status=200) -> HttpResponse:
    blocks = list(Block.objects.select_related("page").order_by("name"))
    newest = {}
    for version in BlockPublication.objects.order_by("-number").only("block_id", "number"):
        newest.setdefault(version.block_id, version.number)
    open_changes = {
        change.page_id: change
        for change in ChangeRequest.objects.filter(
            page_id__in=[b.page_id for b in blocks], state__in=ChangeRequest.OPEN_STATES
        )
    }
    rows = [(b, newest.get(b.pk), open_changes.get(b.page_id)) for b in blocks]
    context = {"rows": rows, "form": form, "page_steps": page_steps(request.user)}
    return render(request, "reviews/blocks.html", context, status=status)


@require_POST
@workspace_view
def create_block(request: HttpRequest) -> HttpResponse:
    if refusal := refuse_page_step(request, PageStep.CREATE_BLOCK):
        return refusal
    form = NewBlockForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, status=400)
    try:
        change = services.create_block(**form.cleaned_data, by=request.user)
    except WorkflowError as error:
        form.add_error(None, error.message)
        return _render_list(request, form, status=400)
    messages.success(request, "Block created: fill in its fields, then submit it for review.")
    return redirect("reviews:edit_block", name=form.cleaned_data["name"], pk=change.pk)


@require_safe
@workspace_view
def block_detail(request: HttpRequest, name: str) -> HttpResponse:
    return _render_detail(request, _block(name))


def _render_detail(request, block: Block, retire_form=None, status=200) -> HttpResponse:
    versions = list(block.publications.select_related("publication").order_by("-number"))
    runs = list(
        BlockRepublication.objects.filter(block_publication__block=block)
        .select_related("block_publication", "started_by")
        .order_by("-started_at", "-id")[:5]
    )
    progress = [(run, None if run.is_finished else services.remaining_count(run)) for run in runs]
    steps = page_steps(request.user)
    context = {
        "shared": block,  # not "block": the template's {% block %} tag takes that name
        "latest": versions[0] if versions else None,
        "versions": versions,
        "used": services.where_used(block, limit=LISTED_PAGES),
        "live_count": services.live_count(block),
        "progress": progress,
        "open_change": selectors.open_change_for(block.page),
        "page_steps": steps,
        "retire_form": retire_form or (RetireBlockForm() if steps["RETIRE_BLOCK"] else None),
    }
    return render(request, "reviews/block_detail.html", context, status=status)


@require_POST
@workspace_view
def start_block_change(request: HttpRequest, name: str) -> HttpResponse:
    if refusal := refuse_page_step(request, PageStep.START_CHANGE):
        return refusal
    block = _block(name)
    if block.retired_at is not None:
        messages.error(request, "A retired block cannot be changed.")
        return redirect("reviews:block", name=name)
    change = selectors.open_change_for(block.page)
    if change is None:
        try:
            change = start_change(
                page=block.page, by=request.user, summary=request.POST.get("summary", "")
            )
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect("reviews:block", name=name)
    return redirect("reviews:edit_block", name=name, pk=change.pk)


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_block(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    if refusal := refuse_page_step(request, PageStep.START_CHANGE):  # editors edit changes
        return refusal
    block = _block(name)
    change = selectors.open_change_for(block.page)
    if change is None or change.pk != pk:
        raise Http404("This block has no such open change.")
    values, counters = services.working_values(block)
    if request.method == "GET":
        initial = {**values, **{f"lock_{key}": n for key, n in counters.items()}}
        form = BlockFieldsForm(initial=initial, block=block)
        return _render_editor(request, block, change, form, values=values)
    form = BlockFieldsForm(request.POST, block=block)
    if not form.is_valid():
        return _render_editor(request, block, change, form, values=values, status=400)
    if "preview" in request.POST:
        return _render_editor(request, block, change, form, values=form.values())
    try:
        services.edit_block(
            change=change,
            values=form.values(),
            lock_versions=form.lock_versions(),
            by=request.user,
            comment=form.cleaned_data["comment"],
        )
    except EditConflict as conflict:
        form.add_error(
            None,
            f"{conflict} Their text is now in the preview below; yours is kept in the form.",
        )
        values, _counters = services.working_values(block)
        return _render_editor(request, block, change, form, values=values, status=409)
    except WorkflowError as error:
        form.add_error(None, error.message)
        return _render_editor(request, block, change, form, values=form.values(), status=400)
    messages.success(request, f"Saved the block “{block.name}”.")
    return redirect(change)


def _render_editor(request, block, change, form, *, values, status=200) -> HttpResponse:
    problems = services.field_problems(block, values)
    preview = None if problems else mark_safe(render_block(block.kind, values, name=block.name))
    context = {
        "shared": block,
        "change": change,
        "form": form,
        "preview": preview,
        "preview_problems": problems,
        "sends_back_to_review": change.state in change.UNDER_REVIEW_STATES,
    }
    return render(request, "reviews/block_edit.html", context, status=status)


@require_POST
@workspace_view
def retire_block(request: HttpRequest, name: str) -> HttpResponse:
    if refusal := refuse_page_step(request, PageStep.RETIRE_BLOCK):
        return refusal
    block = _block(name)
    form = RetireBlockForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, block, retire_form=form, status=400)
    try:
        services.retire_block(block=block, by=request.user, reason=form.cleaned_data["reason"])
    except WorkflowError as error:
        form.add_error(None, error.message)
        return _render_detail(request, block, retire_form=form, status=409)
    messages.success(request, f"Retired the block “{block.name}”.")
    return redirect(reverse("reviews:block", kwargs={"name": name}))
