"""A GIN index for full-text search over the published read model, on PostgreSQL only.

The indexed expression is exactly the weighted vector that ``infopages.search`` queries with
(title A, summary B, body C, English stemming), so PostgreSQL can answer ``@@`` from the index.
It is not declared in ``PublishedPage.Meta.indexes``: SQLite cannot build it, and SQLite
rebuilds a table's declared indexes whenever the table is altered. A test on PostgreSQL checks
that the query and this index still match.
"""

from django.db import migrations

INDEX_NAME = "published_page_search"

CREATE_INDEX = f"""
CREATE INDEX IF NOT EXISTS "{INDEX_NAME}" ON "infopages_publishedpage" USING gin ((
    (setweight(to_tsvector('english'::regconfig, COALESCE("title", '')), 'A')
     || setweight(to_tsvector('english'::regconfig, COALESCE("summary", '')), 'B'))
    || setweight(to_tsvector('english'::regconfig, COALESCE("plain_text", '')), 'C')
))
"""


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')


class Migration(migrations.Migration):
    dependencies = [("infopages", "0002_page_feedback")]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
