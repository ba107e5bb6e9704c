"""Publishing: the only code that writes the public read model.

Content to publish is gathered into a ``PageContent`` (from the working copy, or, for the
review workflow, from the exact versions that were signed off), rendered to HTML once, and
written as a new immutable ``PublishedPage`` that replaces the current one in one transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from infopages.markdown import html_to_text, render_markdown
from infopages.models import (
    Page,
    Person,
    PublishedPage,
    PublishedSection,
    Reference,
    Resource,
    Section,
)
from infopages.versions import SourceVersions


@dataclass(frozen=True)
class SectionContent:
    heading: str
    anchor: str
    body: str
    version_id: int | None = None


@dataclass(frozen=True)
class PageContent:
    """Everything a publication shows, independent of where it was read from."""

    title: str
    summary: str
    topic_id: int
    reviewed_on: date | None
    next_review_on: date | None
    sections: list[SectionContent]
    references: list[dict] = field(default_factory=list)
    resources: list[dict] = field(default_factory=list)
    reviewers: list[dict] = field(default_factory=list)
    related_slugs: list[str] = field(default_factory=list)
    source_versions: SourceVersions = field(default_factory=SourceVersions)


def _latest_version_id(obj) -> int | None:
    version = Version.objects.get_for_object(obj).only("pk").first()
    return version.pk if version else None


def content_from_working_copy(page: Page) -> PageContent:
    """The page as it stands now, with the ids of the versions it is made of."""
    sections = list(page.sections.order_by("position", "id"))
    references = list(page.references.order_by("position", "id"))
    resources = list(page.resources.order_by("position", "id"))
    section_contents = [
        SectionContent(s.heading, s.anchor, s.body, _latest_version_id(s)) for s in sections
    ]
    return PageContent(
        title=page.title,
        summary=page.summary,
        topic_id=page.topic_id,
        reviewed_on=page.reviewed_on,
        next_review_on=page.next_review_on,
        sections=section_contents,
        references=[
            {
                "citation": r.citation,
                "url": r.url,
                "accessed_on": r.accessed_on.isoformat() if r.accessed_on else None,
            }
            for r in references
        ],
        resources=[
            {"title": r.title, "url": r.url, "description": r.description} for r in resources
        ],
        reviewers=[
            {"name": p.name, "credentials": p.credentials, "role": p.role}
            for p in page.reviewers.all()
        ],
        related_slugs=list(page.related_pages.values_list("slug", flat=True)),
        source_versions=SourceVersions(
            page=_latest_version_id(page),
            sections=tuple(s.version_id for s in section_contents),
            references=tuple(_latest_version_id(r) for r in references),
            resources=tuple(_latest_version_id(r) for r in resources),
        ),
    )


def content_from_versions(*, page: Page, versions: Iterable[Version]) -> PageContent:
    """The page as the given versions record it: the page's own version and one version of
    each section, reference and resource to show (the review workflow's signed-off snapshot).

    Objects without a version in ``versions`` are left out, so the snapshot must be complete.
    People and related pages are not versioned: their current names and slugs are used.
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

    section_contents = [
        SectionContent(v.field_dict["heading"], v.field_dict["anchor"], v.field_dict["body"], v.pk)
        for v in ordered(Section)
    ]
    references = ordered(Reference)
    resources = ordered(Resource)
    reviewers = Person.objects.filter(pk__in=fields.get("reviewers") or []).order_by("name")
    related = Page.objects.filter(pk__in=fields.get("related_pages") or [])
    return PageContent(
        title=fields["title"],
        summary=fields["summary"],
        topic_id=fields["topic_id"],
        reviewed_on=fields["reviewed_on"],
        next_review_on=fields["next_review_on"],
        sections=section_contents,
        references=[
            {
                "citation": v.field_dict["citation"],
                "url": v.field_dict["url"],
                "accessed_on": (
                    v.field_dict["accessed_on"].isoformat() if v.field_dict["accessed_on"] else None
                ),
            }
            for v in references
        ],
        resources=[
            {
                "title": v.field_dict["title"],
                "url": v.field_dict["url"],
                "description": v.field_dict["description"],
            }
            for v in resources
        ],
        reviewers=[
            {"name": p.name, "credentials": p.credentials, "role": p.role} for p in reviewers
        ],
        related_slugs=list(related.values_list("slug", flat=True)),
        source_versions=SourceVersions(
            page=page_version.pk,
            sections=tuple(s.version_id for s in section_contents),
            references=tuple(v.pk for v in references),
            resources=tuple(v.pk for v in resources),
        ),
    )


@transaction.atomic
def publish_content(
    *,
    page: Page,
    content: PageContent,
    by=None,
    approved_by: list[dict] | None = None,
    note: str = "",
    at: datetime | None = None,
) -> PublishedPage:
    """Replace what readers see of ``page`` with ``content``, atomically.

    Callers (import, the review workflow) check permissions and write the audit event.
    """
    now = at or timezone.now()
    # Lock the page row so two publications of one page cannot both become current.
    Page.objects.select_for_update().filter(pk=page.pk).exists()
    retire_current(page=page, at=now)
    rendered = [(s, render_markdown(s.body, id_prefix=f"{s.anchor}-")) for s in content.sections]
    publication = PublishedPage.objects.create(
        page=page,
        slug=page.slug,
        title=content.title,
        summary=content.summary,
        topic_id=content.topic_id,
        reviewed_on=content.reviewed_on,
        next_review_on=content.next_review_on,
        references=content.references,
        reviewers=content.reviewers,
        resources=content.resources,
        related_slugs=content.related_slugs,
        plain_text=" ".join(html_to_text(html) for _, html in rendered),
        source_versions=content.source_versions.to_json(),
        approved_by=approved_by or [],
        published_by=by if by is not None and by.is_authenticated else None,
        published_at=now,
        note=note,
        is_current=True,
    )
    PublishedSection.objects.bulk_create(
        PublishedSection(
            publication=publication,
            position=position,
            heading=section.heading,
            anchor=section.anchor,
            html=html,
            plain_text=html_to_text(html),
            source_version_id=section.version_id,
        )
        for position, (section, html) in enumerate(rendered)
    )
    return publication


def retire_current(*, page: Page, at: datetime | None = None) -> PublishedPage | None:
    """Take the current snapshot off the public site; it stays in the history."""
    current = PublishedPage.objects.current().filter(page=page).first()
    if current is not None:
        current.is_current = False
        current.superseded_at = at or timezone.now()
        current.save(update_fields=["is_current", "superseded_at"])
    return current
