"""Reads for the public site. They touch only the published read model, never the working copy."""

from datetime import datetime

from django.db.models import Prefetch, Q

from infopages.models import PublishedPage, PublishedSection, Topic


def live_publication(*, slug: str) -> PublishedPage | None:
    """The snapshot readers see now at ``/info/<slug>/``, with its sections, in two queries."""
    return (
        PublishedPage.objects.current()
        .filter(slug=slug)
        .select_related("topic", "topic__parent", "topic__parent__parent")
        .prefetch_related(
            Prefetch("sections", queryset=PublishedSection.objects.order_by("position"))
        )
        .first()
    )


def publication_as_of(*, slug: str, moment: datetime) -> PublishedPage | None:
    """What readers saw at ``slug`` at a past moment (None if nothing was live then)."""
    return (
        PublishedPage.objects.filter(slug=slug, published_at__lte=moment)
        .filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=moment))
        .order_by("-published_at", "-id")
        .first()
    )


def live_related(publication: PublishedPage) -> list[PublishedPage]:
    """Related pages that are themselves live now, in the order the editor chose."""
    if not publication.related_slugs:
        return []
    live = {
        p.slug: p
        for p in PublishedPage.objects.current()
        .filter(slug__in=publication.related_slugs)
        .only("slug", "title", "summary")
    }
    return [live[slug] for slug in publication.related_slugs if slug in live]


def live_pages_by_topic() -> list[tuple[Topic, list[PublishedPage]]]:
    """Live pages grouped by topic, topics in tree order, for the home page."""
    publications = (
        PublishedPage.objects.current()
        .select_related("topic", "topic__parent", "topic__parent__parent")
        .order_by("title")
    )
    grouped: dict[Topic, list[PublishedPage]] = {}
    for publication in publications:
        grouped.setdefault(publication.topic, []).append(publication)
    return sorted(grouped.items(), key=lambda item: str(item[0]))
