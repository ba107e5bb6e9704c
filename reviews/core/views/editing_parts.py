"""Editing the page's references and resources within a change: adding one, editing it (with
the same conflict handling as a section) and removing it with a reason.

A reference's source in the evidence register is chosen on its screen: "Find a source"
lists the register's matches, and "Use this source" fills the form with its citation and
link. Without one chosen, saving finds the exact duplicate in the register, or adds it.
"""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods, require_POST

from infopages.models import Source
from infopages.parts import part_kind
from reviews.core import panels
from reviews.core.forms_editing import (
    EditForm,
    NewReferenceForm,
    NewResourceForm,
    ReferenceForm,
    RemovePartForm,
    ResourceForm,
)
from reviews.core.models import ChangeRequest
from reviews.core.views.common import workspace_view
from reviews.core.views.editing import (
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
class PartScreen:
    """How the workspace edits one kind of part (the registry's ``PartKind``) on its screens."""

    model: type
    form: type[EditForm]
    new_form: type[EditForm]
    noun: str  # "reference"
    fields: tuple[tuple[str, str], ...]  # (label, field name) the form edits
    url_name: str  # "reference": reviews:edit_reference, add_reference, remove_reference
    hidden_fields: tuple[str, ...] = ()  # also saved, chosen on the screen (the source)

    def name_of(self, part) -> str:
        return Truncator(str(part)).chars(80)


def _screen(collection: str, *, form, new_form, noun: str, hidden_fields=()) -> PartScreen:
    """A kind's screens: its model, the fields editors fill in with their labels and its
    URL names, from the registry; the forms and wording, from here."""
    kind = part_kind(collection)
    return PartScreen(
        model=kind.model,
        form=form,
        new_form=new_form,
        noun=noun,
        fields=tuple((label, name) for name, label in kind.shown_fields),
        url_name=kind.key,
        hidden_fields=hidden_fields,
    )


KINDS = {
    "references": _screen(
        "references",
        form=ReferenceForm,
        new_form=NewReferenceForm,
        noun="reference",
        hidden_fields=("source",),
    ),
    "resources": _screen(
        "resources", form=ResourceForm, new_form=NewResourceForm, noun="booklet or resource"
    ),
}


# (collection, url name) of each kind edited on these screens: reviews:edit_reference, …
ROUTES = [(collection, screen.url_name) for collection, screen in KINDS.items()]


def _kind(kind: str) -> PartScreen:
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404("No such kind of part.") from None


def _removal(change: ChangeRequest, kind: PartScreen, part, data=None) -> Removal:
    return Removal(
        form=RemovePartForm(data, noun=kind.noun),
        url=reverse(f"reviews:remove_{kind.url_name}", args=[change.pk, part.pk]),
        noun=kind.noun,
        name=kind.name_of(part),
    )


def _edit_extra(change: ChangeRequest, kind: PartScreen, part) -> dict:
    return {
        "title": f"Edit a {kind.noun}",
        "history_anchor": f"history-{kind.model._meta.model_name}-{part.pk}",
        "remove": _removal(change, kind, part),
    }


def _initial(kind: PartScreen, part) -> dict:
    names = [name for _label, name in kind.fields] + list(kind.hidden_fields)
    values = {name: stored_value(part, name) for name in names}
    return {**values, "lock_version": part.lock_version}


def _chosen_source(request: HttpRequest, kind: PartScreen, initial: dict) -> dict:
    """The form's starting values with the source the editor chose ("Use this source":
    ``?source=<id>``): its id, citation and link."""
    chosen = request.GET.get("source", "")
    if "source" not in kind.hidden_fields or not chosen.isdigit():
        return initial
    source = Source.objects.filter(pk=int(chosen), merged_into__isnull=True).first()
    if source is None:
        return initial
    return {**initial, "source": source.pk, "citation": source.citation, "url": source.url}


def _render(request: HttpRequest, change: ChangeRequest, kind: PartScreen, form, **extra):
    return render_editor(request, change, form=form, **_panels(request, kind, form), **extra)


def _panels(request: HttpRequest, kind: PartScreen, form) -> dict:
    """What features show on a part's editor (the evidence register's source picker)."""
    return panels.context_for(panels.PART_EDITOR, request=request, kind=kind, form=form)


def _saved_values(kind: PartScreen, form) -> dict:
    names = [name for _label, name in kind.fields] + list(kind.hidden_fields)
    return {name: form.cleaned_data[name] for name in names}


@require_http_methods(["GET", "POST"])
@workspace_view
def add_part(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    part_kind = _kind(kind)
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    extra = {"title": f"Add a {part_kind.noun}"}
    if request.method == "GET":
        form = part_kind.new_form(initial=_chosen_source(request, part_kind, {}))
        return _render(request, change, part_kind, form, **extra)
    form = part_kind.new_form(request.POST)
    if not form.is_valid():
        return _render(request, change, part_kind, form, **extra)
    part = part_kind.model(page=change.page, **_saved_values(part_kind, form))
    extra |= _panels(request, part_kind, form)
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
        form = part_kind.form(initial=_chosen_source(request, part_kind, _initial(part_kind, part)))
        return _render(request, change, part_kind, form, **extra)
    form = part_kind.form(request.POST)
    if not form.is_valid():
        return _render(request, change, part_kind, form, **extra)
    for name, value in _saved_values(part_kind, form).items():
        setattr(part, name, value)
    extra |= _panels(request, part_kind, form)
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
