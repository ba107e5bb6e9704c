"""Publishing: the only code that writes the public read model.

Content to publish is gathered into a ``PageContent`` (from the working copy, or, for the
review workflow, from the exact versions that were signed off), rendered to HTML once, and
written as a new immutable ``PublishedPage`` that replaces the current one in one transaction.
What the workflow says about the review (the dates, the reviewers named, what kind of
publication it is) comes with it as a ``ReviewRecord``: this module never decides those.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from reversion.models import Version

from infopages import figures as placing
from infopages import topics
from infopages.caching import LISTING, page_tag, record_change
from infopages.events import PagePublished, Publication, announce
from infopages.markdown import RenderTooSlow, markdown_problems, render_checked
from infopages.models import (
    PUBLIC_NOTE_MAX_LENGTH,
    Page,
    PublicReviewNotice,
    PublishedPage,
    PublishedSection,
    Reference,
    StoredImage,
    Topic,
)
from infopages.parts import PART_KINDS, SectionContent, field_values
from infopages.register import final_ids
from infopages.search_index import block_text
from infopages.shared_blocks import (
    Block,
    BlockPublication,
    names_in_all,
    render_block,
    splice,
    unusable_because,
    usable_blocks,
)
from infopages.versions import SourceVersions


class PublishingRefused(Exception):
    """Publishing would break what readers rely on (e.g. two pages at one address)."""


def _render(section: "SectionContent") -> str:
    """A section's HTML, or a refusal: readers get the text as reviewed, never a plain-text
    stand-in for markup over the limits (saved before them) or too slow to render."""
    problems = markdown_problems(section.body)
    if not problems:
        try:
            return render_checked(section.body, id_prefix=f"{section.anchor}-")
        except RenderTooSlow as error:
            problems = [str(error)]
    raise PublishingRefused(
        f"The section “{section.heading}” cannot be published: {problems[0]} Edit it in a "
        "change, then publish again."
    )


@dataclass(frozen=True)
class PageContent:
    """Everything a publication shows of the page itself, wherever it was read from."""

    slug: str
    title: str
    summary: str
    topic_id: int
    topic_trail: list[dict]
    sections: list[SectionContent]
    references: list[dict] = field(default_factory=list)
    resources: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)  # placed in sections' text by name
    related_page_ids: list[int] = field(default_factory=list)
    source_versions: SourceVersions = field(default_factory=SourceVersions)
    source_ids: list[int] = field(default_factory=list)  # the register's sources cited
    # A version's kind, its English page and the publication of it it was made from.
    language: str = ""
    source_page_id: int | None = None
    made_from_id: int | None = None


@dataclass(frozen=True)
class ReviewRecord:
    """What the review of this publication says: set by the workflow or the import."""

    kind: str
    reviewed_on: date | None
    next_review_on: date | None
    reviewers: list[dict] = field(default_factory=list)  # name, role, credentials
    approved_by: list[dict] = field(default_factory=list)


def topic_trail(topic_id: int) -> list[dict]:
    """The topic and those above it, root first, as {"id", "slug", "name"}: one query (the tree is
    small). Part of what reviewers sign off, so a renamed topic reaches readers only through
    a new publication."""
    rows = Topic.objects.order_by().values_list("pk", "parent_id", "slug", "name")
    named = {pk: (slug, name) for pk, _parent_id, slug, name in rows}
    parent_of = {pk: parent_id for pk, parent_id, _slug, _name in rows}
    return [
        {"id": pk, "slug": named[pk][0], "name": named[pk][1]}
        for pk in topics.trail(topic_id, parent_of)
    ]


def _latest_version_ids(objects: list) -> list[int | None]:
    """The newest version id of each object (None for one never saved as a version), in one
    query for objects of one model."""
    if not objects:
        return []
    newest = dict(
        Version.objects.get_for_model(type(objects[0]))
        .filter(object_id__in=[str(obj.pk) for obj in objects])
        .order_by()
        .values("object_id")
        .annotate(newest=Max("pk"))
        .values_list("object_id", "newest")
    )
    return [newest.get(str(obj.pk)) for obj in objects]


def content_from_working_copy(page: Page) -> PageContent:
    """The page as it stands now, with the ids of the versions it is made of."""
    parts, version_ids, rows_of = {}, {}, {}
    for kind in PART_KINDS:
        rows = rows_of[kind.collection] = list(
            getattr(page, kind.collection).order_by("position", "id")
        )
        ids = _latest_version_ids(rows)
        parts[kind.collection] = [
            kind.snapshot(field_values(row), version_id)
            for row, version_id in zip(rows, ids, strict=True)
        ]
        version_ids[kind.collection] = tuple(ids)
    return PageContent(
        slug=page.slug,
        title=page.title,
        summary=page.summary,
        topic_id=page.topic_id,
        topic_trail=topic_trail(page.topic_id),
        related_page_ids=list(page.related_pages.order_by("title").values_list("pk", flat=True)),
        source_versions=SourceVersions(page=_latest_version_ids([page])[0], **version_ids),
        source_ids=[r.source_id for r in rows_of["references"] if r.source_id],
        language=page.version_kind or "",
        source_page_id=page.source_id,
        made_from_id=page.made_from_id,
        **parts,
    )


def content_from_versions(
    *, page: Page, versions: Iterable[Version], trail: list[dict] | None = None
) -> PageContent:
    """The page as the given versions record it: the page's own version and one version of
    each section, reference and resource to show (the review workflow's signed-off snapshot).

    Objects without a version in ``versions`` are left out, so the snapshot must be complete.
    The topic trail is read as it is now: the content hash a reviewer signs includes it, so
    the workflow refuses to publish if it changed since. ``trail``: that trail, when the
    caller has just read it.
    """
    by_model: dict[type, list[Version]] = {}
    for version in versions:
        by_model.setdefault(version._model, []).append(version)
    page_versions = [v for v in by_model.get(Page, []) if str(v.object_id) == str(page.pk)]
    if len(page_versions) != 1:
        raise ValueError("The versions must include exactly one version of the page itself.")
    page_version = page_versions[0]
    fields = page_version.field_dict

    def ordered(model) -> list[Version]:
        return sorted(
            by_model.get(model, []),
            key=lambda v: (v.field_dict["position"], int(v.object_id)),
        )

    parts, version_ids = {}, {}
    for kind in PART_KINDS:
        kind_versions = ordered(kind.model)
        parts[kind.collection] = [kind.snapshot(v.field_dict, v.pk) for v in kind_versions]
        version_ids[kind.collection] = tuple(v.pk for v in kind_versions)
    related = fields.get("related_pages") or []
    return PageContent(
        slug=fields["slug"],
        title=fields["title"],
        summary=fields["summary"],
        topic_id=fields["topic_id"],
        topic_trail=trail if trail is not None else topic_trail(fields["topic_id"]),
        related_page_ids=list(
            Page.objects.filter(pk__in=related).order_by("title").values_list("pk", flat=True)
        ),
        source_versions=SourceVersions(page=page_version.pk, **version_ids),
        source_ids=_cited_sources(ordered(Reference)),
        language=fields.get("version_kind") or "",
        source_page_id=fields.get("source_id"),
        made_from_id=fields.get("made_from_id"),
        **parts,
    )


def _cited_sources(references: list[Version]) -> list[int]:
    """The register's sources these reference versions cite. A version saved before the
    register existed names none: the source its reference was linked to then is used."""
    named = {int(v.object_id): v.field_dict.get("source_id") for v in references}
    unnamed = [pk for pk, source_id in named.items() if source_id is None]
    if unnamed:
        linked = Reference.objects.filter(pk__in=unnamed, source__isnull=False)
        named.update(linked.values_list("pk", "source_id"))
    return [source_id for source_id in named.values() if source_id]


@transaction.atomic
def publish_content(
    *,
    page: Page,
    content: PageContent,
    review: ReviewRecord,
    by=None,
    note: str = "",
    public_note: str = "",
    at: datetime | None = None,
    ends_review_notice: bool = False,
) -> PublishedPage:
    """Replace what readers see of ``page`` with ``content``, atomically, and announce it.

    ``note``: for the team (where it came from); ``public_note``: one line of plain text
    readers see in the page's history, what changed (empty for a minor change).
    ``ends_review_notice``: readers are no longer told a review is under way (a full review
    was published), as part of this publication.
    Callers (import, the review workflow) check permissions and write the audit event.
    """
    now = at or timezone.now()
    # Lock the page row so two publications of one page cannot both become current.
    Page.objects.select_for_update().filter(pk=page.pk).exists()
    # A shared block's working copy is published as a block version, never live itself.
    names = names_in_all(section.body for section in content.sections)
    usable, block = usable_blocks(names, or_of_page=page.pk)
    live = block is None
    if live:
        _refuse_taken_address(page, content.slug)
    embedded = _embedded_blocks(content, usable) if live else {}
    rendered = [(s, splice(_render(s), embedded)) for s in content.sections]
    rendered, placed = _with_figures(content, rendered)
    replaced = _retire(page, at=now) if live else None
    texts = [block_text(html) for _, html in rendered]
    publication = PublishedPage.objects.create(
        page=page,
        slug=content.slug,
        title=content.title,
        summary=content.summary,
        topic_id=content.topic_id,
        topic_path="/".join(step["slug"] for step in content.topic_trail),
        topic_trail=content.topic_trail,
        kind=review.kind,
        reviewed_on=review.reviewed_on,
        next_review_on=review.next_review_on,
        references=content.references,
        reviewers=review.reviewers,
        resources=content.resources,
        figures=placed,
        related_page_ids=content.related_page_ids,
        plain_text="\n".join(texts),
        source_versions=content.source_versions.to_json(),
        approved_by=review.approved_by,
        published_by=by if by is not None and by.is_authenticated else None,
        published_at=now,
        note=note[:300],
        public_note=" ".join(public_note.split())[:PUBLIC_NOTE_MAX_LENGTH],
        language=content.language,
        source_page_id=content.source_page_id,
        made_from_id=content.made_from_id,
        is_current=live,
        superseded_at=None if live else now,  # a block's snapshot: readers never see it alone
    )
    if embedded:  # the snapshot records which version of each block it shows
        BlockPublication.embedded_in.through.objects.bulk_create(
            BlockPublication.embedded_in.through(
                blockpublication_id=version.pk, publishedpage_id=publication.pk
            )
            for version in {v.pk: v for v in embedded.values()}.values()
        )
    if content.source_ids:
        publication.sources.set(sorted(set(final_ids(content.source_ids).values())))
    # Kept on the returned object too, so the caller need not read them back.
    publication.new_sections = PublishedSection.objects.bulk_create(
        PublishedSection(
            publication=publication,
            position=position,
            heading=section.heading,
            anchor=section.anchor,
            html=html,
            plain_text=text,
            source_version_id=section.version_id,
        )
        for position, ((section, html), text) in enumerate(zip(rendered, texts, strict=True))
    )
    if ends_review_notice:
        _end_notices(page, at=now)
    if not live:
        _publish_block_version(block, publication=publication, content=content, at=now)
        return publication
    announce(
        PagePublished(
            page=page,
            publication=publication,
            kind=_EVENT_OF_KIND.get(review.kind, Publication.PUBLISHED),
            by=by,
            replaced=replaced,
            at=now,
        )
    )
    return publication


def _with_figures(
    content: PageContent, rendered: list[tuple[SectionContent, str]]
) -> tuple[list[tuple[SectionContent, str]], list[dict]]:
    """Each section's HTML with the figures its text places, and the figures as the read
    model keeps them, in reading order. Refused: a marker naming no figure of the page, a
    figure placed twice, a picture missing, a long description over the renderer's limits.
    Figures placed nowhere are not shown (the change page says so)."""
    if not content.figures and not any(placing.markers_in(s.body) for s, _html in rendered):
        return rendered, []
    by_name = {figure["name"].lower(): figure for figure in content.figures}
    stored = StoredImage.objects.in_bulk(
        [f["digest"] for f in content.figures], field_name="digest"
    )
    placed: list[dict] = []
    result = []
    for section, html in rendered:
        figures_html = {}
        for name in placing.markers_in(section.body):
            figure = by_name.get(name)
            if figure is None:
                raise PublishingRefused(
                    f"The section “{section.heading}” places a figure named “{name}”, but the "
                    "page has no figure of that name. Edit the section or add the figure in a "
                    "change, then publish again."
                )
            if name in figures_html or any(p["name"].lower() == name for p in placed):
                raise PublishingRefused(
                    f"The figure “{name}” is placed twice. Keep one [figure: {name}] line, then "
                    "publish again."
                )
            image = stored.get(figure["digest"])
            if image is None:
                raise PublishingRefused(f"The picture of the figure “{name}” is missing.")
            entry = placing.with_renditions(figure, image)
            entry["section"] = section.anchor
            entry["description_html"] = _description(figure)
            placed.append(entry)
            figures_html[name] = placing.figure_html(
                entry, description_html=entry["description_html"], number=len(placed)
            )
        result.append((section, placing.place(html, figures_html) if figures_html else html))
    return result, placed


def _description(figure: dict) -> str:
    text = figure.get("long_description") or ""
    if not text.strip():
        return ""
    problems = markdown_problems(text)
    if not problems:
        try:
            return render_checked(text, id_prefix=f"figure-{figure['name']}-")
        except RenderTooSlow as error:
            problems = [str(error)]
    raise PublishingRefused(
        f"The long description of the figure “{figure['name']}” cannot be published: "
        f"{problems[0]} Edit it in a change, then publish again."
    )


def _embedded_blocks(content: PageContent, usable: dict) -> dict[str, BlockPublication]:
    """The latest published version of each block the sections embed, by name; refused
    when one cannot be shown (no such block, retired, or never published)."""
    for section in content.sections:
        for name in names_in_all([section.body]):
            problem = unusable_because(name, usable.get(name))
            if problem:
                raise PublishingRefused(
                    f"The section “{section.heading}” cannot be published: {problem} Edit it "
                    "in a change, then publish again."
                )
    return {name: block.latest for name, block in usable.items()}


def _publish_block_version(
    block: Block, *, publication: PublishedPage, content: PageContent, at: datetime
) -> BlockPublication:
    """The block's next published version, from the signed sections of its working copy."""
    values = {section.anchor: section.body for section in content.sections}
    problems = [p for f in block.type.fields for p in f.problems(values.get(f.key, ""))]
    if problems:
        raise PublishingRefused(
            f"The shared block “{block.name}” cannot be published: {problems[0]}"
        )
    last = block.publications.aggregate(last=Max("number"))["last"] or 0
    try:
        rendered = render_block(block.kind, values, name=block.name, number=last + 1)
    except RenderTooSlow as error:
        raise PublishingRefused(
            f"The shared block “{block.name}” cannot be published: {error}"
        ) from None
    return BlockPublication.objects.create(
        block=block,
        number=last + 1,
        publication=publication,
        values={f.key: values.get(f.key, "") for f in block.type.fields},
        html=rendered,
        plain_text=block_text(rendered),
        published_at=at,
    )


_EVENT_OF_KIND = {
    PublishedPage.Kind.RECERTIFIED: Publication.RECERTIFIED,
    PublishedPage.Kind.IMPORTED: Publication.IMPORTED,
    PublishedPage.Kind.REDATED: Publication.REDATED,
}


def _refuse_taken_address(page: Page, slug: str) -> None:
    taken = PublishedPage.objects.current().filter(slug=slug).exclude(page=page).first()
    if taken is not None:
        raise PublishingRefused(
            f"Another live page, “{taken.title}”, is at {taken.get_absolute_url()}. Give this "
            "page another address, or take that page down first."
        )


@transaction.atomic
def republish_with_next_review(
    *, page: Page, next_review_on: date, by, note: str, at: datetime | None = None
) -> PublishedPage:
    """The live page again, unchanged but for its next review date (brought forward).

    A new snapshot rather than an edit of the old one: snapshots never change, and readers'
    caches see a new publication.
    """
    now = at or timezone.now()
    Page.objects.select_for_update().filter(pk=page.pk).exists()
    current = PublishedPage.objects.current().filter(page=page).first()
    if current is None:
        raise PublishingRefused(f"“{page}” is not live, so it has no review date to change.")
    sections = list(current.sections.order_by("position"))
    _retire(page, at=now)
    copy = PublishedPage.objects.get(pk=current.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.kind = PublishedPage.Kind.REDATED
    copy.next_review_on = next_review_on
    copy.published_by = by if by is not None and by.is_authenticated else None
    copy.published_at = now
    copy.note = note[:300]
    copy.public_note = ""  # what changed was said by the publication it copies
    copy.is_current, copy.superseded_at = True, None
    copy.save()
    copy.sources.set(current.sources.all())
    for section in sections:
        section.pk = section.id = None
        section._state.adding = True
        section.publication = copy
    copy.new_sections = PublishedSection.objects.bulk_create(sections)
    announce(
        PagePublished(
            page=page, publication=copy, kind=Publication.REDATED, by=by, replaced=current, at=now
        )
    )
    return copy


@transaction.atomic
def retire_current(*, page: Page, by=None, at: datetime | None = None) -> PublishedPage | None:
    """Take the current snapshot off the public site (a take-down, announced); it stays in
    the history. None when the page was not live."""
    now = at or timezone.now()
    retired = _retire(page, at=now)
    if retired is not None:
        announce(
            PagePublished(
                page=page,
                publication=retired,
                kind=Publication.TAKEN_DOWN,
                by=by,
                replaced=retired,
                at=now,
            )
        )
    return retired


def _retire(page: Page, *, at: datetime) -> PublishedPage | None:
    """Mark the current snapshot replaced; the caller announces what happened."""
    current = PublishedPage.objects.current().filter(page=page).first()
    if current is not None:
        current.is_current = False
        current.superseded_at = at
        current.save(update_fields=["is_current", "superseded_at"])
    return current


def last_publication(page: Page) -> PublishedPage | None:
    """The page's most recent publication, live or taken down."""
    return PublishedPage.objects.last_for(page)


def start_review_notice(*, page: Page, at: datetime | None = None) -> PublicReviewNotice:
    """Tell readers of ``page`` that a full review is under way (until ``end_review_notice``).

    Not a publication, but part of the read model: the public caches are refreshed."""
    open_notice = PublicReviewNotice.objects.filter(page=page, ended_at=None).first()
    if open_notice is not None:
        return open_notice
    notice = PublicReviewNotice.objects.create(page=page, started_at=at or timezone.now())
    record_change({page_tag(page.pk), LISTING})
    return notice


def end_review_notice(*, page: Page, at: datetime | None = None) -> None:
    """Readers of ``page`` are no longer told of a review (it was abandoned). A published
    full review ends it as part of the publication (``ends_review_notice``)."""
    if _end_notices(page, at=at or timezone.now()):
        record_change({page_tag(page.pk), LISTING})


def _end_notices(page: Page, *, at: datetime) -> int:
    return PublicReviewNotice.objects.filter(page=page, ended_at=None).update(ended_at=at)
