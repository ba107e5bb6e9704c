"""Putting the page's sections (or references, or resources) in order within a change.

No dragging: each part has "Move up" and "Move down" buttons, which send the form back with
the order so far (nothing is saved yet, and focus returns to the button pressed), and one
"Save the new order" saves it as one step through ``services.reorder_in_change``. If someone
changed the parts meanwhile, nothing is saved and the editor's order comes back, fitted to
the parts as they are now.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from infopages.parts import PART_KINDS, name_of
from reviews.core import services
from reviews.core.errors import StaleContent, WorkflowError
from reviews.core.forms_editing import ReorderForm, ids_from
from reviews.core.models import ChangeRequest
from reviews.core.views.common import workspace_view
from reviews.core.views.editing import change_to_edit

KINDS = {kind.collection: kind for kind in PART_KINDS if kind.ordered}


@dataclass(frozen=True)
class Item:
    pk: int
    name: str
    moved: bool  # not where it is on the page now
    focus: str = ""  # "up" or "down": the button to focus (the one just pressed, if it stays)


def _ordered(proposed: list[int], current: list[int]) -> list[int]:
    """The editor's order, fitted to the parts the page has now: parts gone are left out,
    parts added meanwhile come last."""
    kept = [pk for pk in dict.fromkeys(proposed) if pk in current]
    return kept + [pk for pk in current if pk not in kept]


def _moved(order: list[int], move: str) -> tuple[list[int], int | None]:
    """``order`` with one part moved ("12:up" or "12:down"), and which part it was."""
    pk_text, _sep, direction = move.partition(":")
    if not pk_text.isdigit() or int(pk_text) not in order or direction not in ("up", "down"):
        return order, None
    pk = int(pk_text)
    index = order.index(pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(order):
        order = list(order)
        order[index], order[target] = order[target], order[index]
    return order, pk


def _render(
    request: HttpRequest,
    change: ChangeRequest,
    kind: str,
    parts: dict,
    *,
    order: list[int],
    expected: list[int],
    form: ReorderForm,
    focus: str = "",
    note: str = "",
    status: int = 200,
) -> HttpResponse:
    model = KINDS[kind].model
    noun, plural = model._meta.verbose_name, model._meta.verbose_name_plural
    current = list(parts)
    focus_pk, _sep, direction = focus.partition(":")
    items = []
    for index, pk in enumerate(order):
        button = ""
        if str(pk) == focus_pk:
            first, last = index == 0, index == len(order) - 1
            button = "down" if first else "up" if last else direction
        items.append(Item(pk=pk, name=parts[pk], moved=current.index(pk) != index, focus=button))
    context = {
        "change": change,
        "page": change.page,
        "kind": kind,
        "noun": noun,
        "plural": plural,
        "title": f"Put the {plural} in order",
        "items": items,
        "form": form,
        "order": ",".join(map(str, order)),
        "expected": ",".join(map(str, expected)),
        "focus": focus,
        "note": note,
        "changed": order != current,
        "sends_back_to_review": change.state in ChangeRequest.UNDER_REVIEW_STATES,
    }
    return render(request, "reviews/reorder.html", context, status=status)


def _name(part) -> str:
    return name_of(part)


@require_http_methods(["GET", "POST"])
@workspace_view
def reorder(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such kind of part.")
    model = KINDS[kind].model
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    parts = {
        part.pk: _name(part)
        for part in model.objects.filter(page_id=change.page_id).order_by("position", "id")
    }
    current = list(parts)
    if request.method == "GET":
        form = ReorderForm()
        return _render(request, change, kind, parts, order=current, expected=current, form=form)

    order = _ordered(ids_from(request.POST.get("order")), current)
    expected = ids_from(request.POST.get("expected")) or current
    if "move" in request.POST:
        # Not saved yet: the typed comment comes back, unchecked (no error for it yet).
        form = ReorderForm(initial={"comment": request.POST.get("comment", "")})
        order, moved = _moved(order, request.POST["move"])
        note = ""
        if moved is not None:
            place = order.index(moved) + 1
            note = (
                f"“{parts[moved]}” is now number {place} of {len(order)}. Not saved yet: "
                "save the new order when it is right."
            )
        focus = request.POST["move"]
        return _render(
            request,
            change,
            kind,
            parts,
            order=order,
            expected=expected,
            form=form,
            focus=focus,
            note=note,
        )

    form = ReorderForm(request.POST)
    if form.is_valid():
        try:
            services.reorder_in_change(
                change=change,
                model=model,
                order=order,
                expected_order=expected,
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except StaleContent as error:
            form.add_error(None, error.message)
            return _render(
                request, change, kind, parts, order=order, expected=current, form=form, status=409
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            plural = model._meta.verbose_name_plural
            messages.success(request, f"Saved the new order of the {plural}.")
            return redirect(f"{change.get_absolute_url()}#edit-heading")
    return _render(request, change, kind, parts, order=order, expected=expected, form=form)
