"""Reads for the public site. They touch only the published read model, never the working copy.

Even topic names come from the snapshots (each records its topic trail as signed off), so a
renamed topic reaches readers only through publication. A topic is shown to readers only
when at least one live page sits on it or below it. The one thing read from the working
copy's topics is their editorial order, which says nothing a reader could not see anyway.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from infopages.models import (
    Page,
    PublicReviewNotice,
    PublicWording,
    PublishedPage,
    PublishedSection,
    Topic,
)

# Search text, its index and provenance: big, and never shown on the public page.
UNSHOWN_COLUMNS = ("plain_text", "search_vector", "source_versions", "approved_by")


def with_review_notice(publications):
    """Annotate each publication with ``review_started_at`` (when the full review under way
    started, or None), ``notice_text`` and ``notice_changed_at`` (the wording publishers
    chose, or None for the default), in the same query."""
    wording = PublicWording.objects.filter(key=PublicWording.Key.REVIEW_NOTICE)
    under_way = PublicReviewNotice.objects.filter(page_id=OuterRef("page_id"), ended_at=None)
    return publications.annotate(
        review_started_at=Subquery(under_way.values("started_at")[:1]),
        notice_text=Subquery(wording.values("text")[:1]),
        notice_changed_at=Subquery(wording.values("updated_at")[:1]),
    )


def live_publication(*, slug: str) -> PublishedPage | None:
    """The snapshot readers see now at ``/info/<slug>/``, in one indexed query without joins,
    with whether readers are told it is being reviewed.

    Enough to answer a conditional request and to render the page; its sections
    (``published_sections``) are fetched only when the page is rendered.
    """
    # At most one snapshot is current at a slug (a database constraint): no ORDER BY needed.
    candidates = PublishedPage.objects.current().filter(slug=slug).defer(*UNSHOWN_COLUMNS)
    return with_review_notice(candidates.order_by()).first()


def moved_to(*, slug: str) -> PublishedPage | None:
    """Where a page once live at ``slug`` lives now, if it moved to another address."""
    earlier = (
        PublishedPage.objects.filter(slug=slug)
        .order_by("-published_at", "-id")
        .values("page_id")[:1]
    )
    return (
        PublishedPage.objects.current()
        .filter(page_id=Subquery(earlier))
        .exclude(slug=slug)
        .only("slug")
        .first()
    )


def published_sections(
    publication: PublishedPage, *, with_text: bool = False
) -> list[PublishedSection]:
    """A snapshot's sections in order; their plain text only when asked for (the API)."""
    sections = PublishedSection.objects.filter(publication=publication).order_by("position")
    if not with_text:
        sections = sections.only("position", "heading", "anchor", "html")
    else:
        sections = sections.defer("search_vector")
    return list(sections)


@dataclass(frozen=True)
class TopicCrumb:
    """One topic on the way down to a page: its name and its path ("cancer-types/breast")."""

    name: str
    path: str

    def get_absolute_url(self) -> str:
        return topic_url(self.path)


def topic_crumbs(publication: PublishedPage) -> list[TopicCrumb]:
    """The topics above a page, root first, as the publication records them (no query)."""
    crumbs, prefix = [], ""
    for step in publication.topic_trail:
        prefix = f"{prefix}/{step['slug']}" if prefix else step["slug"]
        crumbs.append(TopicCrumb(name=step["name"], path=prefix))
    return crumbs


def publication_as_of(*, slug: str, moment: datetime) -> PublishedPage | None:
    """What readers saw at ``slug`` at a past moment (None if nothing was live then)."""
    return PublishedPage.objects.filter(slug=slug).live_at(moment).newest_first().first()


def publications_during(*, page: Page, day: date) -> list[PublishedPage]:
    """Every snapshot of ``page`` that readers could see at some moment of ``day`` (in the
    site's time zone), newest first: the one live at the day's start and any published that day.
    """
    starts = timezone.make_aware(datetime.combine(day, time.min))
    ends = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return list(
        PublishedPage.objects.filter(page=page)
        .live_during(starts, ends)
        .select_related("published_by")
        .defer("plain_text", "search_vector", "source_versions")
        .order_by("-published_at", "-id")
    )


def live_related(publication: PublishedPage) -> list[PublishedPage]:
    """Related pages that are themselves live now, in the order the editor chose."""
    if not publication.related_page_ids:
        return []
    live = {
        p.page_id: p
        for p in PublishedPage.objects.current()
        .filter(page_id__in=publication.related_page_ids)
        .order_by()  # the editor's order is applied below
        .only("page_id", "slug", "title", "published_at", "language")
    }
    return [live[pk] for pk in publication.related_page_ids if pk in live]


def live_publications(*, order_by: str = "title"):
    """Every live snapshot, for lists (the API, the sitemap, the feed), with its notice."""
    live = PublishedPage.objects.current().defer(*UNSHOWN_COLUMNS).order_by(order_by, "id")
    return with_review_notice(live)


@dataclass
class TopicNode:
    """A topic in the public topic tree, with how many live pages sit on it and below it."""

    topic_id: int
    slug: str
    name: str
    path: str
    position: tuple = ()
    parent: "TopicNode | None" = None
    children: list["TopicNode"] = field(default_factory=list)
    direct_count: int = 0  # live pages filed on this topic itself
    page_count: int = 0  # live pages here and below

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return topic_url(self.path)

    def ancestry(self) -> list["TopicNode"]:
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


def topic_url(path: str) -> str:
    return reverse("infopages:topic", kwargs={"topic_path": path})


def live_topic_tree() -> list[TopicNode]:
    """The topics live pages sit on, with the names their newest publications give them, in
    the editors' order: two queries, whose answers grow with the topics, not the pages.

    The database returns one row per topic path: the newest live publication's trail there
    and how many live pages share the path.
    """
    newest_first = [F("published_at").desc(), F("id").desc()]
    per_path = (
        PublishedPage.objects.current()
        .filter(language="")  # versions are reached from their English page
        .annotate(
            newest=Window(RowNumber(), partition_by=[F("topic_path")], order_by=newest_first),
            here=Window(Count("id"), partition_by=[F("topic_path")]),
        )
        .filter(newest=1)
        .order_by()
        .values_list("topic_trail", "here", "published_at", "id")
    )
    order = {
        pk: (position, name)
        for pk, position, name in Topic.objects.values_list("pk", "position", "name")
    }
    nodes: dict[str, TopicNode] = {}
    # Oldest first: newer trails overwrite older names below.
    for trail, here, _published_at, _id in sorted(per_path, key=lambda row: row[2:]):
        parent = None
        for step in trail:
            path = f"{parent.path}/{step['slug']}" if parent else step["slug"]
            node = nodes.get(path)
            if node is None:
                node = nodes[path] = TopicNode(step["id"], step["slug"], step["name"], path)
                node.parent = parent
                if parent is not None:
                    parent.children.append(node)
            node.name = step["name"]
            parent = node
        if parent is not None:
            parent.direct_count += here
    for node in nodes.values():
        node.position = order.get(node.topic_id, (0, node.name.lower()))
        node.children.sort(key=lambda child: child.position)

    def count(node: TopicNode) -> int:
        node.page_count = node.direct_count + sum(count(child) for child in node.children)
        return node.page_count

    roots = sorted((n for n in nodes.values() if n.parent is None), key=lambda n: n.position)
    for root in roots:
        count(root)
    return roots


def live_pages_in_topic(path: str):
    """The live pages filed on the topic at ``path`` itself, A to Z (for a paginator)."""
    return (
        PublishedPage.objects.current()
        .filter(topic_path=path, language="")
        .only("slug", "title", "summary", "page_id", "published_at", "language")
        .order_by("title", "id")
    )


def live_addresses():
    """Every live page's address and publication time, by address (for the sitemap)."""
    return (
        PublishedPage.objects.current()
        .only("slug", "published_at", "language", "page_id", "source_page_id")
        .order_by("language", "slug", "id")
    )


def live_families(publications) -> dict[int, list[PublishedPage]]:
    """The live English page and versions of each publication's family, by the English
    page's id (one query): for hreflang alternates in the sitemap."""
    roots = {p.source_page_id or p.page_id for p in publications}
    if not roots:
        return {}
    live = (
        PublishedPage.objects.current()
        .filter(Q(page_id__in=roots) | Q(source_page_id__in=roots))
        .only("slug", "language", "page_id", "source_page_id")
        .order_by("language", "id")
    )
    families: dict[int, list[PublishedPage]] = {}
    for publication in live:
        families.setdefault(publication.source_page_id or publication.page_id, []).append(
            publication
        )
    return families


def recently_updated(limit: int, *, language: str = "") -> list[PublishedPage]:
    """The live pages in ``language`` (empty: English) published most recently, newest first,
    with what each publication did (its kind and public note, for the feed)."""
    return list(
        PublishedPage.objects.current()
        .filter(language=language)
        .only(
            "slug", "title", "summary", "page_id", "published_at", "kind", "public_note", "language"
        )
        .order_by("-published_at", "-id")[:limit]
    )


def find_topic(tree: list[TopicNode], path: str) -> TopicNode | None:
    """The node at ``path`` ("cancer-types/breast-cancer") in a live topic tree."""
    nodes, found = tree, None
    for slug in path.strip("/").split("/"):
        found = next((node for node in nodes if node.slug == slug), None)
        if found is None:
            return None
        nodes = found.children
    return found


def all_topics(tree: list[TopicNode]) -> list[TopicNode]:
    """Every topic in the tree, in tree order."""
    found, stack = [], list(reversed(tree))
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(node.children))
    return found
