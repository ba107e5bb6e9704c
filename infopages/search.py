"""Search over what readers can see: live published snapshots only, never the working copy.

Every search uses an index written at publication (``infopages.search_index``):

- PostgreSQL: full-text search with English stemming over each snapshot's stored vector
  (title A > summary B > body C), counted and ranked through its GIN index.
- SQLite: an FTS5 table (porter stemming), ranked by BM25 with the same weighting.

Both match whole words only. The work per query is bounded whatever the number of matches
(common words match every page): at most ``SEARCH_CANDIDATES`` pages are ranked (PostgreSQL:
pages matching in their title, then the first others the index gives; SQLite: FTS5 ranks
inside its index, without reading a page), the count stops at one more than that (readers
are told "more than 200" and asked for another word), and snippets are built for the 20
results shown and nothing else: for each, from the section that matched best (PostgreSQL)
or the first that matched (SQLite), which the result links to (``/info/<slug>/#<anchor>``).
The ranked ids and the count are kept per normalised query in the worker's memory, until a
publication. Page text is escaped; only highlights become ``<mark>``.
"""

import dataclasses
import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from infopages import caching
from infopages.languages import kind_of_language
from infopages.models import PublishedPage, PublishedSection
from infopages.search_index import PAGE_TABLE, SECTION_TABLE, uses_postgresql

SEARCH_CANDIDATES = 200  # ten pages of results
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
_SHOWN = ("id", "page_id", "slug", "title", "summary", "topic_path", "published_at", "language")


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


@dataclasses.dataclass(frozen=True)
class Hits:
    """The ranked ids of a query's best matches (at most ``SEARCH_CANDIDATES``) and how many
    pages match, counted up to one more than that. Kept in the worker's memory like a page."""

    ids: tuple[int, ...]
    count: int
    tags: frozenset[str]
    built_at: int

    @property
    def size(self) -> int:
        return 28 * len(self.ids) + 400

    @property
    def more(self) -> bool:
        """More pages match than were ranked."""
        return self.count > SEARCH_CANDIDATES


def normalised(query: str) -> str:
    """What makes two queries the same search (case and spacing do not)."""
    return " ".join(query.lower().split())


def hits(query: str, language: str = "") -> Hits:
    """The best matches of ``query`` among the pages in ``language`` (empty: English): from
    this worker's memory, or two bounded queries."""
    query = query.replace("\x00", " ")
    built_at = caching.changes_seen()
    memory = caching.process_page_cache()
    key = f"search-hits:{language}:" + normalised(query)
    if memory is not None:
        kept = memory.get(key)
        if isinstance(kept, Hits) and caching.is_fresh(kept.tags, kept.built_at):
            return kept
    if not query_words(query):
        ids, count = (), 0
    elif uses_postgresql():
        ids, count = _ranked_postgresql(query, language)
    else:
        ids, count = _ranked_fts5(query, language)
    found = Hits(tuple(ids), count, frozenset({caching.LISTING}), built_at)
    if memory is not None:
        memory.put(key, found)
    return found


def _ranked_postgresql(query: str, language: str = "") -> tuple[list[int], int]:
    """Rank at most the pages matching in their title and the first ``SEARCH_CANDIDATES`` + 1
    others the index gives (title A > summary B > body C), never every match. A version's
    language is searched with its own configuration, among its pages only (few: the title's
    own index is English, and the vector weighs the title first anyway)."""
    table = PublishedPage._meta.db_table
    config = kind_of_language(language).search_config
    title = (
        f"SELECT p.id FROM {table} p, q WHERE p.is_current AND p.language = %s "
        f"AND to_tsvector('english'::regconfig, p.title) @@ q.q LIMIT %s"
        if config == "english"
        else "SELECT NULL::bigint AS id WHERE %s IS NULL AND %s IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH q AS (SELECT websearch_to_tsquery(%s::regconfig, %s) AS q), "
            f"body AS (SELECT p.id FROM {table} p, q WHERE p.is_current AND p.language = %s "
            f"AND p.search_vector @@ q.q LIMIT %s), "
            f"title AS ({title}) "
            f"SELECT p.id, (SELECT count(*) FROM body) FROM {table} p, q "
            f"WHERE p.id IN (SELECT id FROM body UNION SELECT id FROM title) "
            f"ORDER BY ts_rank(p.search_vector, q.q) DESC, p.title, p.id LIMIT %s",
            [
                config,
                query,
                language,
                SEARCH_CANDIDATES + 1,
                language,
                SEARCH_CANDIDATES,
                SEARCH_CANDIDATES,
            ],
        )
        rows = cursor.fetchall()
    return [pk for pk, _ in rows], (rows[0][1] if rows else 0)


def _ranked_fts5(query: str, language: str = "") -> tuple[list[int], int]:
    """FTS5 ranks the matches by BM25 inside its index (title weighs most) without reading a
    page; the table holds live pages only, of every language (one tokenizer for all), so
    the matches are kept to the pages in ``language``."""
    match = _fts5_all_words(query)
    table = PublishedPage._meta.db_table
    in_language = f"rowid IN (SELECT id FROM {table} WHERE is_current AND language = %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, (SELECT count(*) FROM (SELECT 1 FROM {PAGE_TABLE} "
            f"WHERE {PAGE_TABLE} MATCH %s AND {in_language} LIMIT %s)) FROM {PAGE_TABLE} "
            f"WHERE {PAGE_TABLE} MATCH %s AND {in_language} "
            f"ORDER BY {_Fts5.RANK}, rowid LIMIT %s",
            [match, language, SEARCH_CANDIDATES + 1, match, language, SEARCH_CANDIDATES],
        )
        rows = cursor.fetchall()
    return [pk for pk, _ in rows], (rows[0][1] if rows else 0)


class _Fts5:
    RANK = f"bm25({PAGE_TABLE}, 10.0, 4.0, 1.0)"


class Matches:
    """A query's best matches as a sliceable sequence with ``count()``, for a ``Paginator``:
    only the slice shown is read from the database (live snapshots only)."""

    def __init__(self, found: Hits):
        self.found = found

    def count(self) -> int:
        return min(self.found.count, SEARCH_CANDIDATES)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = list(self.found.ids[index])
        shown = {
            p.pk: p
            for p in PublishedPage.objects.current().filter(pk__in=ids).only(*_SHOWN).order_by()
        }
        return [shown[pk] for pk in ids if pk in shown]


def matching_publications(query: str, language: str = "") -> Matches:
    """Live publications in ``language`` matching every word of ``query``, best first, not
    yet snippeted."""
    return Matches(hits(query, language))


def _fts5_all_words(query: str) -> str:
    return " ".join(f'"{word}"' for word in query_words(query))


def _fts5_any_word(query: str) -> str:
    return " OR ".join(f'"{word}"' for word in query_words(query))


def with_snippets(publications, query: str, language: str = "") -> list[SearchResult]:
    """Each result with the section that matched best (its anchor) and a short, escaped,
    highlighted extract of it; two queries for the whole page of results."""
    publications = list(publications)
    if not publications or not query_words(query):
        return [SearchResult(p, mark_safe("")) for p in publications]
    ids = [p.pk for p in publications]
    if uses_postgresql():
        best = _best_sections_postgresql(ids, query, kind_of_language(language).search_config)
    else:
        best = _best_sections_fts5(ids, query)
    results = []
    for publication in publications:
        anchor, marked = best.get(publication.pk, ("", ""))
        snippet = highlight(marked) if _START in marked else mark_safe("")
        results.append(SearchResult(publication, snippet, anchor))
    return results


def _any_word_query(query: str, config: str = "english") -> SearchQuery:
    return reduce(
        or_,
        [SearchQuery(word, config=config, search_type="plain") for word in query_words(query)],
    )


def _best_sections_postgresql(
    ids: list[int], query: str, config: str = "english"
) -> dict[int, tuple[str, str]]:
    any_word = _any_word_query(query, config)
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
            config=config,
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
    """The first section of each page (in page order) that matches a word of the query, with
    a snippet of it. A page's sections have neighbouring ids, so FTS5 seeks to each page's
    range instead of reading every section that matches (every one, for common words)."""
    sections = "infopages_publishedsection"
    parts, params = [], []
    for publication_id in ids:
        parts.append(
            f"SELECT * FROM (SELECT rowid AS section_id, publication_id, "
            f"snippet({SECTION_TABLE}, 1, %s, %s, ' … ', {SNIPPET_WORDS}) AS marked "
            f"FROM {SECTION_TABLE} WHERE {SECTION_TABLE} MATCH %s AND rowid BETWEEN "
            f"(SELECT min(id) FROM {sections} WHERE publication_id = %s) AND "
            f"(SELECT max(id) FROM {sections} WHERE publication_id = %s) "
            f"AND publication_id = %s ORDER BY rowid LIMIT 1)"
        )
        any_word = _fts5_any_word(query)
        params += [_START, _STOP, any_word, publication_id, publication_id, publication_id]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.publication_id, s.anchor, m.marked FROM ({' UNION ALL '.join(parts)}) m "
            f"JOIN {sections} s ON s.id = m.section_id",
            params,
        )
        return {publication_id: (anchor, marked) for publication_id, anchor, marked in cursor}


def highlight(marked_text: str) -> SafeString:
    """Escape text whose highlights are marked with the private markers; emit only <mark>.
    Blocks of the text (list items, paragraphs) stay apart."""
    escaped = escape(marked_text.replace("\n", BLOCK_SEPARATOR))
    html = _HIGHLIGHT.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(html.replace(_START, "").replace(_STOP, ""))  # noqa: S308 (escaped above)
