"""Readability figures kept for the team's reports: each publication scored once, from the HTML
readers get. How a text is scored is ``infopages.plain_english`` (the editor and the change page
score drafts with it too).
"""

import hashlib

from infopages.models import PublishedPage
from infopages.plain_english import (
    Counts,
    count_sentences,
    score_counts,
    score_html,
    score_markdown,
    score_page,
    sentences_of_html,
    target_reading_age,
)
from reviews.readability.models import PageReadability

__all__ = [
    "figures_for",
    "record_for",
    "score_html",
    "score_markdown",
    "score_page",
    "target_reading_age",
]


def record_for(
    publication: PublishedPage, *, previous: PageReadability | None = None
) -> PageReadability:
    """Score a publication once, from the HTML readers get, for the team's reports.
    ``previous``: the figures of the publication it replaced, whose sections' figures are
    reused for sections whose HTML is the same."""
    readability = figures_for(publication, previous=previous)
    readability.save()
    return readability


def figures_for(
    publication: PublishedPage, *, previous: PageReadability | None = None
) -> PageReadability:
    """A publication's figures, unsaved (a caller scoring many saves them together).

    A section's figures depend only on its HTML, so a section whose HTML is exactly what
    ``previous`` scored (by digest; a shared block's republication changes only the
    sections holding the block) keeps its figures, and only the others are scored. The
    page's figure is computed from the sections' counts of words, sentences and syllables,
    which add up exactly to what scoring the whole page would count; figures kept before
    the counts were (no counts) mean the whole page is scored again."""
    sections = getattr(publication, "new_sections", None) or list(
        publication.sections.order_by("position").only("anchor", "heading", "html")
    )
    known = {
        entry["digest"]: entry
        for entry in (previous.sections if previous is not None else [])
        if "digest" in entry and "syllables" in entry
    }
    per_section, total = [], Counts(0, 0, 0)
    for section in sections:
        digest = _digest(section.html)
        entry = known.get(digest)
        if entry is None:
            sentences = sentences_of_html(section.html)
            counts = count_sentences(sentences)
            score = score_counts(counts)
            entry = (score.to_json() if score else {"reading_age": None}) | {
                "words": counts.words,
                "sentences": counts.sentences,
                "syllables": counts.syllables,
                "digest": digest,
            }
        per_section.append(
            {"anchor": section.anchor, "heading": section.heading}
            | {key: value for key, value in entry.items() if key not in ("anchor", "heading")}
        )
        total += Counts(entry["words"], entry["sentences"], entry["syllables"])
    page_score = score_counts(total)
    return PageReadability(
        publication=publication,
        page_id=publication.page_id,
        reading_age=page_score.reading_age if page_score else None,
        ease=page_score.ease if page_score else None,
        words=page_score.words if page_score else 0,
        sections=per_section,
    )


def _digest(html: str) -> str:
    return hashlib.blake2b(html.encode(), digest_size=12).hexdigest()
