"""Rendered text split into the blocks a reader sees: paragraphs, list items, headings, the
title and body of each expandable item, table cells.

Reviewers compare what readers will read, not markdown syntax: each version's body is
rendered by the portal's one renderer (``infopages.markdown.render_markdown``), whose
sanitised output holds only the allow-listed tags below, then split here. Each block knows
where it sits (which expandable item, which table row and column), so a change can be
placed for the reader ("In “Bone scan” (an expandable item)"), and where its tag starts in
the HTML, so a preview can open the expandable items that hold changes and mark them.
"""

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

# Every tag the renderer lets through is one of these (a test keeps the lists in step).
BLOCK_KINDS = {
    "p": "paragraph",
    "li": "list item",
    "summary": "title",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "td": "table cell",
    "th": "table heading",
    "dt": "term",
    "dd": "definition",
    "pre": "preformatted text",
    "caption": "table caption",
    "hr": "dividing line",
}
CONTAINER_TAGS = frozenset(
    {"details", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "blockquote"}
)
INLINE_TAGS = frozenset({"a", "abbr", "b", "br", "code", "del", "em", "i", "strong", "sub", "sup"})

_SPACES = re.compile(r"\s+")
_TAG_NAME = re.compile(r"<(\w+)")


@dataclass(frozen=True)
class Expander:
    """An expandable item (``<details>``): its place among the rendering's, and its title."""

    index: int
    title: str


@dataclass(frozen=True)
class Block:
    """One thing a reader reads as a unit."""

    kind: str  # a value of BLOCK_KINDS
    text: str  # as read, spaces collapsed
    html: str  # its own markup (inline tags kept): tells a change of formatting or link
    links: tuple[str, ...] = ()
    expanders: tuple[Expander, ...] = ()  # the expandable items it is inside, outermost first
    row: str = ""  # in a table: the first cell of its row, and its column's heading
    column: str = ""
    quoted: bool = False
    start: int = -1  # where its tag starts in the HTML (-1: text outside any block tag)
    top: int = -1  # which top-level element of the HTML it is in (see ``Rendering.tops``)

    @property
    def key(self) -> tuple[str, str]:
        """What two versions of a block must share to be the same block."""
        return (self.kind, self.html)


TOP_KINDS = {
    "details": "expandable item",
    "ul": "list",
    "ol": "list",
    "dl": "list",
    "table": "table",
    "blockquote": "quotation",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
}


@dataclass(frozen=True)
class Top:
    """One top-level element of the HTML: where it starts and ends, and what it is."""

    start: int
    end: int
    kind: str  # "paragraph", "expandable item", "list", "table"…


@dataclass(frozen=True)
class Rendering:
    """A rendered body and its blocks, in reading order."""

    html: str
    blocks: tuple[Block, ...]
    details: tuple[tuple[int, bool], ...] = ()  # each <details>: where its tag starts, is open
    tops: tuple[Top, ...] = ()  # its top-level elements, in order (none: text outside them)

    def marked(self, *, opened: set[int] = frozenset(), changed: set[int] = frozenset()) -> str:
        """The HTML with the expandable items ``opened`` (by index) open, and the blocks
        that start at the offsets ``changed`` marked with ``class="changed"``."""
        return _inserted(self.html, 0, self._inserts(opened, changed))

    def window(
        self, tops: set[int], *, opened: set[int] = frozenset(), changed: set[int] = frozenset()
    ) -> list[str | list[Top]]:
        """Only the top-level elements ``tops`` (by index), marked as ``marked`` marks them,
        in order: each as its HTML, each run of elements left out as the list of them."""
        inserts = self._inserts(opened, changed)
        pieces: list[str | list[Top]] = []
        left_out: list[Top] = []
        for index, top in enumerate(self.tops):
            if index not in tops:
                left_out.append(top)
                continue
            if left_out:
                pieces.append(left_out)
                left_out = []
            pieces.append(_inserted(self.html[top.start : top.end], top.start, inserts))
        if left_out:
            pieces.append(left_out)
        return pieces

    def _inserts(self, opened: set[int], changed: set[int]) -> dict[int, str]:
        inserts = {}
        for index in opened:
            start, is_open = self.details[index]
            if not is_open:
                inserts[start + len("<details")] = " open"
        for start in changed:
            if start >= 0:
                tag = _TAG_NAME.match(self.html, start).group(1)
                inserts[start + 1 + len(tag)] = ' class="changed"'
        return inserts


def _inserted(html: str, base: int, inserts: dict[int, str]) -> str:
    """``html`` (which starts at ``base`` in the whole) with the inserts that fall in it."""
    end = base + len(html)
    for offset in sorted((o for o in inserts if base <= o < end), reverse=True):
        html = html[: offset - base] + inserts[offset] + html[offset - base :]
    return html


@dataclass
class _Frame:
    """A block being read: its text and markup so far."""

    kind: str
    start: int
    text: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    all_text: list[str] = field(default_factory=list)  # across pieces, for a row's label

    def add(self, text: str, html: str) -> None:
        self.text.append(text)
        self.html.append(html)
        self.all_text.append(text)


@dataclass
class _Table:
    headings: dict[int, str] = field(default_factory=dict)
    in_head: bool = False
    cells: list[str] = field(default_factory=list)  # the current row's cells so far


class _Splitter(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.blocks: list[Block] = []
        self.details: list[tuple[int, bool]] = []
        self._stack: list[tuple[str, _Frame | None]] = []  # open block and container tags
        self._implicit: _Frame | None = None  # text straight inside a container
        self._expanders: list[list] = []  # [index, title] of each open <details>
        self._tables: list[_Table] = []
        self._quoted = 0
        self.tops: list[Top] = []
        self._depth = 0  # of open elements (void ones aside)
        self._top_start = -1
        self._top_kind = ""
        self._current_top = -1  # the index the open top-level element will have
        self.loose_text = False  # text outside any top-level element

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _frame(self) -> _Frame:
        """Where text goes: the innermost block, else a paragraph of its own."""
        for tag, frame in reversed(self._stack):
            if frame is not None:
                return frame
            if tag in CONTAINER_TAGS:
                break
        if self._implicit is None:
            self._implicit = _Frame(kind="paragraph", start=-1)
        return self._implicit

    def _flush(self, frame: _Frame | None) -> None:
        if frame is None:
            return
        in_summary = frame.kind == "title"  # its own expandable item is not around it
        text = _SPACES.sub(" ", "".join(frame.text)).strip()
        html = _SPACES.sub(" ", "".join(frame.html)).strip()
        if text or frame.kind == "dividing line":
            expanders = [Expander(index, title) for index, title in self._expanders]
            table = self._tables[-1] if self._tables else None
            row = column = ""
            if table is not None and frame.kind in ("table cell", "table heading"):
                position = len(table.cells)
                if not table.in_head:
                    column = table.headings.get(position, "")
                    row = table.cells[0] if table.cells else ""
            self.blocks.append(
                Block(
                    kind=frame.kind,
                    text=text or "(a dividing line)",
                    html=html,
                    links=tuple(frame.links),
                    expanders=tuple(expanders[:-1] if in_summary else expanders),
                    row=row,
                    column=column,
                    quoted=self._quoted > 0,
                    start=frame.start,
                    top=self._current_top,
                )
            )
        frame.text, frame.html, frame.links = [], [], []

    def _flush_all_open(self) -> None:
        """A new block or container starts: what came before it is a block of its own."""
        self._flush(self._implicit)
        self._implicit = None
        for _tag, frame in self._stack:
            if frame is not None:
                self._flush(frame)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start, void, top_level = self._offset(), tag in ("br", "hr"), self._depth == 0
        if top_level:
            self._current_top = len(self.tops)
            self._top_start = start
            self._top_kind = TOP_KINDS.get(tag) or BLOCK_KINDS.get(tag) or "paragraph"
        if not void:
            self._depth += 1
        self._start_element(tag, attrs, start)
        if top_level and void:  # it ends where it starts
            end = start + len(self.get_starttag_text() or "")
            self.tops.append(Top(start, end, self._top_kind))
            self._current_top, self._top_start = -1, -1

    def _start_element(self, tag: str, attrs, start: int) -> None:
        if tag in INLINE_TAGS or (tag not in BLOCK_KINDS and tag not in CONTAINER_TAGS):
            raw = self.get_starttag_text() or f"<{tag}>"
            if tag == "br":
                self._frame().add(" ", "<br>")
                return
            if tag == "a":
                self._frame().links.append(dict(attrs).get("href") or "")
            self._frame().add("", raw)
            return
        self._flush_all_open()
        if tag in CONTAINER_TAGS:
            self._open_container(tag, start, attrs)
            self._stack.append((tag, None))
            return
        kind = BLOCK_KINDS[tag]
        parent = next((f for _t, f in reversed(self._stack) if f is not None), None)
        if tag == "p" and parent is not None:
            kind = parent.kind  # a list item of paragraphs reads as list items
        frame = _Frame(kind=kind, start=start)
        if tag == "hr":
            self._flush(frame)
            return
        self._stack.append((tag, frame))

    def _open_container(self, tag: str, start: int, attrs) -> None:
        if tag == "details":
            self.details.append((start, any(name == "open" for name, _value in attrs)))
            self._expanders.append([len(self.details) - 1, ""])
        elif tag == "table":
            self._tables.append(_Table())
        elif tag == "thead" and self._tables:
            self._tables[-1].in_head = True
        elif tag in ("tbody", "tfoot") and self._tables:
            self._tables[-1].in_head = False
        elif tag == "tr" and self._tables:
            self._tables[-1].cells = []
        elif tag == "blockquote":
            self._quoted += 1

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr") and (tag in INLINE_TAGS or tag not in CONTAINER_TAGS):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "hr"):
            return
        self._end_element(tag)
        self._depth = max(self._depth - 1, 0)
        if self._depth == 0 and self._top_start >= 0:
            end = self._offset() + len(f"</{tag}>")
            self.tops.append(Top(self._top_start, end, self._top_kind))
            self._top_start, self._current_top = -1, -1

    def _end_element(self, tag: str) -> None:
        if tag not in BLOCK_KINDS and tag not in CONTAINER_TAGS:
            if tag != "br":
                self._frame().add("", f"</{tag}>")
            return
        if not any(open_tag == tag for open_tag, _frame in self._stack):
            return  # a stray end tag (the sanitiser balances tags; be safe anyway)
        self._flush(self._implicit)
        self._implicit = None
        while self._stack:
            open_tag, frame = self._stack.pop()
            self._close(open_tag, frame)
            if open_tag == tag:
                break

    def _close(self, tag: str, frame: _Frame | None) -> None:
        if frame is not None:
            self._flush(frame)
            if tag == "summary" and self._expanders:
                self._expanders[-1][1] = _SPACES.sub(" ", "".join(frame.all_text)).strip()
            if tag in ("td", "th") and self._tables:
                table = self._tables[-1]
                text = _SPACES.sub(" ", "".join(frame.all_text)).strip()
                if table.in_head:
                    table.headings[len(table.cells)] = text
                table.cells.append(text)
            return
        if tag == "details" and self._expanders:
            self._expanders.pop()
        elif tag == "table" and self._tables:
            self._tables.pop()
        elif tag == "thead" and self._tables:
            self._tables[-1].in_head = False
        elif tag == "blockquote":
            self._quoted -= 1

    def handle_data(self, data: str) -> None:
        if not data.strip() and self._implicit is None and not self._in_block():
            return  # spacing between tags
        if self._depth == 0:
            self.loose_text = True
        self._frame().add(data, escape(data, quote=False))

    def _in_block(self) -> bool:
        for tag, frame in reversed(self._stack):
            if frame is not None:
                return True
            if tag in CONTAINER_TAGS:
                return False
        return False

    def close(self) -> None:
        super().close()
        self._flush(self._implicit)
        self._implicit = None
        while self._stack:
            tag, frame = self._stack.pop()
            self._close(tag, frame)


def split_blocks(html: str) -> Rendering:
    """The blocks of sanitised HTML from ``render_markdown``, in reading order."""
    splitter = _Splitter(html)
    splitter.feed(html)
    splitter.close()
    return Rendering(
        html=html,
        blocks=tuple(splitter.blocks),
        details=tuple(splitter.details),
        tops=() if splitter.loose_text else tuple(splitter.tops),
    )
