"""Search over what readers can see: live published snapshots only, never the working copy.

Every search uses an index written at publication (``infopages.search_index``):

- PostgreSQL: full-text search with English stemming over each snapshot's stored vector
  (title A > summary B > body C), counted and ranked through its GIN index.
- SQLite: an FTS5 table (porter stemming), ranked by BM25 with the same weighting.

Both match whole words only. Snippets are built for the page of results shown and nothing
else: for each result, from the section that matched best, which the result links to
(``/info/<slug>/#<anchor>``). Page text is escaped; only highlights become ``<mark>``.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from infopages.models import PublishedPage, PublishedSection
from infopages.search_index import PAGE_TABLE, SECTION_TABLE, uses_postgresql

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
SNIPPET_WORDS = 30

# Private-use characters mark highlights inside the database's snippet; the snippet is then
# escaped and only these markers become <mark> tags, so page text can never inject HTML.
_START, _STOP = "\ue000", "\ue001"
_HIGHLIGHT = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
_UNSEARCHABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")
_WORD = re.compile(r"\w+")
# Plain text keeps each block (paragraph, list item) on its own line; a snippet shows where
# one ends and the next begins.
BLOCK_SEPARATOR = " · "
# What a result shows: never the big search columns.
_UNSHOWN = ("plain_text", "search_vector", "source_versions", "approved_by", "references")
_SHOWN = ("id", "page_id", "slug", "title", "summary", "topic_path", "published_at")


@dataclass(frozen=True)
class SearchResult:
    publication: PublishedPage
    snippet: SafeString
    anchor: str = ""

    @property
    def url(self) -> str:
        """The page, at the section that matched best when one did."""
        url = self.publication.get_absolute_url()
        return f"{url}#{self.anchor}" if self.anchor else url


def clean_query(raw: str | None) -> str:
    """The reader's words, single-spaced and bounded, without control characters.

    PostgreSQL refuses a NUL in text outright (a 500 before this), and no control, surrogate
    or private-use character (our highlight markers are private-use) belongs in a search.
    """
    words = _UNSEARCHABLE.sub(" ", raw or "")
    return " ".join(words.split())[:MAX_QUERY_LENGTH]


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def query_words(query: str) -> list[str]:
    """The words of a query (letters and digits), at most ``MAX_WORDS``."""
    return _WORD.findall(query.replace("\x00", " "))[:MAX_WORDS]


def matching_publications(query: str):
    """Live publications matching every word of ``query``, best first, not yet snippeted: a
    sliceable sequence with ``count()``, for a ``Paginator``."""
    query = query.replace("\x00", " ")
    if not query_words(query):
        return PublishedPage.objects.none()
    if uses_postgresql():
        search_query = SearchQuery(query, config="english", search_type="websearch")
        return (
            PublishedPage.objects.current()
            .filter(search_vector=search_query)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .defer(*_UNSHOWN)
            .order_by("-rank", "title", "id")
        )
    return _Fts5Matches(_fts5_all_words(query))


def _fts5_all_words(query: str) -> str:
    return " ".join(f'"{word}"' for word in query_words(query))


def _fts5_any_word(query: str) -> str:
    return " OR ".join(f'"{word}"' for word in query_words(query))


class _Fts5Matches:
    """Matches in SQLite's FTS5 table of live pages, ranked by BM25 (title weighs most)."""

    RANK = f"bm25({PAGE_TABLE}, 10.0, 4.0, 1.0)"

    def __init__(self, match: str):
        self.match = match

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {PAGE_TABLE} "
                f"JOIN infopages_publishedpage p ON p.id = {PAGE_TABLE}.rowid "
                f"WHERE {PAGE_TABLE} MATCH %s AND p.is_current",
                [self.match],
            )
            return cursor.fetchone()[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        limit = -1 if stop is None else max(stop - start, 0)
        shown = ", ".join(f"p.{column}" for column in _SHOWN)
        return list(
            PublishedPage.objects.raw(
                f"SELECT {shown} FROM {PAGE_TABLE} "
                f"JOIN infopages_publishedpage p ON p.id = {PAGE_TABLE}.rowid "
                f"WHERE {PAGE_TABLE} MATCH %s AND p.is_current "
                f"ORDER BY {self.RANK}, p.title, p.id LIMIT %s OFFSET %s",
                [self.match, limit, start],
            )
        )


def with_snippets(publications, query: str) -> list[SearchResult]:
    """Each result with the section that matched best (its anchor) and a short, escaped,
    highlighted extract of it; two queries for the whole page of results."""
    publications = list(publications)
    if not publications or not query_words(query):
        return [SearchResult(p, mark_safe("")) for p in publications]
    ids = [p.pk for p in publications]
    if uses_postgresql():
        best = _best_sections_postgresql(ids, query)
    else:
        best = _best_sections_fts5(ids, query)
    results = []
    for publication in publications:
        anchor, marked = best.get(publication.pk, ("", ""))
        snippet = highlight(marked) if _START in marked else mark_safe("")
        results.append(SearchResult(publication, snippet, anchor))
    return results


def _any_word_query(query: str) -> SearchQuery:
    return reduce(
        or_,
        [SearchQuery(word, config="english", search_type="plain") for word in query_words(query)],
    )


def _best_sections_postgresql(ids: list[int], query: str) -> dict[int, tuple[str, str]]:
    any_word = _any_word_query(query)
    ranked = (
        PublishedSection.objects.filter(publication_id__in=ids, search_vector=any_word)
        .annotate(rank=SearchRank(F("search_vector"), any_word))
        .order_by("publication_id", "-rank", "position")
        .values_list("pk", "publication_id")
    )
    chosen: dict[int, int] = {}
    for section_id, publication_id in ranked:
        chosen.setdefault(publication_id, section_id)
    headlines = PublishedSection.objects.filter(pk__in=chosen.values()).annotate(
        headline=SearchHeadline(
            "plain_text",
            any_word,
            config="english",
            start_sel=_START,
            stop_sel=_STOP,
            max_words=SNIPPET_WORDS,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    )
    return {
        s.publication_id: (s.anchor, s.headline)
        for s in headlines.only("pk", "publication_id", "anchor")
    }


def _best_sections_fts5(ids: list[int], query: str) -> dict[int, tuple[str, str]]:
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {SECTION_TABLE}.publication_id, s.anchor, "
            f"snippet({SECTION_TABLE}, 1, %s, %s, ' … ', {SNIPPET_WORDS}) "
            f"FROM {SECTION_TABLE} JOIN infopages_publishedsection s "
            f"ON s.id = {SECTION_TABLE}.rowid "
            f"WHERE {SECTION_TABLE} MATCH %s AND {SECTION_TABLE}.rowid IN "
            f"(SELECT id FROM infopages_publishedsection WHERE publication_id IN ({placeholders})) "
            f"ORDER BY bm25({SECTION_TABLE}, 4.0, 1.0), s.position",
            [_START, _STOP, _fts5_any_word(query), *ids],
        )
        rows = cursor.fetchall()
    best: dict[int, tuple[str, str]] = {}
    for publication_id, anchor, snippet in rows:
        best.setdefault(publication_id, (anchor, snippet))
    return best


def highlight(marked_text: str) -> SafeString:
    """Escape text whose highlights are marked with the private markers; emit only <mark>.
    Blocks of the text (list items, paragraphs) stay apart."""
    escaped = escape(marked_text.replace("\n", BLOCK_SEPARATOR))
    html = _HIGHLIGHT.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(html.replace(_START, "").replace(_STOP, ""))  # noqa: S308 (escaped above)
