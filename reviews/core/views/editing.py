"""Editing the page within a change request: what every edit screen shares (who may edit,
the form, saving with conflict handling), the "Edit the page" panel, and the sections.

Every save goes through ``services.edit_in_change`` with the version counter the editor's form
started from. When someone else saved in between, nothing is saved and the form comes back
with the editor's own text in it and the other person's saved text beside it. The page's own
details are edited in ``editing_page``, references and resources in ``editing_parts``, and
the order of parts in ``ordering``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from reversion.models import Version

from infopages import plain_english as readability
from infopages.markdown import render_markdown
from infopages.models import Page, Section
from infopages.publishing import topic_trail
from infopages.services import EditConflict
from reviews.core import panels, services
from reviews.core.diffs import diff_html
from reviews.core.errors import WorkflowError
from reviews.core.forms_editing import NewSectionForm, RemovePartForm, SectionForm
from reviews.core.models import ChangeRequest
from reviews.core.views.change_page import person_refusal
from reviews.core.views.common import forbidden, person, workspace_view
from reviews.core.workflow import TRANSITIONS, Step

State = ChangeRequest.State


def edit_panel(page: Page) -> dict:
    """What the change page's "Edit the page" panel lists: the page's details and each of
    its parts, in a fixed number of queries."""
    return {
        "topic": " › ".join(step["name"] for step in topic_trail(page.topic_id)),
        "related_pages": list(page.related_pages.order_by("title").only("title")),
        "sections": list(page.sections.order_by("position", "id").only("heading", "position")),
        "references": list(page.references.select_related("source").order_by("position", "id")),
        "resources": list(page.resources.order_by("position", "id")),
        "figures": list(
            page.figures.order_by("position", "id").only("name", "caption", "position")
        ),
    }


def change_to_edit(request: HttpRequest, pk: int) -> tuple[ChangeRequest, HttpResponse | None]:
    """The change, or the response to give instead: 403 for non-editors, back to the change
    page (with the reason) when it can no longer be edited.

    A save is let through even then: the service refuses it, and the form comes back with
    the editor's text in it (the change may have been published while they were typing).
    """
    change = get_object_or_404(ChangeRequest.objects.select_related("page"), pk=pk)
    if refusal := person_refusal(Step.EDIT, request.user, change):  # the table's rule
        return change, forbidden(request, refusal)
    editable = change.state in TRANSITIONS[Step.EDIT].sources
    if not editable and request.method != "POST":
        messages.error(
            request,
            f"This change request is {change.get_state_display()}, so it can no longer be "
            "edited. Start a new change request from the workspace.",
        )
        return change, redirect(change)
    return change, None


def render_editor(
    request: HttpRequest,
    change: ChangeRequest,
    *,
    status: int = 200,
    template: str = "reviews/edit_form.html",
    **extra,
) -> HttpResponse:
    """An edit screen. ``extra``: ``form``, ``title``, and optionally ``intro`` (a sentence
    under the heading), ``warning``, ``history_anchor`` (the part's place in the page's
    history) and ``remove`` (a ``Removal``)."""
    context = {
        "change": change,
        "page": change.page,
        "sends_back_to_review": change.state in ChangeRequest.UNDER_REVIEW_STATES,
        "conflict": None,
        "preview_html": None,
        **extra,
    }
    context["reading"] = _reading(context.get("form"), context["preview_html"])
    if context["reading"] is not None and not change.page.language.plain_english:
        context["reading"] = {"not_scored": True}
    form = context.get("form")
    if form is not None and "body" in form.fields and "panels" not in context:
        given = {"request": request, "change": change, "form": form}
        context.update(panels.context_for(panels.SECTION_EDITOR, **given))
    return render(request, template, context, status=status)


def _reading(form: forms.Form | None, preview_html: str | None) -> dict | None:
    """A section's plain-English score, of the text in the form: as saved, or as typed (a
    preview, or a save refused). From the preview's rendering when there is one."""
    if form is None or "body" not in form.fields:
        return None
    if preview_html is not None:
        score = readability.score_html(preview_html)
    else:
        score = readability.score_markdown(form["body"].value() or "")
    return {"score": score, "target": readability.target_reading_age(), "of_typed": form.is_bound}


@dataclass
class Removal:
    """The "remove this part" panel of an edit screen."""

    form: RemovePartForm
    url: str
    noun: str
    name: str  # the part as the editor knows it, e.g. its heading


def stored_value(obj: models.Model, name: str):
    """A saved field as a form holds it: ids for related objects, else the value."""
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return [related.pk for related in getattr(obj, name).all()]
    return getattr(obj, field.attname)


def as_text(form: forms.Form, name: str, value) -> str:
    """A value of the form's field ``name`` (typed, or ids) as a person reads it."""
    field = form.fields[name]
    if isinstance(field, forms.ModelMultipleChoiceField):
        chosen = {str(pk) for pk in value or []}
        return "\n".join(label for pk, label in field.choices if str(pk) in chosen)
    if isinstance(field, forms.ModelChoiceField):
        return next((label for pk, label in field.choices if str(pk) == str(value)), "")
    if isinstance(field, forms.DateField):
        try:
            day = field.clean(value)
        except ValidationError:
            return str(value or "")
        return day.strftime("%-d %B %Y") if day else ""
    return ("" if value is None else str(value)).replace("\r\n", "\n")


def typed(form: forms.Form, name: str) -> str:
    """What the editor typed or chose in a field, as a person reads it."""
    return as_text(form, name, form[name].value())


def _conflict(request: HttpRequest, make_form, error: EditConflict, fields: list[tuple[str, str]]):
    """The form again (``make_form(data)``), bound to the editor's own text but starting from
    the other person's save; and their text, who saved it and when.

    ``fields``: (label, form field name) for each field the form edits.
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
    shown = []
    for label, name in fields:
        their_text, my_text = (
            as_text(rebound, name, stored_value(theirs, name)),
            typed(rebound, name),
        )
        shown.append(
            {
                "label": label,
                "theirs": their_text,
                "same": their_text.strip() == my_text.strip(),
                "diff": diff_html(their_text, my_text),
            }
        )
    conflict = {
        "who": who,
        "when": when,
        "comment": revision.get_comment() if revision else "",
        "fields": shown,
    }
    return rebound, conflict


def save_edit(
    request: HttpRequest,
    change: ChangeRequest,
    obj,
    form,
    *,
    make_form: Callable,
    fields: list[tuple[str, str]],
    saved: str,
    related_pages=None,
    save: Callable | None = None,
    **extra,
) -> HttpResponse:
    """Save ``obj`` (its fields already set from ``form``) within the change, from the version
    counter the form started at (none for a new part). On a conflict the form comes back
    (409) with the editor's text and the other person's beside it; on a refusal, with the
    reason; nothing is lost.

    ``fields``: (label, field name) of each field the form edits, for the conflict screen.
    ``save``: the service saving it, when not ``edit_in_change`` (a figure's, with its picture).
    """
    try:
        if save is not None:
            save(
                obj=obj,
                comment=form.cleaned_data["comment"],
                expected_lock_version=form.cleaned_data.get("lock_version"),
            )
        else:
            services.edit_in_change(
                change=change,
                obj=obj,
                by=request.user,
                comment=form.cleaned_data["comment"],
                expected_lock_version=form.cleaned_data.get("lock_version"),
                related_pages=related_pages,
            )
    except EditConflict as error:
        form, conflict = _conflict(request, make_form, error, fields)
        return render_editor(request, change, status=409, form=form, conflict=conflict, **extra)
    except WorkflowError as error:
        form.add_error(None, error.message)
        return render_editor(request, change, form=form, **extra)
    messages.success(request, saved)
    return redirect(f"{change.get_absolute_url()}#part-{obj._meta.model_name}-{obj.pk}")


def remove_part(
    request: HttpRequest,
    change: ChangeRequest,
    obj,
    *,
    removal: Removal,
    done: str,
    remover: Callable | None = None,
    **extra,
) -> HttpResponse:
    """Remove ``obj`` within the change, with the reason given; on a refusal the edit screen
    again, with the reason typed kept. ``remover``: the service, when not ``remove_in_change``."""
    if removal.form.is_valid():
        try:
            (remover or services.remove_in_change)(
                change=change,
                obj=obj,
                by=request.user,
                comment=removal.form.cleaned_data["comment"],
            )
        except WorkflowError as error:
            removal.form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect(f"{change.get_absolute_url()}#edit-heading")
    return render_editor(request, change, remove=removal, **extra)


def was_part_of(change: ChangeRequest, model: type[models.Model], pk: int) -> bool:
    """Whether ``pk`` was once a part of the change's page (it has a version)."""
    last = Version.objects.get_for_object_reference(model, pk).first()
    return last is not None and last.field_dict.get("page_id") == change.page_id


def removed_meanwhile(
    request: HttpRequest, change: ChangeRequest, form, *, noun: str, title: str
) -> HttpResponse:
    """The editor's text back when someone removed the part while they were editing."""
    form.is_valid()
    form.add_error(
        None,
        f"This {noun} was removed while you were editing, so your text was not saved. Nothing "
        f"is lost: copy your text from the form, then add it as a new {noun}, or restore the "
        f"{noun} from the page's history.",
    )
    return render_editor(request, change, status=409, form=form, title=title)


def _preview(body: str) -> SafeString:
    return mark_safe(render_markdown(body, id_prefix="preview-"))  # the sanitising renderer


def _section_removal(change: ChangeRequest, section: Section, data=None) -> Removal:
    return Removal(
        form=RemovePartForm(data, noun="section"),
        url=reverse("reviews:remove_section", args=[change.pk, section.pk]),
        noun="section",
        name=section.heading,
    )


def _section_extra(change: ChangeRequest, section: Section) -> dict:
    return {
        "title": f"Edit “{section.heading}”",
        "history_anchor": f"history-section-{section.pk}",
        "remove": _section_removal(change, section),
    }


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_section(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    live_preview = request.user.is_staff
    section = Section.objects.filter(pk=section_pk, page_id=change.page_id).first()
    if section is None:
        if request.method == "POST" and was_part_of(change, Section, section_pk):
            form = SectionForm(request.POST, live_preview=live_preview)
            return removed_meanwhile(request, change, form, noun="section", title="Section removed")
        raise Http404("No such section on this page.")
    extra = _section_extra(change, section)
    if request.method == "GET":
        form = SectionForm(
            initial={
                "heading": section.heading,
                "body": section.body,
                "lock_version": section.lock_version,
            },
            live_preview=live_preview,
        )
        return render_editor(request, change, form=form, **extra)

    form = SectionForm(request.POST, live_preview=live_preview)
    if not form.is_valid():
        return render_editor(request, change, form=form, **extra)
    if "preview" in request.POST:
        preview = _preview(form.cleaned_data["body"])
        return render_editor(request, change, form=form, preview_html=preview, **extra)
    section.heading = form.cleaned_data["heading"]
    section.body = form.cleaned_data["body"]
    return save_edit(
        request,
        change,
        section,
        form,
        make_form=lambda data: SectionForm(data, live_preview=live_preview),
        fields=[("Heading", "heading"), ("Text", "body")],
        saved=f"Saved “{section.heading}”.",
        **extra,
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def add_section(request: HttpRequest, pk: int) -> HttpResponse:
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    live_preview = request.user.is_staff
    extra = {"title": "Add a section"}
    if request.method == "GET":
        form = NewSectionForm(live_preview=live_preview)
        return render_editor(request, change, form=form, **extra)

    form = NewSectionForm(request.POST, live_preview=live_preview)
    if not form.is_valid():
        return render_editor(request, change, form=form, **extra)
    if "preview" in request.POST:
        preview = _preview(form.cleaned_data["body"])
        return render_editor(request, change, form=form, preview_html=preview, **extra)
    section = Section(
        page=change.page, heading=form.cleaned_data["heading"], body=form.cleaned_data["body"]
    )
    return save_edit(
        request,
        change,
        section,
        form,
        make_form=lambda data: NewSectionForm(data, live_preview=live_preview),
        fields=[],
        saved=f"Added the section “{section.heading}” at the end of the page.",
        **extra,
    )


@require_POST
@workspace_view
def remove_section(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    section = get_object_or_404(Section, pk=section_pk, page_id=change.page_id)
    extra = _section_extra(change, section)
    extra["remove"] = _section_removal(change, section, request.POST)
    extra["form"] = SectionForm(
        initial={
            "heading": section.heading,
            "body": section.body,
            "lock_version": section.lock_version,
        },
        live_preview=request.user.is_staff,
    )
    heading = section.heading
    return remove_part(
        request,
        change,
        section,
        removal=extra.pop("remove"),
        done=f"Removed the section “{heading}”. Its versions are kept: you can restore it from "
        "the page's history.",
        **extra,
    )
