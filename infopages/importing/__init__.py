"""Importing information pages from markdown files with YAML front matter.

Used by the ``import_pages`` command and by ``loaddemo``. Every file is validated completely
before anything is written and is written in its own transaction, so a bad file changes
nothing while the good files in the same run still import. Related pages are linked only after
all files are written, so files may refer to each other in any order.
"""

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.db import DatabaseError, models, transaction
from django.utils.text import slugify
from tqdm import tqdm

from infopages.importing.parsing import BadFile, ParsedPage, ParsedReviewer, parse_page
from infopages.models import Page, Person, Reference, Resource, Section, Topic
from infopages.publishing import content_from_working_copy, publish_content
from infopages.services import save_with_version
from reviews import audit

__all__ = ["BadFile", "ImportReport", "ParsedPage", "import_paths", "parse_page"]


@dataclass
class ImportReport:
    """What an import did: the pages written, one line per rejected file, and warnings."""

    pages: list[Page] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    published: int = 0

    def summary(self) -> str:
        def count(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        drafts = len(self.pages) - self.published
        return (
            f"Imported {count(len(self.pages), 'page')} ({self.published} published, "
            f"{count(drafts, 'draft')}); {count(len(self.errors), 'file')} rejected."
        )


# Writing -------------------------------------------------------------------------------------


def import_paths(
    paths: list[Path | str], *, draft: bool = False, by=None, progress: bool = False
) -> ImportReport:
    """Import every ``.md`` file under ``paths``; publish each page unless ``draft``.

    Bad files are reported in ``errors`` (one ``file:line: problem`` line each) and change
    nothing; the good ones are imported regardless.
    """
    report = ImportReport()
    written: list[tuple[Page, ParsedPage, list[str]]] = []
    source_of_slug: dict[str, Path] = {}
    bar = {"file": sys.stderr, "unit": "file", "disable": None if progress else True}
    for path in tqdm(_markdown_files(paths, report), desc="Importing pages", **bar):
        try:
            parsed = parse_page(path)
            if parsed.slug in source_of_slug:
                raise BadFile(
                    parsed.line_of["slug"],
                    f"slug '{parsed.slug}' is already imported from {source_of_slug[parsed.slug]}",
                )
            page, unresolved = _write_working_copy(parsed, by=by)
        except BadFile as exc:
            report.errors.append(f"{path}:{exc.line}: {exc.problem}")
            continue
        except DatabaseError as exc:
            report.errors.append(f"{path}:1: the database refused this page: {exc}")
            continue
        source_of_slug[parsed.slug] = path
        report.warnings += parsed.warnings
        written.append((page, parsed, unresolved))
    for page, parsed, unresolved in tqdm(written, desc="Publishing pages", **bar):
        report.warnings += _link_and_publish(
            page=page, parsed=parsed, unresolved=unresolved, draft=draft, by=by
        )
        report.pages.append(page)
    report.published = 0 if draft else len(report.pages)
    return report


def _markdown_files(paths: list[Path | str], report: ImportReport) -> list[Path]:
    files, seen = [], set()
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.md") if p.is_file())
            if not found:
                report.warnings.append(f"{path}: no .md files found")
        elif path.is_file() and path.suffix == ".md":
            found = [path]
        else:
            problem = "not a .md file" if path.exists() else "no such file or directory"
            report.errors.append(f"{path}: {problem}")
            continue
        for file in found:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append(file)
    return files


@transaction.atomic
def _write_working_copy(parsed: ParsedPage, *, by) -> tuple[Page, list[str]]:
    """Write one file's page as a single revision; return it and related slugs not yet found."""
    comment = f"Imported from {parsed.path.name}"
    with reversion.create_revision():
        page = Page.objects.filter(slug=parsed.slug).first() or Page(slug=parsed.slug)
        page.title, page.summary = parsed.title, parsed.summary
        page.topic = _topic(parsed.topic_path)
        page.reviewed_on, page.next_review_on = parsed.reviewed_on, parsed.next_review_on
        save_with_version(page, by=by, comment=comment)
        page.reviewers.set(_people(parsed.reviewers))
        found = dict(Page.objects.filter(slug__in=parsed.related).values_list("slug", "pk"))
        page.related_pages.set(found.values())
        reversion.add_to_revision(page)  # again, so the version has its reviewers and links
        for model, key, rows in [
            (Section, "anchor", parsed.sections),
            (Reference, "citation", parsed.references),
            (Resource, "url", parsed.resources),
        ]:
            _sync_rows(page=page, model=model, key=key, rows=rows, by=by, comment=comment)
    return page, [slug for slug in parsed.related if slug not in found]


def _topic(names: list[str]) -> Topic:
    parent = None
    for name in names:
        parent, _ = Topic.objects.get_or_create(
            parent=parent, slug=slugify(name)[:120], defaults={"name": name}
        )
    return parent


def _people(reviewers: list[ParsedReviewer]) -> list[Person]:
    people = []
    for reviewer in reviewers:
        person, _ = Person.objects.get_or_create(name=reviewer.name)
        given = {"role": reviewer.role, "credentials": reviewer.credentials}
        if changed := [k for k, v in given.items() if v is not None and getattr(person, k) != v]:
            for key in changed:
                setattr(person, key, given[key])
            person.save(update_fields=changed)
        people.append(person)
    return people


def _sync_rows(
    *, page: Page, model: type[models.Model], key: str, rows: list[dict], by, comment: str
) -> None:
    """Match existing rows by ``key``: save only what changed, add new ones, delete the rest.

    Deleting happens inside the import's revision, so the earlier versions stay restorable.
    """
    pool = defaultdict(list)
    for obj in model.objects.filter(page=page).order_by("position", "id"):
        pool[getattr(obj, key)].append(obj)
    plan = [
        (pool[row[key]].pop(0) if pool[row[key]] else model(page=page), position, row)
        for position, row in enumerate(rows)
    ]
    model.objects.filter(pk__in=[obj.pk for objs in pool.values() for obj in objs]).delete()
    for obj, position, row in plan:
        wanted = {**row, "position": position}
        if obj.pk is not None and all(getattr(obj, k) == v for k, v in wanted.items()):
            continue
        for name, value in wanted.items():
            setattr(obj, name, value)
        save_with_version(obj, by=by, comment=comment)


@transaction.atomic
def _link_and_publish(
    *, page: Page, parsed: ParsedPage, unresolved: list[str], draft: bool, by
) -> list[str]:
    """Link related pages imported later in the run, then publish and audit; return warnings."""
    name = parsed.path.name
    if unresolved:
        found = list(Page.objects.filter(slug__in=unresolved))
        if found:
            page.related_pages.add(*found)
            save_with_version(page, by=by, comment=f"Linked related pages from {name}")
        unresolved = [slug for slug in unresolved if slug not in {p.slug for p in found}]
    content = content_from_working_copy(page)
    reviewed = f"{parsed.reviewed_on.day} {parsed.reviewed_on:%B %Y}"
    if draft:
        message = f"Imported from {parsed.path} into the working copy only (not published)"
    else:
        approved_by = [
            {**reviewer, "reviewed_on": parsed.reviewed_on.isoformat(), "via": "import"}
            for reviewer in content.reviewers
        ]
        note = f"Imported from {name}, reviewed on {reviewed}"
        publish_content(page=page, content=content, by=by, approved_by=approved_by, note=note)
        message = f"Imported from {parsed.path} and published as reviewed on {reviewed}"
    audit.record(
        action="imported_draft" if draft else "imported",
        actor=by,
        page=page,
        versions=content.source_versions.to_json(),
        message=message,
    )
    line = parsed.line_of.get("related", 1)
    return [f"{parsed.path}:{line}: related page '{slug}' not found" for slug in unresolved]
