"""Importing pages from markdown files: a workflow step, like publishing.

Each file is read and checked completely first; then, in one transaction, its page is written
as new versions, published as reviewed on its ``reviewed`` date (unless a draft import), and
audited. A bad file changes nothing; the other files still import. An open change on an
imported page holds the imported text afterwards, so sign-offs given before no longer count.

Related pages may be in the same run, in any order: links to pages written later are added
once every file is in, each as its own audited step.
"""

import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction
from tqdm import tqdm

from infopages.importing import (
    BadFile,
    ParsedPage,
    imported_reviewers,
    link_related,
    markdown_files,
    parse_page,
    write_working_copy,
)
from infopages.models import Page, PublishedPage
from infopages.publishing import (
    PublishingRefused,
    ReviewRecord,
    content_from_working_copy,
    publish_content,
)
from reviews.core import audit, policy, selectors
from reviews.core.audit import Action
from reviews.core.errors import NotAllowed
from reviews.core.services.changes import content_changed_outside


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


def require_importer(user, *, draft: bool) -> None:
    """Publishing an import puts text live: only a publisher may. A draft import changes only
    the working copy, which editors may change too."""
    if user is None or not user.is_authenticated:
        raise NotAllowed("Say who is importing: name a publisher (or, for --draft, an editor).")
    if draft and (policy.is_editor(user) or policy.is_publisher(user)):
        return
    policy.require_publisher(user, doing="import pages" + ("" if draft else " and publish them"))


def import_pages(
    paths: list[Path | str], *, by, draft: bool = False, progress: bool = False
) -> ImportReport:
    """Import every ``.md`` file under ``paths``; publish each page unless ``draft``."""
    require_importer(by, draft=draft)
    report = ImportReport()
    files = markdown_files(paths, errors=report.errors, warnings=report.warnings)
    bar = {"file": sys.stderr, "unit": "file", "disable": None if progress else True}
    imported: list[tuple[Page, ParsedPage, list[str]]] = []
    source_of_slug: dict[str, Path] = {}
    for path in tqdm(files, desc="Importing pages", **bar):
        try:
            parsed = parse_page(path)
            if parsed.slug in source_of_slug:
                raise BadFile(
                    parsed.line_of["slug"],
                    f"slug '{parsed.slug}' is already imported from {source_of_slug[parsed.slug]}",
                )
            page, unresolved = _import_one(parsed, by=by, draft=draft)
        except BadFile as exc:
            report.errors.append(f"{path}:{exc.line}: {exc.problem}")
            continue
        except DatabaseError as exc:
            report.errors.append(f"{path}:1: the database refused this page: {exc}")
            continue
        source_of_slug[parsed.slug] = path
        report.warnings += parsed.warnings
        report.pages.append(page)
        imported.append((page, parsed, unresolved))
    for page, parsed, unresolved in imported:
        if not unresolved:
            continue
        try:
            report.warnings += _link_later(page, parsed, unresolved, by=by, draft=draft)
        except (BadFile, DatabaseError) as exc:
            problem = exc.problem if isinstance(exc, BadFile) else f"the database refused: {exc}"
            report.errors.append(f"{parsed.path}:{parsed.line_of.get('related', 1)}: {problem}")
    report.published = 0 if draft else len(report.pages)
    return report


@transaction.atomic
def _import_one(parsed: ParsedPage, *, by, draft: bool) -> tuple[Page, list[str]]:
    """Write, publish and audit one file's page; return it and the related slugs not found."""
    page, unresolved = write_working_copy(parsed, by=by)
    _publish_and_record(page, parsed, by=by, draft=draft, what=f"Imported from {parsed.path}")
    return page, unresolved


@transaction.atomic
def _link_later(page: Page, parsed: ParsedPage, slugs: list[str], *, by, draft: bool) -> list[str]:
    """Link pages the file names that were imported after it; return a warning per slug
    still not found."""
    name = parsed.path.name
    missing = link_related(page, slugs, by=by, comment=f"Linked related pages from {name}")
    if len(missing) < len(slugs):
        what = f"Linked the related pages imported after {parsed.path}"
        _publish_and_record(page, parsed, by=by, draft=draft, what=what)
    line = parsed.line_of.get("related", 1)
    return [f"{parsed.path}:{line}: related page '{slug}' not found" for slug in missing]


def _publish_and_record(page: Page, parsed: ParsedPage, *, by, draft: bool, what: str) -> None:
    content = content_from_working_copy(page)
    reviewed = f"{parsed.reviewed_on.day} {parsed.reviewed_on:%B %Y}"
    if draft:
        message = f"{what} into the working copy only (not published)."
    else:
        reviewers = imported_reviewers(parsed)
        record = ReviewRecord(
            kind=PublishedPage.Kind.IMPORTED,
            reviewed_on=parsed.reviewed_on,
            next_review_on=parsed.next_review_on,
            reviewers=reviewers,
            approved_by=[
                {**reviewer, "reviewed_on": parsed.reviewed_on.isoformat(), "via": "import"}
                for reviewer in reviewers
            ],
        )
        note = f"Imported from {parsed.path.name}, reviewed on {reviewed}"
        try:
            publish_content(page=page, content=content, review=record, by=by, note=note)
        except PublishingRefused as refusal:
            raise BadFile(parsed.line_of.get("slug", 1), str(refusal)) from None
        message = f"{what} and published as reviewed on {reviewed}."
    audit.record(
        action=Action.IMPORTED_DRAFT if draft else Action.IMPORTED,
        actor=by,
        page=page,
        versions=content.source_versions.to_json(),
        message=message,
    )
    change = selectors.open_change_for(page)
    if change is not None:
        content_changed_outside(change=change, by=by, message=f"{what}.")
