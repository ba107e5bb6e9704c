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
import functools
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.db import connection
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from infopages import caching, prepared
from infopages.languages import kind_of_language
from infopages.models import PublishedPage, PublishedSection, public_url
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
_SHOWN = ("id", "page_id", "slug", "title", "summary", "topic_path", "published_at", "language")


@dataclass(frozen=True)
class SearchResult:
    """One result as shown: the page's address (at the section that matched best, when one
    did), title, summary and a short, escaped, highlighted extract."""

    slug: str
    title: str
    summary: str
    snippet: SafeString
    anchor: str = ""
    language: str = ""

    @property
    def url(self) -> str:
        url = page_address(self.language, self.slug)
        return f"{url}#{self.anchor}" if self.anchor else url


def page_address(language: str, slug: str) -> str:
    """A live page's address (``public_url``), without resolving a URL per result (20 per
    results page)."""
    prefix, suffix = _page_address_parts(language, get_script_prefix())
    return f"{prefix}{quote(slug)}{suffix}"


@functools.cache
def _page_address_parts(language: str, script_prefix: str) -> tuple[str, str]:
    marker = "slug-placeholder"
    prefix, suffix = public_url(language, marker).split(marker)
    return prefix, suffix


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
    own index is English, and the vector weighs the title first anyway). Not prepared: a generic
    plan cannot see that the title's index suits the words, and reads every title."""
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
    """FTS5 finds and ranks the matches by BM25 inside its index (title weighs most); the
    table holds live pages only, of every language (one tokenizer for all), so the matches
    are then kept to the pages in ``language`` by their ids. The matches are materialised
    first: a condition on the table's rowids beside MATCH makes SQLite scan the whole index
    and test every row (180 ms at 2,000 pages instead of 1.5)."""
    table = PublishedPage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH m AS MATERIALIZED (SELECT rowid AS id, {_Fts5.RANK} AS rank "
            f"FROM {PAGE_TABLE} WHERE {PAGE_TABLE} MATCH %s), "
            f"l AS (SELECT m.id, m.rank FROM m JOIN {table} p ON p.id = m.id "
            f"WHERE p.language = %s) "
            f"SELECT id, (SELECT count(*) FROM (SELECT 1 FROM l LIMIT %s)) FROM l "
            f"ORDER BY rank, id LIMIT %s",
            [_fts5_all_words(query), language, SEARCH_CANDIDATES + 1, SEARCH_CANDIDATES],
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


def results(ids, query: str, language: str = "") -> list[SearchResult]:
    """The results shown for ``ids`` (best first), each with the section that matched best
    and a snippet of it: one query for the whole page of results, reading only the rows shown
    (a snippet for each of them and nothing else)."""
    ids = list(ids)
    if not ids:
        return []
    if not query_words(query):
        rows = PublishedPage.objects.current().filter(pk__in=ids).values_list(*_ROW)
        found = {row[0]: (*row[1:], "", "") for row in rows}
    elif uses_postgresql():
        found = _shown_postgresql(ids, query, kind_of_language(language).search_config)
    else:
        found = _shown_fts5(ids, query)
    shown = []
    for pk in ids:
        if pk not in found:  # taken down since the ids were ranked
            continue
        slug, title, summary, in_language, anchor, marked = found[pk]
        snippet = highlight(marked) if marked and _START in marked else mark_safe("")
        shown.append(SearchResult(slug, title, summary, snippet, anchor or "", in_language))
    return shown


_ROW = ("id", "slug", "title", "summary", "language")


_HEADLINE_OPTIONS = (
    f"StartSel={_START}, StopSel={_STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def _shown_postgresql(ids: list[int], query: str, config: str) -> dict[int, tuple]:
    """Each shown page with its best section (rank, then page order) and a headline of it.
    Any word of the query counts ("bone or scan": words only, so no other operator)."""
    pages, sections = PublishedPage._meta.db_table, PublishedSection._meta.db_table
    rows = prepared.fetch(
        "portal_search_shown",
        f"WITH q AS (SELECT websearch_to_tsquery(%s::regconfig, %s) AS q) "
        f"SELECT p.id, p.slug, p.title, p.summary, p.language, best.anchor, "
        f"CASE WHEN best.plain_text IS NULL THEN '' "
        f"ELSE ts_headline(%s::regconfig, best.plain_text, q.q, %s) END "
        f"FROM {pages} p CROSS JOIN q LEFT JOIN LATERAL ("
        f"SELECT s.anchor, s.plain_text FROM {sections} s "
        f"WHERE s.publication_id = p.id AND s.search_vector @@ q.q "
        f"ORDER BY ts_rank(s.search_vector, q.q) DESC, s.position LIMIT 1) best ON true "
        f"WHERE p.id = ANY(%s) AND p.is_current",
        [config, " or ".join(query_words(query)), config, _HEADLINE_OPTIONS, ids],
        ("text", "text", "text", "text", "bigint[]"),
        many=True,
    )
    return {row[0]: row[1:] for row in rows}


def _shown_fts5(ids: list[int], query: str) -> dict[int, tuple]:
    """Each shown page with the first section (in page order) that matches a word of the
    query, and a snippet of it. A page's sections have neighbouring ids, so FTS5 seeks to
    each page's range instead of reading every section that matches (every one, for common
    words)."""
    pages, sections = PublishedPage._meta.db_table, PublishedSection._meta.db_table
    any_word = _fts5_any_word(query)
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
        params += [_START, _STOP, any_word, publication_id, publication_id, publication_id]
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, p.slug, p.title, p.summary, p.language, s.anchor, m.marked "
            f"FROM {pages} p "
            f"LEFT JOIN ({' UNION ALL '.join(parts)}) m ON m.publication_id = p.id "
            f"LEFT JOIN {sections} s ON s.id = m.section_id "
            f"WHERE p.id IN ({placeholders}) AND p.is_current",
            [*params, *ids],
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def results_html(shown: list[SearchResult]) -> SafeString:
    """The results' list items, written here rather than by the template engine: twenty
    results cost the engine more than the two queries that found them. Everything from the
    page is escaped; the snippet is escaped already (``highlight``)."""
    items = []
    for result in shown:
        snippet = f'\n    <p class="snippet">{result.snippet}</p>' if result.snippet else ""
        items.append(
            f'  <li>\n    <h2><a href="{escape(result.url)}">{escape(result.title)}</a></h2>\n'
            f"    <p>{escape(result.summary)}</p>{snippet}\n  </li>\n"
        )
    return mark_safe("".join(items))  # noqa: S308 (every part escaped above)


def highlight(marked_text: str) -> SafeString:
    """Escape text whose highlights are marked with the private markers; emit only <mark>.
    Blocks of the text (list items, paragraphs) stay apart."""
    escaped = escape(marked_text.replace("\n", BLOCK_SEPARATOR))
    html = _HIGHLIGHT.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(html.replace(_START, "").replace(_STOP, ""))  # noqa: S308 (escaped above)
