"""What the workflow does after every publication (``infopages.events``), once it is committed.

Plain-English figures are for the team's reports: they may follow the publication, and a
failure to score must never undo what readers already see.
"""

from infopages.events import AFTER_COMMIT, PagePublished, Publication, on_publication
from reviews.readability import scoring as readability
from reviews.readability.models import PageReadability


def score_readability(event: PagePublished) -> None:
    """Score each new snapshot once, from the HTML readers get (sections unchanged since the
    snapshot it replaced keep their figures)."""
    score_readability_all([event])


def score_readability_all(events: list[PagePublished]) -> None:
    """The same for many snapshots, in three queries however many there are."""
    events = [
        event
        for event in events
        if event.kind != Publication.TAKEN_DOWN
        # not scored for this language (``infopages.languages``)
        and event.publication.language_kind.plain_english
    ]
    if not events:
        return
    scored = set(  # scored meanwhile by ``manage.py score_readability``
        PageReadability.objects.filter(
            publication_id__in=[event.publication.pk for event in events]
        ).values_list("publication_id", flat=True)
    )
    replaced = [event.replaced.pk for event in events if event.replaced is not None]
    previous = {
        figures.publication_id: figures
        for figures in PageReadability.objects.filter(publication_id__in=replaced).only(
            "publication_id", "sections"
        )
    }
    PageReadability.objects.bulk_create(
        readability.figures_for(
            event.publication,
            previous=previous.get(event.replaced.pk) if event.replaced is not None else None,
        )
        for event in events
        if event.publication.pk not in scored
    )


def subscribe() -> None:
    """Called once by ``ReviewsConfig.ready``."""
    on_publication(score_readability, phase=AFTER_COMMIT, many=score_readability_all)
