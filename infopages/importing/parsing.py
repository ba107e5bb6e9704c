"""Reading and checking one markdown file with YAML front matter, before anything is written.

Every problem is a ``BadFile`` with the line it is on, so the command can print one clear
``file:line: problem`` line per rejected file and go on with the others.

Files come from outside, so reading one takes bounded time and memory whatever it holds:
the file and its front matter have size limits, YAML anchors and aliases are refused before
they can expand (a few hundred bytes of nested aliases expand to gigabytes), nesting and
lists are limited while the YAML is read, each section body passes the same check as the
editor's form, and messages quote at most about 80 characters of what the file said.
"""

import datetime as dt
import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils import timezone
from django.utils.text import slugify

from infopages.markdown import RenderTooSlow, find_markdown_problems, make_anchor, render_checked
from infopages.review_intervals import MAX_REVIEW_YEARS_WORDS, latest_next_review
from infopages.shared_blocks import marker_refusals, names_in_all, usable_blocks
from infopages.weblinks import public_link_problem

REQUIRED_FIELDS = ("title", "slug", "summary", "topic", "reviewed", "next_review")
KNOWN_FIELDS = {*REQUIRED_FIELDS, "reviewers", "references", "resources", "related", "figures"}

# Limits far above any real page (the longest has a few dozen references and ten sections),
# low enough that a hostile or broken file is refused in well under a second.
MAX_FILE_BYTES = 1_000_000
MAX_FRONT_MATTER_CHARACTERS = 200_000
MAX_FRONT_MATTER_FIELDS = 50
MAX_YAML_DEPTH = 10  # the front matter needs 3: fields, a list, a reviewer's name and role
MAX_LIST_ITEMS = 200  # references, resources, reviewers, related pages: each
MAX_SECTIONS = 100
MAX_CITATION_LENGTH = 2_000
_SHOWN = reprlib.Repr(maxstring=80, maxother=80, maxlist=4, maxdict=4, maxtuple=4, maxlevel=2)
_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][\w-]{0,40}):")
_QUOTED = re.compile(r"""(['"])([^'"]{80})[^'"]+\1""")

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"https?://[^\s<>\"')]+")
_ACCESSED = re.compile(r"accessed:?\s+(?:on\s+)?([^)\];]+)", re.IGNORECASE)
_ACCESSED_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%B %d %Y")
_SPACES = re.compile(r"\s+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SECTION_HEADING = re.compile(r"^ {0,3}##(?=\s|$)(.*)$")


class _Refused(yaml.YAMLError):
    """YAML this importer does not read, with where it starts."""

    def __init__(self, mark, problem: str, *, long_list: bool = False):
        super().__init__(problem)
        self.problem_mark, self.problem, self.long_list = mark, problem, long_list


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML, but dates stay text so a bad date gets our message, with its line.

    Anchors and aliases, deep nesting and long lists are refused as they are read, before
    anything is built from them.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                event.start_mark,
                "YAML anchors and aliases (& and *) are not allowed in front matter",
            )
        if isinstance(parent, yaml.SequenceNode) and index >= MAX_LIST_ITEMS:
            raise _Refused(
                event.start_mark, f"a list has more than {MAX_LIST_ITEMS} items", long_list=True
            )
        if self.depth >= MAX_YAML_DEPTH:
            raise _Refused(
                event.start_mark,
                f"the front matter is nested more than {MAX_YAML_DEPTH} levels deep",
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


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
    """One file's page, fully validated but for what needs the database (its shared block
    markers: ``check_block_markers``, asked when it is written)."""

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
    # Pictures next to the file (``![alt](images/x.png "caption")`` on a line of its own),
    # checked: name, alt, caption, and the cleaned picture to store ("picture").
    figures: list[dict] = field(default_factory=list)
    # What the front matter's ``figures`` adds to a picture, by its file as the text names it:
    # a long description and a credit, and the line they are on.
    figure_details: dict[str, dict] = field(default_factory=dict)
    related: list[str] = field(default_factory=list)
    line_of: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# Reading and validating -------------------------------------------------------------------


class _FrontMatter:
    """The front matter's values, with the line each key and list item is on."""

    def __init__(self, source: str, *, first_line: int):
        try:
            loader = _FrontMatterLoader(source)
        except yaml.reader.ReaderError as exc:  # a control character, checked before parsing
            line = first_line + source.count("\n", 0, exc.position)
            raise BadFile(
                line, f"the front matter has a control character (#x{exc.character:04x}) in it"
            ) from None
        try:
            node = loader.get_single_node()
            values = loader.construct_document(node) if node is not None else None
            if isinstance(values, dict):
                key_lines = {k.value: first_line + k.start_mark.line for k, _ in node.value}
                item_lines = {
                    k.value: [first_line + item.start_mark.line for item in v.value]
                    for k, v in node.value
                    if isinstance(v, yaml.SequenceNode)
                }
        except _Refused as exc:
            line, problem = first_line + exc.problem_mark.line, exc.problem
            if exc.long_list and (key := _key_above(source, line - first_line)):
                problem = (
                    f"'{key}' has more than {MAX_LIST_ITEMS} items; the most is {MAX_LIST_ITEMS}"
                )
            raise BadFile(line, problem) from None
        except yaml.YAMLError as exc:
            raise BadFile(*_yaml_problem(exc, first_line=first_line)) from None
        except Exception as exc:  # RecursionError, MemoryError, a bug in the YAML library
            raise BadFile(
                first_line, f"the front matter could not be read as YAML ({type(exc).__name__})"
            ) from None
        finally:
            loader.dispose()
        if values is None:
            raise BadFile(first_line - 1, "the front matter is empty")
        if not isinstance(values, dict):
            raise BadFile(first_line, "the front matter must be 'field: value' lines")
        if len(values) > MAX_FRONT_MATTER_FIELDS:
            raise BadFile(
                first_line,
                f"the front matter has {len(values):,} fields; the most is "
                f"{MAX_FRONT_MATTER_FIELDS}",
            )
        self.values = values
        self.opening_line = first_line - 1
        self.key_lines = key_lines
        self.item_lines = item_lines

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
        raise BadFile(self.line(key), f"bad date for '{key}': {_shown(value)} (use YYYY-MM-DD)")

    def items(self, key: str) -> list:
        value = self.values.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise BadFile(self.line(key), f"'{key}' must be a list (lines starting with '- ')")
        if len(value) > MAX_LIST_ITEMS:  # flow lists ([a, b]) are counted here
            raise BadFile(
                self.line(key),
                f"'{key}' has {len(value):,} items; the most is {MAX_LIST_ITEMS}",
            )
        return value


def _shown(value) -> str:
    """A value quoted in a message: at most about 80 characters of it, however large."""
    return _SHOWN.repr(value)


def _yaml_problem(exc: yaml.YAMLError, *, first_line: int) -> tuple[int, str]:
    """The line and words of a YAML library error, and where the unfinished part began."""
    mark = getattr(exc, "problem_mark", None)
    line = first_line + mark.line if mark is not None else first_line
    problem = _clip(getattr(exc, "problem", None) or str(exc))
    context, began = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and began is not None and (mark is None or began.line != mark.line):
        problem += f" ({_clip(context)} on line {first_line + began.line})"
    return line, f"YAML syntax error in front matter: {problem}"


def _clip(problem: str) -> str:
    """A YAML library message, with anything it quotes from the file cut to 80 characters."""
    return _QUOTED.sub(lambda m: f"{m[1]}{m[2]}…{m[1]}", problem)[:300]


def _largest_field(lines: list[str]) -> str:
    """Which field takes most of an oversized front matter, for the message."""
    sizes: dict[str, int] = {}
    key = None
    for line in lines:
        if match := _TOP_LEVEL_KEY.match(line):
            key = match[1]
        if key is not None:
            sizes[key] = sizes.get(key, 0) + 1
    if not sizes:
        return ""
    largest = max(sizes, key=sizes.get)
    return f" ('{largest}' alone takes {sizes[largest]:,} lines)"


def _key_above(source: str, index: int) -> str | None:
    """The top-level field whose value holds line ``index`` (0-based) of the front matter."""
    lines = source.split("\n")[: index + 1]
    for line in reversed(lines):
        if match := _TOP_LEVEL_KEY.match(line):
            return match[1]
    return None


def parse_page(path: Path) -> ParsedPage:
    """Read and validate one file, raising ``BadFile`` at the first problem found."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BadFile(1, f"cannot read the file: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise BadFile(
            1,
            f"the file is larger than {MAX_FILE_BYTES:,} bytes (1 MB), the most for one "
            "page: split it into several pages",
        )
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise BadFile(1, "the file is not UTF-8 text") from None
    if nul := next((n for n, line in enumerate(lines, start=1) if "\x00" in line), None):
        raise BadFile(nul, "the file contains a NUL character, which text cannot hold")
    if not lines or lines[0].rstrip() != "---":
        raise BadFile(1, "missing front matter: the file must start with a '---' line")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if end is None:
        raise BadFile(1, "the front matter is not closed with a '---' line")
    source = "\n".join(lines[1:end])
    if len(source) > MAX_FRONT_MATTER_CHARACTERS:
        raise BadFile(
            1,
            f"the front matter is {len(source):,} characters long; the most is "
            f"{MAX_FRONT_MATTER_CHARACTERS:,}{_largest_field(lines[1:end])}",
        )
    front = _FrontMatter(source, first_line=2)
    page = _validate_fields(path, front)
    page.sections, page.figures = _split_sections(
        lines[end + 1 :],
        first_line=end + 2,
        path=path,
        details=page.figure_details,
        line_of=page.line_of,
    )
    return page


def _validate_fields(path: Path, front: _FrontMatter) -> ParsedPage:
    values = front.values
    if missing := [key for key in REQUIRED_FIELDS if values.get(key) in (None, "")]:
        plural = "s" if len(missing) > 1 else ""
        raise BadFile(front.opening_line, f"missing required field{plural}: {', '.join(missing)}")
    slug = values["slug"]
    if not isinstance(slug, str) or not _SLUG.match(slug) or len(slug) > 120:
        raise BadFile(
            front.line("slug"), f"bad slug {_shown(slug)}: use a-z, 0-9 and single hyphens"
        )
    topic_path = [part.strip() for part in front.text("topic", max_length=1000).split(">")]
    if any(not slugify(part) or len(part) > 120 for part in topic_path):
        raise BadFile(front.line("topic"), "bad topic: write it like 'Cancer types > Bowel cancer'")
    reviewed_on, next_review_on = front.date("reviewed"), front.date("next_review")
    if reviewed_on > timezone.localdate():
        raise BadFile(front.line("reviewed"), f"reviewed ({reviewed_on}) is in the future")
    if not reviewed_on < next_review_on <= latest_next_review(reviewed_on):
        raise BadFile(
            front.line("next_review"),
            f"next_review ({next_review_on}) must be after reviewed ({reviewed_on}) "
            f"and at most {MAX_REVIEW_YEARS_WORDS} after it",
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
        figure_details=_figure_details(front),
        line_of={key: front.line(key) for key in front.key_lines},
    )
    for i, related in enumerate(front.items("related")):
        if not isinstance(related, str) or not _SLUG.match(related):
            raise BadFile(front.line("related", i), f"bad slug in 'related': {_shown(related)}")
        if related != slug and related not in page.related:
            page.related.append(related)
    page.warnings += [
        f"{path}:{front.line(str(key))}: unknown field {_shown(key)} ignored"
        for key in values
        if key not in KNOWN_FIELDS
    ]
    return page


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
    if len(citation) > MAX_CITATION_LENGTH:
        raise BadFile(
            line, f"reference {index + 1} is longer than {MAX_CITATION_LENGTH:,} characters"
        )
    url_match = _URL.search(citation)
    url = url_match.group(0).rstrip(".,;:") if url_match else ""
    if url and (problem := _link_problem(url)):
        raise BadFile(
            line, f"reference {index + 1} has a link that cannot be used: {_shown(url)}. {problem}"
        )
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


def _figure_details(front: _FrontMatter) -> dict[str, dict]:
    """``figures: [{file: images/spread.png, long_description: ..., credit: ...}]``."""
    details = {}
    for index, item in enumerate(front.items("figures")):
        line = front.line("figures", index)
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise BadFile(
                line, f"figure {index + 1} must be written as {{file: images/x.png, ...}}"
            )
        unknown = set(item) - {"file", "long_description", "credit"}
        if unknown:
            raise BadFile(line, f"figure {index + 1}: unknown field {_shown(sorted(unknown)[0])}")
        description, credit = item.get("long_description") or "", item.get("credit") or ""
        if not isinstance(description, str) or len(description) > 5000:
            raise BadFile(
                line, f"figure {index + 1}: long_description must be up to 5,000 characters"
            )
        if problems := find_markdown_problems(description, first_line=line):
            raise BadFile(line, f"figure {index + 1}: {problems[0].message}")
        if not isinstance(credit, str) or len(credit) > 300:
            raise BadFile(line, f"figure {index + 1}: credit must be up to 300 characters")
        details[item["file"].strip()] = {
            "long_description": description.strip(),
            "credit": " ".join(credit.split()),
            "line": line,
        }
    return details


def _link_problem(url: str) -> str:
    """Why a link cannot be imported: the one reading the workspace's forms and the link
    checker use (``infopages.weblinks``), and the 500 characters a link field holds."""
    if len(url) > 500:
        return "A link can be at most 500 characters long."
    return public_link_problem(url)


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
    if not isinstance(url, str) or not url.strip():
        raise BadFile(line, f"resource {index + 1} needs a url starting with https:// or http://")
    if problem := _link_problem(url.strip()):
        raise BadFile(
            line, f"resource {index + 1} has a url that cannot be used: {_shown(url)}. {problem}"
        )
    if not isinstance(description, str) or len(description) > 300:
        raise BadFile(line, f"resource {index + 1}: description must be up to 300 characters")
    return {"title": title.strip(), "url": url.strip(), "description": description.strip()}


def _split_sections(
    lines: list[str],
    *,
    first_line: int,
    path: Path | None = None,
    details: dict | None = None,
    line_of: dict | None = None,
) -> tuple[list[dict], list[dict]]:
    """Each '## ' line outside fenced code starts a section; deeper headings stay inside it.
    A picture on a line of its own becomes a figure, placed where it was (``_figures``).
    ``line_of``: where each section's text starts is noted in it (``section:<anchor>``)."""
    found: list[tuple[str, int, list[str]]] = []
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
            if len(found) == MAX_SECTIONS:
                raise BadFile(
                    number,
                    f"the page has more than {MAX_SECTIONS} sections ('## ' headings); "
                    f"the most is {MAX_SECTIONS}: split it into several pages",
                )
            found.append((text, number, []))
            continue
        if found:
            found[-1][2].append(line)
        elif line.strip():
            raise BadFile(number, "text before the first '## ' heading: put it in a section")
    if not found:
        raise BadFile(first_line - 1, "no sections: the page needs at least one '## Heading'")
    sections, taken = [], set()
    pictures = _Pictures(path, details or {})
    for heading, heading_line, body in found:
        body = pictures.placed(body, first_line=heading_line + 1)
        # The body starts after the heading and any blank lines stripped below.
        leading = next((i for i, line in enumerate(body) if line), len(body))
        text = "\n".join(body).strip("\n")
        problems = find_markdown_problems(text, first_line=heading_line + 1 + leading)
        if problems:
            raise BadFile(problems[0].line, f"section {_shown(heading)}: {problems[0].message}")
        try:  # only a render shows that the text finishes, within the budget
            render_checked(text)
        except RenderTooSlow as error:
            raise BadFile(heading_line, f"section {_shown(heading)}: {error}") from None
        base = anchor = make_anchor(heading)
        n = 2
        while anchor in taken:
            suffix = f"-{n}"
            anchor, n = base[: 80 - len(suffix)] + suffix, n + 1
        taken.add(anchor)
        sections.append({"anchor": anchor, "heading": heading, "body": text})
        if line_of is not None:
            line_of[f"section:{anchor}"] = heading_line + 1 + leading
    for target, detail in pictures.details.items():
        if target not in pictures.used:
            raise BadFile(detail["line"], f"figure {_shown(target)} is not shown in any section")
    return sections, pictures.figures


def check_block_markers(page: ParsedPage) -> None:
    """Refuse shared block markers the page could not show, as saving a section in the
    editor does: misplaced, naming no block, or a block retired or never published. Asked
    when the page is written (it reads the blocks: two queries, only when there are
    markers), not by ``parse_page``, which reads the file alone."""
    names = names_in_all(section["body"] for section in page.sections)
    usable = usable_blocks(names) if names else {}
    for section in page.sections:
        refusals = marker_refusals(section["body"], usable=usable)
        if refusals:
            body_lines = section["body"].split("\n")
            at = next((n for n, line in enumerate(body_lines) if "{{" in line), 0)
            raise BadFile(
                page.line_of.get(f"section:{section['anchor']}", 1) + at,
                f"section {_shown(section['heading'])}: {refusals[0]}",
            )


_IMAGE_LINE = re.compile(r'^\s*!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"([^"]*)")?\s*\)\s*$')
_IMAGE_ANYWHERE = re.compile(r"!\[[^\]]*\]\(")
MAX_FIGURES = 50


class _Pictures:
    """The pictures a file's sections show, read from files next to it and checked as an
    upload is; each line showing one becomes the line placing its figure."""

    def __init__(self, path: Path | None, details: dict[str, dict]):
        self.folder = path.parent.resolve() if path is not None else None
        self.figures: list[dict] = []
        self.names: set[str] = set()
        self.details, self.used = details, set()

    def placed(self, body: list[str], *, first_line: int) -> list[str]:
        result = []
        fence = None
        for number, line in enumerate(body, start=first_line):
            opening = _FENCE.match(line)
            if fence is None and opening:
                fence = opening.group(1)
            elif fence and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            if fence is None and (image := _IMAGE_LINE.match(line)):
                result.append(self._figure(number, *image.groups()))
            elif fence is None and _IMAGE_ANYWHERE.search(line):
                raise BadFile(
                    number,
                    'a picture in the middle of a line: put ![alt text](file.png "caption") '
                    "on a line of its own",
                )
            else:
                result.append(line)
        return result

    def _figure(self, number: int, alt: str, target: str, caption: str | None) -> str:
        from infopages import images
        from infopages.figures import alt_refusal, marker_for

        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("/"):
            raise BadFile(
                number,
                f"the picture {_shown(target)} is not a file next to the page: put it in the "
                "page's folder (e.g. images/spread.png) and refer to it from there",
            )
        if self.folder is None:
            raise BadFile(number, "pictures can be imported only from files")
        file = (self.folder / target).resolve()
        if not file.is_relative_to(self.folder):
            raise BadFile(number, f"the picture {_shown(target)} is outside the page's folder")
        if len(self.figures) == MAX_FIGURES:
            raise BadFile(number, f"the page has more than {MAX_FIGURES} pictures")
        try:
            with file.open("rb") as handle:
                data = handle.read(images.max_bytes() + 1)
        except OSError as exc:
            raise BadFile(
                number, f"cannot read the picture {_shown(target)}: {exc.strerror}"
            ) from None
        try:
            clean = images.check_upload(data, file.name)
        except images.ImageRefused as refusal:
            raise BadFile(number, str(refusal)) from None
        if refusal := alt_refusal(alt=alt, decorative=False, original_name=file.name):
            raise BadFile(number, f"the picture {_shown(target)}: {refusal}")
        base = name = (slugify(file.stem) or "figure")[:50]
        n = 2
        while name in self.names:
            name, n = f"{base}-{n}", n + 1
        self.names.add(name)
        detail = self.details.get(target, {})
        self.used.add(target)
        self.figures.append(
            {
                "name": name,
                "alt": " ".join(alt.split())[:300],
                "caption": " ".join((caption or "").split())[:500],
                "long_description": detail.get("long_description", ""),
                "credit": detail.get("credit", ""),
                "picture": clean,
            }
        )
        return marker_for(name)
