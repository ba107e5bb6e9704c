"""The one markdown renderer: publication, previews and the editor's live preview all use it.

Markdown is converted first, then the HTML goes through an allow-list sanitiser (nh3), so
whatever an author (or an imported file) writes, only the tags and attributes below survive.

Bounded cost. Python-Markdown is quadratic or worse on some inputs: every ``[`` scans to its
``]`` (or to the end of the paragraph), every ``<`` that looks like a tag scans to its ``>``,
every inline match copies the rest of the paragraph, a heading or rule inside a run of lines
re-scans the rest of the run, duplicate headings are numbered one by one, details blocks are
matched against each other, and deep nesting recurses until ``RecursionError``. Measured on
60,000 characters, single constructs took from 2 s to minutes. Even linear work adds up: each
paragraph, list item or table cell costs about 20 us, and 60,000 characters hold 20,000.

So ``markdown_problems`` first measures, in one linear pass, the work each of those
constructs would cause, and refuses text over the limits below with a message an editor can
act on; the worst text it accepts renders in about 0.25 s (bench/renderer_worst_case.py).

That pre-check predicts; it cannot prove. Issue 18 found short texts of lists and details
blocks that pass it and make Python-Markdown loop for ever. So every render also runs in a
renderer process under a wall-clock budget (``MARKDOWN_RENDER_SECONDS``, ``render_pool``),
killed when it runs over. Where text is saved (the section form, the editing service,
import, restore) and published, text that fails the pre-check or the budget is refused with
a message (``body_refusals``, ``render_checked``), so published HTML is exactly what was
reviewed. Where text is only shown (the change page, its diffs, previews, scores),
``render_markdown`` never raises: text it cannot render in full is shown as plain escaped
paragraphs, which takes linear time and shows every word.
"""

import bisect
import hashlib
import html
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from infopages import render_pool

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "details": {"open"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Limits an editor can see and act on. A long real section is 5,000 to 20,000 characters,
# lists nest two or three levels, a long FAQ has a dozen details blocks.
MAX_SECTION_CHARACTERS = 60_000
MAX_NESTING_DEPTH = 8  # lists, quotes and details blocks, counted together
MAX_MARKUP_PIECES = 10_000  # each paragraph, list item, cell... costs the renderer ~20 us
MAX_LINES_WITHOUT_BLANK = 300  # a heading or rule in such a run re-scans the rest of it
MAX_HEADINGS = 100
MAX_DETAILS_BLOCKS = 50
MAX_EMPHASIS_NESTING = 50  # * and _ nested inside each other; deeper recurses into a crash
MAX_REPORTED_PROBLEMS = 5  # an editor fixes the first few and tries again

# Work budgets, in characters the renderer would scan, for constructs whose cost grows with
# the square of their count. Each one alone stays under about 0.15 s (see
# bench/renderer_worst_case.py); real pages use a small fraction of each.
_BRACKET_WORK = 200_000  # a [ scans to its ] and a link's ( to its ), ~0.5 us a character
_TAG_WORK = 500_000  # a < that looks like a tag scans to the next >, ~0.1 us a character
_CDATA_WEIGHT = 6  # <![CDATA[ scans to its ]]> several times over
_BACKTICK_WORK = 1_000_000  # an unclosed run of ` scans to the end, ~0.07 us a character
_INLINE_COPY_WORK = 80_000_000  # each inline match copies its paragraph, ~1 ns a character
_PLACEHOLDER = 16  # characters a matched piece of markup grows to while the renderer works
_SMALL_PARAGRAPH = 100  # too short to reach any budget below: 100 * (100 + 16 * 100) < 200,000

_WHITESPACE = re.compile(r"\s+")
_EXTERNAL_LINK = re.compile(r'<a href="(https?://[^"]*)"')

_BLANK = re.compile(r"[ \t]*")
_CONTAINER = re.compile(r"( *)(?:(>) ?|(?:[-+*]|\d{1,9}[.)])(?= |$) ?)")
_RULE = re.compile(r" {0,3}([-*_])(?: *\1){2,} *$")
_BLOCK_START = re.compile(r" {0,3}(/{3,}) *[\w-]+")
_BLOCK_END = re.compile(r" {0,3}(/{3,}) *$")
_HEADING = re.compile(r" {0,3}(?:#|=+ *$|-+ *$)")
_INLINE_MARKUP = re.compile(r"[\\&<\[\]`*_]| {2,}\n")
_BRACKETS = re.compile(r"\\.|[\[\]()]", re.DOTALL)
_BACKTICKS = re.compile(r"(?<!`)`+(?!`)")
_EMPHASIS = re.compile(r"\*+|_+")
_PIECES = re.compile(r"[*_`\[<>&\\|#\n]|(?:^|(?<=\s))(?:[-+]|\d{1,9}[.)])(?=\s)", re.MULTILINE)
_TAG_START = re.compile(r"<(?:!\[CDATA\[|[A-Za-z/!?])")
_TAG_LIKE = re.compile(r"<[^<>]*>")
_BACKTICK_RUN = re.compile(r"`+")


def make_anchor(text: str) -> str:
    """A stable, readable anchor for a heading ("What is it?" -> "what-is-it")."""
    return slugify(text)[:80].strip("-") or "section"


# Checking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkdownProblem:
    """Why a text cannot be published as it is, and the line to look at."""

    line: int
    message: str


def markdown_problems(text: str, *, first_line: int = 1) -> list[str]:
    """Messages for an editor: what in ``text`` goes over the limits (empty when it is fine)."""
    return [problem.message for problem in find_markdown_problems(text, first_line=first_line)]


def find_markdown_problems(text: str, *, first_line: int = 1) -> list[MarkdownProblem]:
    """The problems in ``text``, with line numbers counted from ``first_line``.

    Runs in time linear in the text (it only counts), so it is safe on any input.
    """
    text = text or ""
    if len(text) > MAX_SECTION_CHARACTERS:
        return [
            MarkdownProblem(
                first_line,
                f"This section is {len(text):,} characters long; the most a section can hold "
                f"is {MAX_SECTION_CHARACTERS:,}. Split it into two sections.",
            )
        ]
    found = sorted(_Checker(text, first_line=first_line).problems(), key=lambda p: p.line)
    if len(found) > MAX_REPORTED_PROBLEMS:
        more = len(found) - MAX_REPORTED_PROBLEMS
        found = found[:MAX_REPORTED_PROBLEMS] + [
            MarkdownProblem(
                found[MAX_REPORTED_PROBLEMS].line,
                f"And {more:,} more problem{'s' if more > 1 else ''} like these further down.",
            )
        ]
    return found


def validate_markdown(value: str) -> None:
    """Django validator: refuse text the renderer could not show in bounded time."""
    if refusals := body_refusals(value):
        raise ValidationError(refusals, code="markdown_limits")


def body_refusals(text: str, *, first_line: int = 1) -> list[str]:
    """Why ``text`` cannot be saved as a section's body (empty when it can).

    The pre-check first; text that passes it is rendered, under the budget, since only a
    render shows that it finishes. Every service that saves a body asks this.
    """
    if problems := markdown_problems(text, first_line=first_line):
        return problems
    try:
        render_checked(text)
    except RenderTooSlow as error:
        return [str(error)]
    return []


class _Checker:
    """One pass over the lines, then one over each run of lines without a blank line."""

    def __init__(self, text: str, *, first_line: int):
        # As Python-Markdown sees it: one kind of line ending, tabs as four-space stops.
        self.text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
        self.lines = self.text.split("\n")
        self.line_starts = [0]
        for line in self.lines[:-1]:
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.first_line = first_line

    def line_at(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1 + self.first_line

    def problems(self) -> Iterator[MarkdownProblem]:
        pieces = sum(1 for _ in _PIECES.finditer(self.text))
        if pieces <= MAX_MARKUP_PIECES:  # else far too many lines to look at one by one
            yield from self._structure()
        yield from self._tags()
        for start, end in self._runs():
            yield from self._run(start, end)
        if pieces > MAX_MARKUP_PIECES:  # last, after any more specific reason on its line
            yield MarkdownProblem(
                self.first_line,
                f"This section has {pieces:,} pieces of markup (line breaks, list and quote "
                "markers, table bars and * _ ` [ < & \\ signs); the most is "
                f"{MAX_MARKUP_PIECES:,}. Split it into two sections.",
            )

    def _runs(self) -> Iterator[tuple[int, int]]:
        """(first, last + 1) line indexes of each run of lines without a blank line."""
        start = None
        for index, line in enumerate(self.lines):
            blank = _BLANK.fullmatch(line) is not None
            if start is None and not blank:
                start = index
            elif start is not None and blank:
                yield start, index
                start = None
        if start is not None:
            yield start, len(self.lines)

    def _structure(self) -> Iterator[MarkdownProblem]:
        """Nesting depth, headings and details blocks, line by line."""
        fences: list[int] = []
        headings = details = 0
        deep_reported = False
        previous_blank = True
        for index, line in enumerate(self.lines):
            number = index + self.first_line
            lists = quotes = 0
            pos = 0
            if not _RULE.match(line):
                while match := _CONTAINER.match(line, pos):
                    lists += len(match.group(1)) // 4
                    if match.group(2):
                        quotes += 1
                    else:
                        lists += 1
                    pos = match.end()
            rest = line[pos:]
            lists += (len(rest) - len(rest.lstrip(" "))) // 4
            if start := _BLOCK_START.match(rest):
                fences.append(len(start.group(1)))
                details += 1
                if details == MAX_DETAILS_BLOCKS + 1:
                    yield MarkdownProblem(
                        number,
                        f"This section has more than {MAX_DETAILS_BLOCKS} details blocks "
                        f"(///); the most is {MAX_DETAILS_BLOCKS} (line {number}). "
                        "Split it into several sections.",
                    )
            depth = lists + quotes + len(fences)
            if depth > MAX_NESTING_DEPTH and not deep_reported:
                deep_reported = True
                yield MarkdownProblem(
                    number,
                    f"{_nested_things(lists=lists, quotes=quotes, details=len(fences))} nested "
                    f"{depth} levels deep here (line {number}); the most is {MAX_NESTING_DEPTH}.",
                )
            if (end := _BLOCK_END.match(rest)) and len(end.group(1)) in fences:
                while fences.pop() != len(end.group(1)):
                    pass
            blank = _BLANK.fullmatch(line) is not None
            if _HEADING.match(rest) and not (previous_blank and rest.lstrip()[:1] in "-="):
                headings += 1
                if headings == MAX_HEADINGS + 1:
                    yield MarkdownProblem(
                        number,
                        f"This section has more than {MAX_HEADINGS} headings; the most is "
                        f"{MAX_HEADINGS} (line {number}). Split it into several sections.",
                    )
            previous_blank = blank

    def _tags(self) -> Iterator[MarkdownProblem]:
        """Every ``<`` that could start a tag makes the HTML parser scan to its ``>``."""
        text = self.text
        closers = [m.start() for m in re.finditer(">", text)]
        cdata_ends = [m.start() for m in re.finditer(re.escape("]]>"), text)]
        work = longest = 0
        worst = 0
        for match in _TAG_START.finditer(text):
            cdata = match.group().startswith("<![")
            ends = cdata_ends if cdata else closers
            at = bisect.bisect_left(ends, match.end())
            scanned = (ends[at] if at < len(ends) else len(text)) - match.start()
            work += scanned * (_CDATA_WEIGHT if cdata else 1)
            if scanned > longest:
                longest, worst = scanned, match.start()
        if work > _TAG_WORK:
            line = self.line_at(worst)
            yield MarkdownProblem(
                line,
                "There are too many '<' signs that look like the start of an HTML tag "
                f"without a '>' soon after them (for example on line {line:,}). Write &lt; "
                "where you mean 'less than', or close each tag with '>'.",
            )

    def _run(self, start: int, end: int) -> Iterator[MarkdownProblem]:
        first, last = start + self.first_line, end - 1 + self.first_line
        if end - start > MAX_LINES_WITHOUT_BLANK:
            yield MarkdownProblem(
                first,
                f"Lines {first:,} to {last:,} have no blank line between them "
                f"({end - start:,} lines); the most is {MAX_LINES_WITHOUT_BLANK}. Put blank "
                "lines between paragraphs, lists and tables.",
            )
        offset = self.line_starts[start]
        chunk = self.text[offset : self.line_starts[end - 1] + len(self.lines[end - 1])]
        if len(chunk) < _SMALL_PARAGRAPH:
            return
        markup = [m.start() for m in _INLINE_MARKUP.finditer(chunk)]
        specific = [
            *self._brackets(chunk, offset, markup),
            *self._backticks(chunk, offset, first),
            *self._emphasis(chunk, offset),
        ]
        yield from specific
        # Each match copies the paragraph, which grows by a placeholder for every match.
        if not specific and len(markup) * (len(chunk) + _PLACEHOLDER * len(markup)) > (
            _INLINE_COPY_WORK
        ):
            yield MarkdownProblem(
                first,
                f"The paragraph starting on line {first:,} has {len(markup):,} markdown signs "
                "(such as * _ [ ] ` & < \\) in it, too many to show. Split it into shorter "
                "paragraphs with blank lines.",
            )

    def _brackets(self, chunk: str, offset: int, markup: list[int]) -> Iterator[MarkdownProblem]:
        """A ``[`` scans to its ``]`` (or the end); a link's ``(`` to its ``)``.

        The renderer does not see a ``]`` or ``)`` inside code or a tag, and it scans a
        placeholder for each piece of markup already matched, so both count against us.
        """
        visible = _hide_closers(chunk)
        squares: list[int] = []
        rounds: list[tuple[int, bool]] = []
        work = deepest = 0
        previous_close = -2

        def scanned(start: int, stop: int) -> int:
            inside = bisect.bisect_left(markup, stop) - bisect.bisect_left(markup, start)
            return stop - start + _PLACEHOLDER * inside

        for match in _BRACKETS.finditer(visible):
            sign, pos = match.group(), match.start()
            if sign == "[":
                squares.append(pos)
                deepest = max(deepest, len(squares))
            elif sign == "]" and squares:
                work += scanned(squares.pop(), pos)
                previous_close = pos
            elif sign == "(":
                rounds.append((pos, pos == previous_close + 1))
            elif sign == ")" and rounds:
                opened, after_link = rounds.pop()
                if after_link:
                    work += scanned(opened, pos)
        unmatched = squares
        work += sum(scanned(pos, len(chunk)) for pos in unmatched)
        work += sum(scanned(pos, len(chunk)) for pos, after_link in rounds if after_link)
        if work <= _BRACKET_WORK:
            return
        if unmatched:
            first, line = self.line_at(offset), self.line_at(offset + unmatched[0])
            where = f"line {first:,}" + (f" (the first on line {line:,})" if line > first else "")
            yield MarkdownProblem(
                line,
                f"There are {len(unmatched):,} '[' without a matching ']' in the paragraph "
                f"starting on {where}. Write \\[ for a bracket that is not part of a link.",
            )
        elif [pos for pos, after_link in rounds if after_link]:
            line = self.line_at(offset + rounds[0][0])
            yield MarkdownProblem(
                line,
                f"Links have '(' without a matching ')' near line {line:,}. Close each "
                "link's address with ')'.",
            )
        else:
            line = self.line_at(offset)
            yield MarkdownProblem(
                line,
                f"There are too many square brackets in the paragraph starting on line "
                f"{line:,} (nested up to {deepest:,} deep). Write \\[ and \\] for brackets "
                "that are not part of a link.",
            )

    def _backticks(self, chunk: str, offset: int, first: int) -> Iterator[MarkdownProblem]:
        """A run of backticks without a closing run of the same length scans to the end."""
        runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS.finditer(chunk)]
        open_runs: dict[int, int] = {}
        for pos, length in runs:
            if length in open_runs:
                del open_runs[length]  # closes the open run of the same length
            else:
                open_runs[length] = pos
        work = sum(len(chunk) - pos for pos in open_runs.values())
        if work > _BACKTICK_WORK:
            line = self.line_at(offset + min(open_runs.values()))
            yield MarkdownProblem(
                line,
                f"The paragraph starting on line {first:,} has {len(open_runs):,} runs of "
                f"backticks (`) that are never closed (first on line {line:,}). Close each "
                "`code` span with the same number of backticks.",
            )

    def _emphasis(self, chunk: str, offset: int) -> Iterator[MarkdownProblem]:
        """How deep * and _ could nest: Python-Markdown recurses once per level."""
        stack: list[int] = []
        depth = 0
        for match in _EMPHASIS.finditer(chunk):
            before = chunk[match.start() - 1] if match.start() else " "
            after = chunk[match.end()] if match.end() < len(chunk) else " "
            if not before.isspace() and stack:
                depth = max(depth, sum(stack))
                stack.pop()
            elif not after.isspace():
                stack.append(len(match.group()))
            if depth > MAX_EMPHASIS_NESTING:
                line = self.line_at(offset + match.start())
                yield MarkdownProblem(
                    line,
                    f"Bold and italic markers (* and _) are nested more than "
                    f"{MAX_EMPHASIS_NESTING} deep here (line {line:,}). Write \\* or \\_ for "
                    "a star or underscore that should show as it is.",
                )
                return


def _hide_closers(chunk: str) -> str:
    """``chunk`` with each ``]`` and ``)`` that may sit inside code or a tag blanked out.

    Blanking more than the renderer hides only makes the estimate larger, so the pairing of
    backtick runs here can be rougher than the renderer's.
    """

    def blank(text: str) -> str:
        return text.replace("]", " ").replace(")", " ")

    opened: dict[int, int] = {}
    spans: list[tuple[int, int]] = []
    for run in _BACKTICK_RUN.finditer(chunk):
        length = run.end() - run.start()
        if length in opened:
            spans.append((opened.pop(length), run.start()))
        else:
            opened[length] = run.end()
    if spans:
        spans.sort()
        pieces, done = [], 0
        for start, stop in spans:
            start = max(start, done)
            if stop > start:
                pieces += [chunk[done:start], blank(chunk[start:stop])]
                done = stop
        chunk = "".join(pieces) + chunk[done:]
    return _TAG_LIKE.sub(lambda tag: blank(tag.group()), chunk)


def _nested_things(*, lists: int, quotes: int, details: int) -> str:
    kinds = [
        name
        for name, count in (("lists", lists), ("quotes", quotes), ("details blocks", details))
        if count
    ]
    if len(kinds) == 1:
        return {"lists": "Lists are", "quotes": "Quotes (>) are"}.get(
            kinds[0], "Details blocks are"
        )
    return (", ".join(kinds[:-1]) + " and " + kinds[-1]).capitalize() + " are"


# Rendering -----------------------------------------------------------------------------------


DEFAULT_RENDER_SECONDS = 2.0
DEFAULT_CONVERTER = "infopages.markdown.convert"
_RECENT = 256  # renders remembered per process: a change page renders each text several times
_TOO_SLOW = object()

_per_thread = threading.local()
_recent: OrderedDict[tuple, object] = OrderedDict()
_recent_lock = threading.Lock()


class RenderTooSlow(Exception):
    """The text did not become a page within the render budget, so it cannot be saved."""

    def __init__(self, budget: float):
        super().__init__(
            f"This text took too long to turn into a page (more than {budget:g} "
            f"second{'' if budget == 1 else 's'}). "
            "Simplify how its lists and details blocks (///) are nested or interleaved, put "
            "a blank line between a list and what follows it, or split the section."
        )


def _converter(id_prefix: str) -> markdown.Markdown:
    """This thread's converter, reset for a new text. Building one (loading the extensions)
    costs more than converting a short section, and a page has many sections."""
    converter = getattr(_per_thread, "converter", None)
    if converter is None:
        converter = markdown.Markdown(
            extensions=["tables", "sane_lists", "toc", "pymdownx.blocks.details"],
            extension_configs={
                "tables": {"use_align_attribute": True},
                "toc": {"slugify": lambda value, _sep: _per_thread.id_prefix + make_anchor(value)},
            },
            output_format="html",
        )
        _per_thread.converter = converter
    _per_thread.id_prefix = id_prefix
    return converter.reset()


def convert(text: str, *, id_prefix: str = "") -> str:
    """Markdown to sanitised HTML, unbounded: only ever run inside a renderer process."""
    try:
        raw_html = _converter(id_prefix).convert(text)
    except BaseException:
        _per_thread.converter = None  # start the next text with a new converter
        raise
    clean = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    # Links to other sites open normally but never get a handle on our window or our URL.
    return _EXTERNAL_LINK.sub(r'<a href="\1" rel="noopener noreferrer external"', clean)


def _setting(name: str, default):
    return getattr(settings, name, default) if settings.configured else default


def _render(text: str, id_prefix: str) -> str | object:
    """The HTML of ``text`` (pre-checked), or ``_TOO_SLOW``; remembered for repeat renders."""
    budget = float(_setting("MARKDOWN_RENDER_SECONDS", DEFAULT_RENDER_SECONDS))
    converter = _setting("MARKDOWN_RENDER_CONVERTER", DEFAULT_CONVERTER)
    text_key = (hashlib.sha256(text.encode()).digest(), converter, budget)
    key = (text_key, id_prefix)  # the prefix changes the HTML, not how long it takes
    with _recent_lock:
        for known in (text_key, key):
            if known in _recent:
                _recent.move_to_end(known)
                return _recent[known]
    try:
        outcome = render_pool.render_in_budget(
            text=text, id_prefix=id_prefix, converter=converter, budget=budget
        )
    except render_pool.RenderTimedOut:
        logger.warning("Markdown of %d characters was stopped after %g s", len(text), budget)
        outcome, key = _TOO_SLOW, text_key
    except render_pool.RenderFailed as error:  # a crash in an extension: show the words
        logger.error("Markdown could not be rendered (%s); showing it as plain text", error)
        return plain_paragraphs(text)
    with _recent_lock:
        _recent[key] = outcome
        while len(_recent) > _RECENT:
            _recent.popitem(last=False)
    return outcome


def render_checked(text: str, *, id_prefix: str = "") -> str:
    """Render for saving or publishing: raises ``RenderTooSlow`` past the budget.

    Text that fails the pre-check is shown as plain paragraphs, as by ``render_markdown``
    (savers refuse it first, with ``body_refusals``).
    """
    text = text or ""
    if len(text) > MAX_SECTION_CHARACTERS or find_markdown_problems(text):
        return plain_paragraphs(text)
    outcome = _render(text, id_prefix)
    if outcome is _TOO_SLOW:
        raise RenderTooSlow(float(_setting("MARKDOWN_RENDER_SECONDS", DEFAULT_RENDER_SECONDS)))
    return outcome


def render_markdown(text: str, *, id_prefix: str = "") -> str:
    """Render author markdown to sanitised HTML; never raises, and takes bounded time.

    ``id_prefix`` keeps heading anchors unique when several sections share a page. Text over
    the limits (see ``markdown_problems``), or that the renderer could not finish within the
    budget, is shown as plain escaped paragraphs instead.
    """
    try:
        return render_checked(text, id_prefix=id_prefix)
    except RenderTooSlow:
        return plain_paragraphs(text)


def plain_paragraphs(text: str) -> str:
    """The text as escaped paragraphs, with no markup: linear time on any input."""
    paragraphs = re.split(r"\n[ \t]*\n", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(
        f"<p>{html.escape(p.strip())}</p>".replace("\n", "<br>\n") for p in paragraphs if p.strip()
    )


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, for search and the API."""
    spaced = re.sub(r"<(/?)(p|li|h\d|tr|td|th|summary|details|br|dd|dt)\b", r" <\1\2", fragment)
    text = nh3.clean(spaced, tags=set())
    return _WHITESPACE.sub(" ", html.unescape(text)).strip()
