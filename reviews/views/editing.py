"""Editing the page within a change request: a section, a new section, the title and summary.

Every save goes through ``services.edit_in_change`` with the version counter the editor's form
started from. When someone else saved in between, nothing is saved and the form comes back
with the editor's own text in it and the other person's saved text beside it.
"""

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from reversion.models import Version

from infopages.markdown import render_markdown
from infopages.models import Page, Section
from infopages.services import EditConflict
from reviews import policy, services
from reviews.diffs import diff_html
from reviews.errors import WorkflowError
from reviews.forms import NewSectionForm, PageFieldsForm, RemoveSectionForm, SectionForm
from reviews.models import ChangeRequest
from reviews.views.common import forbidden, person, workspace_view
from reviews.workflow import TRANSITIONS, Step

State = ChangeRequest.State


def _change_to_edit(request: HttpRequest, pk: int) -> tuple[ChangeRequest, HttpResponse | None]:
    """The change, or the response to give instead: 403 for non-editors, back to the change
    page (with the reason) when it can no longer be edited.

    A save is let through even then: the service refuses it, and the form comes back with
    the editor's text in it (the change may have been published while they were typing).
    """
    change = get_object_or_404(ChangeRequest.objects.select_related("page"), pk=pk)
    if not policy.is_editor(request.user):
        return change, forbidden(request, "Only editors can change pages.")
    editable = change.state in TRANSITIONS[Step.EDIT].sources
    if not editable and request.method != "POST":
        messages.error(
            request,
            f"This change request is {change.get_state_display()}, so it can no longer be "
            "edited. Start a new change request from the workspace.",
        )
        return change, redirect(change)
    return change, None


def _render_editor(request: HttpRequest, change: ChangeRequest, *, status: int = 200, **extra):
    context = {
        "change": change,
        "page": change.page,
        "sends_back_to_review": change.state in ChangeRequest.UNDER_REVIEW_STATES,
        "conflict": None,
        "preview_html": None,
        **extra,
    }
    return render(request, "reviews/edit_form.html", context, status=status)


def _conflict(
    request: HttpRequest, make_form, error: EditConflict, fields: list[tuple[str, str, str]]
):
    """The form again (``make_form(data)``), bound to the editor's own text but starting from
    the other person's save; and their text, who saved it and when.

    ``fields``: (label, form field name, their saved value) for each field the form edits.
    """
    theirs = error.theirs
    latest = Version.objects.get_for_object(theirs).select_related("revision__user").first()
    revision = latest.revision if latest else None
    who = person(revision.user) if revision else "Someone else"
    when = timezone.localtime(revision.date_created) if revision else None
    data = request.POST.copy()
    data["lock_version"] = str(theirs.lock_version)
    rebound = make_form(data)
    rebound.is_valid()
    rebound.add_error(
        None,
        f"{who} saved this while you were editing, so your text was not saved. Nothing is "
        "lost: your text is still in the form, and theirs is shown beside it. Combine the two "
        "in the form and save again (their text stays in the history).",
    )
    conflict = {
        "who": who,
        "when": when,
        "comment": revision.get_comment() if revision else "",
        "fields": [
            {
                "label": label,
                "theirs": their_value,
                "same": their_value.strip() == _typed(rebound, name).strip(),
                "diff": diff_html(their_value, _typed(rebound, name)),
            }
            for label, name, their_value in fields
        ],
    }
    return rebound, conflict


def _save_edit(
    request: HttpRequest,
    change: ChangeRequest,
    obj,
    form,
    *,
    make_form: Callable,
    fields: list[tuple[str, str]],
    saved: str,
    **extra,
) -> HttpResponse:
    """Save ``obj`` (its fields already set from ``form``) within the change, from the version
    counter the form started at. On a conflict the form comes back (409) with the editor's
    text and the other person's beside it; on a refusal, with the reason; nothing is lost.

    ``fields``: (label, field name) of each field the form edits, for the conflict screen.
    """
    try:
        services.edit_in_change(
            change=change,
            obj=obj,
            by=request.user,
            comment=form.cleaned_data["comment"],
            expected_lock_version=form.cleaned_data["lock_version"],
        )
    except EditConflict as error:
        theirs = [(label, name, getattr(error.theirs, name)) for label, name in fields]
        form, conflict = _conflict(request, make_form, error, theirs)
        return _render_editor(request, change, status=409, form=form, conflict=conflict, **extra)
    except WorkflowError as error:
        form.add_error(None, error.message)
        return _render_editor(request, change, form=form, **extra)
    messages.success(request, saved)
    model = obj._meta.model_name
    return redirect(f"{change.get_absolute_url()}#part-{model}-{obj.pk}")


def _preview(body: str) -> SafeString:
    return mark_safe(render_markdown(body, id_prefix="preview-"))  # the sanitising renderer


def _typed(form, name: str) -> str:
    """What the editor typed in a field, line endings as saved."""
    return (form[name].value() or "").replace("\r\n", "\n")


def _was_section_of(change: ChangeRequest, section_pk: int) -> bool:
    """Whether ``section_pk`` was once a section of the change's page (it has a version)."""
    last = Version.objects.get_for_object_reference(Section, section_pk).first()
    return last is not None and last.field_dict.get("page_id") == change.page_id


def _removed_meanwhile(request: HttpRequest, change: ChangeRequest, form) -> HttpResponse:
    """The editor's text back when someone removed the section while they were editing."""
    form.is_valid()
    form.add_error(
        None,
        "This section was removed while you were editing, so your text was not saved. Nothing "
        "is lost: copy your text from the form, then add it as a new section, or restore the "
        "section from the page's history.",
    )
    return _render_editor(
        request, change, status=409, form=form, title="Section removed", section=None
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_section(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    change, refusal = _change_to_edit(request, pk)
    if refusal:
        return refusal
    live_preview = request.user.is_staff
    section = Section.objects.filter(pk=section_pk, page_id=change.page_id).first()
    if section is None:
        if request.method == "POST" and _was_section_of(change, section_pk):
            return _removed_meanwhile(
                request, change, SectionForm(request.POST, live_preview=live_preview)
            )
        raise Http404("No such section on this page.")
    remove_form = RemoveSectionForm()
    extra = {"title": f"Edit “{section.heading}”", "section": section}
    if request.method == "GET":
        form = SectionForm(
            initial={
                "heading": section.heading,
                "body": section.body,
                "lock_version": section.lock_version,
            },
            live_preview=live_preview,
        )
        return _render_editor(request, change, form=form, remove_form=remove_form, **extra)

    form = SectionForm(request.POST, live_preview=live_preview)
    if not form.is_valid():
        return _render_editor(request, change, form=form, remove_form=remove_form, **extra)
    if "preview" in request.POST:
        preview = _preview(form.cleaned_data["body"])
        return _render_editor(
            request, change, form=form, remove_form=remove_form, preview_html=preview, **extra
        )
    section.heading = form.cleaned_data["heading"]
    section.body = form.cleaned_data["body"]
    return _save_edit(
        request,
        change,
        section,
        form,
        make_form=lambda data: SectionForm(data, live_preview=live_preview),
        fields=[("Heading", "heading"), ("Text", "body")],
        saved=f"Saved “{section.heading}”.",
        remove_form=remove_form,
        **extra,
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def add_section(request: HttpRequest, pk: int) -> HttpResponse:
    change, refusal = _change_to_edit(request, pk)
    if refusal:
        return refusal
    live_preview = request.user.is_staff
    extra = {"title": "Add a section", "section": None}
    if request.method == "GET":
        form = NewSectionForm(live_preview=live_preview)
        return _render_editor(request, change, form=form, **extra)

    form = NewSectionForm(request.POST, live_preview=live_preview)
    if not form.is_valid():
        return _render_editor(request, change, form=form, **extra)
    if "preview" in request.POST:
        preview = _preview(form.cleaned_data["body"])
        return _render_editor(request, change, form=form, preview_html=preview, **extra)
    last = change.page.sections.aggregate(last=Max("position"))["last"]
    section = Section(
        page=change.page,
        position=0 if last is None else last + 1,
        heading=form.cleaned_data["heading"],
        body=form.cleaned_data["body"],
    )
    try:
        services.edit_in_change(
            change=change, obj=section, by=request.user, comment=form.cleaned_data["comment"]
        )
    except WorkflowError as error:
        form.add_error(None, error.message)
        return _render_editor(request, change, form=form, **extra)
    messages.success(request, f"Added the section “{section.heading}” at the end of the page.")
    return redirect(f"{change.get_absolute_url()}#part-section-{section.pk}")


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The page's title and summary."""
    change, refusal = _change_to_edit(request, pk)
    if refusal:
        return refusal
    page = Page.objects.get(pk=change.page_id)
    extra = {"title": "Edit the title and summary", "section": None}
    if request.method == "GET":
        form = PageFieldsForm(
            initial={
                "title": page.title,
                "summary": page.summary,
                "lock_version": page.lock_version,
            }
        )
        return _render_editor(request, change, form=form, **extra)

    form = PageFieldsForm(request.POST)
    if not form.is_valid():
        return _render_editor(request, change, form=form, **extra)
    page.title = form.cleaned_data["title"]
    page.summary = form.cleaned_data["summary"]
    return _save_edit(
        request,
        change,
        page,
        form,
        make_form=PageFieldsForm,
        fields=[("Title", "title"), ("Summary", "summary")],
        saved="Saved the title and summary.",
        **extra,
    )


@require_POST
@workspace_view
def remove_section(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    change, refusal = _change_to_edit(request, pk)
    if refusal:
        return refusal
    section = get_object_or_404(Section, pk=section_pk, page_id=change.page_id)
    remove_form = RemoveSectionForm(request.POST)
    if remove_form.is_valid():
        try:
            services.remove_in_change(
                change=change,
                obj=section,
                by=request.user,
                comment=remove_form.cleaned_data["comment"],
            )
        except WorkflowError as error:
            remove_form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Removed the section “{section.heading}”. Its versions are kept: you can "
                "restore it from the page's history.",
            )
            return redirect(change)
    form = SectionForm(
        initial={
            "heading": section.heading,
            "body": section.body,
            "lock_version": section.lock_version,
        },
        live_preview=request.user.is_staff,
    )
    return _render_editor(
        request,
        change,
        form=form,
        remove_form=remove_form,
        section=section,
        title=f"Edit “{section.heading}”",
    )
