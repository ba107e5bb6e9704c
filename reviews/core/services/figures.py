"""Figures within a change: adding one with its picture, replacing the picture or editing
its words, and removing one. Each is an edit like any other (``edit_in_change``): a new
version, one audit event, and sign-offs given before it stop counting.

The picture is checked before anything is stored (``infopages.images.check_upload``, in the
form) and stored whole before the figure's version is saved, so a refused edit leaves no
half-written file; a picture stored for an edit that was then refused is kept for the form
(the editor need not choose it again) and removed by ``remove_unused_images`` if never used.
"""

from django.db import transaction

from infopages import images
from infopages.figures import marker_for, markers_in
from infopages.models import Figure, Section, StoredImage
from infopages.services import SavedVersion
from reviews.core.errors import InvalidInput
from reviews.core.models import ChangeRequest
from reviews.core.services.editing import edit_in_change, remove_in_change


def store_picture(clean: images.CleanImage, *, by) -> StoredImage:
    """A checked upload stored whole (files and row), before the figure refers to it."""
    return images.store(clean, by=by)


def save_figure(
    *,
    change: ChangeRequest,
    figure: Figure,
    by,
    comment: str,
    picture: StoredImage | None = None,
    expected_lock_version: int | None = None,
) -> SavedVersion:
    """Add ``figure`` (no pk yet) or save an edit to it, with a new ``picture`` when one was
    uploaded; its name must be free on the page, its alt text usable (``Figure.clean``)."""
    with transaction.atomic():
        if picture is not None:
            figure.image = picture
        if figure.image_id is None:
            raise InvalidInput("Choose a picture (PNG, JPEG or WebP) to upload.")
        figure.name = figure.name.lower()
        taken = Figure.objects.filter(page_id=change.page_id, name=figure.name)
        if taken.exclude(pk=figure.pk).exists():
            raise InvalidInput(
                f"The page has a figure named “{figure.name}” already. Give this one another name."
            )
        if figure.pk is not None:
            _refuse_renaming_placed(change, figure)
        return edit_in_change(
            change=change,
            obj=figure,
            by=by,
            comment=comment,
            expected_lock_version=expected_lock_version,
        )


def _refuse_renaming_placed(change: ChangeRequest, figure: Figure) -> None:
    before = Figure.objects.filter(pk=figure.pk).values_list("name", flat=True).first()
    if before and before != figure.name:
        where = sections_placing(change.page_id, before)
        if where:
            raise InvalidInput(
                f"The figure is placed as {marker_for(before)} in “{where[0]}”. Change that line "
                f"to {marker_for(figure.name)} after renaming, or keep the name."
            )


def sections_placing(page_id: int, name: str) -> list[str]:
    """The headings of the page's sections whose text places the figure ``name``."""
    sections = Section.objects.filter(page_id=page_id, body__icontains=name).only("heading", "body")
    return [s.heading for s in sections if name.lower() in markers_in(s.body)]


def remove_figure(*, change: ChangeRequest, obj: Figure, by, comment: str) -> ChangeRequest:
    """Remove a figure from the page (its versions and picture are kept). Refused while a
    section's text still places it, so no reader meets a gap."""
    figure = obj
    where = sections_placing(change.page_id, figure.name)
    if where:
        raise InvalidInput(
            f"“{where[0]}” still places this figure ({marker_for(figure.name)}). Take that line "
            "out of the section first, then remove the figure."
        )
    return remove_in_change(change=change, obj=figure, by=by, comment=comment)
