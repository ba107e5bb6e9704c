"""What the workflow does after every publication (``infopages.events``), once it is committed.

Plain-English figures are for the team's reports: they may follow the publication, and a
failure to score must never undo what readers already see.
"""

from infopages.events import AFTER_COMMIT, PagePublished, Publication, on_publication
from reviews.readability import scoring as readability
from reviews.readability.models import PageReadability


def score_readability(event: PagePublished) -> None:
    """Score each new snapshot once, from the HTML readers get."""
    if event.kind == Publication.TAKEN_DOWN:
        return
    if not event.publication.language_kind.plain_english:
        return  # not scored for this language (``infopages.languages``)
    if PageReadability.objects.filter(publication=event.publication).exists():
        return  # scored meanwhile by ``manage.py score_readability``
    readability.record_for(event.publication)


def subscribe() -> None:
    """Called once by ``ReviewsConfig.ready``."""
    on_publication(score_readability, phase=AFTER_COMMIT)
