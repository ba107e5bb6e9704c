"""Reading information pages from markdown files with YAML front matter into the working copy.

This is the content half of an import: finding the files, checking each one completely
(``parsing``) and writing it as new versions of the page and its parts. Publishing and
auditing an import are workflow steps: ``reviews.core.services.imports`` runs the whole import.
"""

from collections import defaultdict
from pathlib import Path

import reversion
from django.db import models, transaction
from django.utils.text import slugify

from infopages import images
from infopages.importing.parsing import BadFile, ParsedPage, check_block_markers, parse_page
from infopages.models import Page, Topic
from infopages.parts import PART_KINDS
from infopages.register import sources_for
from infopages.services import save_with_version
from infopages.sources import source_key

__all__ = [
    "BadFile",
    "ParsedPage",
    "imported_reviewers",
    "link_related",
    "markdown_files",
    "parse_page",
    "write_working_copy",
]


def markdown_files(paths: list[Path | str], *, errors: list[str], warnings: list[str]):
    """Every ``.md`` file under ``paths``, each once, in a stable order; what cannot be read
    as one goes into ``errors`` (one ``path: problem`` line) or ``warnings``."""
    files, seen = [], set()
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.md") if p.is_file())
            if not found:
                warnings.append(f"{path}: no .md files found")
        elif path.is_file() and path.suffix == ".md":
            found = [path]
        else:
            problem = "not a .md file" if path.exists() else "no such file or directory"
            errors.append(f"{path}: {problem}")
            continue
        for file in found:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append(file)
    return files


@transaction.atomic
def write_working_copy(parsed: ParsedPage, *, by) -> tuple[Page, list[str]]:
    """Write one file's page as a single revision; return it and related slugs not yet found.

    Every object saved here becomes a version in that one revision (author, comment), and its
    edit counter moves on, so edit forms opened before the import conflict, as with any save.
    Raises ``BadFile`` for a shared block marker the page could not show.
    """
    check_block_markers(parsed)  # before anything is written: a refusal leaves nothing
    comment = f"Imported from {parsed.path.name}"
    with reversion.create_revision():
        reversion.set_comment(comment)
        if by is not None and by.is_authenticated:
            reversion.set_user(by)
        page = Page.objects.select_for_update().filter(slug=parsed.slug).first() or Page(
            slug=parsed.slug
        )
        page.title, page.summary = parsed.title, parsed.summary
        page.topic = _topic(parsed.topic_path)
        _save(page)
        found = dict(Page.objects.filter(slug__in=parsed.related).values_list("slug", "pk"))
        page.related_pages.set(found.values())
        reversion.add_to_revision(page)  # again, so the version has its related pages
        for kind in PART_KINDS:
            rows = getattr(parsed, kind.collection)
            rows = PREPARED.get(kind.collection, list)(rows)
            _sync_rows(page=page, model=kind.model, key=kind.import_key, rows=rows)
    return page, [slug for slug in parsed.related if slug not in found]


def _save(obj: models.Model) -> None:
    """Save inside the import's revision (which records the version), moving the edit
    counter of an existing row on from what this transaction read (rows are locked)."""
    if obj.pk is not None:
        obj.lock_version = (obj.lock_version or 0) + 1
    obj.save()


def _with_sources(references: list[dict]) -> list[dict]:
    """Each reference with its source in the evidence register (found, or added)."""
    sources = sources_for((row["citation"], row["url"]) for row in references)
    return [
        {**row, "source_id": sources[source_key(row["citation"], row["url"])].pk}
        for row in references
    ]


def _with_pictures(figures: list[dict]) -> list[dict]:
    """Each figure with its picture stored (by digest), as a figure row has it."""
    rows = []
    for figure in figures:
        row = {key: value for key, value in figure.items() if key != "picture"}
        rows.append({**row, "image_id": images.store(figure["picture"]).digest})
    return rows


# Imported rows a kind needs completed before they are saved, by the kind's collection.
PREPARED = {"references": _with_sources, "figures": _with_pictures}


def _topic(names: list[str]) -> Topic:
    parent = None
    for name in names:
        parent, _ = Topic.objects.get_or_create(
            parent=parent, slug=slugify(name)[:120], defaults={"name": name}
        )
    return parent


def imported_reviewers(parsed: ParsedPage) -> list[dict]:
    """The reviewers a file names, as a publication shows them (name, role, credentials).

    They go straight into the imported publication: they signed the page off outside the
    portal, so no one's profile here is changed by an import."""
    return [
        {"name": r.name, "role": r.role or "", "credentials": r.credentials or ""}
        for r in parsed.reviewers
    ]


def _sync_rows(*, page: Page, model: type[models.Model], key: str, rows: list[dict]) -> None:
    """Match existing rows by ``key``: save only what changed, add new ones, delete the rest.

    Deleting happens inside the import's revision, so the earlier versions stay restorable.
    """
    pool = defaultdict(list)
    for obj in model.objects.select_for_update().filter(page=page).order_by("position", "id"):
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
        _save(obj)


def link_related(page: Page, slugs: list[str], *, by, comment: str) -> list[str]:
    """Link ``page`` to the pages at ``slugs`` that exist now, as a new version of the page;
    return the slugs still not found."""
    found = list(Page.objects.filter(slug__in=slugs))
    if found:
        page.related_pages.add(*found)
        save_with_version(page, by=by, comment=comment)
    linked = {p.slug for p in found}
    return [slug for slug in slugs if slug not in linked]
