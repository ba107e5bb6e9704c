"""What a change request changes, part by part, as reviewers read it: an accessible word diff
of each changed field against the last published version, and a preview of changed sections.

Everything is escaped here; the only HTML not built here comes from ``render_markdown``, the
portal's one sanitising renderer.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from infopages.markdown import render_markdown
from infopages.models import Page, Reference, Resource, Section
from reviews import contents
from reviews.models import ChangeRequest

# The fields reviewers read, per kind of part, with their labels. Other content fields
# (topic, related pages, people, position) are summed up in one line when they change.
SHOWN_FIELDS = {
    Page: [
        ("title", "Title"),
        ("summary", "Summary"),
        ("slug", "Address"),
        ("reviewed_on", "Date reviewed"),
        ("next_review_on", "Next review"),
    ],
    Section: [("heading", "Heading"), ("body", "Text")],
    Reference: [("citation", "Citation"), ("url", "Link"), ("accessed_on", "Accessed")],
    Resource: [("title", "Title"), ("url", "Link"), ("description", "Description")],
}
KIND_LABELS = {
    Page: "Page details",
    Section: "Section",
    Reference: "Reference",
    Resource: "Resource",
}
KIND_ORDER = {Page: 0, Section: 1, Reference: 2, Resource: 3}
IGNORED_FIELDS = contents.BOOKKEEPING_FIELDS | {"id", "page_id", "anchor"}

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


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
    preview_html: SafeString | None = None
    preview_heading: str = ""
    position: int = 0

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.model]

    @property
    def is_section(self) -> bool:
        return self.model is Section

    @property
    def anchor(self) -> str:
        return f"part-{self.model._meta.model_name}-{self.object_id}"

    @property
    def status_label(self) -> str:
        return {"changed": "Changed", "added": "New", "removed": "Removed"}[self.status]


def _segments(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) pieces, kind "equal", "delete" or "insert": lines first, then words
    within the lines that changed, so a one-word edit in a long paragraph reads as one word."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    pieces: list[tuple[str, str]] = []
    lines = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            pieces.append(("equal", before))
        elif tag == "delete":
            pieces.append(("delete", before))
        elif tag == "insert":
            pieces.append(("insert", after))
        else:
            pieces.extend(_word_segments(before, after))
    return pieces


def _word_segments(old: str, new: str) -> list[tuple[str, str]]:
    old_words, new_words = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces = []
    words = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in words.get_opcodes():
        if tag in ("equal", "delete", "replace") and i2 > i1:
            pieces.append(("equal" if tag == "equal" else "delete", "".join(old_words[i1:i2])))
        if tag in ("insert", "replace") and j2 > j1:
            pieces.append(("insert", "".join(new_words[j1:j2])))
    return pieces


def _grouped(pieces: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(unchanged text, removed text, added text) runs, in order. A lone space between two
    changes is folded into both, so "old words" -> "new words" reads as one removal and one
    addition rather than alternating fragments."""
    runs: list[list[str]] = []
    for index, (kind, text) in enumerate(pieces):
        folded = kind == "equal" and _is_gap(pieces, index)
        if kind == "equal" and not folded:
            runs.append([text, "", ""])
            continue
        if not runs:
            runs.append(["", "", ""])
        run = runs[-1]
        if kind in ("equal", "delete"):
            run[1] += text
        if kind in ("equal", "insert"):
            run[2] += text
    grouped = []
    for equal, removed, added in runs:
        # A fold next to a change on one side only leaves whitespace on the other: drop it.
        if removed.strip() and not added.strip():
            added = ""
        elif added.strip() and not removed.strip():
            removed = ""
        grouped.append((equal, removed, added))
    return grouped


def _is_gap(pieces: list[tuple[str, str]], index: int) -> bool:
    text = pieces[index][1]
    return (
        0 < index < len(pieces) - 1
        and not text.strip()
        and "\n" not in text
        and pieces[index - 1][0] != "equal"
        and pieces[index + 1][0] != "equal"
    )


def diff_html(old: str, new: str) -> SafeString:
    """``old`` -> ``new`` as escaped HTML with <del>/<ins> and text labels for screen readers.
    A change of spaces or line breaks alone gets a visible mark, so it cannot go unnoticed."""
    html = []
    for equal, removed, added in _grouped(_segments(_lines(old), _lines(new))):
        if equal:
            html.append(escape(equal))
        if removed:
            html.append(_marked("del", "Removed", removed))
        if added:
            html.append(_marked("ins", "Added", added))
    return mark_safe("".join(str(piece) for piece in html))  # every piece escaped


def _lines(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _marked(tag: str, label: str, text: str) -> SafeString:
    if text.strip():
        shown = text
    elif "\n" in text:
        label, shown = f"{label} line break", "¶" + text
    else:
        label, shown = f"{label} space", "␣"
    return format_html(
        '<{tag}><span class="visually-hidden">[{label}: </span>{text}'
        '<span class="visually-hidden">]</span></{tag}>',
        tag=tag,
        label=label,
        text=shown,
    )


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.strftime("%-d %B %Y")
    return str(value)


def part_diff(*, old: Version | None, new: Version | None) -> PartDiff | None:
    """What changed between two versions of one part (either may be missing); None when
    nothing a reader would see changed."""
    version = new or old
    model = version._model
    before = old.field_dict if old else {}
    after = new.field_dict if new else {}
    status = "added" if old is None else "removed" if new is None else "changed"
    fields = [
        FieldDiff(label=label, html=diff_html(_text(before.get(name)), _text(after.get(name))))
        for name, label in SHOWN_FIELDS[model]
        if _text(before.get(name)) != _text(after.get(name))
    ]
    shown = {name for name, _label in SHOWN_FIELDS[model]} | IGNORED_FIELDS
    other_names = (set(before) | set(after)) - shown
    other_changes = status == "changed" and any(
        _comparable(before.get(name)) != _comparable(after.get(name)) for name in other_names
    )
    if not fields and not other_changes:
        return None
    current = after or before
    title = current.get("heading") or current.get("title") or current.get("citation") or ""
    part = PartDiff(
        model=model,
        object_id=str(version.object_id),
        status=status,
        title=str(title),
        fields=fields,
        other_changes=other_changes,
        position=current.get("position") or 0,
    )
    if model is Section and new is not None:
        part.preview_heading = after.get("heading", "")
        part.preview_html = mark_safe(  # sanitised by the one renderer
            render_markdown(after.get("body", ""), id_prefix=f"preview-{version.object_id}-")
        )
    return part


def _comparable(value):
    return sorted(value) if isinstance(value, list) else value


def change_diff(change: ChangeRequest) -> list[PartDiff]:
    """Every part the change adds, edits or removes compared with the last publication, in
    reading order. Uses the change's prefetched items (see ``selectors.change_with_details``)."""
    items = list(change.items.all())
    parts = []
    for item in items:
        if not item.is_changed:
            continue
        diff = part_diff(old=item.base_version, new=item.version)
        if diff is not None:
            parts.append(diff)
    # A part published last time but no longer on the page was removed in the change.
    kept = {(item.content_type_id, item.object_id) for item in items}
    published = contents.last_published_versions(change.page)
    removed_ids = [pk for key, pk in published.items() if key not in kept]
    if removed_ids and change.state != ChangeRequest.State.PUBLISHED:
        for version in Version.objects.filter(pk__in=removed_ids):
            diff = part_diff(old=version, new=None)
            if diff is not None:
                parts.append(diff)
    parts.sort(key=lambda p: (KIND_ORDER[p.model], p.position, p.object_id))
    return parts
