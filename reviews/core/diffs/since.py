"""What changed since a reviewer's last decision on a change: the exact versions they signed
(``SignOff.versions``) compared part by part with the change's current ones, and every save
made to those parts in between, with its note and who saved it.

This is what a reviewer asked to look again must read first: an edit made after their
approval would otherwise look the same as the text they had already approved.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from reversion.models import Version

from infopages.models import Page
from infopages.versions import SourceVersions
from reviews.core.audit import Action
from reviews.core.diffs.parts import PartDiff, Renderings, part_diff, sort_parts
from reviews.core.models import AuditEvent, ChangeRequest, Decision, SignOff

# Steps that change a page without leaving a version behind: their audit events say why.
UNVERSIONED_ACTIONS = (Action.REMOVED, Action.TOPIC_CHANGED)


@dataclass(frozen=True)
class SaveNote:
    """One save since the sign-off: when, by whom, the note they gave, the parts it saved."""

    at: datetime
    by: object  # the user, or None for the system
    note: str
    parts: tuple[str, ...] = ()
    is_step: bool = False  # a workflow step's record (a removal), not the editor's own words

    @property
    def who(self) -> str:
        if self.by is None:
            return "the system"
        return self.by.get_full_name() or self.by.get_username()


@dataclass
class SinceSignOff:
    """The change as it is now, against the content of one earlier decision."""

    sign_off: SignOff
    parts: list[PartDiff] = field(default_factory=list)
    notes: list[SaveNote] = field(default_factory=list)
    known: bool = True  # False: the decision predates recording versions with sign-offs

    @property
    def approved(self) -> bool:
        return self.sign_off.decision == Decision.APPROVE

    @property
    def verb(self) -> str:
        """ "approved" or "asked for changes", as in "since you approved"."""
        return "approved" if self.approved else "asked for changes"

    @property
    def only_around_the_page(self) -> bool:
        """No part differs: what changed is the topic's name or place (the breadcrumbs)."""
        return self.known and not self.parts


def since_sign_off(
    change: ChangeRequest, sign_off: SignOff, *, renderings: Renderings | None = None
) -> SinceSignOff:
    """What differs between the versions ``sign_off`` was given on and the change's current
    ones, with the saves in between. A fixed number of queries (at most two) whatever the
    size of the page; uses the change's prefetched items."""
    signed = SourceVersions.from_json(sign_off.versions)
    since = SinceSignOff(sign_off=sign_off)
    if signed.page is None:
        since.known = False
        return since
    signed_ids = set(signed.ids())
    items = {(item.content_type_id, item.object_id): item for item in _items(change)}
    gone_ids = signed_ids - {item.version_id for item in items.values()}  # no longer held
    moved = {key: item for key, item in items.items() if item.version_id not in signed_ids}
    versions = _versions(gone_ids, moved) if gone_ids or moved else []
    signed_by_key = {_key(v): v for v in versions if v.pk in gone_ids}
    renderings = renderings or Renderings()
    parts = []
    for key, item in moved.items():
        diff = part_diff(
            old=signed_by_key.get(key), new=item.version, renderings=renderings, preview=False
        )
        if diff is not None:
            parts.append(diff)
    removed = [version for key, version in signed_by_key.items() if key not in items]
    for version in removed:
        diff = part_diff(old=version, new=None, renderings=renderings, preview=False)
        if diff is not None:
            parts.append(diff)
    since.parts = sort_parts(parts)
    since.notes = _saves_between(versions, signed_by_key, moved)
    if removed or not parts:
        since.notes = sorted(
            since.notes + _unversioned_steps(change, sign_off), key=lambda note: note.at
        )
    return since


def _items(change: ChangeRequest):
    """The change's items with their versions: prefetched on a screen, else read now."""
    if "items" in getattr(change, "_prefetched_objects_cache", {}):
        return change.items.all()
    return change.items.select_related("version")


def _key(version: Version) -> tuple[int, str]:
    return (version.content_type_id, version.object_id)


def _versions(gone_ids: set[int], moved: dict) -> list[Version]:
    """The signed versions no longer in the change, and every version of the parts that
    moved on saved after the oldest of them (one query; the exact range per part is kept
    in ``_saves_between``)."""
    wanted = Q(pk__in=gone_ids)
    if moved:
        wanted |= Q(
            content_type_id__in={key[0] for key in moved},
            object_id__in={key[1] for key in moved},
            pk__gt=min(gone_ids, default=0),
            pk__lte=max(item.version_id for item in moved.values()),
        )
    return list(Version.objects.filter(wanted).select_related("revision__user").order_by("pk"))


def _saves_between(versions: list[Version], signed_by_key: dict, moved: dict) -> list[SaveNote]:
    """Each save of a part after the version signed, up to the one the change holds now,
    one note per save (a save may write several parts)."""
    notes: dict[int, SaveNote] = {}
    for version in versions:
        key = _key(version)
        item = moved.get(key)
        signed = signed_by_key.get(key)
        if item is None or not (signed.pk if signed else 0) < version.pk <= item.version_id:
            continue
        revision = version.revision
        name = _part_name(version)
        note = notes.get(revision.pk)
        if note is None:
            notes[revision.pk] = SaveNote(
                at=revision.date_created,
                by=revision.user,
                note=revision.get_comment(),
                parts=(name,),
            )
        elif name not in note.parts:
            notes[revision.pk] = SaveNote(
                at=note.at, by=note.by, note=note.note, parts=(*note.parts, name)
            )
    return sorted(notes.values(), key=lambda note: note.at)


def _part_name(version: Version) -> str:
    if version._model is Page:
        return "the page’s details"
    fields = version.field_dict
    title = fields.get("heading") or fields.get("title") or fields.get("citation") or ""
    return f"“{title}”" if title else version._model._meta.verbose_name


def _unversioned_steps(change: ChangeRequest, sign_off: SignOff) -> list[SaveNote]:
    """Removals and topic changes since the sign-off: they leave no version, only an event."""
    events = AuditEvent.objects.filter(
        change_request_id=change.pk,
        action__in=UNVERSIONED_ACTIONS,
        created_at__gt=sign_off.created_at,
    ).select_related("actor")
    return [SaveNote(at=e.created_at, by=e.actor, note=e.message, is_step=True) for e in events]
