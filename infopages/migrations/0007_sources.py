"""The evidence register: each source cited once, shared by the references citing it.

Existing references become sources: one per exact duplicate (the same citation and link,
spaces, case and a trailing slash aside), each reference pointing to its source; nothing
about the references themselves changes, and no version is written (their versions, saved
before sources existed, name none: publishing then uses the source linked here). Every
publication's references are linked to the same sources, so the pages whose live
publication cites a source can be found; a reference only a publication still has (removed
from the working copy since) gets its source too.

The rules are copied here, as they are today, so later changes to them leave this alone.
"""

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

import django.db.models.deletion
from django.db import migrations, models

_SPACES = re.compile(r"\s+")
_GUIDELINE = re.compile(r"\b((?:NG|CG|QS|TA|DG|IPG|MTG|PH|SC)\d{1,4})\b")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)])", re.I)
BATCH = 1000


def _key(citation, url):
    citation = _SPACES.sub(" ", citation or "").strip().casefold()
    url = (url or "").strip()
    if url:
        parts = urlsplit(url)
        url = urlunsplit(
            (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, "")
        )
    return hashlib.sha256(f"{citation}\n{url}".encode()).hexdigest()


def _identifier(*texts):
    for pattern in (_DOI, _GUIDELINE):
        for text in texts:
            found = pattern.search(text or "")
            if found:
                return found.group(1)
    return ""


def link_existing_references(apps, schema_editor):
    Source = apps.get_model("infopages", "Source")
    Reference = apps.get_model("infopages", "Reference")
    PublishedPage = apps.get_model("infopages", "PublishedPage")
    Cited = Source.publications.through
    sources = {}  # duplicate key -> source id

    def source_id(citation, url):
        key = _key(citation, url)
        if key not in sources:
            source = Source.objects.create(
                citation=(citation or "").strip(),
                url=(url or "").strip()[:500],
                identifier=_identifier(citation, url)[:200],
                key=key,
            )
            sources[key] = source.pk
        return sources[key]

    # The working copy, oldest reference first: its wording is the source's.
    pending = []
    for reference in Reference.objects.order_by("pk").only("pk", "citation", "url").iterator():
        reference.source_id = source_id(reference.citation, reference.url)
        pending.append(reference)
        if len(pending) >= BATCH:
            Reference.objects.bulk_update(pending, ["source"])
            pending = []
    Reference.objects.bulk_update(pending, ["source"])
    # Every publication, as readers saw it.
    links = []
    publications = PublishedPage.objects.order_by("pk").only("pk", "references")
    for publication in publications.iterator():
        cited = {
            source_id(ref.get("citation") or "", ref.get("url") or "")
            for ref in publication.references or []
            if isinstance(ref, dict) and (ref.get("citation") or ref.get("url"))
        }
        links.extend(Cited(source_id=pk, publishedpage_id=publication.pk) for pk in sorted(cited))
        if len(links) >= BATCH:
            Cited.objects.bulk_create(links)
            links = []
    Cited.objects.bulk_create(links)



class Migration(migrations.Migration):

    dependencies = [
        ('infopages', '0006_public_notes'),
    ]

    operations = [
        migrations.CreateModel(
            name='Source',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('citation', models.TextField(verbose_name='citation')),
                ('url', models.URLField(blank=True, max_length=500, verbose_name='link')),
                ('publisher', models.CharField(blank=True, max_length=200, verbose_name='publisher')),
                ('identifier', models.CharField(blank=True, db_index=True, help_text='e.g. NG101, or a DOI such as 10.1136/bmj.n71', max_length=200, verbose_name='guideline number or DOI')),
                ('version_or_date', models.CharField(blank=True, help_text='Which edition the pages cite, e.g. “Updated October 2026” or “v2.1”.', max_length=100, verbose_name='version or date')),
                ('status', models.CharField(choices=[('current', 'current'), ('updated', 'updated'), ('withdrawn', 'withdrawn')], db_index=True, default='current', max_length=20, verbose_name='status')),
                ('status_note', models.CharField(blank=True, max_length=300, verbose_name='status note')),
                ('status_changed_at', models.DateTimeField(blank=True, null=True, verbose_name='status changed')),
                ('key', models.CharField(db_index=True, editable=False, help_text='Of the normalised citation and link: the same for exact duplicates.', max_length=64, verbose_name='duplicate key')),
                ('link_checked_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='link checked')),
                ('link_status', models.CharField(blank=True, choices=[('', 'not checked yet'), ('ok', 'works'), ('redirected', 'works, but moved'), ('broken', 'broken'), ('unreachable', 'could not be reached')], db_index=True, max_length=20, verbose_name='link')),
                ('link_status_code', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='HTTP status')),
                ('link_final_url', models.URLField(blank=True, max_length=2000, verbose_name='link ends at')),
                ('link_redirects', models.JSONField(blank=True, default=list, help_text='Each hop: url and status.', verbose_name='redirects')),
                ('link_error', models.CharField(blank=True, max_length=300, verbose_name='link problem')),
                ('lock_version', models.PositiveIntegerField(default=0, editable=False, verbose_name='version counter')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='added')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='changed')),
                ('merged_into', models.ForeignKey(blank=True, help_text='A near-duplicate merged into another source: that one is used instead.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged', to='infopages.source', verbose_name='merged into')),
                ('publications', models.ManyToManyField(blank=True, help_text='Written by publishing: the publications whose references cite it.', related_name='sources', to='infopages.publishedpage', verbose_name='cited in publications')),
            ],
            options={
                'verbose_name': 'source',
                'verbose_name_plural': 'sources',
                'ordering': ['citation', 'id'],
            },
        ),
        migrations.AddField(
            model_name='reference',
            name='source',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='references', to='infopages.source', verbose_name='source'),
        ),
        migrations.RunPython(link_existing_references, migrations.RunPython.noop),
    ]
