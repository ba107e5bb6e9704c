"""Editing the page's references and resources within a change: adding one, editing it (with
the same conflict handling as a section) and removing it with a reason."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods, require_POST

from infopages.models import Reference, Resource
from reviews.forms_editing import (
    EditForm,
    NewReferenceForm,
    NewResourceForm,
    ReferenceForm,
    RemovePartForm,
    ResourceForm,
)
from reviews.models import ChangeRequest
from reviews.views.common import workspace_view
from reviews.views.editing import (
    Removal,
    change_to_edit,
    remove_part,
    removed_meanwhile,
    render_editor,
    save_edit,
    stored_value,
    was_part_of,
)


@dataclass(frozen=True)
class PartKind:
    model: type
    form: type[EditForm]
    new_form: type[EditForm]
    noun: str  # "reference"
    fields: tuple[tuple[str, str], ...]  # (label, field name) the form edits
    url_name: str  # "reference": reviews:edit_reference, add_reference, remove_reference

    def name_of(self, part) -> str:
        return Truncator(str(part)).chars(80)


KINDS = {
    "references": PartKind(
        model=Reference,
        form=ReferenceForm,
        new_form=NewReferenceForm,
        noun="reference",
        fields=(("Citation", "citation"), ("Link", "url"), ("Accessed", "accessed_on")),
        url_name="reference",
    ),
    "resources": PartKind(
        model=Resource,
        form=ResourceForm,
        new_form=NewResourceForm,
        noun="booklet or resource",
        fields=(("Title", "title"), ("Link", "url"), ("Description", "description")),
        url_name="resource",
    ),
}


def _kind(kind: str) -> PartKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404("No such kind of part.") from None


def _removal(change: ChangeRequest, kind: PartKind, part, data=None) -> Removal:
    return Removal(
        form=RemovePartForm(data, noun=kind.noun),
        url=reverse(f"reviews:remove_{kind.url_name}", args=[change.pk, part.pk]),
        noun=kind.noun,
        name=kind.name_of(part),
    )


def _edit_extra(change: ChangeRequest, kind: PartKind, part) -> dict:
    return {
        "title": f"Edit a {kind.noun}",
        "history_anchor": f"history-{kind.model._meta.model_name}-{part.pk}",
        "remove": _removal(change, kind, part),
    }


def _initial(kind: PartKind, part) -> dict:
    values = {name: stored_value(part, name) for _label, name in kind.fields}
    return {**values, "lock_version": part.lock_version}


@require_http_methods(["GET", "POST"])
@workspace_view
def add_part(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    part_kind = _kind(kind)
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    extra = {"title": f"Add a {part_kind.noun}"}
    if request.method == "GET":
        return render_editor(request, change, form=part_kind.new_form(), **extra)
    form = part_kind.new_form(request.POST)
    if not form.is_valid():
        return render_editor(request, change, form=form, **extra)
    part = part_kind.model(
        page=change.page, **{name: form.cleaned_data[name] for _label, name in part_kind.fields}
    )
    return save_edit(
        request,
        change,
        part,
        form,
        make_form=part_kind.new_form,
        fields=list(part_kind.fields),
        saved=f"Added the {part_kind.noun} “{part_kind.name_of(part)}” at the end of the list.",
        **extra,
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_part(request: HttpRequest, pk: int, kind: str, part_pk: int) -> HttpResponse:
    part_kind = _kind(kind)
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    part = part_kind.model.objects.filter(pk=part_pk, page_id=change.page_id).first()
    if part is None:
        if request.method == "POST" and was_part_of(change, part_kind.model, part_pk):
            return removed_meanwhile(
                request,
                change,
                part_kind.form(request.POST),
                noun=part_kind.noun,
                title=f"{part_kind.noun.capitalize()} removed",
            )
        raise Http404(f"No such {part_kind.noun} on this page.")
    extra = _edit_extra(change, part_kind, part)
    if request.method == "GET":
        form = part_kind.form(initial=_initial(part_kind, part))
        return render_editor(request, change, form=form, **extra)
    form = part_kind.form(request.POST)
    if not form.is_valid():
        return render_editor(request, change, form=form, **extra)
    for _label, name in part_kind.fields:
        setattr(part, name, form.cleaned_data[name])
    return save_edit(
        request,
        change,
        part,
        form,
        make_form=part_kind.form,
        fields=list(part_kind.fields),
        saved=f"Saved the {part_kind.noun} “{part_kind.name_of(part)}”.",
        **extra,
    )


@require_POST
@workspace_view
def remove_part_view(request: HttpRequest, pk: int, kind: str, part_pk: int) -> HttpResponse:
    part_kind = _kind(kind)
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    part = get_object_or_404(part_kind.model, pk=part_pk, page_id=change.page_id)
    extra = _edit_extra(change, part_kind, part)
    extra.pop("remove")
    name = part_kind.name_of(part)
    return remove_part(
        request,
        change,
        part,
        removal=_removal(change, part_kind, part, request.POST),
        done=f"Removed the {part_kind.noun} “{name}”. Its versions are kept: you can restore "
        "it from the page's history.",
        form=part_kind.form(initial=_initial(part_kind, part)),
        **extra,
    )
