"""Two renderings of a text compared block by block, as a reviewer reads the change: only the
blocks that changed, each with one unchanged block either side, a word diff within a changed
block, and where each block sits ("In “Bone scan” (an expandable item)").

Blocks are matched with ``difflib`` on what they show (kind and markup); in a run of blocks
that all differ, each old block is paired with the most alike new one of its kind, so an
edited paragraph reads as edited, not as one removed and one added.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reviews.core.diffs.blocks import Block, Rendering
from reviews.core.diffs.words import diff_html, marked

ALIKE = 0.5  # how alike two blocks' words must be to read as one block edited
MOST_PAIRINGS = 2500  # beyond this many comparisons in one run, pair blocks in order

LABELS = {
    "paragraph": "Paragraph",
    "list item": "List item",
    "title": "Title of an expandable item",
    "heading": "Heading",
    "table cell": "Table cell",
    "table heading": "Table heading",
    "term": "Term",
    "definition": "Definition",
    "preformatted text": "Preformatted text",
    "table caption": "Table caption",
    "dividing line": "Dividing line",
}


@dataclass(frozen=True)
class Row:
    """One block in the comparison: "same", "changed", "added" or "removed"."""

    status: str
    block: Block  # as it is now (as it was, for a removed block)
    old: Block | None = None

    @property
    def label(self) -> str:
        return LABELS.get(self.block.kind, self.block.kind.capitalize())

    @property
    def short_label(self) -> str:
        """For an unchanged block shown around a change: "Expandable item" for its title."""
        return "Expandable item" if self.block.kind == "title" else self.label

    @property
    def where(self) -> str:
        """Where a reader finds the block, or "" at the top level of the text."""
        return where(self.block)

    @property
    def is_change(self) -> bool:
        return self.status != "same"

    @cached_property
    def html(self) -> SafeString:
        """The block's text: a word diff when changed, marked in full when added or removed."""
        text = self.block.text
        if self.status == "changed" and self.old is not None:
            return diff_html(self.old.text, text)
        if self.status == "added":
            return marked("ins", "Added", text)
        if self.status == "removed":
            return marked("del", "Removed", text)
        return mark_safe(escape(text))

    @property
    def formatting_only(self) -> bool:
        """Changed, but not in its words: bold, italics or a link."""
        old = self.old
        return self.status == "changed" and old is not None and old.text == self.block.text

    @property
    def links_html(self) -> SafeString | None:
        """Where the block's links go, when that changed or the block is new: each address
        removed or added, whole (a word diff of two addresses would hide the new one)."""
        old_links = self.old.links if self.old is not None else ()
        if self.status not in ("added", "changed") or old_links == self.block.links:
            return None
        lines = [
            marked("del", "Removed", link) for link in old_links if link not in self.block.links
        ]
        lines += [
            marked("ins", "Added", link) for link in self.block.links if link not in old_links
        ]
        return mark_safe("\n".join(lines)) if lines else None  # each line escaped


@dataclass(frozen=True)
class Gap:
    """Unchanged blocks left out between two changes."""

    count: int
    status: str = "gap"


def where(block: Block) -> str:
    """ "In “Bone scan” (an expandable item)", "In the table: row “HER2”, column “Means”"."""
    places = []
    if block.expanders:
        titles = " › ".join(f"“{e.title}”" for e in block.expanders)
        kind = "an expandable item" if len(block.expanders) == 1 else "expandable items"
        places.append(f"in {titles} ({kind})")
    if block.kind in ("table cell", "table heading"):
        cell = [f"row “{block.row}”"] if block.row else []
        cell += [f"column “{block.column}”"] if block.column else []
        places.append("in the table" + (": " + ", ".join(cell) if cell else ""))
    if block.quoted:
        places.append("in a quotation")
    text = ", ".join(places)
    return text[:1].upper() + text[1:]


def compare(old: Rendering | None, new: Rendering | None) -> list[Row]:
    """Every block of ``old`` and ``new`` in reading order, each marked as the same, changed,
    added or removed."""
    before = old.blocks if old is not None else ()
    after = new.blocks if new is not None else ()
    rows: list[Row] = []
    keys_before, keys_after = [b.key for b in before], [b.key for b in after]
    matcher = SequenceMatcher(None, keys_before, keys_after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(Row("same", block) for block in after[j1:j2])
        else:
            rows.extend(_paired(before[i1:i2], after[j1:j2]))
    return rows


def _paired(old: tuple[Block, ...], new: tuple[Block, ...]) -> list[Row]:
    """Rows for a run of old blocks replaced by new ones: the most alike pair of the same
    kind reads as one block changed, and the runs either side of it are paired the same way
    (as ``difflib.Differ`` pairs similar lines)."""
    if not old:
        return [Row("added", block) for block in new]
    if not new:
        return [Row("removed", block) for block in old]
    if len(old) * len(new) > MOST_PAIRINGS:
        return _in_order(old, new)
    best, best_i, best_j = ALIKE, -1, -1
    for j, after in enumerate(new):
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(after.text.split())
        for i, before in enumerate(old):
            if before.kind != after.kind:
                continue
            matcher.set_seq1(before.text.split())
            if matcher.real_quick_ratio() < best or matcher.quick_ratio() < best:
                continue
            ratio = matcher.ratio()
            if ratio > best or (ratio == best and best_i < 0):
                best, best_i, best_j = ratio, i, j
    if best_i < 0:
        return [Row("removed", block) for block in old] + [Row("added", block) for block in new]
    return [
        *_paired(old[:best_i], new[:best_j]),
        Row("changed", new[best_j], old[best_i]),
        *_paired(old[best_i + 1 :], new[best_j + 1 :]),
    ]


def _in_order(old: tuple[Block, ...], new: tuple[Block, ...]) -> list[Row]:
    """A very long run: pair blocks of the same kind in order, without searching."""
    rows = []
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        if before is not None and after is not None and before.kind == after.kind:
            rows.append(Row("changed", after, before))
            continue
        if before is not None:
            rows.append(Row("removed", before))
        if after is not None:
            rows.append(Row("added", after))
    return rows


def with_context(rows: list[Row], *, context: int = 1) -> list[Row | Gap]:
    """The changed rows, each with ``context`` unchanged rows either side; a ``Gap`` for
    each run of unchanged rows left out."""
    changed = [index for index, row in enumerate(rows) if row.is_change]
    keep = {
        near
        for index in changed
        for near in range(index - context, index + context + 1)
        if 0 <= near < len(rows)
    }
    shown: list[Row | Gap] = []
    skipped = 0
    for index, row in enumerate(rows):
        if index in keep:
            if skipped:
                shown.append(Gap(skipped))
                skipped = 0
            shown.append(row)
        else:
            skipped += 1
    if skipped and shown:
        shown.append(Gap(skipped))
    return shown


@dataclass(frozen=True)
class PreviewMarks:
    """What a preview of the new text opens, marks and shows."""

    opened: set[int]  # the expandable items holding a change, by index
    changed: set[int]  # where each changed or added block starts
    tops: set[int]  # the top-level elements to show: those changed, and one either side


def preview_marks(rows: list[Row], new: Rendering) -> PreviewMarks:
    """What to open, mark and show in the preview of ``new``. A removed block opens the
    expandable item it was taken from, found by the block before it (else after it)."""
    marks = PreviewMarks(opened=set(), changed=set(), tops=set())
    kept = [row for row in rows if row.status != "removed"]
    for index, row in enumerate(rows):
        if row.status in ("changed", "added"):
            _show(marks, row.block, new)
            marks.changed.add(row.block.start)
        elif row.status == "removed":
            before = [r.block for r in rows[:index] if r.status != "removed"]
            near = before[-1] if before else (kept[0].block if kept else None)
            if near is not None:
                _show(marks, near, new, open_it=bool(row.block.expanders))
    changed_tops = set(marks.tops)
    for top in changed_tops:
        marks.tops.update(t for t in (top - 1, top + 1) if 0 <= t < len(new.tops))
    return marks


def _show(marks: PreviewMarks, block: Block, new: Rendering, *, open_it: bool = True) -> None:
    if block.top >= 0:
        marks.tops.add(block.top)
    if open_it:
        marks.opened.update(e.index for e in block.expanders)
        if block.kind == "title":  # a changed title: show what it opens too
            marks.opened.update(_own_expander(block, new))


def _own_expander(title: Block, rendering: Rendering) -> set[int]:
    """The expandable item a title belongs to: the one whose tag comes just before it."""
    before = [i for i, (start, _open) in enumerate(rendering.details) if start < title.start]
    return {before[-1]} if before else set()
