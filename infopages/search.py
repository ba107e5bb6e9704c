"""Search over what readers can see: live published snapshots only, never the working copy.

On PostgreSQL: full-text search with English stemming, weighted title (A) > summary (B) >
body (C), ranked, with highlighted snippets; the GIN index in migration 0003 covers exactly
``search_vector()``. Elsewhere (SQLite in development): every word must appear somewhere,
title matches first.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from infopages.models import PublishedPage

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
SNIPPET_CHARS = 220

# Private-use characters mark highlights inside the database's snippet; the snippet is then
# escaped and only these markers become <mark> tags, so page text can never inject HTML.
_START, _STOP = "\ue000", "\ue001"
_HIGHLIGHT = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
_UNSEARCHABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")


@dataclass(frozen=True)
class SearchResult:
    publication: PublishedPage
    snippet: SafeString


def search_vector() -> SearchVector:
    """The weighted document; keep in step with the index in migration 0003."""
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("plain_text", weight="C", config="english")
    )


def clean_query(raw: str | None) -> str:
    """The reader's words, single-spaced and bounded, without control characters.

    PostgreSQL refuses a NUL in text outright (a 500 before this), and no control, surrogate
    or private-use character (our highlight markers are private-use) belongs in a search.
    """
    words = _UNSEARCHABLE.sub(" ", raw or "")
    return " ".join(words.split())[:MAX_QUERY_LENGTH]


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def matching_publications(query: str) -> QuerySet[PublishedPage]:
    """Live publications matching ``query``, best first (not yet snippeted)."""
    live = PublishedPage.objects.current()
    if uses_full_text_search():
        search_query = SearchQuery(query, config="english", search_type="websearch")
        return (
            live.annotate(document=search_vector())
            .filter(document=search_query)
            .annotate(rank=SearchRank(search_vector(), search_query))
            .annotate(
                headline=SearchHeadline(
                    "plain_text",
                    search_query,
                    config="english",
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
            .defer("plain_text", "source_versions", "approved_by")
            .order_by("-rank", "title", "id")
        )
    words = query.split()[:MAX_WORDS]
    if not words:
        return live.none()
    anywhere = [
        Q(title__icontains=w) | Q(summary__icontains=w) | Q(plain_text__icontains=w) for w in words
    ]
    return (
        live.filter(reduce(and_, anywhere))
        .annotate(
            score=Case(
                When(reduce(or_, [Q(title__icontains=w) for w in words]), then=Value(2)),
                When(reduce(or_, [Q(summary__icontains=w) for w in words]), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .defer("source_versions", "approved_by")
        .order_by("-score", "title", "id")
    )


def with_snippets(publications, query: str) -> list[SearchResult]:
    """Attach a short, escaped, highlighted extract of the body to each result."""
    return [SearchResult(p, _snippet(p, query)) for p in publications]


def _snippet(publication: PublishedPage, query: str) -> SafeString:
    headline = getattr(publication, "headline", None)
    if headline is None:
        headline = _python_headline(publication.plain_text, query)
    if _START not in headline:
        return mark_safe("")  # no body match: the summary says enough
    return highlight(headline)


def highlight(marked_text: str) -> SafeString:
    """Escape text whose highlights are marked with the private markers; emit only <mark>."""
    escaped = escape(marked_text)
    html = _HIGHLIGHT.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(html.replace(_START, "").replace(_STOP, ""))  # noqa: S308 (escaped above)


def _python_headline(text: str, query: str) -> str:
    """A snippet around the first match, for databases without ``ts_headline``."""
    words = [re.escape(w) for w in query.split()[:MAX_WORDS] if w]
    if not words or not text:
        return ""
    pattern = re.compile("|".join(words), re.IGNORECASE)
    first = pattern.search(text)
    if first is None:
        return ""
    start = max(0, first.start() - SNIPPET_CHARS // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > first.end() else end
    window = text[start:end].replace(_START, "").replace(_STOP, "")
    marked = pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", window)
    return ("… " if start else "") + marked + (" …" if end < len(text) else "")
