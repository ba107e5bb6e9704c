"""Republishing live pages with a shared block's new version: part of publishing (the only
code that writes what readers see), kept apart because it works on many pages at once.

A block's new version changes nothing a page's reviewers signed (they signed the marker),
so each page's new snapshot is its current one again: the same address, title, topic
trail, sections, references, reviewers, approvals, review dates and source versions, with
only each embedded block's HTML swapped for its latest published version (never rendered
again: the stored HTML is exactly what the renderer made of the signed text). Its kind is
"Shared details updated", its note for readers the block change's, and it records which
block versions it holds.

A small group of pages is republished in one transaction, with every read and write done
once for the whole group (a few queries, not a few per page) and one publication event
announced for each page (``announce_all``: the search index, the stored page bodies and the
log of public changes are written for the group in a few statements). The pages are locked
and what they show is read under the lock, so a page already showing the latest version
(a second runner, a resumed run) is left alone: nothing is published twice.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from infopages.events import PagePublished, Publication, announce_all
from infopages.models import Page, PublishedPage, PublishedSection
from infopages.publishing import PublishingRefused
from infopages.register import final_ids
from infopages.search_index import block_text
from infopages.shared_blocks import Block, BlockPublication

# The columns of a snapshot copied as they are into its republication.
_COPIED = (
    "page_id",
    "slug",
    "title",
    "summary",
    "topic_id",
    "topic_path",
    "topic_trail",
    "reviewed_on",
    "next_review_on",
    "references",
    "reviewers",
    "resources",
    "figures",
    "related_page_ids",
    "source_versions",
    "approved_by",
    "language",
    "source_page_id",
    "made_from_id",
)


@dataclass
class Republished:
    """What republishing a group of pages did: the new snapshots by page id (each with
    ``block_versions``, the number of each block it shows now, and ``new_sections``), and
    the pages that could not be republished, by id, with the reason."""

    publications: dict[int, PublishedPage] = field(default_factory=dict)
    refused: dict[int, str] = field(default_factory=dict)


@transaction.atomic
def republish_pages_with_blocks(
    *, page_ids, block: Block, by=None, at: datetime | None = None
) -> Republished:
    """Each live page of ``page_ids`` again, with the latest published version of ``block``
    and of any other block it embeds, in this one transaction. A page not live, no longer
    embedding ``block``, or already showing its latest version is skipped (in neither
    list). Callers keep groups small: the pages stay locked until it commits."""
    now = at or timezone.now()
    ids = sorted({int(pk) for pk in page_ids})
    result = Republished()
    if not ids:
        return result
    # Lock the pages (in id order: two runners never wait on each other in a circle), then
    # read what they show under the lock.
    locked = Page.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    pages = {page.pk: page for page in locked}
    current = {
        snapshot.page_id: snapshot
        for snapshot in PublishedPage.objects.current()
        .filter(page_id__in=list(pages))
        .defer("plain_text", "search_vector")
    }
    held = _held_versions(list(current.values()))
    latest = _latest_versions({v.block_id for versions in held.values() for v in versions})
    wanted = latest.get(block.pk)
    todo = {}
    for page_id, snapshot in current.items():
        shows = {v.block_id: v for v in held.get(snapshot.pk, [])}
        if wanted is None or block.pk not in shows or shows[block.pk].number >= wanted.number:
            continue  # not embedding the block any more, or done already
        refusal = next(
            (_unshowable(latest[block_id]) for block_id in shows if _unshowable(latest[block_id])),
            "",
        )
        if refusal:
            result.refused[page_id] = refusal
        else:
            todo[page_id] = (snapshot, shows)
    if not todo:
        return result
    sections = _sections_of([snapshot.pk for snapshot, _shows in todo.values()])
    cited = _sources_cited([snapshot.pk for snapshot, _shows in todo.values()])
    made = []
    for page_id, (snapshot, shows) in todo.items():
        new_sections, refusal = _with_new_versions(sections.get(snapshot.pk, []), shows, latest)
        if refusal:
            result.refused[page_id] = refusal
            continue
        copy = PublishedPage(
            **{name: getattr(snapshot, name) for name in _COPIED},
            kind=PublishedPage.Kind.BLOCK_UPDATED,
            plain_text="\n".join(section.plain_text for section in new_sections),
            published_by=by if by is not None and by.is_authenticated else None,
            published_at=now,
            note=f"Shared block “{block.name}” version {wanted.number}; the page's own content "
            "as signed off before.",
            public_note=wanted.public_note,
            is_current=True,
            superseded_at=None,
        )
        copy.new_sections = new_sections
        copy.block_versions = {
            latest[block_id].block.name: latest[block_id].number for block_id in shows
        }
        made.append((page_id, snapshot, copy, [latest[block_id] for block_id in shows]))
    if not made:
        return result
    # The writes, each once for the group: the old snapshots replaced, the new ones and
    # their sections, the block versions they hold and the sources they cite.
    PublishedPage.objects.filter(pk__in=[snapshot.pk for _, snapshot, _, _ in made]).update(
        is_current=False, superseded_at=now
    )
    PublishedPage.objects.bulk_create([copy for _, _, copy, _ in made])
    holds = BlockPublication.embedded_in.through
    holds.objects.bulk_create(
        holds(blockpublication_id=version.pk, publishedpage_id=copy.pk)
        for _, _, copy, versions in made
        for version in versions
    )
    cites = PublishedPage.sources.through
    cites.objects.bulk_create(
        cites(publishedpage_id=copy.pk, source_id=source_id)
        for _, snapshot, copy, _ in made
        for source_id in cited.get(snapshot.pk, [])
    )
    for _, _, copy, _ in made:
        for section in copy.new_sections:
            section.publication = copy
    PublishedSection.objects.bulk_create(
        [section for _, _, copy, _ in made for section in copy.new_sections]
    )
    for page_id, snapshot, copy, _ in made:
        snapshot.is_current, snapshot.superseded_at = False, now
        result.publications[page_id] = copy
    announce_all(
        [
            PagePublished(
                page=pages[page_id],
                publication=copy,
                kind=Publication.PUBLISHED,
                by=by,
                replaced=snapshot,
                at=now,
            )
            for page_id, snapshot, copy, _ in made
        ]
    )
    return result


def republish_with_blocks(
    *, page: Page, block: Block, by=None, at: datetime | None = None
) -> PublishedPage | None:
    """One live page again with the latest published version of ``block`` (and of any other
    block it embeds); None when there is nothing to do. Raises ``PublishingRefused`` when
    its published text cannot take the new version."""
    done = republish_pages_with_blocks(page_ids=[page.pk], block=block, by=by, at=at)
    if page.pk in done.refused:
        raise PublishingRefused(done.refused[page.pk])
    return done.publications.get(page.pk)


def _held_versions(snapshots: list[PublishedPage]) -> dict[int, list[BlockPublication]]:
    """The block versions each snapshot shows, by snapshot id (one query)."""
    holds = BlockPublication.embedded_in.through
    rows = holds.objects.filter(publishedpage_id__in=[s.pk for s in snapshots]).values_list(
        "publishedpage_id",
        "blockpublication_id",
        "blockpublication__block_id",
        "blockpublication__number",
        "blockpublication__html",
    )
    held: dict[int, list[BlockPublication]] = {}
    for snapshot_id, pk, block_id, number, html in rows:
        held.setdefault(snapshot_id, []).append(
            BlockPublication(pk=pk, block_id=block_id, number=number, html=html)
        )
    return held


def _latest_versions(block_ids: set[int]) -> dict[int, BlockPublication]:
    """The newest published version of each block, with the block and the block change's
    note for readers (one query)."""
    latest: dict[int, BlockPublication] = {}
    versions = (
        BlockPublication.objects.filter(block_id__in=block_ids)
        .select_related("block")
        .annotate(public_note=F("publication__public_note"))
        .only("pk", "block", "number", "html", "block__name", "block__retired_at")
        .order_by("block_id", "-number")
    )
    for version in versions:
        latest.setdefault(version.block_id, version)
    return latest


def _unshowable(version: BlockPublication) -> str:
    if version.block.retired_at is not None:
        return (
            f"The shared block “{version.block.name}” was retired, so the page cannot show "
            "it; remove its marker in a change."
        )
    return ""


def _sections_of(snapshot_ids: list[int]) -> dict[int, list[PublishedSection]]:
    """The sections of each snapshot, in order (one query)."""
    found: dict[int, list[PublishedSection]] = {}
    for section in (
        PublishedSection.objects.filter(publication_id__in=snapshot_ids)
        .defer("search_vector")
        .order_by("publication_id", "position")
    ):
        found.setdefault(section.publication_id, []).append(section)
    return found


def _sources_cited(snapshot_ids: list[int]) -> dict[int, list[int]]:
    """The register's sources each snapshot cites, as in use now: a source merged since
    gives the one it was merged into, as publishing the page again would (two queries)."""
    rows = PublishedPage.sources.through.objects.filter(
        publishedpage_id__in=snapshot_ids
    ).values_list("publishedpage_id", "source_id")
    rows = list(rows)
    final = final_ids(source_id for _, source_id in rows)
    cited: dict[int, set[int]] = {}
    for snapshot_id, source_id in rows:
        cited.setdefault(snapshot_id, set()).add(final[source_id])
    return {snapshot_id: sorted(ids) for snapshot_id, ids in cited.items()}


def _with_new_versions(
    sections: list[PublishedSection],
    shows: dict[int, BlockPublication],
    latest: dict[int, BlockPublication],
) -> tuple[list[PublishedSection], str]:
    """New sections for the republication: each section's HTML with each block's HTML
    swapped for its latest version's (its plain text taken again only where it changed);
    or a refusal when a block the snapshot records is not in its HTML as published."""
    htmls = [section.html for section in sections]
    for block_id, version in shows.items():
        newest = latest[block_id]
        if newest.number == version.number:
            continue
        found = False
        for n, html in enumerate(htmls):
            if version.html in html:
                htmls[n], found = html.replace(version.html, newest.html), True
        if not found:
            return [], (
                f"The page's published text does not hold the shared block “"
                f"{newest.block.name}” as it was published, so its new version cannot be "
                "put in; publish the page again through a change."
            )
    new_sections = [
        PublishedSection(
            position=section.position,
            heading=section.heading,
            anchor=section.anchor,
            html=html,
            plain_text=section.plain_text if html == section.html else block_text(html),
            source_version_id=section.source_version_id,
        )
        for section, html in zip(sections, htmls, strict=True)
    ]
    return new_sections, ""
