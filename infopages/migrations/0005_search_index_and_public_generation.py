"""Search that uses an index on both databases, a bounded topic listing, and the public
generation that lets every worker serve cached pages without a query per request.

- PostgreSQL: stored search vectors on snapshots and their sections, filled here for existing
  rows, with a GIN index on live snapshots' vectors; the expression index of 0003 goes.
- SQLite: FTS5 tables of live snapshots and their sections (see infopages.search_index).
- Existing snapshots' plain text is made again from their HTML, one line per block (list
  items apart), as publishing now makes it: it is derived from the HTML, not content.
"""

import html as html_lib
import re

import django.contrib.postgres.search
import nh3
from django.conf import settings
from django.db import migrations, models

GIN_INDEX = "published_live_search"
OLD_INDEX = "published_page_search"  # migration 0003's expression index
FTS_PAGE, FTS_SECTION = "infopages_search_page", "infopages_search_section"
TOKENIZER = "porter unicode61 remove_diacritics 2"
_BLOCK_TAG = re.compile(
    r"<(/?)(p|li|h[1-6]|tr|td|th|summary|details|br|dd|dt|blockquote|pre|table|ul|ol|dl)\b",
    re.IGNORECASE,
)


def _block_text(fragment):
    """As infopages.search_index.block_text (frozen here, as migrations must be)."""
    marked = _BLOCK_TAG.sub(lambda m: f"\n<{m.group(1)}{m.group(2)}", fragment)
    text = html_lib.unescape(nh3.clean(marked, tags=set()))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def remake_plain_text(apps, schema_editor):
    PublishedPage = apps.get_model("infopages", "PublishedPage")
    PublishedSection = apps.get_model("infopages", "PublishedSection")
    for publication_id in PublishedPage.objects.values_list("pk", flat=True).iterator():
        sections = list(
            PublishedSection.objects.filter(publication_id=publication_id).order_by("position")
        )
        for section in sections:
            section.plain_text = _block_text(section.html)
        PublishedSection.objects.bulk_update(sections, ["plain_text"])
        PublishedPage.objects.filter(pk=publication_id).update(
            plain_text="\n".join(section.plain_text for section in sections)
        )


def build_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{OLD_INDEX}"')
        schema_editor.execute(
            "UPDATE infopages_publishedpage SET search_vector = "
            "setweight(to_tsvector('english', COALESCE(title, '')), 'A') || "
            "setweight(to_tsvector('english', COALESCE(summary, '')), 'B') || "
            "setweight(to_tsvector('english', COALESCE(plain_text, '')), 'C')"
        )
        schema_editor.execute(
            "UPDATE infopages_publishedsection SET search_vector = "
            "setweight(to_tsvector('english', COALESCE(heading, '')), 'A') || "
            "setweight(to_tsvector('english', COALESCE(plain_text, '')), 'C')"
        )
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{GIN_INDEX}" ON infopages_publishedpage '
            "USING gin (search_vector) WHERE is_current"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_PAGE} USING fts5("
            f"title, summary, body, tokenize = '{TOKENIZER}')"
        )
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_SECTION} USING fts5("
            f"heading, body, publication_id UNINDEXED, tokenize = '{TOKENIZER}')"
        )
        schema_editor.execute(
            f"INSERT INTO {FTS_PAGE} (rowid, title, summary, body) "
            "SELECT id, title, summary, plain_text FROM infopages_publishedpage WHERE is_current"
        )
        schema_editor.execute(
            f"INSERT INTO {FTS_SECTION} (rowid, heading, body, publication_id) "
            "SELECT s.id, s.heading, s.plain_text, s.publication_id "
            "FROM infopages_publishedsection s JOIN infopages_publishedpage p "
            "ON p.id = s.publication_id WHERE p.is_current"
        )


def drop_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{GIN_INDEX}"')
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{OLD_INDEX}" ON "infopages_publishedpage" USING gin (('
            "(setweight(to_tsvector('english'::regconfig, COALESCE(\"title\", '')), 'A') || "
            "setweight(to_tsvector('english'::regconfig, COALESCE(\"summary\", '')), 'B')) || "
            "setweight(to_tsvector('english'::regconfig, COALESCE(\"plain_text\", '')), 'C')))"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_PAGE}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_SECTION}")


def first_generation(apps, schema_editor):
    apps.get_model("infopages", "PublicGeneration").objects.get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ('infopages', '0004_review_schedule_and_signed_off_context'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicGeneration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(default='initial', max_length=32, verbose_name='generation')),
                ('changed_at', models.DateTimeField(null=True, verbose_name='changed')),
            ],
            options={
                'verbose_name': 'public generation',
            },
        ),
        migrations.AddField(
            model_name='publishedpage',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, verbose_name='search vector'),
        ),
        migrations.AddField(
            model_name='publishedsection',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, verbose_name='search vector'),
        ),
        migrations.AddIndex(
            model_name='publishedpage',
            index=models.Index(condition=models.Q(('is_current', True)), fields=['topic_path', 'title'], name='published_live_by_topic'),
        ),
        migrations.RunPython(first_generation, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(remake_plain_text, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(build_search_index, drop_search_index, elidable=False),
    ]
