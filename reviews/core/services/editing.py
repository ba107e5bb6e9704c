"""Editing the page within a change request: its own details (title, summary, address, topic,
related pages), its sections, references and resources; removing parts; putting them in
order. Nothing about a page is edited anywhere else, so everything readers will see reaches
them through review.

Each step is one transaction: a new version of every part it touches, one audit event, and
the change pointed at the page's latest versions. A change in review or signed off goes back
to review, and its reviewers are asked again.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import models, transaction
from reversion.models import Version

from infopages.figures import marker_refusals as figure_refusals
from infopages.markdown import body_refusals
from infopages.models import Page
from infopages.parts import PART_KINDS, kind_of, plurals_in_words
from infopages.services import SavedVersion, address_taken, save_positions, save_with_version
from infopages.shared_blocks import marker_refusals
from reviews.core import audit, contents, hooks
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, StaleContent
from reviews.core.models import ChangeRequest
from reviews.core.services.common import lock, send_back_to_review
from reviews.core.workflow import Step, require

# What the audit event calls each field when it says what an edit changed.
FIELD_NAMES = {
    "slug": "address",
    "topic": "topic",
    "related_pages": "related pages",
    "url": "link",
    "accessed_on": "accessed date",
    "source": "source in the register",
}


def require_part_of_page(change: ChangeRequest, obj: models.Model) -> None:
    belongs = (isinstance(obj, Page) and obj.pk == change.page_id) or (
        kind_of(obj) is not None and obj.page_id == change.page_id
    )
    if not belongs:
        raise InvalidInput(
            f"“{obj}” is not part of “{change.page}”, so it cannot be in this change."
        )


def after_edit(change: ChangeRequest, *, by, action: str, message: str) -> None:
    """Record the page's new versions in the change; if its content changed while in review
    or after approval, earlier sign-offs stop counting and the reviewers are asked again."""
    content_changed = contents.refresh_items(change, by=by)
    if content_changed and change.state in ChangeRequest.UNDER_REVIEW_STATES:
        message += (
            f" The change was {change.get_state_display()}: sign-offs given before this edit "
            "no longer count, and it is back in review."
        )
        send_back_to_review(change, step=Step.EDIT, by=by, action=action, message=message)
    else:
        audit.record_change(change, action=action, actor=by, message=message)


def _check(obj: models.Model, related_pages: list[Page] | None) -> None:
    """Refuse what the page could not be published with, in the person's words."""
    try:
        obj.full_clean(exclude=["anchor", "page"], validate_unique=False)
    except ValidationError as error:
        messages = [
            f"{obj._meta.get_field(name).verbose_name.capitalize()}: {message}"
            if name != "__all__"
            else message
            for name, field_messages in error.message_dict.items()
            for message in field_messages
        ]
        raise InvalidInput(" ".join(messages)) from None
    kind = kind_of(obj)
    if kind is not None and kind.has_text:
        require_renderable(obj.body)
        if refusals := figure_refusals(obj.page_id, obj.body):
            raise InvalidInput("Text: " + " ".join(refusals))
    if isinstance(obj, Page):
        taken = address_taken(obj, obj.slug)
        if taken:
            raise InvalidInput(f"{taken} Choose another address.")
        if related_pages is not None and any(p.pk == obj.pk for p in related_pages):
            raise InvalidInput("A page cannot be related to itself.")


def require_renderable(body: str) -> None:
    """Refuse a section body over the renderer's limits or its time budget, or embedding a
    shared block pages cannot show: whoever saves it (a form, the importer, a restore, a
    script), it must be publishable as written."""
    if refusals := body_refusals(body) + marker_refusals(body):
        raise InvalidInput("Text: " + " ".join(refusals))


def _what_changed(obj: models.Model, related_pages: list[Page] | None) -> str:
    """The fields an edit changes, as the audit event names them ("address, topic")."""
    if obj.pk is None:
        return ""
    stored = type(obj).objects.filter(pk=obj.pk).first()
    if stored is None:
        return ""
    names = [
        FIELD_NAMES.get(field.name, str(field.verbose_name))
        for field in obj._meta.concrete_fields
        if field.editable
        and field.name not in ("id", "page", "position", "anchor")
        and getattr(stored, field.attname) != getattr(obj, field.attname)
    ]
    if isinstance(obj, Page) and related_pages is not None:
        before = set(stored.related_pages.values_list("pk", flat=True))
        if before != {p.pk for p in related_pages}:
            names.append(FIELD_NAMES["related_pages"])
    if isinstance(obj, Page) and stored.slug != obj.slug:
        names[names.index("address")] = f"address /info/{stored.slug}/ → /info/{obj.slug}/"
    return ", ".join(names)


@transaction.atomic
def edit_in_change(
    *,
    change: ChangeRequest,
    obj: models.Model,
    by,
    comment: str,
    expected_lock_version: int | None = None,
    related_pages: Iterable[Page] | None = None,
) -> SavedVersion:
    """Save an edit to the page, or one of its sections, references or resources, as part of
    ``change``. A new part (no pk yet) is added at the end of its kind. ``related_pages``
    (the page only): the pages readers are pointed to from it, saved in the same version.
    A reference without a source in the evidence register gets one: the exact duplicate of
    its citation and link there, or a new one.

    Raises ``infopages.services.EditConflict`` (with both texts) when someone else saved the
    object after ``expected_lock_version``; then nothing is saved.
    """
    review = lock(change)
    require(Step.EDIT, user=by, change=change, review=review)
    require_part_of_page(change, obj)
    related = list(related_pages) if related_pages is not None else None
    if related is not None and not isinstance(obj, Page):
        raise InvalidInput("Only a page has related pages.")
    adding = obj.pk is None
    if adding:
        obj.position = _next_position(type(obj), change.page_id)
    _check(obj, related)
    hooks.before_part_saved(obj, by)  # e.g. a reference filed under its source in the register
    changed = _what_changed(obj, related)
    saved = save_with_version(
        obj,
        by=by,
        comment=comment,
        expected_lock_version=expected_lock_version,
        many_to_many={"related_pages": related} if related is not None else None,
    )
    kind = obj._meta.verbose_name
    verb = "Added" if adding else "Saved"
    details = f" (changed: {changed})" if changed else ""
    after_edit(
        change, by=by, action=Action.EDITED, message=f"{verb} {kind} “{obj}”{details}: {comment}"
    )
    return saved


def _next_position(model: type[models.Model], page_id: int) -> int:
    last = model.objects.filter(page_id=page_id).aggregate(last=models.Max("position"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def remove_in_change(
    *, change: ChangeRequest, obj: models.Model, by, comment: str
) -> ChangeRequest:
    """Remove a section, reference or resource from the page, as part of ``change``.

    Its versions stay, so it can be restored like anything else.
    """
    review = lock(change)
    require(Step.EDIT, user=by, change=change, review=review)
    if isinstance(obj, Page):
        raise InvalidInput("A page cannot be removed in a change request.")
    require_part_of_page(change, obj)
    if not comment.strip():
        raise InvalidInput(f"Say why the {obj._meta.verbose_name} is removed.")
    last = Version.objects.get_for_object(obj).first()
    description = f"Removed {obj._meta.verbose_name} “{obj}”"
    if last is not None:
        description += f" (its last version was {last.pk})"
    obj.delete()
    after_edit(change, by=by, action=Action.REMOVED, message=f"{description}: {comment}")
    return change


@transaction.atomic
def reorder_in_change(
    *,
    change: ChangeRequest,
    model: type[models.Model],
    order: Sequence[int],
    expected_order: Sequence[int],
    by,
    comment: str,
) -> list[Version]:
    """Put the page's sections (or references, or resources: ``model``) in ``order``, their
    ids first to last, as one step: a new version of each part whose place changed, in one
    revision, and one audit event.

    ``expected_order`` is the order the editor started from. If the page's parts of that kind
    are no longer in it (someone moved, added or removed one meanwhile), ``StaleContent`` is
    raised and nothing is saved.
    """
    review = lock(change)
    require(Step.EDIT, user=by, change=change, review=review)
    kind = kind_of(model)
    if kind is None or not kind.ordered:
        ordered = [kind for kind in PART_KINDS if kind.ordered]
        raise InvalidInput(f"Only {plurals_in_words(ordered)} can be put in order.")
    plural = model._meta.verbose_name_plural
    parts = list(
        model.objects.select_for_update().filter(page_id=change.page_id).order_by("position", "id")
    )
    current = [part.pk for part in parts]
    if current != list(expected_order):
        raise StaleContent(
            f"Someone changed the {plural} of this page while you were putting them in order, "
            "so the new order was not saved. Your order is kept below, with the page's "
            f"{plural} as they are now: check it and save again."
        )
    if sorted(order) != sorted(current):
        raise InvalidInput(f"The new order must list each of the page's {plural} once.")
    if not comment.strip():
        raise InvalidInput("Say in a few words why the order changes.")
    if list(order) == current:
        raise InvalidInput(f"The {plural} are already in this order. Move one up or down first.")
    by_pk = {part.pk: part for part in parts}
    moved = []
    for position, pk in enumerate(order):
        part = by_pk[pk]
        if part.position != position:
            part.position = position
            moved.append(part)
    versions = save_positions(moved, by=by, comment=comment)
    listed = "; ".join(f"{n}. {by_pk[pk]}" for n, pk in enumerate(order, start=1))
    after_edit(
        change,
        by=by,
        action=Action.REORDERED,
        message=f"Put the {plural} in a new order ({listed}): {comment}",
    )
    return versions
