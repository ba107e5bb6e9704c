"""Editing the working copy. Every save is a django-reversion version with author and comment.

Saves use optimistic locking: the editor's form carries the ``lock_version`` it started from,
and a save from a stale starting point is refused as a conflict, with both texts kept.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import reversion
from django.db import models, transaction
from django.db.models import F
from reversion.models import Version

from infopages.markdown import make_anchor
from infopages.models import Page, PublishedPage, Section


class EditConflict(Exception):
    """Someone else saved this object after the editor started; nothing was overwritten."""

    def __init__(self, *, mine: models.Model, theirs: models.Model):
        self.mine = mine
        self.theirs = theirs
        super().__init__(
            f"“{theirs}” was changed by someone else while you were editing. "
            "Your text has not been lost: compare both versions and save again."
        )


@dataclass(frozen=True)
class SavedVersion:
    obj: models.Model
    version: Version


def unique_anchor(*, page: Page, heading: str, exclude_pk: int | None = None) -> str:
    """An anchor for a new section, unique within its page."""
    base = make_anchor(heading)
    taken = set(page.sections.exclude(pk=exclude_pk).values_list("anchor", flat=True))
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    return anchor


def address_taken(page: Page, slug: str) -> str:
    """Why ``page`` cannot move to ``/info/<slug>/`` (another page has it, or is live there
    until its own new address is published), or "" when it can."""
    other = Page.objects.filter(slug=slug).exclude(pk=page.pk).first()
    if other is not None:
        return f"Another page, “{other.title}”, already has the address /info/{slug}/."
    live = PublishedPage.objects.current().filter(slug=slug).exclude(page=page).first()
    if live is not None:
        return (
            f"Readers still find “{live.title}” at /info/{slug}/ until its own new address "
            "is published."
        )
    return ""


def next_lock_version(model: type[models.Model], pk) -> int:
    """The edit counter a save of row ``pk`` moves to, so forms opened before it conflict."""
    current = model.objects.filter(pk=pk).values_list("lock_version", flat=True).first()
    return (current or 0) + 1


def save_with_version(
    obj: models.Model,
    *,
    by,
    comment: str,
    expected_lock_version: int | None = None,
    many_to_many: dict[str, Iterable] | None = None,
) -> SavedVersion:
    """Save a versioned object as a new revision (author, time, comment).

    ``expected_lock_version`` is the counter the editor started from; pass ``None`` only for
    system writes (imports, restores) that do not come from an edit form.
    ``many_to_many``: related objects to set (e.g. ``{"related_pages": [...]}``), recorded in
    the same version.
    """
    model = type(obj)
    with transaction.atomic(), reversion.create_revision():
        if isinstance(obj, Section) and not obj.anchor:
            obj.anchor = unique_anchor(page=obj.page, heading=obj.heading, exclude_pk=obj.pk)
        if obj.pk is not None and expected_lock_version is not None:
            bumped = model.objects.filter(pk=obj.pk, lock_version=expected_lock_version).update(
                lock_version=F("lock_version") + 1
            )
            if not bumped:
                raise EditConflict(mine=obj, theirs=model.objects.get(pk=obj.pk))
            obj.lock_version = expected_lock_version + 1
        elif obj.pk is not None:
            obj.lock_version = next_lock_version(model, obj.pk)
        obj.save()
        if many_to_many:
            for name, related in many_to_many.items():
                getattr(obj, name).set(related)
            reversion.add_to_revision(obj)  # again: the version saved on save() lacks them
        if by is not None and by.is_authenticated:
            reversion.set_user(by)
        reversion.set_comment(comment)
    return SavedVersion(obj=obj, version=Version.objects.get_for_object(obj).first())


def save_positions(objs: list[models.Model], *, by, comment: str) -> list[Version]:
    """Save new positions of several parts of one page as one revision: a version of each.

    The caller checked the order it started from; each part's edit counter moves on, as with
    any save, so an editor with one of them open is shown what changed before saving.
    """
    if not objs:
        return []
    with transaction.atomic(), reversion.create_revision():
        for obj in objs:
            obj.lock_version = next_lock_version(type(obj), obj.pk)
            obj.save(update_fields=["position", "lock_version"])
        if by is not None and by.is_authenticated:
            reversion.set_user(by)
        reversion.set_comment(comment)
    return [Version.objects.get_for_object(obj).first() for obj in objs]


def restore_version(*, version: Version, by, comment: str = "") -> SavedVersion:
    """Bring an earlier version back as a new version of the working copy (never in place).

    The restored text is a draft like any other edit: it reaches readers only by publishing.
    """
    when = f"{version.revision.date_created:%d %b %Y %H:%M}"
    model = version._model
    with transaction.atomic(), reversion.create_revision():
        lock_version = next_lock_version(model, version.object_id)
        version.revert()
        obj = model._default_manager.get(pk=version.object_id)
        # The old field values come back, but the counter moves on, so open edit forms conflict.
        obj.lock_version = lock_version
        obj.save(update_fields=["lock_version"])
        if by is not None and by.is_authenticated:
            reversion.set_user(by)
        reversion.set_comment(comment or f"Restored the version of {when}")
    return SavedVersion(obj=obj, version=Version.objects.get_for_object(obj).first())
