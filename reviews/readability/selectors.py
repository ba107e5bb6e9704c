"""The plain-English report's reads."""

from django.db.models import Q, QuerySet

from infopages.models import PublishedPage
from reviews.readability.models import PageReadability


def _under(topic_path: str) -> Q:
    if not topic_path:
        return Q()
    return Q(publication__topic_path=topic_path) | Q(
        publication__topic_path__startswith=f"{topic_path}/"
    )


def hardest_to_read(*, topic_path: str = "") -> QuerySet[PageReadability]:
    """Live pages, hardest to read first, under a topic (its path) or everywhere."""
    return (
        PageReadability.objects.filter(publication__is_current=True, reading_age__isnull=False)
        .filter(_under(topic_path))
        .select_related("publication")
        .defer("publication__plain_text", "publication__source_versions")
        .order_by("-reading_age", "publication__title", "id")
    )


def live_pages_without_score(*, topic_path: str = "") -> int:
    under = (
        Q(topic_path=topic_path) | Q(topic_path__startswith=f"{topic_path}/") if topic_path else Q()
    )
    return PublishedPage.objects.current().filter(under, readability__isnull=True).count()
