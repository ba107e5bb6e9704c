"""Importing information pages from markdown files with YAML front matter.

Used by the ``import_pages`` command and by ``loaddemo``. Every file is validated completely
before anything is written and is written in its own transaction, so a bad file changes
nothing while the good files in the same run still import. Related pages are linked only after
all files are written, so files may refer to each other in any order.
"""

import datetime as dt
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import reversion
import yaml
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from infopages.markdown import make_anchor
from infopages.models import Page, Person, Reference, Resource, Section, Topic
from infopages.publishing import content_from_working_copy, publish_content
from infopages.services import save_with_version
from reviews import audit

REQUIRED_FIELDS = ("title", "slug", "summary", "topic", "reviewed", "next_review")
MAX_REVIEW_YEARS = 3  # the design's longest review interval
KNOWN_FIELDS = {*REQUIRED_FIELDS, "reviewers", "references", "resources", "related"}

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"https?://[^\s<>\"')]+")
_LINK = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$")
_ACCESSED = re.compile(r"accessed:?\s+(?:on\s+)?([^)\];]+)", re.IGNORECASE)
_ACCESSED_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%B %d %Y")
_SPACES = re.compile(r"\s+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SECTION_HEADING = re.compile(r"^ {0,3}##(?=\s|$)(.*)$")


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML, but dates stay text so a bad date gets our message, with its line."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class BadFile(Exception):
    """A file that cannot be imported, with the line a person should look at."""

    def __init__(self, line: int, problem: str):
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}")


@dataclass(frozen=True)
class ParsedReviewer:
    name: str
    role: str | None  # None: not given, so an existing Person keeps theirs
    credentials: str | None


@dataclass
class ParsedPage:
    """One file's page, fully validated: writing it cannot fail on its content."""

    path: Path
    title: str
    slug: str
    summary: str
    topic_path: list[str]
    reviewed_on: dt.date
    next_review_on: dt.date
    sections: list[dict]  # anchor, heading, body: as the Section rows will be
    reviewers: list[ParsedReviewer] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)
    resources: list[dict] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    line_of: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


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


# Reading and validating -------------------------------------------------------------------


class _FrontMatter:
    """The front matter's values, with the line each key and list item is on."""

    def __init__(self, source: str, *, first_line: int):
        loader = _FrontMatterLoader(source)
        try:
            node = loader.get_single_node()
            values = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = first_line + mark.line if mark is not None else first_line
            problem = getattr(exc, "problem", None) or str(exc)
            raise BadFile(line, f"YAML syntax error in front matter: {problem}") from None
        finally:
            loader.dispose()
        if values is None:
            raise BadFile(first_line - 1, "the front matter is empty")
        if not isinstance(values, dict):
            raise BadFile(first_line, "the front matter must be 'field: value' lines")
        self.values = values
        self.opening_line = first_line - 1
        self.key_lines = {k.value: first_line + k.start_mark.line for k, _ in node.value}
        self.item_lines = {
            k.value: [first_line + item.start_mark.line for item in v.value]
            for k, v in node.value
            if isinstance(v, yaml.SequenceNode)
        }

    def line(self, key: str, index: int | None = None) -> int:
        items = self.item_lines.get(key, [])
        if index is not None and index < len(items):
            return items[index]
        return self.key_lines.get(key, self.opening_line)

    def text(self, key: str, *, max_length: int) -> str:
        value = self.values.get(key)
        if not isinstance(value, str) or not value.strip():
            raise BadFile(self.line(key), f"'{key}' must be text")
        if len(value.strip()) > max_length:
            raise BadFile(self.line(key), f"'{key}' is longer than {max_length} characters")
        return value.strip()

    def date(self, key: str) -> dt.date:
        value = self.values[key]
        try:
            if isinstance(value, str) and _ISO_DATE.match(value.strip()):
                return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise BadFile(self.line(key), f"bad date for '{key}': {value!r} (use YYYY-MM-DD)")

    def items(self, key: str) -> list:
        value = self.values.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise BadFile(self.line(key), f"'{key}' must be a list (lines starting with '- ')")
        return value


def parse_page(path: Path) -> ParsedPage:
    """Read and validate one file, raising ``BadFile`` at the first problem found."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise BadFile(1, "the file is not UTF-8 text") from None
    except OSError as exc:
        raise BadFile(1, f"cannot read the file: {exc.strerror}") from None
    if not lines or lines[0].rstrip() != "---":
        raise BadFile(1, "missing front matter: the file must start with a '---' line")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if end is None:
        raise BadFile(1, "the front matter is not closed with a '---' line")
    front = _FrontMatter("\n".join(lines[1:end]), first_line=2)
    page = _validate_fields(path, front)
    page.sections = _split_sections(lines[end + 1 :], first_line=end + 2)
    return page


def _validate_fields(path: Path, front: _FrontMatter) -> ParsedPage:
    values = front.values
    if missing := [key for key in REQUIRED_FIELDS if values.get(key) in (None, "")]:
        plural = "s" if len(missing) > 1 else ""
        raise BadFile(front.opening_line, f"missing required field{plural}: {', '.join(missing)}")
    slug = values["slug"]
    if not isinstance(slug, str) or not _SLUG.match(slug) or len(slug) > 120:
        raise BadFile(front.line("slug"), f"bad slug {slug!r}: use a-z, 0-9 and single hyphens")
    topic_path = [part.strip() for part in front.text("topic", max_length=1000).split(">")]
    if any(not slugify(part) or len(part) > 120 for part in topic_path):
        raise BadFile(front.line("topic"), "bad topic: write it like 'Cancer types > Bowel cancer'")
    reviewed_on, next_review_on = front.date("reviewed"), front.date("next_review")
    if reviewed_on > timezone.localdate():
        raise BadFile(front.line("reviewed"), f"reviewed ({reviewed_on}) is in the future")
    if not reviewed_on < next_review_on <= _years_after(reviewed_on, MAX_REVIEW_YEARS):
        raise BadFile(
            front.line("next_review"),
            f"next_review ({next_review_on}) must be after reviewed ({reviewed_on}) "
            f"and at most {MAX_REVIEW_YEARS} years after it",
        )
    page = ParsedPage(
        path=path,
        title=front.text("title", max_length=200),
        slug=slug,
        summary=front.text("summary", max_length=5000),
        topic_path=topic_path,
        reviewed_on=reviewed_on,
        next_review_on=next_review_on,
        sections=[],
        reviewers=_reviewers(front),
        references=[_reference(front, i, item) for i, item in enumerate(front.items("references"))],
        resources=[_resource(front, i, item) for i, item in enumerate(front.items("resources"))],
        line_of={key: front.line(key) for key in front.key_lines},
    )
    for i, related in enumerate(front.items("related")):
        if not isinstance(related, str) or not _SLUG.match(related):
            raise BadFile(front.line("related", i), f"bad slug in 'related': {related!r}")
        if related != slug and related not in page.related:
            page.related.append(related)
    page.warnings += [
        f"{path}:{front.line(str(key))}: unknown field {key!r} ignored"
        for key in values
        if key not in KNOWN_FIELDS
    ]
    return page


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _reviewers(front: _FrontMatter) -> list[ParsedReviewer]:
    reviewers = []
    for i, item in enumerate(front.items("reviewers"), start=1):
        line = front.line("reviewers", i - 1)
        if not isinstance(item, dict):
            raise BadFile(line, f"reviewer {i} must be written as {{name: ..., role: ...}}")
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            raise BadFile(line, f"reviewer {i} has no name")
        given = {key: item.get(key) for key in ("name", "role", "credentials")}
        if any(v is not None and (not isinstance(v, str) or len(v) > 200) for v in given.values()):
            raise BadFile(line, f"reviewer {i}: name, role and credentials must be short text")
        reviewers.append(ParsedReviewer(**{k: v and v.strip() for k, v in given.items()}))
    return reviewers


def _reference(front: _FrontMatter, index: int, item) -> dict:
    line = front.line("references", index)
    if not isinstance(item, str) or not item.strip():
        raise BadFile(line, f"reference {index + 1} must be text")
    citation = item.strip()
    url_match = _URL.search(citation)
    url = url_match.group(0).rstrip(".,;:") if url_match else ""
    if url and (len(url) > 500 or not _LINK.match(url)):
        raise BadFile(line, f"reference {index + 1} has a link that is not a web address: {url}")
    accessed = _ACCESSED.search(citation)
    accessed_on = accessed and _loose_date(accessed[1])
    # The link and access date get their own fields (shown by the page), so the citation
    # keeps only the words, and readers do not see the same link twice.
    text = citation.replace(url, " ") if url else citation
    if accessed_on:
        text = re.sub(r"\(?\s*" + re.escape(accessed[0]) + r"\s*\)?", " ", text)
    text = re.sub(r"\s+([.,;:])", r"\1", _SPACES.sub(" ", text))
    text = re.sub(r"\.{2,}", ".", text).strip(" ,;:(")
    return {"citation": text or citation, "url": url, "accessed_on": accessed_on}


def _loose_date(text: str) -> dt.date | None:
    """Dates such as 14 July 2025 or 2025-07-14 (authors write both); None otherwise."""
    for fmt in _ACCESSED_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(" ."), fmt).date()
        except ValueError:
            pass
    return None


def _resource(front: _FrontMatter, index: int, item) -> dict:
    line = front.line("resources", index)
    if not isinstance(item, dict):
        raise BadFile(line, f"resource {index + 1} must be written as {{title: ..., url: ...}}")
    title, url = item.get("title"), item.get("url")
    description = item.get("description") or ""
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        raise BadFile(line, f"resource {index + 1} needs a title of up to 200 characters")
    if not isinstance(url, str) or len(url) > 500 or not _LINK.match(url.strip()):
        raise BadFile(line, f"resource {index + 1} needs a url starting with https:// or http://")
    if not isinstance(description, str) or len(description) > 300:
        raise BadFile(line, f"resource {index + 1}: description must be up to 300 characters")
    return {"title": title.strip(), "url": url.strip(), "description": description.strip()}


def _split_sections(lines: list[str], *, first_line: int) -> list[dict]:
    """Each '## ' line outside fenced code starts a section; deeper headings stay inside it."""
    found: list[tuple[str, list[str]]] = []
    fence: str | None = None
    for number, line in enumerate(lines, start=first_line):
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            fence = None
        elif fence is None and (heading := _SECTION_HEADING.match(line)):
            text = re.sub(r"\s+#+$", "", " " + heading.group(1).strip()).strip()
            if not text:
                raise BadFile(number, "a '## ' section heading has no text")
            if len(text) > 200:
                raise BadFile(number, "a section heading is longer than 200 characters")
            found.append((text, []))
            continue
        if found:
            found[-1][1].append(line)
        elif line.strip():
            raise BadFile(number, "text before the first '## ' heading: put it in a section")
    if not found:
        raise BadFile(first_line - 1, "no sections: the page needs at least one '## Heading'")
    sections, taken = [], set()
    for heading, body in found:
        base = anchor = make_anchor(heading)
        n = 2
        while anchor in taken:
            suffix = f"-{n}"
            anchor, n = base[: 80 - len(suffix)] + suffix, n + 1
        taken.add(anchor)
        sections.append({"anchor": anchor, "heading": heading, "body": "\n".join(body).strip("\n")})
    return sections


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
        versions=content.source_versions,
        message=message,
    )
    line = parsed.line_of.get("related", 1)
    return [f"{parsed.path}:{line}: related page '{slug}' not found" for slug in unresolved]
