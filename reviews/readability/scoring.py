"""Readability figures kept for the team's reports: each publication scored once, from the HTML
readers get. How a text is scored is ``infopages.plain_english`` (the editor and the change page
score drafts with it too).
"""

from infopages.models import PublishedPage
from infopages.plain_english import (
    score_html,
    score_markdown,
    score_page,
    score_sentences,
    sentences_of_html,
    target_reading_age,
)
from reviews.readability.models import PageReadability

__all__ = ["record_for", "score_html", "score_markdown", "score_page", "target_reading_age"]


def record_for(publication: PublishedPage) -> PageReadability:
    """Score a publication once, from the HTML readers get, for the team's reports."""
    sections = getattr(publication, "new_sections", None) or list(
        publication.sections.order_by("position").only("anchor", "heading", "html")
    )
    page_score = score_page([section.html for section in sections])
    per_section = []
    for section in sections:
        score = score_sentences(sentences_of_html(section.html))
        entry = {"anchor": section.anchor, "heading": section.heading}
        per_section.append(entry | (score.to_json() if score else {"reading_age": None}))
    return PageReadability.objects.create(
        publication=publication,
        page_id=publication.page_id,
        reading_age=page_score.reading_age if page_score else None,
        ease=page_score.ease if page_score else None,
        words=page_score.words if page_score else 0,
        sections=per_section,
    )
