"""A full review read as a whole: every part of the page as readers will see it, the parts
the change alters marked in place.

A full review vouches for the whole page, so its reviewers read all of it, not only the
changes. Each section's HTML comes from where it was already rendered: a section the change
alters from the renderings its comparison made (``PartDiff.whole_marked_html``), one it
leaves alone from the read model, which stored it when it was published. Nothing is
rendered twice, and the markdown of unchanged sections is not rendered at all.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.safestring import SafeString, mark_safe

from infopages.figures import markers_in, preview_pictures
from infopages.models import Page, PublishedSection, Section
from infopages.parts import PART_KINDS
from reviews.core.diffs.parts import PartDiff, Renderings
from reviews.core.models import ChangeRequest, RoleKey

STATUS_LABELS = {"changed": "Changed in this change", "added": "New in this change"}


@dataclass
class ReadSection:
    """One section as readers will see it, and where a reviewer stands on it."""

    object_id: str
    heading: str
    html: SafeString
    status: str = ""  # "changed", "added", or "" when the change leaves it as published
    last_signed_off: dict[RoleKey, datetime] = field(default_factory=dict)
    ticked: bool = False

    @property
    def anchor(self) -> str:
        return f"read-section-{self.object_id}"

    @property
    def diff_anchor(self) -> str:
        return f"part-section-{self.object_id}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")


@dataclass
class ReadItem:
    """A reference or a booklet, as readers will see it."""

    fields: dict
    status: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")


@dataclass
class WholePage:
    title: str
    summary: str
    slug: str
    topic_path: str  # as readers see it above the title: "Cancer types > Breast cancer"
    topic_changed: bool
    changed_details: set[str]  # labels of the page's own fields the change alters
    sections: list[ReadSection]
    references: list[ReadItem]
    resources: list[ReadItem]
    figures: list[ReadItem]  # each with its picture ("picture") and where it is placed
    related_titles: list[str]
    related_changed: bool
    removed: list[PartDiff]  # parts the change takes off the page

    @property
    def ticked_count(self) -> int:
        return sum(section.ticked for section in self.sections)


def whole_page(
    change: ChangeRequest,
    *,
    parts: list[PartDiff],
    renderings: Renderings,
    last_signed_off: dict[str, dict[RoleKey, datetime]],
    ticked: set[str],
) -> WholePage:
    """The page the change would publish, part by part in reading order. ``parts``: the
    change's comparison with the publication (``change_diff``, with previews), made with
    ``renderings``. Reads the stored HTML of the sections it leaves alone (one query) and
    the titles of related pages (one query, when there are any)."""
    diffs = {(part.model, part.object_id): part for part in parts}
    by_kind: dict[str, list] = {"page": [], **{kind.collection: [] for kind in PART_KINDS}}
    for item in change.items.all():
        by_kind[item.kind].append(item)
    for items in by_kind.values():
        items.sort(key=lambda i: (i.version.field_dict.get("position", 0), int(i.object_id)))
    page_item = by_kind["page"][0]
    fields = page_item.version.field_dict
    page_diff = diffs.get((Page, page_item.object_id))
    unchanged = [i.version_id for i in by_kind["sections"] if not i.is_changed]
    stored = _stored_html(change.page_id, unchanged)
    sections = []
    for item in by_kind["sections"]:
        diff = diffs.get((Section, item.object_id))
        status = _status(item, diff)
        if item.version_id in stored:
            anchor, html = stored[item.version_id]
            html = html.replace(f' id="{anchor}-', f' id="read-{item.object_id}-')
        else:
            html = diff.whole_marked_html if diff and diff.whole_marked_html else ""
            html = html or renderings.of(item.version).html
            html = html.replace(f' id="preview-{item.object_id}-', f' id="read-{item.object_id}-')
        sections.append(
            ReadSection(
                object_id=item.object_id,
                heading=item.version.field_dict["heading"],
                html=mark_safe(html),  # sanitised by the one renderer
                status=status,
                last_signed_off=last_signed_off.get(item.object_id, {}),
                ticked=item.object_id in ticked,
            )
        )
    related = fields.get("related_pages") or []
    before = (
        (page_item.base_version.field_dict.get("related_pages") or [])
        if page_item.base_version
        else []
    )
    return WholePage(
        title=fields["title"],
        summary=fields["summary"],
        slug=fields["slug"],
        topic_path=" > ".join(topic.name for topic in change.page.topic.ancestry()),
        topic_changed=bool(page_item.base_version)
        and page_item.base_version.field_dict.get("topic_id") != fields.get("topic_id"),
        changed_details={f.label for f in page_diff.fields} if page_diff else set(),
        sections=sections,
        references=[_read_item(item, diffs) for item in by_kind["references"]],
        resources=[_read_item(item, diffs) for item in by_kind["resources"]],
        figures=_read_figures(by_kind["figures"], by_kind["sections"], diffs),
        related_titles=list(
            Page.objects.filter(pk__in=related).order_by("title").values_list("title", flat=True)
        )
        if related
        else [],
        related_changed=page_item.base_version is not None and sorted(related) != sorted(before),
        removed=[part for part in parts if part.status == "removed"],
    )


def _status(item, diff: PartDiff | None) -> str:
    if item.base_version_id is None:
        return "added"
    return "changed" if diff is not None else ""


def _read_item(item, diffs: dict) -> ReadItem:
    diff = diffs.get((item.version._model, item.object_id))
    return ReadItem(fields=item.version.field_dict, status=_status(item, diff))


def _read_figures(items, section_items, diffs: dict) -> list[ReadItem]:
    """Every figure on the page, with its picture and the section placing it (or none:
    readers will not see it), so a full review sees each one (one query for the pictures)."""
    if not items:
        return []
    placed = {
        name: item.version.field_dict["heading"]
        for item in section_items
        for name in markers_in(item.version.field_dict.get("body", ""))
    }
    pictures = preview_pictures(*(item.version.field_dict["image_id"] for item in items))
    figures = []
    for item in items:
        read = _read_item(item, diffs)
        read.fields = {
            **read.fields,
            "picture": pictures.get(read.fields["image_id"]),
            "placed_in": placed.get(read.fields["name"], ""),
        }
        figures.append(read)
    return figures


def _stored_html(page_id: int, version_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(anchor, HTML) of each section version as the page's newest publication of it
    stored it."""
    if not version_ids:
        return {}
    rows = (
        PublishedSection.objects.filter(
            publication__page_id=page_id, source_version_id__in=version_ids
        )
        .order_by("source_version_id", "-publication_id")
        .values_list("source_version_id", "anchor", "html")
    )
    stored: dict[int, tuple[str, str]] = {}
    for version_id, anchor, html in rows:
        stored.setdefault(version_id, (anchor, html))
    return stored
