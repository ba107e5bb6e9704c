"""What changed in each part of a page between two of its versions: a field by field word
diff, and for a section's text, a block by block comparison of how it reads, with a preview
that opens and marks what changed.

Everything is escaped here; the only HTML not built here comes from ``render_markdown``, the
portal's one sanitising renderer, and is rendered once per version and request
(``Renderings``).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from infopages.figures import (
    RENDERED_MARKER,
    place,
    preview_pictures,
    working_copy_figures_html,
)
from infopages.markdown import render_markdown
from infopages.models import Page
from infopages.parts import LATER_FIELDS, PART_KINDS, kind_of
from infopages.plain_english import ReadingChange, Score, score_html
from reviews.core import contents
from reviews.core.diffs.blocks import Rendering, Top, split_blocks
from reviews.core.diffs.compare import Gap, Row, compare, preview_marks, with_context
from reviews.core.diffs.words import diff_html

# The fields reviewers read, per kind of part, with their labels (a section's text is
# compared block by block instead). Other content fields (topic, related pages, people,
# position) are summed up in one line when they change. The page's own, then the registry's.
SHOWN_FIELDS = {
    Page: [
        ("title", "Title"),
        ("summary", "Summary"),
        ("slug", "Address"),
        ("reviewed_on", "Date reviewed"),
        ("next_review_on", "Next review"),
    ],
    **{kind.model: list(kind.shown_fields) for kind in PART_KINDS},
}
KIND_LABELS = {Page: "Page details", **{kind.model: kind.label for kind in PART_KINDS}}
KIND_ORDER = {Page: 0, **{kind.model: n for n, kind in enumerate(PART_KINDS, start=1)}}
IGNORED_FIELDS = contents.BOOKKEEPING_FIELDS | {"id", "page_id", "anchor", "body"}


class Renderings:
    """Each version's section text rendered and split into blocks, once: the change page
    compares the same versions more than once (with the publication, with a sign-off)."""

    def __init__(self, *, plain_english: bool = True):
        # False for a version in a language plain-English scores do not apply to: its
        # sections are "not scored for this language" (``infopages.languages``).
        self.plain_english = plain_english
        self._by_version: dict[int, Rendering] = {}
        self._scores: dict[int, Score | None] = {}
        self._figures: dict[int, dict[str, str]] = {}  # by page: each figure's HTML, by name

    def of(self, version: Version) -> Rendering:
        rendering = self._by_version.get(version.pk)
        if rendering is None:
            html = render_markdown(
                version.field_dict.get("body", ""), id_prefix=f"preview-{version.object_id}-"
            )
            if RENDERED_MARKER.search(html):  # figures in place, as readers will see them
                page_id = version.field_dict.get("page_id")
                if page_id not in self._figures:
                    self._figures[page_id] = working_copy_figures_html(page_id)
                html = place(html, self._figures[page_id])
            rendering = self._by_version[version.pk] = split_blocks(html)
        return rendering

    def score_of(self, version: Version) -> Score | None:
        """The plain-English score of the version's text, from its one rendering."""
        if version.pk not in self._scores:
            self._scores[version.pk] = score_html(self.of(version).html)
        return self._scores[version.pk]


@dataclass
class FieldDiff:
    label: str
    html: SafeString


@dataclass
class PartDiff:
    """One part of the page that the change adds, edits or removes."""

    model: type
    object_id: str
    status: str  # "changed", "added" or "removed"
    title: str
    fields: list[FieldDiff]
    other_changes: bool = False
    position: int = 0
    rows: list[Row | Gap] = field(default_factory=list)  # a section's text: changes in context
    text_changes: int = 0  # how many blocks of the text changed
    source_html: SafeString | None = None  # the text's markdown, diffed
    preview_html: SafeString | None = None  # the changed part of a section, as it will look
    whole_preview_html: SafeString | None = None  # all of it, when that is more
    preview_heading: str = ""
    places: list[str] = field(default_factory=list)  # where in the text the changes are
    reading: ReadingChange | None = None  # a section's plain-English score, before and after
    whole_marked_html: str = ""  # all of a section's new text as it will look, changes marked
    # A figure's picture: {"before": ..., "after": ...} (url, width, height), and whether the
    # change replaced it.
    pictures: dict | None = None
    picture_replaced: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.model]

    @property
    def is_section(self) -> bool:
        """A part with text, compared block by block (a section)."""
        kind = kind_of(self.model)
        return kind is not None and kind.has_text

    @property
    def anchor(self) -> str:
        return f"part-{self.model._meta.model_name}-{self.object_id}"

    @property
    def status_label(self) -> str:
        return {"changed": "Changed", "added": "New", "removed": "Removed"}[self.status]

    @property
    def markup_only(self) -> bool:
        """The text's markdown changed, but not what readers see of it."""
        return self.source_html is not None and not self.text_changes

    @property
    def brief(self) -> str:
        """One line, e.g. "Section “Diagnosis”: changed in “Bone scan” (an expandable item)"."""
        name = f"{self.kind_label} “{self.title or '(no heading)'}”"
        if self.status != "changed":
            return f"{name}: {self.status_label.lower()}"
        what = ["its picture (replaced)"] if self.picture_replaced else []
        what += [f"its {f.label.lower()}" for f in self.fields]
        what += [place[:1].lower() + place[1:] if place else "its text" for place in self.places]
        if self.markup_only:
            what.append("its markdown only (readers see no difference)")
        if self.other_changes:
            what.append("other details")
        if len(what) == 1 and what[0].startswith("in "):
            return f"{name}: changed {what[0]}"
        return f"{name}: changed" + (": " + "; ".join(what) if what else "")


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.strftime("%-d %B %Y")
    return str(value)


def part_diff(
    *,
    old: Version | None,
    new: Version | None,
    renderings: Renderings | None = None,
    preview: bool = True,
) -> PartDiff | None:
    """What changed between two versions of one part (either may be missing); None when
    nothing a reader would see changed. ``preview``: render how a changed section will look,
    and score its plain English before and after (from the same renderings)."""
    renderings = renderings or Renderings()
    version = new or old
    model = version._model
    kind = kind_of(model)
    has_text = kind is not None and kind.has_text
    before = old.field_dict if old else {}
    after = new.field_dict if new else {}
    status = "added" if old is None else "removed" if new is None else "changed"
    fields = [
        FieldDiff(label=label, html=diff_html(_text(before.get(name)), _text(after.get(name))))
        for name, label in SHOWN_FIELDS[model]
        if _text(before.get(name)) != _text(after.get(name))
    ]
    shown = {name for name, _label in SHOWN_FIELDS[model]} | IGNORED_FIELDS
    image_field = kind.image_field if kind else ""
    picture_replaced = (
        status == "changed"
        and bool(image_field)
        and (before.get(image_field) != after.get(image_field))
    )
    shown |= {image_field}
    other_names = (set(before) | set(after)) - shown
    other_changes = status == "changed" and any(
        _differs(before.get(name), after.get(name), later=name in LATER_FIELDS)
        for name in other_names
    )
    body_changed = has_text and (before.get("body") or "") != (after.get("body") or "")
    unchanged = not fields and not other_changes and not body_changed and not picture_replaced
    if unchanged and status == "changed":
        return None
    current = after or before
    title = current.get(kind.name_field) if kind else current.get("title")
    title = title or ""
    part = PartDiff(
        model=model,
        object_id=str(version.object_id),
        status=status,
        title=str(title),
        fields=fields,
        other_changes=other_changes,
        position=current.get("position") or 0,
    )
    if image_field:
        old_digest, new_digest = before.get(image_field), after.get(image_field)
        found = preview_pictures(old_digest, new_digest)
        part.pictures = {"before": found.get(old_digest), "after": found.get(new_digest)}
        part.picture_replaced = picture_replaced
    if has_text:
        _compare_text(part, old, new, renderings, preview=preview, body_changed=body_changed)
    return part


def _compare_text(
    part: PartDiff,
    old: Version | None,
    new: Version | None,
    renderings: Renderings,
    *,
    preview: bool,
    body_changed: bool,
) -> None:
    """A section's text, block by block; its markdown diff; and how it will look."""
    old_rendering = renderings.of(old) if old is not None else None
    new_rendering = renderings.of(new) if new is not None else None
    if body_changed:
        rows = compare(old_rendering, new_rendering)
        changed = [row for row in rows if row.is_change]
        part.rows = with_context(rows)
        part.text_changes = len(changed)
        part.places = list(dict.fromkeys(row.where for row in changed))
        part.source_html = diff_html(
            (old.field_dict.get("body") or "") if old else "",
            (new.field_dict.get("body") or "") if new else "",
        )
    if not preview or new_rendering is None:
        return
    if body_changed and not renderings.plain_english:
        part.reading = ReadingChange(before=None, after=None, not_scored=True)
    elif body_changed:  # how its plain English changed, from the same renderings
        part.reading = ReadingChange(
            before=renderings.score_of(old) if old is not None else None,
            after=renderings.score_of(new),
        )
    part.preview_heading = new.field_dict.get("heading", "")
    if not body_changed or part.status != "changed":
        part.preview_html = mark_safe(new_rendering.html)  # sanitised by the one renderer
        part.whole_marked_html = new_rendering.html
        return
    marks = preview_marks(rows, new_rendering)
    whole = part.whole_marked_html = new_rendering.marked(
        opened=marks.opened, changed=marks.changed
    )
    if not new_rendering.tops or len(marks.tops) == len(new_rendering.tops):
        part.preview_html = mark_safe(whole)
        return
    # Only the changed part of the text, as it will look; the whole of it one click away.
    pieces = new_rendering.window(marks.tops, opened=marks.opened, changed=marks.changed)
    if 0 not in marks.tops:
        part.preview_heading = ""  # the heading is above what is shown
    part.preview_html = mark_safe(
        "".join(piece if isinstance(piece, str) else _left_out(piece) for piece in pieces)
    )
    prefix = f' id="preview-{new.object_id}-'  # the renderer's heading ids: keep them unique
    part.whole_preview_html = mark_safe(whole.replace(prefix, f' id="whole-{new.object_id}-'))


PLURALS = {"preformatted text": "pieces of preformatted text"}


def _left_out(tops: list[Top]) -> SafeString:
    """“⋯ 1 paragraph and 2 expandable items not shown”."""
    counts = Counter(top.kind for top in tops)
    words = [
        f"{count} {kind}" if count == 1 else f"{count} {PLURALS.get(kind, kind + 's')}"
        for kind, count in counts.items()
    ]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return format_html(
        '<p class="preview-gap"><span aria-hidden="true">⋯ </span>{} not shown</p>', listed
    )


def _comparable(value):
    return sorted(value) if isinstance(value, list) else value


def _differs(before, after, *, later: bool) -> bool:
    """Whether a field differs; a field added since one of the versions was saved (``later``,
    empty in it) does not count as changed."""
    if later and (before is None or after is None):
        return False
    return _comparable(before) != _comparable(after)


def sort_parts(parts: list[PartDiff]) -> list[PartDiff]:
    """In reading order: the page's details, then sections, references, resources."""
    return sorted(parts, key=lambda p: (KIND_ORDER[p.model], p.position, p.object_id))
