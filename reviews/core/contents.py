"""What a change request contains: a whole-page snapshot of exact versions, and its hash.

A change request always covers the whole page: the latest version of the page itself and of
every section, reference and resource on it. So what reviewers sign off is exactly what
publishing will show, parts they did not touch included. The content hash is a sha256 over a
canonical JSON of those versions' field values; a sign-off counts only while it matches.
"""

import hashlib
import json
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Max, Q
from reversion.models import Version

from infopages.models import PAGE_LATER_FIELDS, Page, PublishedPage
from infopages.parts import LATER_FIELDS, PART_KINDS
from infopages.publishing import topic_trail
from infopages.services import save_with_version
from reviews.core.audit import Action
from reviews.core.models import AuditEvent, ChangeRequest, ChangeRequestItem

# Saved with every version but not content: a no-op save must not void a sign-off.
BOOKKEEPING_FIELDS = frozenset({"lock_version", "created_at", "updated_at"})

# Steps that change a change request's content: whoever took them is one of its authors.
EDITING_ACTIONS = (Action.EDITED, Action.REMOVED, Action.REORDERED, Action.RESTORED)


def page_parts(page: Page) -> list[models.Model]:
    """The page and everything on it that is versioned, in reading order."""
    parts: list[models.Model] = [page]
    for kind in PART_KINDS:
        parts.extend(getattr(page, kind.collection).order_by("position", "id"))
    return parts


def latest_versions(page: Page, *, by) -> list[Version]:
    """The newest version of the page and of each of its parts, in reading order, read in a
    fixed number of queries however many parts the page has.

    A part that was never saved through the versioning service (a row added by hand) is
    given a version now, so nothing reaches review without one.
    """
    parts = page_parts(page)
    newest = _newest_versions(parts)
    versions = []
    for part in parts:
        version = newest.get((ContentType.objects.get_for_model(part).pk, str(part.pk)))
        if version is None:
            version = save_with_version(part, by=by, comment="Recorded for review").version
        versions.append(version)
    return versions


def _newest_versions(parts: list[models.Model]) -> dict[tuple[int, str], Version]:
    """The newest version of each part, by (content type id, object id): two queries."""
    wanted = Q(pk__in=[])
    for part in parts:
        content_type = ContentType.objects.get_for_model(part)  # cached by Django
        wanted |= Q(content_type=content_type, object_id=str(part.pk))
    newest_ids = (
        Version.objects.filter(wanted)
        .values("content_type_id", "object_id")
        .annotate(newest=Max("pk"))
        .values_list("newest", flat=True)
    )
    versions = Version.objects.filter(pk__in=list(newest_ids)).select_related("revision")
    return {(v.content_type_id, v.object_id): v for v in versions}


def content_hash(versions: Iterable[Version], *, trail: list[dict] | None = None) -> str:
    """sha256 of everything readers will see: the versions' content, and the names of the
    topics the page sits under (shown in its breadcrumbs, read from the topic tree when
    published). The same content always gives the same hash; a renamed topic a new one.
    ``trail``: the page's topic trail when the caller has just read it."""
    entries = []
    for version in versions:
        fields = {
            name: sorted(value) if isinstance(value, list) else value
            for name, value in version.field_dict.items()
            if name not in BOOKKEEPING_FIELDS
            and not (name in LATER_FIELDS | PAGE_LATER_FIELDS and value is None)
        }
        model = version._model._meta.label_lower
        entries.append({"model": model, "id": str(version.object_id), "fields": fields})
        if version._model is Page:
            trail = trail if trail is not None else topic_trail(fields["topic_id"])
            entries.append({"model": "topic_trail", "id": "", "fields": {"trail": trail}})
    entries.sort(key=lambda entry: (entry["model"], entry["id"]))
    canonical = json.dumps(
        entries, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def last_published_versions(page: Page) -> dict[tuple[int, str], int]:
    """Version ids of the page's most recent publication, by (content type id, object id).

    The most recent one, live or taken down: it is the last content that was signed off.
    """
    publication = PublishedPage.objects.last_for(page)
    if publication is None:
        return {}
    versions = Version.objects.filter(pk__in=publication.versions.ids()).only(
        "pk", "content_type_id", "object_id"
    )
    return {(v.content_type_id, str(v.object_id)): v.pk for v in versions}


def refresh_items(change: ChangeRequest, *, by) -> bool:
    """Point the change request at the page's latest versions; True when its content changed.

    A fixed number of queries however many parts the page has."""
    versions = latest_versions(change.page, by=by)
    published = last_published_versions(change.page)
    existing = {(item.content_type_id, item.object_id): item for item in change.items.all()}
    wanted = {(v.content_type_id, str(v.object_id)): v for v in versions}
    gone = [item.pk for key, item in existing.items() if key not in wanted]
    if gone:
        change.items.filter(pk__in=gone).delete()
    added, moved = [], []
    for key, version in wanted.items():
        base_id = published.get(key)
        item = existing.get(key)
        if item is None:
            added.append(
                ChangeRequestItem(
                    change=change,
                    content_type_id=key[0],
                    object_id=key[1],
                    version=version,
                    base_version_id=base_id,
                )
            )
        elif item.version_id != version.pk or item.base_version_id != base_id:
            item.version, item.base_version_id = version, base_id
            moved.append(item)
    ChangeRequestItem.objects.bulk_create(added)
    ChangeRequestItem.objects.bulk_update(moved, ["version", "base_version"])
    old_hash, change.content_hash = change.content_hash, content_hash(versions)
    change.save(update_fields=["content_hash"])
    return old_hash != change.content_hash


def differs_from_published(change: ChangeRequest) -> bool:
    """Whether publishing the change would change anything readers see: an edited, added or
    removed part (always true for a page that was never published)."""
    published = last_published_versions(change.page)
    items = {(i.content_type_id, i.object_id): i.version_id for i in change.items.all()}
    return not published or items != published


def included_versions(change: ChangeRequest) -> list[Version]:
    """The exact versions the change request contains, as reviewers saw them."""
    return [item.version for item in change.items.select_related("version", "version__revision")]


def authors_of(change: ChangeRequest) -> set[AbstractBaseUser]:
    """Everyone who wrote any part of the change: the person who opened it, everyone who
    saved a version of an included object since it was last published (or ever, if never),
    and everyone who edited, removed or restored something through the change request.
    They may neither sign the change off nor publish it (four eyes).
    """
    return authors_by_change([change])[change.pk]


def authors_by_change(changes: Iterable[ChangeRequest]) -> dict[int, set[AbstractBaseUser]]:
    """``authors_of`` for many changes at once, by change id: at most two queries whatever
    their number, once their items are prefetched (and ``created_by`` selected)."""
    changes = list(changes)
    authors: dict[int, set[AbstractBaseUser]] = {c.pk: {c.created_by} for c in changes}
    if not changes:
        return authors
    ids = list(authors)
    # For each included object: which change includes it, and the versions saved since it
    # was last published (after the base version, up to and including the included one).
    ranges: dict[tuple[int, str], list[tuple[int, int, int]]] = {}
    for change in changes:
        for item in change.items.all():
            after, upto = item.base_version_id or 0, item.version_id
            if after < upto:  # else unchanged since published: nobody wrote it here
                key = (item.content_type_id, item.object_id)
                ranges.setdefault(key, []).append((change.pk, after, upto))
    if ranges:
        # Read through the few spans of version ids the ranges cover (an OR per item would
        # grow with them, and SQLite refuses an OR of a few hundred terms), then match here.
        in_spans = Q(pk__in=[])
        for after, upto in _spans(r[1:] for item_ranges in ranges.values() for r in item_ranges):
            in_spans |= Q(pk__gt=after, pk__lte=upto)
        versions = (
            Version.objects.filter(
                in_spans,
                content_type_id__in={key[0] for key in ranges},
                object_id__in={key[1] for key in ranges},
            )
            .select_related("revision__user")
            .only("content_type_id", "object_id", "revision__user")
            .order_by()
        )
        for version in versions:
            key = (version.content_type_id, version.object_id)
            for change_id, after, upto in ranges.get(key, []):
                if after < version.pk <= upto and version.revision.user is not None:
                    authors[change_id].add(version.revision.user)
    # Removing a part leaves no version behind; the audit log says who did it.
    editing = AuditEvent.objects.filter(
        change_request_id__in=ids, action__in=EDITING_ACTIONS, actor__isnull=False
    ).select_related("actor")
    for event in editing:
        authors[event.change_request_id].add(event.actor)
    return authors


def _spans(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """(after, upto] ranges of version ids, overlapping or touching ones merged."""
    spans: list[tuple[int, int]] = []
    for after, upto in sorted(ranges):
        if spans and after <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], upto))
        else:
            spans.append((after, upto))
    return spans


def page_of_version(version: Version) -> Page:
    """The page a version of a page or one of its parts belongs to."""
    model = version._model
    if model is Page:
        return Page.objects.get(pk=version.object_id)
    page_id = version.field_dict.get("page_id")
    if page_id is None:
        raise ValueError(f"{model._meta.verbose_name} is not part of a page.")
    return Page.objects.get(pk=page_id)
