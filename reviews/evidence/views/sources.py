"""The evidence register in the workspace: the sources pages rest on, each with the pages
citing it and its link check; adding and correcting one, marking it updated or withdrawn
(which flags the pages citing it for review), merging near-duplicates, and the broken links.

Everyone in the workspace may read the register; editors change it. Views are thin: the
services decide, and a refusal comes back with what was typed kept.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from infopages.models import Source
from infopages.register import near_duplicates
from reviews.core.errors import StaleContent, WorkflowError
from reviews.core.views.common import page_steps, refuse_page_step, workspace_view
from reviews.core.workflow import PageStep
from reviews.evidence import selectors as source_selectors
from reviews.evidence import services
from reviews.evidence.forms import (
    MarkSourceForm,
    MergeSourcesForm,
    RegisterFilterForm,
    SourceEditForm,
    SourceForm,
)

SOURCES_PER_SCREEN = 50
SUGGESTIONS_SHOWN = 50


def _source(source_pk: int) -> Source:
    return get_object_or_404(Source.objects.select_related("merged_into"), pk=source_pk)


@require_safe
@workspace_view
def source_list(request: HttpRequest) -> HttpResponse:
    form = RegisterFilterForm(request.GET or None)
    sources = source_selectors.register(**form.filters())
    page_obj = Paginator(sources, SOURCES_PER_SCREEN).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "query": query.urlencode(),
        "page_steps": page_steps(request.user),
        "counts": source_selectors.register_counts(),
    }
    return render(request, "reviews/sources.html", context)


def render_source(request: HttpRequest, source: Source, **forms) -> HttpResponse:
    steps = page_steps(request.user)
    context = {
        "source": source,
        "detail": source_selectors.source_detail(source),
        "page_steps": steps,
        "mark_form": forms.get("mark_form") or (MarkSourceForm() if steps["MARK_SOURCE"] else None),
    }
    return render(request, "reviews/source_detail.html", context)


@require_safe
@workspace_view
def source_detail(request: HttpRequest, source_pk: int) -> HttpResponse:
    return render_source(request, _source(source_pk))


def _render_form(request: HttpRequest, form: SourceForm, *, source=None, current=None):
    context = {"form": form, "source": source, "current": current}
    return render(request, "reviews/source_form.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view
def add_source(request: HttpRequest) -> HttpResponse:
    if refused := refuse_page_step(request, PageStep.ADD_SOURCE):
        return refused
    if request.method == "GET":
        return _render_form(request, SourceForm())
    form = SourceForm(request.POST)
    if form.is_valid():
        try:
            source = services.add_source(by=request.user, **form.values())
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Added “{source}” to the register.")
            return redirect("reviews:source", source_pk=source.pk)
    return _render_form(request, form)


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_source(request: HttpRequest, source_pk: int) -> HttpResponse:
    """The source editor: the register's record of one source."""
    if refused := refuse_page_step(request, PageStep.EDIT_SOURCE):
        return refused
    source = _source(source_pk)
    if source.merged_into_id:
        messages.error(request, "This source was merged into another one: correct that one.")
        return redirect("reviews:source", source_pk=source.merged_into_id)
    if request.method == "GET":
        initial = {name: getattr(source, name) for name in SourceForm.FIELDS}
        form = SourceForm(initial={**initial, "lock_version": source.lock_version})
        return _render_form(request, form, source=source)
    form = SourceEditForm(request.POST)
    if form.is_valid():
        try:
            saved = services.edit_source(
                source=source,
                by=request.user,
                expected_lock_version=form.cleaned_data["lock_version"] or 0,
                **form.values(),
            )
        except StaleContent as error:
            current = Source.objects.get(pk=source.pk)
            data = request.POST.copy()
            data["lock_version"] = str(current.lock_version)
            form = SourceEditForm(data)
            form.is_valid()
            form.add_error(None, error.message)
            return _render_form(request, form, source=current, current=current)
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Saved “{saved}”. Pages citing it keep their wording.")
            return redirect("reviews:source", source_pk=saved.pk)
    return _render_form(request, form, source=source)


@require_POST
@workspace_view
def mark_source(request: HttpRequest, source_pk: int) -> HttpResponse:
    if refused := refuse_page_step(request, PageStep.MARK_SOURCE):
        return refused
    source = _source(source_pk)
    form = MarkSourceForm(request.POST)
    if form.is_valid():
        try:
            marked = services.mark_source(
                source=source,
                by=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            flagged = len(marked.flags)
            status = marked.source.get_status_display()
            if flagged:
                text = (
                    f"Marked {status}. {flagged} page{'s' if flagged != 1 else ''} citing it "
                    f"{'are' if flagged != 1 else 'is'} now flagged “review needed”."
                )
            else:
                text = f"Marked {status}."
            messages.success(request, text)
            return redirect("reviews:source", source_pk=source.pk)
    return render_source(request, source, mark_form=form)


def _pair(data) -> tuple[Source, Source] | None:
    """The two sources chosen (``a`` and ``b``, or two ``pick``), or None."""
    ids = [value for value in data.getlist("pick") if value.isdigit()][:2]
    if not ids:
        ids = [data.get(key, "") for key in ("a", "b")]
    ids = [int(value) for value in ids if str(value).isdigit()]
    if len(ids) != 2 or ids[0] == ids[1]:
        return None
    found = {s.pk: s for s in source_selectors.in_use().filter(pk__in=ids)}
    if len(found) != 2:
        return None
    first, second = sorted(found.values(), key=lambda s: s.pk)
    return first, second


@require_http_methods(["GET", "POST"])
@workspace_view
def merge_sources(request: HttpRequest) -> HttpResponse:
    """Two sources that are one: see them side by side and keep one. Without a pair chosen,
    the near-duplicates the register suggests."""
    if refused := refuse_page_step(request, PageStep.MERGE_SOURCES):
        return refused
    pair = _pair(request.GET)
    if pair is None:
        if request.method == "POST" or request.GET.get("a") or request.GET.getlist("pick"):
            messages.error(request, "Choose two different sources in use to merge.")
        suggestions, total = near_duplicates(limit=SUGGESTIONS_SHOWN)
        context = {"suggestions": suggestions, "total": total}
        return render(request, "reviews/merge_sources.html", context)
    first, second = pair
    form = MergeSourcesForm(
        request.POST if request.method == "POST" else None, first=first, second=second
    )
    if request.method == "POST" and form.is_valid():
        keep, merge = form.chosen()
        try:
            services.merge_sources(
                keep=keep, merge=merge, by=request.user, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Merged into “{keep}”. Its references moved with it.")
            return redirect("reviews:source", source_pk=keep.pk)
    context = {
        "form": form,
        "pair": [source_selectors.source_detail(s, cap=20) for s in (first, second)],
        "action": reverse("reviews:merge_sources") + f"?a={first.pk}&b={second.pk}",
    }
    return render(request, "reviews/merge_sources.html", context)


@require_safe
@workspace_view
def broken_links(request: HttpRequest) -> HttpResponse:
    """Sources whose link was broken or unreachable at the last weekly check."""
    sources = source_selectors.broken_links()
    page_obj = Paginator(sources, SOURCES_PER_SCREEN).get_page(request.GET.get("page"))
    context = {"page_obj": page_obj}
    return render(request, "reviews/broken_links.html", context)
