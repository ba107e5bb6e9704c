"""The change against the page as last published: what readers will see differently."""

from reversion.models import Version

from infopages.publishing import last_publication
from infopages.versions import SourceVersions
from reviews.core.diffs.parts import PartDiff, Renderings, part_diff, sort_parts
from reviews.core.models import ChangeRequest


def change_diff(
    change: ChangeRequest, *, renderings: Renderings | None = None, preview: bool = True
) -> list[PartDiff]:
    """Every part the change adds, edits or removes compared with the last publication, in
    reading order. Uses the change's prefetched items (see ``selectors.change_with_details``):
    one query, two when a part was removed."""
    renderings = renderings or Renderings()
    items = list(change.items.all())
    parts = []
    for item in items:
        if not item.is_changed:
            continue
        diff = part_diff(
            old=item.base_version, new=item.version, renderings=renderings, preview=preview
        )
        if diff is not None:
            parts.append(diff)
    if change.state != ChangeRequest.State.PUBLISHED:
        parts.extend(_removed_parts(change, items, renderings, preview=preview))
    return sort_parts(parts)


def _removed_parts(change, items, renderings, *, preview: bool) -> list[PartDiff]:
    """Parts published last time but no longer on the page: removed in the change. Only the
    versions not already among the change's items are read (none, mostly)."""
    published = _last_published_versions(change)
    if published is None:
        return []
    held = {item.version_id for item in items} | {item.base_version_id for item in items}
    candidates = set(published.ids()) - held
    if not candidates:
        return []
    kept = {(item.content_type_id, item.object_id) for item in items}
    parts = []
    for version in Version.objects.filter(pk__in=candidates):
        if (version.content_type_id, version.object_id) in kept:
            continue  # on the page still; the change holds a later version of it
        diff = part_diff(old=version, new=None, renderings=renderings, preview=preview)
        if diff is not None:
            parts.append(diff)
    return parts


def _last_published_versions(change: ChangeRequest) -> SourceVersions | None:
    """The versions of the page's last publication: read with the change by
    ``selectors.change_with_details``, else now."""
    if hasattr(change, "last_published_versions"):
        stored = change.last_published_versions
        return SourceVersions.from_json(stored) if stored is not None else None
    publication = last_publication(change.page)
    return publication.versions if publication is not None else None
