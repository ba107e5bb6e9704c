"""The kinds of part a page is made of (sections, references, resources, figures), declared once.

Every place that lists the kinds reads them here: what a change holds and its hash, the
versions a publication records, how each kind is snapshotted into the read model, which
fields editors and reviewers see with their labels, the diff and the history screens. A new
kind is one declaration below, plus its model (registered with reversion) and templates.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.text import Truncator


@dataclass(frozen=True)
class SectionContent:
    heading: str
    anchor: str
    body: str
    version_id: int | None = None


def _section_snapshot(fields: dict, version_id: int | None) -> SectionContent:
    return SectionContent(fields["heading"], fields["anchor"], fields["body"], version_id)


def _reference_snapshot(fields: dict, version_id: int | None) -> dict:
    accessed_on = fields["accessed_on"]
    return {
        "citation": fields["citation"],
        "url": fields["url"],
        "accessed_on": accessed_on.isoformat() if accessed_on else None,
    }


def _resource_snapshot(fields: dict, version_id: int | None) -> dict:
    return {"title": fields["title"], "url": fields["url"], "description": fields["description"]}


def _figure_snapshot(fields: dict, version_id: int | None) -> dict:
    """What readers see of a figure; its renditions are looked up when it is published."""
    return {
        "name": fields["name"],
        "digest": fields["image_id"],
        "alt": fields["alt"],
        "decorative": bool(fields["decorative"]),
        "caption": fields["caption"],
        "long_description": fields["long_description"],
        "credit": fields["credit"],
    }


@dataclass(frozen=True)
class PartKind:
    """One kind of page part: its model and how every screen and step treats it."""

    key: str  # "section"
    collection: str  # "sections": the page's related name, the publication's versions key
    model_label: str  # "infopages.Section": named, so the models can import this module
    label: str  # "Section": how the change page and the history name one
    label_plural: str  # "sections"
    shown_fields: tuple[tuple[str, str], ...]  # (field, label) editors and reviewers read
    name_field: str  # the field that names one in lists
    # The read model's entry for one part, from its field values (a version's or the row's)
    # and the id of the version they are.
    snapshot: Callable[[dict, int | None], Any]
    history_fields: tuple[str, ...] = ()  # what the history shows of one version
    admin_fields: tuple[str, ...] = ()  # what the admin shows (read-only) on the page
    import_key: str = ""  # the field matching an imported part to one the page has
    ordered: bool = True  # has a position on the page
    has_text: bool = False  # a markdown body, compared block by block and rendered
    # Fields added after versions of the model were saved: left out of the content hash
    # while empty, so content signed off before they existed keeps its hash.
    later_fields: frozenset[str] = field(default_factory=frozenset)
    # A field naming a stored picture by its digest: shown old and new side by side.
    image_field: str = ""

    @cached_property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def readable(self, fields: dict) -> str:
        """A version's content as an editor reads it, to choose which one to restore."""
        if self.has_text:
            return f"{fields.get(self.name_field, '')}\n\n{fields.get('body', '')}"
        return " ".join(str(fields.get(name) or "") for name in self.history_fields).strip()


PART_KINDS: tuple[PartKind, ...] = (
    PartKind(
        key="section",
        collection="sections",
        model_label="infopages.Section",
        label="Section",
        label_plural="sections",
        shown_fields=(("heading", "Heading"),),
        name_field="heading",
        snapshot=_section_snapshot,
        admin_fields=("position", "heading", "anchor", "body"),
        import_key="anchor",
        has_text=True,
    ),
    PartKind(
        key="reference",
        collection="references",
        model_label="infopages.Reference",
        label="Reference",
        label_plural="references",
        shown_fields=(("citation", "Citation"), ("url", "Link"), ("accessed_on", "Accessed")),
        name_field="citation",
        snapshot=_reference_snapshot,
        history_fields=("citation", "url"),
        admin_fields=("position", "citation", "url", "accessed_on"),
        import_key="citation",
        later_fields=frozenset({"source_id"}),
    ),
    PartKind(
        key="resource",
        collection="resources",
        model_label="infopages.Resource",
        label="Resource",
        label_plural="resources",
        shown_fields=(("title", "Title"), ("url", "Link"), ("description", "Description")),
        name_field="title",
        snapshot=_resource_snapshot,
        history_fields=("title", "url", "description"),
        admin_fields=("position", "title", "url", "description"),
        import_key="url",
    ),
    PartKind(
        key="figure",
        collection="figures",
        model_label="infopages.Figure",
        label="Figure",
        label_plural="figures",
        shown_fields=(
            ("name", "Name"),
            ("alt", "Alt text"),
            ("caption", "Caption"),
            ("long_description", "Long description"),
            ("credit", "Credit or licence"),
        ),
        name_field="name",
        snapshot=_figure_snapshot,
        history_fields=("name", "caption", "alt"),
        admin_fields=("position", "name", "image", "alt", "decorative", "caption", "credit"),
        import_key="name",
        image_field="image_id",
    ),
)

LATER_FIELDS: frozenset[str] = frozenset().union(*(kind.later_fields for kind in PART_KINDS))

_BY_KEY = {kind.key: kind for kind in PART_KINDS} | {kind.collection: kind for kind in PART_KINDS}


def part_models() -> tuple[type[models.Model], ...]:
    """Every kind's model, in the registry's order."""
    return tuple(kind.model for kind in PART_KINDS)


@cache
def _by_model() -> dict[type[models.Model], PartKind]:
    return {kind.model: kind for kind in PART_KINDS}


def part_kind(key: str) -> PartKind:
    """The kind named ``key`` ("section" or "sections"); KeyError for no such kind."""
    return _BY_KEY[key]


def kind_of(model_or_instance) -> PartKind | None:
    """The kind of a part model or of one part; None for anything else (the page itself)."""
    model = model_or_instance if isinstance(model_or_instance, type) else type(model_or_instance)
    return _by_model().get(model)


def name_of(part: models.Model) -> str:
    """What names one part in a list: its heading or title; a long text (a citation) cut."""
    kind = kind_of(part)
    name = getattr(part, kind.name_field)
    if part._meta.get_field(kind.name_field).max_length is None:
        return Truncator(name).chars(100)
    return name


def field_values(part: models.Model) -> dict:
    """A row's field values as a version of it records them (``Version.field_dict``)."""
    return {f.attname: f.value_from_object(part) for f in part._meta.concrete_fields}


def plurals_in_words(kinds=PART_KINDS) -> str:
    """ "sections, references and resources": the kinds named in a sentence."""
    words = [kind.label_plural for kind in kinds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
