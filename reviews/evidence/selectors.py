"""Reads of the evidence register for the workspace: the register itself, one source with
the pages citing it, broken links, the counts the dashboard shows, and what the source check
shows of a flagged page. Each is a fixed
number of queries, whatever the number of sources or pages."""

import html
import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from infopages.models import Page, PublishedPage, Reference, Source
from infopages.sources import normal_url
from reviews.evidence.flags import has_open_flag, open_flags_of
from reviews.evidence.models import ReviewFlag, SourceCheck

LinkStatus = Source.LinkStatus


def in_use() -> QuerySet[Source]:
    """Sources not merged into another, each with ``page_count`` (pages whose working copy
    cites it) and ``open_flag_count`` (pages flagged because of it, not yet cleared)."""
    return Source.objects.filter(merged_into__isnull=True).annotate(
        page_count=Count("references__page", distinct=True),
        open_flag_count=Count(
            "review_flags", filter=Q(review_flags__cleared_at__isnull=True), distinct=True
        ),
    )


def register(*, text: str = "", status: str = "", link: str = "") -> QuerySet[Source]:
    """The register, filtered: ``text`` in the citation, link, publisher or identifier;
    ``status`` (current, updated, withdrawn); ``link`` ("broken": broken or unreachable,
    "moved", "unchecked"). Alphabetical."""
    sources = in_use()
    for word in text.split()[:8]:
        sources = sources.filter(
            Q(citation__icontains=word)
            | Q(url__icontains=word)
            | Q(publisher__icontains=word)
            | Q(identifier__icontains=word)
        )
    if status in Source.Status.values:
        sources = sources.filter(status=status)
    if link == "broken":
        sources = sources.filter(link_status__in=Source.BROKEN_STATUSES)
    elif link == "moved":
        sources = sources.filter(link_status=LinkStatus.REDIRECTED)
    elif link == "unchecked":
        sources = sources.filter(link_checked_at__isnull=True).exclude(url="")
    return sources.order_by("citation", "pk")


def matching(text: str, *, limit: int = 20) -> list[Source]:
    """Sources whose citation, link, publisher or identifier has every word of ``text``:
    what an editor picks a reference's source from. One query."""
    if not text.strip():
        return []
    return list(register(text=text)[:limit])


def broken_links() -> QuerySet[Source]:
    """Sources in use whose link was broken or could not be reached when last checked, those
    cited by the most pages first."""
    return (
        in_use()
        .filter(link_status__in=Source.BROKEN_STATUSES)
        .order_by("-page_count", "citation", "pk")
    )


@dataclass(frozen=True)
class SourceDetail:
    """One source, and everything citing it."""

    source: Source
    references: list[Reference]  # in pages' working copies (and in sources merged into it)
    live_pages: list[PublishedPage]  # live publications citing it
    flags: list[ReviewFlag]  # raised because of it, open first
    merged: list[Source]  # near-duplicates merged into it

    @property
    def page_count(self) -> int:
        return len({r.page_id for r in self.references} | {p.page_id for p in self.live_pages})


def source_detail(source: Source, *, cap: int = 200) -> SourceDetail:
    """Five queries, each list capped at ``cap``."""
    merged = list(Source.objects.filter(merged_into=source).order_by("pk"))
    ids = [source.pk, *(s.pk for s in merged)]
    references = (
        Reference.objects.filter(source_id__in=ids)
        .select_related("page")
        .only("pk", "citation", "url", "source_id", "page__id", "page__title", "page__slug")
        .order_by("page__title", "page_id", "position")
    )
    live = (
        PublishedPage.objects.filter(is_current=True, sources__in=ids)
        .distinct()
        .only("pk", "page_id", "title", "slug")
        .order_by("title", "pk")
    )
    flags = (
        ReviewFlag.objects.filter(source_id__in=ids)
        .select_related("page", "cleared_by_change")
        .order_by(F("cleared_at").desc(nulls_first=True), "-raised_at", "-id")
    )
    return SourceDetail(
        source=source,
        references=list(references[:cap]),
        live_pages=list(live[:cap]),
        flags=list(flags[:cap]),
        merged=merged,
    )


@dataclass(frozen=True)
class RegisterCounts:
    broken_links: int
    flagged_pages: int


def register_counts() -> RegisterCounts:
    """For the dashboard: sources in use with a broken link, and pages needing review because
    a source changed. Two queries."""
    broken = Source.objects.filter(
        merged_into__isnull=True, link_status__in=Source.BROKEN_STATUSES
    ).count()
    flagged = Page.objects.filter(has_open_flag()).count()
    return RegisterCounts(broken_links=broken, flagged_pages=flagged)


# The source check: which passages of a flagged page cite the source that changed.
#
# Sections do not point at references (a page's references are listed once, for the whole
# page), so a section "cites" a source when its text links to the source (its link, or the
# link of one of the page's references to it, compared as the register compares links) or
# names its guideline number or DOI ("NG101", "10.1136/bmj.n71"). The passages come from
# the live publication's stored HTML, as readers see it; a page not live yet is read in
# its working copy.

_LINK = re.compile(r"https?://[^\s\"'<>()\[\]]+", re.I)
_TAG = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class Passage:
    """A section citing the source, and how: "links to it", "names NG101"."""

    anchor: str
    heading: str
    how: list[str]


@dataclass(frozen=True)
class CitingPassages:
    """What a flag's panel shows of where the page cites its source."""

    passages: list[Passage]


@dataclass
class PageSection:
    """One section of the page as the source check shows it: the stored HTML of the live
    publication (``html``), or the working copy's markdown as plain text (``text``)."""

    anchor: str
    heading: str
    html: str = ""
    text: str = ""
    cites: list[str] = field(default_factory=list)  # the citations of the sources it cites


@dataclass(frozen=True)
class SourceToCheck:
    """One changed source a page cites: its open flags, the page's references to it and the
    passages citing it."""

    source: Source
    flags: list[ReviewFlag]
    references: list[Reference]
    passages: list[Passage]


@dataclass(frozen=True)
class SourceCheckScreen:
    """Everything the source check shows of one flagged page."""

    page: Page
    publication: PublishedPage | None
    sections: list[PageSection]
    sources: list[SourceToCheck]
    checks: list[SourceCheck]  # earlier source checks of the page, newest first


def _page_sections(page: Page) -> tuple[PublishedPage | None, list[PageSection]]:
    """The live publication and its sections, or the working copy's. Two queries."""
    publication = (
        PublishedPage.objects.filter(page=page, is_current=True)
        .only("pk", "page_id", "slug", "title", "summary", "published_at", "reviewed_on")
        .first()
    )
    if publication is not None:
        rows = publication.sections.order_by("position").values_list("anchor", "heading", "html")
        return publication, [PageSection(a, h, html=body) for a, h, body in rows]
    rows = page.sections.order_by("position", "id").values_list("anchor", "heading", "body")
    return None, [PageSection(a, h, text=body) for a, h, body in rows]


def _how_it_cites(section: PageSection, *, links: set[str], identifiers: set[str]) -> list[str]:
    """How ``section`` cites a source with these links and identifiers ([] if it does not)."""
    text = html.unescape(section.html) if section.html else section.text
    words = html.unescape(_TAG.sub(" ", section.html)) if section.html else section.text
    how = []
    if links and any(normal_url(found.rstrip(".,;:!?")) in links for found in _LINK.findall(text)):
        how.append("links to it")
    for identifier in sorted(identifiers):
        if re.search(rf"(?<![\w/.-]){re.escape(identifier)}(?![\w])", words, re.I):
            how.append(f"names {identifier}")
    return how


def _sources_cited(
    page: Page, sections: list[PageSection], sources: dict[int, Source]
) -> tuple[dict[int, list[Reference]], dict[int, list[Passage]]]:
    """For each of ``sources`` (by id): the page's references to it (or to a source merged
    into it) and the sections citing it; each citing section notes its citation. Two
    queries."""
    merged = list(Source.objects.filter(merged_into_id__in=list(sources)).order_by("pk"))
    final = {pk: pk for pk in sources} | {s.pk: s.merged_into_id for s in merged}
    references: dict[int, list[Reference]] = {pk: [] for pk in sources}
    for reference in Reference.objects.filter(page=page, source_id__in=list(final)).order_by(
        "position", "id"
    ):
        references[final[reference.source_id]].append(reference)
    passages: dict[int, list[Passage]] = {}
    for pk, source in sources.items():
        related = [source, *(s for s in merged if s.merged_into_id == pk)]
        links = {normal_url(s.url) for s in related if s.url}
        links |= {normal_url(r.url) for r in references[pk] if r.url}
        identifiers = {s.identifier for s in related if s.identifier}
        passages[pk] = []
        for section in sections:
            how = _how_it_cites(section, links=links, identifiers=identifiers)
            if how:
                passages[pk].append(Passage(section.anchor, section.heading, how))
                section.cites.append(str(source))
    return references, passages


def source_check_screen(page: Page) -> SourceCheckScreen:
    """The page's open flags grouped by source, with the references and passages citing
    each, the whole page, and its earlier source checks. Six queries."""
    flags = open_flags_of(page.pk)
    sources = {flag.source_id: flag.source for flag in flags}
    publication, sections = _page_sections(page)
    references, passages = _sources_cited(page, sections, sources) if sources else ({}, {})
    checks = list(SourceCheck.objects.filter(page=page).select_related("source", "checked_by")[:20])
    return SourceCheckScreen(
        page=page,
        publication=publication,
        sections=sections,
        sources=[
            SourceToCheck(
                source=source,
                flags=[flag for flag in flags if flag.source_id == pk],
                references=references[pk],
                passages=passages[pk],
            )
            for pk, source in sources.items()
        ],
        checks=checks,
    )


def with_citing_passages(flags: list[ReviewFlag], *, page: Page) -> list[ReviewFlag]:
    """The flags, each with ``citing`` (its source's ``CitingPassages`` on this page), for a
    flags panel. Four queries when there are flags, none otherwise."""
    if not flags:
        return flags
    _, sections = _page_sections(page)
    _, passages = _sources_cited(page, sections, {flag.source_id: flag.source for flag in flags})
    for flag in flags:
        flag.citing = CitingPassages(passages[flag.source_id])
    return flags
