"""What publishing writes so that every search uses an index (``infopages.search`` reads it).

- PostgreSQL: each snapshot's weighted ``search_vector`` (title A, summary B, body C, English
  stemming), and one per section (heading A, text C) to find the section that matched best.
  Written once when the snapshot is created; snapshots never change, so neither do their
  vectors. A partial GIN index on live snapshots' vectors (migration 0005) answers ``@@``.
- SQLite: two FTS5 tables (porter stemming, whole words) holding live snapshots only, one row
  per page and one per section, added when a snapshot goes live and removed when it is
  replaced or taken down. Migration 0005 creates them on SQLite only.

Plain text keeps block elements (paragraphs, list items, table cells) on lines of their own,
so a snippet never runs two list items into one phrase.
"""

import html as html_lib
import re

import nh3
from django.contrib.postgres.search import SearchVector
from django.db import connection

from infopages.languages import kind_of_language
from infopages.models import PublishedPage, PublishedSection

PAGE_TABLE = "infopages_search_page"
SECTION_TABLE = "infopages_search_section"
TOKENIZER = "porter unicode61 remove_diacritics 2"

CREATE_FTS_TABLES = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {PAGE_TABLE} USING fts5("
    f"title, summary, body, tokenize = '{TOKENIZER}')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SECTION_TABLE} USING fts5("
    f"heading, body, publication_id UNINDEXED, tokenize = '{TOKENIZER}')",
]
DROP_FTS_TABLES = [f"DROP TABLE IF EXISTS {PAGE_TABLE}", f"DROP TABLE IF EXISTS {SECTION_TABLE}"]

_BLOCK_TAG = re.compile(
    r"<(/?)(p|li|h[1-6]|tr|td|th|summary|details|br|dd|dt|blockquote|pre|table|ul|ol|dl)\b",
    re.IGNORECASE,
)


def block_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one line per block element (paragraph, list item...)."""
    marked = _BLOCK_TAG.sub(lambda m: f"\n<{m.group(1)}{m.group(2)}", fragment)
    text = html_lib.unescape(nh3.clean(marked, tags=set()))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def uses_postgresql() -> bool:
    return connection.vendor == "postgresql"


def uses_fts5() -> bool:
    return connection.vendor == "sqlite"


def page_vector(config: str = "english") -> SearchVector:
    """``config``: the page's language's text search configuration (``infopages.languages``)."""
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("plain_text", weight="C", config=config)
    )


def section_vector(config: str = "english") -> SearchVector:
    return SearchVector("heading", weight="A", config=config) + SearchVector(
        "plain_text", weight="C", config=config
    )


def index_publication(publication) -> None:
    """Make a new live snapshot findable (called by ``infopages.publishing`` only)."""
    index_publications([publication])


def index_publications(publications) -> None:
    """Make new live snapshots findable: two statements however many there are (PostgreSQL:
    two a language), each with its language's stemming (Welsh, Urdu and Polish have no
    PostgreSQL configuration: ``simple``)."""
    ids = [publication.pk for publication in publications]
    if not ids:
        return
    if uses_postgresql():
        by_config: dict[str, list[int]] = {}
        for publication in publications:
            config = kind_of_language(publication.language).search_config
            by_config.setdefault(config, []).append(publication.pk)
        for config, in_config in by_config.items():
            PublishedPage.objects.filter(pk__in=in_config).update(search_vector=page_vector(config))
            PublishedSection.objects.filter(publication_id__in=in_config).update(
                search_vector=section_vector(config)
            )
    elif uses_fts5():
        marks = _marks(ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {PAGE_TABLE} (rowid, title, summary, body) SELECT id, title, "
                f"summary, plain_text FROM infopages_publishedpage WHERE id IN ({marks})",
                ids,
            )
            cursor.execute(
                f"INSERT INTO {SECTION_TABLE} (rowid, heading, body, publication_id) "
                "SELECT id, heading, plain_text, publication_id FROM infopages_publishedsection "
                f"WHERE publication_id IN ({marks})",
                ids,
            )


def unindex_publication(publication) -> None:
    """A snapshot replaced or taken down is found no more (SQLite; PostgreSQL's queries look
    at live snapshots only, through the partial index)."""
    unindex_publications([publication])


def unindex_publications(publications) -> None:
    """Snapshots replaced or taken down are found no more: two statements for them all."""
    ids = [publication.pk for publication in publications]
    if not ids or not uses_fts5():
        return
    marks = _marks(ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PAGE_TABLE} WHERE rowid IN ({marks})", ids)
        cursor.execute(
            f"DELETE FROM {SECTION_TABLE} WHERE rowid IN "
            f"(SELECT id FROM infopages_publishedsection WHERE publication_id IN ({marks}))",
            ids,
        )


def _marks(ids: list) -> str:
    return ", ".join(["%s"] * len(ids))
