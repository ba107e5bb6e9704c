"""Reads for the public site. They touch only the published read model, never the working copy.

Topics are the one exception: they are the shelves pages sit on, not content. Even so, a topic
is shown to readers only when at least one live page sits on it or below it, so an empty
shelf set up for pages still in draft gives nothing away.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from infopages.models import Page, PublishedPage, PublishedSection, Topic

# Deep enough for every breadcrumb of a topic tree up to four levels, in the page's one query.
TOPIC_CHAIN = ("topic", "topic__parent", "topic__parent__parent", "topic__parent__parent__parent")
# Search text and provenance: big, and never shown on the public page.
UNSHOWN_COLUMNS = ("plain_text", "source_versions", "approved_by")


def live_publication(*, slug: str) -> PublishedPage | None:
    """The snapshot readers see now at ``/info/<slug>/``, in one indexed query without joins.

    Enough to answer a conditional request and to render the page; its sections
    (``published_sections``) and its topic trail (``topic_trail``) are fetched only when the
    page is rendered. The topic chain is not joined here: that join costs more than the rest
    of the query, and a request answered with a 304 or from memory never needs it.
    """
    # Newest first is chosen here, not in SQL: an ORDER BY costs more to compile than the
    # query takes to run, and at most one or two snapshots are ever current at one slug.
    candidates = PublishedPage.objects.current().filter(slug=slug).defer(*UNSHOWN_COLUMNS)
    return max(candidates.order_by(), key=_recency, default=None)


def _recency(publication: PublishedPage) -> tuple:
    return (publication.published_at, publication.pk)


def live_publication_with_topics(*, slug: str) -> PublishedPage | None:
    """As ``live_publication``, with the topic chain joined (the API names the topic path)."""
    candidates = (
        PublishedPage.objects.current()
        .filter(slug=slug)
        .select_related(*TOPIC_CHAIN)
        .defer(*UNSHOWN_COLUMNS)
    )
    return max(candidates.order_by(), key=_recency, default=None)


def published_sections(
    publication: PublishedPage, *, with_text: bool = False
) -> list[PublishedSection]:
    """A snapshot's sections in order; their plain text only when asked for (the API)."""
    sections = PublishedSection.objects.filter(publication=publication).order_by("position")
    if not with_text:
        sections = sections.only("position", "heading", "anchor", "html")
    return list(sections)


@dataclass(frozen=True)
class TopicCrumb:
    """One topic on the way down to a page: its name and its path ("cancer-types/breast")."""

    name: str
    path: str

    def get_absolute_url(self) -> str:
        return topic_url(self.path)


def topic_trail(*, topic_id: int) -> list[TopicCrumb]:
    """A topic and the topics above it, root first, with today's names.

    One query over the whole tree (it is small), so a page's breadcrumbs cost the same at any
    depth and no join is needed when the page is not rendered.
    """
    tree = {
        pk: (parent_id, name, slug)
        for pk, parent_id, name, slug in Topic.objects.order_by().values_list(
            "pk", "parent_id", "name", "slug"
        )
    }
    chain: list[tuple[str, str]] = []
    node = topic_id
    while node is not None and len(chain) <= len(tree):
        parent_id, name, slug = tree[node]
        chain.append((name, slug))
        node = parent_id
    crumbs, prefix = [], ""
    for name, slug in reversed(chain):
        prefix = f"{prefix}/{slug}" if prefix else slug
        crumbs.append(TopicCrumb(name=name, path=prefix))
    return crumbs


def publication_as_of(*, slug: str, moment: datetime) -> PublishedPage | None:
    """What readers saw at ``slug`` at a past moment (None if nothing was live then)."""
    return (
        PublishedPage.objects.filter(slug=slug, published_at__lte=moment)
        .filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=moment))
        .order_by("-published_at", "-id")
        .first()
    )


def publications_during(*, page: Page, day: date) -> list[PublishedPage]:
    """Every snapshot of ``page`` that readers could see at some moment of ``day`` (in the
    site's time zone), newest first: the one live at the day's start and any published that day.
    """
    starts = timezone.make_aware(datetime.combine(day, time.min))
    ends = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return list(
        PublishedPage.objects.filter(page=page, published_at__lt=ends)
        .filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=starts))
        .select_related("published_by")
        .defer("plain_text", "source_versions")
        .order_by("-published_at", "-id")
    )


def live_related(publication: PublishedPage) -> list[PublishedPage]:
    """Related pages that are themselves live now, in the order the editor chose."""
    if not publication.related_slugs:
        return []
    live = {
        p.slug: p
        for p in PublishedPage.objects.current()
        .filter(slug__in=publication.related_slugs)
        .order_by()  # the editor's order is applied below
        .only("slug", "title", "published_at")
    }
    return [live[slug] for slug in publication.related_slugs if slug in live]


def live_pages_by_topic() -> list[tuple[Topic, list[PublishedPage]]]:
    """Live pages grouped by topic, topics in tree order, for the home page."""
    publications = (
        PublishedPage.objects.current()
        .select_related(*TOPIC_CHAIN)
        .defer(*UNSHOWN_COLUMNS)
        .order_by("title")
    )
    grouped: dict[Topic, list[PublishedPage]] = {}
    for publication in publications:
        grouped.setdefault(publication.topic, []).append(publication)
    return sorted(grouped.items(), key=lambda item: str(item[0]))


def live_publications(*, order_by: str = "title"):
    """Every live snapshot, with its topic, for lists (the API, the sitemap, the feed)."""
    return (
        PublishedPage.objects.current()
        .select_related(*TOPIC_CHAIN)
        .defer(*UNSHOWN_COLUMNS)
        .order_by(order_by, "id")
    )


@dataclass
class TopicNode:
    """A topic in the public topic tree, with the live pages filed directly under it."""

    topic: Topic
    path: str
    parent: "TopicNode | None" = None
    children: list["TopicNode"] = field(default_factory=list)
    publications: list[PublishedPage] = field(default_factory=list)
    page_count: int = 0  # live pages here and below

    @property
    def name(self) -> str:
        return self.topic.name

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
    """The topic tree pruned to topics with live pages at or below them, in two queries."""
    topics = list(Topic.objects.order_by("position", "name"))
    publications = PublishedPage.objects.current().only("slug", "title", "summary", "topic_id")
    nodes = {topic.pk: TopicNode(topic=topic, path="") for topic in topics}
    for publication in publications.order_by("title"):
        nodes[publication.topic_id].publications.append(publication)
    roots: list[TopicNode] = []
    for topic in topics:
        node = nodes[topic.pk]
        if topic.parent_id is None:
            roots.append(node)
        else:
            node.parent = nodes[topic.parent_id]
            node.parent.children.append(node)

    def finish(node: TopicNode, prefix: str) -> int:
        node.path = f"{prefix}/{node.topic.slug}" if prefix else node.topic.slug
        node.page_count = len(node.publications) + sum(finish(c, node.path) for c in node.children)
        node.children = [child for child in node.children if child.page_count]
        return node.page_count

    for root in roots:
        finish(root, "")
    return [root for root in roots if root.page_count]


def find_topic(tree: list[TopicNode], path: str) -> TopicNode | None:
    """The node at ``path`` ("cancer-types/breast-cancer") in a live topic tree."""
    nodes, found = tree, None
    for slug in path.strip("/").split("/"):
        found = next((node for node in nodes if node.topic.slug == slug), None)
        if found is None:
            return None
        nodes = found.children
    return found
