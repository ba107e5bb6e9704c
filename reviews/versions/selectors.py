"""Reads about versions: which are out of date, and what the English page changed since.

"Source updated" is not stored: it is read from the publications themselves, the same way
the public page reads it (``infopages.page_bodies``), so the flag the team sees and the
notice readers see can never disagree. A version is out of date while its live publication
was made from English content (the versions its ``made_from`` publication records) other
than what the English page's live publication records: a re-certification publishes the
same versions, so it flags nothing; publishing the version with ``made_from`` following the
English page clears it.
"""

from dataclasses import dataclass
from datetime import datetime

from reversion.models import Version

from infopages.languages import VERSION_KINDS, VersionKind, kind_of_language
from infopages.models import Page, PublishedPage
from reviews.core.diffs.parts import PartDiff, Renderings, part_diff, sort_parts


@dataclass(frozen=True)
class OutdatedVersion:
    """A version whose English page has moved on since the text it was made from."""

    page: Page
    kind: VersionKind
    source_title: str
    made_from: PublishedPage
    english_now: PublishedPage
    updated_at: datetime  # the first English publication with other content


def outdated_versions(*, owner=None, pages=None) -> list[OutdatedVersion]:
    """Every version out of date (or those ``owner`` looks after, or among ``pages``), by
    title. Three queries whatever their number."""
    live = PublishedPage.objects.current().filter(source_page__isnull=False)
    if owner is not None:
        live = live.filter(page__owner=owner)
    if pages is not None:
        live = live.filter(page__in=pages)
    live = list(
        live.select_related("page", "made_from").only(
            "page",
            "source_page_id",
            "made_from",
            "language",
            "page__title",
            "page__version_kind",
            "page__slug",
            "page__owner_id",
            "made_from__source_versions",
            "made_from__published_at",
        )
    )
    if not live:
        return []
    sources = {p.source_page_id for p in live}
    english = {
        p.page_id: p
        for p in PublishedPage.objects.current()
        .filter(page_id__in=sources)
        .only("page_id", "title", "source_versions", "published_at", "slug")
    }
    since = _first_changes(live, sources)
    found = []
    for publication in live:
        now = english.get(publication.source_page_id)
        made_from = publication.made_from
        if now is None or made_from is None or now.source_versions == made_from.source_versions:
            continue
        found.append(
            OutdatedVersion(
                page=publication.page,
                kind=kind_of_language(publication.language),
                source_title=now.title,
                made_from=made_from,
                english_now=now,
                updated_at=since.get(publication.pk, now.published_at),
            )
        )
    return sorted(found, key=lambda o: (o.source_title, o.kind.code))


def _first_changes(live: list[PublishedPage], sources: set[int]) -> dict[int, datetime]:
    """For each version's publication, the first English publication after its
    ``made_from`` with other content (one query: the English pages' publications)."""
    earliest = min(p.made_from.published_at for p in live if p.made_from is not None)
    english = list(
        PublishedPage.objects.filter(page_id__in=sources, published_at__gt=earliest)
        .order_by("published_at", "id")
        .values_list("page_id", "published_at", "source_versions")
    )
    found = {}
    for publication in live:
        made_from = publication.made_from
        if made_from is None:
            continue
        for page_id, at, versions in english:
            if (
                page_id == publication.source_page_id
                and at > made_from.published_at
                and versions != made_from.source_versions
            ):
                found[publication.pk] = at
                break
    return found


def versions_of(page: Page) -> list[Page]:
    """The page's versions, in the registry's order (one query)."""
    order = list(VERSION_KINDS)
    found = list(page.versions.all())
    return sorted(
        found, key=lambda v: order.index(v.version_kind) if v.version_kind in order else 99
    )


def source_diff(*, made_from: PublishedPage, english_now: PublishedPage) -> list[PartDiff]:
    """What the English page changed between the publication a version was made from and
    the one live now, part by part, as the change page shows any change (the core's diffs)."""
    old_ids, new_ids = made_from.versions.ids(), english_now.versions.ids()
    versions = {v.pk: v for v in Version.objects.filter(pk__in=set(old_ids) | set(new_ids))}
    old = {(v.content_type_id, v.object_id): v for pk in old_ids if (v := versions.get(pk))}
    new = {(v.content_type_id, v.object_id): v for pk in new_ids if (v := versions.get(pk))}
    renderings = Renderings()
    diffs = []
    for key in list(dict.fromkeys([*old, *new])):
        before, after = old.get(key), new.get(key)
        if before is not None and after is not None and before.pk == after.pk:
            continue
        diff = part_diff(old=before, new=after, renderings=renderings, preview=False)
        if diff is not None:
            diffs.append(diff)
    return sort_parts(diffs)


def english_live(page: Page) -> PublishedPage | None:
    if page.source_id is None:
        return None
    return PublishedPage.objects.current().filter(page_id=page.source_id).first()
