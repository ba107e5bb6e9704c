"""Editing the page's figures within a change: adding one with its picture, replacing the
picture or editing its words, and removing one.

A picture that passed its checks is stored when the form comes back for another reason (an
alt text refused, say), and kept in the form, so the editor does not choose it again. The
figure is placed by a line in a section's text; this screen shows the line and where it is.
"""

from functools import partial

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from infopages import images
from infopages.figures import marker_for
from infopages.models import Figure, StoredImage
from reviews.core.forms_editing import RemovePartForm
from reviews.core.forms_figures import FigureForm, NewFigureForm
from reviews.core.models import ChangeRequest
from reviews.core.services import figures as figure_services
from reviews.core.views.common import workspace_view
from reviews.core.views.editing import (
    Removal,
    change_to_edit,
    remove_part,
    removed_meanwhile,
    render_editor,
    save_edit,
    was_part_of,
)

FIELDS = [
    ("Name", "name"),
    ("Alt text", "alt"),
    ("Caption", "caption"),
    ("Long description", "long_description"),
    ("Credit or licence", "credit"),
]
WORDS = ["name", "alt", "decorative", "caption", "long_description", "credit"]


def _panel(change: ChangeRequest, figure: Figure | None, image: StoredImage | None, *, kept=False):
    """The picture shown above the form, the line that places the figure and where it is."""
    shown = None
    if image is not None:
        shown = min(
            (r for r in image.renditions if r["format"] != "webp"),
            key=lambda r: abs(r["width"] - 480),
            default=None,
        )
    return {
        "image": image,
        "kept": kept,
        "url": images.url(shown["name"]) if shown else "",
        "width": shown["width"] if shown else 0,
        "height": shown["height"] if shown else 0,
        "alt": figure.alt if figure is not None else "",
        "marker": marker_for(figure.name) if figure is not None and figure.pk else "",
        "placed_in": figure_services.sections_placing(change.page_id, figure.name)
        if figure is not None and figure.pk
        else [],
    }


def _removal(change: ChangeRequest, figure: Figure, data=None) -> Removal:
    return Removal(
        form=RemovePartForm(data, noun="figure"),
        url=reverse("reviews:remove_figure", args=[change.pk, figure.pk]),
        noun="figure",
        name=figure.name,
    )


def _initial(figure: Figure) -> dict:
    return {name: getattr(figure, name) for name in WORDS} | {"lock_version": figure.lock_version}


def _kept(request: HttpRequest, form, *, by) -> StoredImage | None:
    """A picture that passed its checks, stored and kept in the form when something else was
    refused; else the one the form kept before."""
    picture = form.cleaned_data.get("picture") if hasattr(form, "cleaned_data") else None
    if picture is not None and "picture" not in form.errors:
        image = figure_services.store_picture(picture, by=by)
        data = form.data.copy()
        data["kept_image"] = image.digest
        form.data = data
        return image
    return form.cleaned_data.get("kept_image") if hasattr(form, "cleaned_data") else None


def _save(request, change, figure, form, *, make_form, saved: str, extra: dict) -> HttpResponse:
    image = _kept(request, form, by=request.user)
    for name in WORDS:
        setattr(figure, name, form.cleaned_data[name])
    if image is not None:
        extra["figure_panel"] = _panel(change, figure, image, kept=True)
    return save_edit(
        request,
        change,
        figure,
        form,
        make_form=make_form,
        fields=FIELDS,
        saved=saved,
        save=lambda obj, **saving: figure_services.save_figure(
            change=change, figure=obj, by=request.user, picture=image, **saving
        ),
        **extra,
    )


def _refused(request, change, form, figure, current, extra) -> HttpResponse:
    image = _kept(request, form, by=request.user)
    extra["figure_panel"] = _panel(change, figure, image or current, kept=image is not None)
    return render_editor(request, change, form=form, **extra)


@require_http_methods(["GET", "POST"])
@workspace_view
def add_figure(request: HttpRequest, pk: int) -> HttpResponse:
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    extra = {
        "title": "Add a figure",
        "intro": "A diagram or photo, with words for people who cannot see it.",
    }
    if request.method == "GET":
        extra["figure_panel"] = _panel(change, None, None)
        return render_editor(request, change, form=NewFigureForm(), **extra)
    form = NewFigureForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, change, form, None, None, extra)
    figure = Figure(page=change.page)
    return _save(
        request,
        change,
        figure,
        form,
        make_form=NewFigureForm,
        saved=f"Added the figure “{form.cleaned_data['name']}”. Place it with the line "
        f"{marker_for(form.cleaned_data['name'])} in a section's text.",
        extra=extra,
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_figure(request: HttpRequest, pk: int, figure_pk: int) -> HttpResponse:
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    figure = (
        Figure.objects.select_related("image").filter(pk=figure_pk, page_id=change.page_id).first()
    )
    if figure is None:
        if request.method == "POST" and was_part_of(change, Figure, figure_pk):
            return removed_meanwhile(
                request, change, FigureForm(request.POST), noun="figure", title="Figure removed"
            )
        raise Http404("No such figure on this page.")
    extra = {
        "title": f"Edit the figure “{figure.name}”",
        "history_anchor": f"history-figure-{figure.pk}",
        "remove": _removal(change, figure),
        "figure_panel": _panel(change, figure, figure.image),
    }
    make_form = partial(FigureForm, current=figure.image)
    if request.method == "GET":
        return render_editor(request, change, form=make_form(initial=_initial(figure)), **extra)
    form = make_form(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, change, form, figure, figure.image, extra)
    return _save(
        request,
        change,
        figure,
        form,
        make_form=make_form,
        saved=f"Saved the figure “{form.cleaned_data['name']}”.",
        extra=extra,
    )


@require_POST
@workspace_view
def remove_figure(request: HttpRequest, pk: int, figure_pk: int) -> HttpResponse:
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    figure = get_object_or_404(
        Figure.objects.select_related("image"), pk=figure_pk, page_id=change.page_id
    )
    name = figure.name
    return remove_part(
        request,
        change,
        figure,
        removal=_removal(change, figure, request.POST),
        done=f"Removed the figure “{name}”. Its versions and picture are kept: you can restore "
        "it from the page's history.",
        remover=figure_services.remove_figure,
        title=f"Edit the figure “{name}”",
        form=FigureForm(initial=_initial(figure), current=figure.image),
        figure_panel=_panel(change, figure, figure.image),
    )
