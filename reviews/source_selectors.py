"""Reads of the evidence register for the workspace: the register itself, one source with
the pages citing it, broken links, and the counts the dashboard shows. Each is a fixed
number of queries, whatever the number of sources or pages."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from infopages.models import Page, PublishedPage, Reference, Source
from reviews.flags import has_open_flag
from reviews.models import ReviewFlag

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
