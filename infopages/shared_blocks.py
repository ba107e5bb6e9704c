"""Shared blocks: a piece of content kept once (a support line, a standard paragraph), reviewed
on its own, and shown on every page that embeds it.

A block's working copy is a page of its own that readers never see (``Block.page``): its
sections are the block's fields (anchor = the field's key, body = its value), so a block is
versioned, changed inside a change request, diffed, signed off (bound to a content hash) and
audited exactly as a page is. Its type's topic ("Shared blocks > Contact details") carries
the sign-offs its changes need, as for any page (``SignOffRequirement``).

Publishing a block's change writes a ``BlockPublication``: the block's HTML, rendered once,
and the never-live snapshot of its signed versions. Pages embed a block with a marker on a
line of its own in a section's text, ``{{block:support-line}}``. The page's content hash
covers the marker, not the block's text, so a page's sign-offs do not lapse when a block
changes; publishing a page puts the block's latest *published* version in place of the
marker, so a page can never show block text nobody signed. Each snapshot records which
block versions it holds (``BlockPublication.embedded_in``).
"""

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from infopages.markdown import body_refusals, html_to_text, render_checked, render_markdown
from infopages.weblinks import BadLink, parse_web_link

# The marker, as editors write it: alone on its line, with an empty line above and below.
MARKER_FORMAT = "{{block:%s}}"
_MARKER_LINE = re.compile(r"^\{\{block:([a-z0-9][a-z0-9-]*)\}\}$")
_MARKER_LIKE = re.compile(r"\{\{\s*block\s*:\s*([^{}\s]*)\s*\}\}|\{\{\s*block\b", re.IGNORECASE)
# A marker's paragraph in rendered HTML (a class may have been added to mark a change).
_MARKER_HTML = re.compile(r'<p(?: class="([^"]*)")?>\{\{block:([a-z0-9][a-z0-9-]*)\}\}</p>')
IN_PLACE_LABEL = "Shared block, reviewed on its own"  # what reviewers and editors are told
SHARED_BLOCKS_ROOT = "shared-blocks"  # the topic all blocks' working copies sit under
NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$"


def marker(name: str) -> str:
    return MARKER_FORMAT % name


# Fields -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockField:
    """One field of a block type: stored as a section of the block's working copy."""

    key: str  # the section's anchor
    label: str  # the section's heading, the form's label
    kind: str = "text"  # text (one line), markdown, phone, email, link
    required: bool = True
    help_text: str = ""
    max_length: int = 200

    def problems(self, value: str) -> list[str]:
        """What is wrong with ``value`` for this field, in words an editor can act on."""
        value = value or ""
        if not value.strip():
            return [f"{self.label}: fill this in."] if self.required else []
        if self.kind == "markdown":
            return [f"{self.label}: {problem}" for problem in body_refusals(value)]
        if "\n" in value.strip() or len(value) > self.max_length:
            return [f"{self.label}: keep it to one line of at most {self.max_length} characters."]
        if self.kind == "phone" and tel_link(value) is None:
            return [
                f"{self.label}: write a UK phone number with its area code, e.g. 0808 157 0192."
            ]
        if self.kind == "email":
            try:
                EmailValidator()(value.strip())
            except ValidationError:
                return [f"{self.label}: write an email address, e.g. support@example.org."]
        if self.kind == "link":
            try:
                parse_web_link(value.strip())
            except BadLink as error:
                return [f"{self.label}: {error}"]
        return []


def tel_link(number: str) -> str | None:
    """``tel:+448081570192`` for a UK number written 0808 157 0192 (or +44 808…); None if it
    is not one."""
    digits = re.sub(r"[\s()-]", "", number or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"0\d{9,10}", digits):
        return None
    return "tel:+44" + digits[1:]


# Types ----------------------------------------------------------------------------------------


def _esc(value: str) -> str:
    return html.escape(" ".join((value or "").split()))


def _render_support_line(values: dict) -> str:
    items = []
    if values.get("phone"):
        hours = f" ({_esc(values['hours'])})" if values.get("hours") else ""
        items.append(
            f'<li>Call us free on <a href="{tel_link(values["phone"])}">'
            f"{_esc(values['phone'])}</a>{hours}</li>"
        )
    if values.get("chat"):
        items.append(
            f'<li><a href="{_esc(values["chat"])}" rel="noopener noreferrer external">'
            "Chat to us online</a></li>"
        )
    if values.get("email"):
        email = _esc(values["email"])
        items.append(f'<li>Email us at <a href="mailto:{email}">{email}</a></li>')
    intro = f"<p>{_esc(values['intro'])}</p>\n" if values.get("intro") else ""
    return intro + '<ul class="contact-list">\n' + "\n".join(items) + "\n</ul>"


def _render_paragraph(values: dict) -> str:
    return render_checked(values.get("text", ""))


def _render_booklet(values: dict) -> str:
    description = f"<p>{_esc(values['description'])}</p>\n" if values.get("description") else ""
    return (
        f"{description}<p>"
        f'<a href="{_esc(values["link"])}" rel="noopener noreferrer external">'
        f"{_esc(values['title'])}</a></p>"
    )


@dataclass(frozen=True)
class BlockType:
    """A kind of block: its fields, how it looks, and the topic whose sign-off requirement its
    changes need (kept by the administrators like any topic's)."""

    key: str
    label: str
    description: str
    topic_slug: str  # under "Shared blocks"
    topic_name: str
    fields: tuple[BlockField, ...]
    render: Callable[[dict], str]


BLOCK_TYPES: tuple[BlockType, ...] = (
    BlockType(
        key="support_line",
        label="Contact details",
        description="A support line: phone number, opening hours, web chat and email.",
        topic_slug="contact-details",
        topic_name="Contact details",
        fields=(
            BlockField(
                "intro",
                "Introduction",
                required=False,
                help_text="One line before the list, e.g. “If you would like to talk, you can:”",
            ),
            BlockField("phone", "Phone number", kind="phone", help_text="e.g. 0808 157 0192"),
            BlockField("hours", "Opening hours", help_text="e.g. “Monday to Friday, 9am to 5pm”"),
            BlockField("chat", "Web chat link", kind="link", required=False),
            BlockField("email", "Email address", kind="email", required=False),
        ),
        render=_render_support_line,
    ),
    BlockType(
        key="paragraph",
        label="Standard paragraph",
        description="Text with medical content used on many pages, e.g. when to see a doctor.",
        topic_slug="standard-paragraphs",
        topic_name="Standard paragraphs",
        fields=(
            BlockField(
                "text", "Text", kind="markdown", help_text="Markdown, as in a section's text."
            ),
        ),
        render=_render_paragraph,
    ),
    BlockType(
        key="booklet",
        label="Booklet call-to-action",
        description="A pointer to one of our booklets.",
        topic_slug="booklets",
        topic_name="Booklet calls-to-action",
        fields=(
            BlockField("title", "Booklet title"),
            BlockField("link", "Link to the booklet", kind="link"),
            BlockField("description", "Why read it", required=False, max_length=300),
        ),
        render=_render_booklet,
    ),
)
_TYPES = {block_type.key: block_type for block_type in BLOCK_TYPES}


def block_type(key: str) -> BlockType:
    return _TYPES[key]


def render_block(kind: str, values: dict, *, name: str, number: int = 0) -> str:
    """A block's HTML, as readers see it in a page, naming the block and its version (author
    text can never carry these attributes: the sanitiser drops them). Every value is escaped
    (a paragraph's text goes through the one sanitising renderer)."""
    inner = block_type(kind).render(values)
    return (
        f'<div class="shared-block shared-block--{kind}" data-block="{name}" '
        f'data-version="{number}">\n{inner}\n</div>'
    )


_SPLICED = re.compile(
    r'<div class="shared-block [^"]*" data-block="([a-z0-9-]+)" data-version="(\d+)">'
)


def blocks_shown(fragments: Iterable[str]) -> list[dict]:
    """The blocks published HTML shows, each once, with its version, by name."""
    found: dict[str, int] = {}
    for fragment in fragments:
        for match in _SPLICED.finditer(fragment):
            found.setdefault(match.group(1), int(match.group(2)))
    return [{"name": name, "version": found[name]} for name in sorted(found)]


# Records --------------------------------------------------------------------------------------


class Block(models.Model):
    """A named shared block. Its content is its working copy's sections (``page``), changed
    only inside change requests; what readers see is its latest ``BlockPublication``."""

    name = models.SlugField(
        _("name"),
        max_length=60,
        unique=True,
        help_text=_("What editors write in the marker: {{block:name}}. Never changes."),
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=[(t.key, t.label) for t in BLOCK_TYPES]
    )
    page = models.OneToOneField(
        "infopages.Page",
        verbose_name=_("working copy"),
        on_delete=models.PROTECT,
        related_name="shared_block",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retired by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("shared block")
        verbose_name_plural = _("shared blocks")

    def __str__(self) -> str:
        return self.name

    @property
    def type(self) -> BlockType:
        return block_type(self.kind)

    @property
    def marker(self) -> str:
        return marker(self.name)


class BlockPublication(models.Model):
    """One published version of a block: its HTML rendered once, its field values, and the
    snapshot of the exact versions that were signed off (never live on its own). Never
    changed; pages' snapshots record which of these they hold (``embedded_in``)."""

    block = models.ForeignKey(
        Block, verbose_name=_("block"), on_delete=models.PROTECT, related_name="publications"
    )
    number = models.PositiveIntegerField(_("version"))
    publication = models.OneToOneField(
        "infopages.PublishedPage",
        verbose_name=_("signed snapshot"),
        on_delete=models.PROTECT,
        related_name="block_publication",
    )
    values = models.JSONField(_("field values"), default=dict)
    html = models.TextField(_("HTML"))
    plain_text = models.TextField(_("plain text"), blank=True)
    published_at = models.DateTimeField(_("published"), db_index=True)
    embedded_in = models.ManyToManyField(
        "infopages.PublishedPage",
        verbose_name=_("page snapshots holding it"),
        related_name="blocks",
        blank=True,
    )

    class Meta:
        ordering = ["block", "-number"]
        verbose_name = _("published block version")
        verbose_name_plural = _("published block versions")
        constraints = [
            models.UniqueConstraint(fields=["block", "number"], name="one_block_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.block_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            raise ValueError("A published block version cannot be changed; publish a new one.")
        super().save(*args, **kwargs)


# Markers in text --------------------------------------------------------------------------


def names_in(body: str) -> list[str]:
    """The blocks a text embeds, by name, in order, each once (well-formed markers only)."""
    found = []
    for line in (body or "").splitlines():
        match = _MARKER_LINE.match(line.strip())
        if match and match.group(1) not in found:
            found.append(match.group(1))
    return found


def names_in_all(bodies: Iterable[str]) -> list[str]:
    found: list[str] = []
    for body in bodies:
        found.extend(name for name in names_in(body) if name not in found)
    return found


def misplaced_markers(body: str) -> list[str]:
    """Markers not written as ``{{block:name}}`` alone on a line between empty lines."""
    lines = (body or "").replace("\r\n", "\n").split("\n")
    wrong = []
    for number, line in enumerate(lines):
        for match in _MARKER_LIKE.finditer(line):
            alone = _MARKER_LINE.match(line) is not None
            spaced = (number == 0 or not lines[number - 1].strip()) and (
                number == len(lines) - 1 or not lines[number + 1].strip()
            )
            if not (alone and spaced):
                wrong.append(match.group(0))
    return wrong


def marker_refusals(body: str, *, usable: dict[str, "Block"] | None = None) -> list[str]:
    """Why a section's text cannot be saved for the blocks it embeds (none: it can).

    ``usable``: the blocks by name, when the caller has read them."""
    refusals = [
        f"Write the shared block marker “{text}” as {marker('name')} on a line of its own, "
        "with an empty line above and below it."
        for text in misplaced_markers(body)
    ]
    names = names_in(body)
    if names:
        if usable is None:
            usable = usable_blocks(names)
        for name in names:
            problem = unusable_because(name, usable.get(name))
            if problem:
                refusals.append(problem)
    return refusals


def unusable_because(name: str, block: "Block | None") -> str:
    """Why a page cannot show the block named ``name`` (empty: it can)."""
    if block is None:
        return (
            f"There is no shared block called “{name}”. Choose one from the list of shared "
            "blocks beside the text, or check its spelling."
        )
    if block.retired_at is not None:
        return (
            f"The shared block “{name}” was retired on {block.retired_at:%d %B %Y}; it can no "
            "longer be used. Remove its marker or choose another block."
        )
    if getattr(block, "latest", None) is None:
        return (
            f"The shared block “{name}” has not been published yet, so pages cannot show it. "
            "Publish it first, or choose another block."
        )
    return ""


def usable_blocks(names: Iterable[str], *, or_of_page: int | None = None):
    """The named blocks, each with ``latest``: its newest published version (or None); two
    queries whatever their number. ``or_of_page``: also find the block whose working copy
    is that page, in the same query, and return ``(blocks by name, that block or None)``."""
    names = list(names)
    if not names and or_of_page is None:
        return {}
    wanted = models.Q(name__in=names)
    if or_of_page is not None:
        wanted |= models.Q(page_id=or_of_page)
    found = list(Block.objects.filter(wanted))
    own = next((b for b in found if b.page_id == or_of_page), None)
    blocks = {block.pk: block for block in found if block.name in names}
    if or_of_page is not None and not blocks:
        return {}, own
    for block in blocks.values():
        block.latest = None
    newest = (
        BlockPublication.objects.filter(block_id__in=list(blocks))
        .order_by("block_id", "-number")
        .only("pk", "block_id", "number", "html", "published_at")
    )
    for version in newest:
        block = blocks[version.block_id]
        if block.latest is None:
            block.latest = version
    named = {block.name: block for block in blocks.values()}
    return (named, own) if or_of_page is not None else named


def splice(rendered: str, versions: dict[str, BlockPublication]) -> str:
    """A section's rendered HTML with each marker's paragraph replaced by its block's HTML
    (``versions``: the version to show, by name; a name missing is left as it is)."""

    def replace(match: re.Match) -> str:
        version = versions.get(match.group(2))
        return match.group(0) if version is None else version.html

    return _MARKER_HTML.sub(replace, rendered)


def marker_names_in_html(rendered: str) -> list[str]:
    """The blocks whose markers a rendered text holds (as paragraphs of their own)."""
    return [match.group(2) for match in _MARKER_HTML.finditer(rendered)]


def show_in_place(rendered: str, versions: dict[str, BlockPublication], *, label: str) -> str:
    """For reviewers: each marker's paragraph replaced by the block's approved HTML under a
    label saying it is reviewed on its own; a marker naming no published block says so."""

    def replace(match: re.Match) -> str:
        changed, name = match.group(1), match.group(2)
        version = versions.get(name)
        classes = "shared-block-in-place" + (f" {changed}" if changed else "")
        if version is None:
            return (
                f'<p class="{classes} shared-block-missing">Shared block “{_esc(name)}”: '
                "not published, so it cannot be shown.</p>"
            )
        return (
            f'<div class="{classes}"><p class="shared-block-label">{_esc(label)} '
            f"(“{_esc(name)}”, version {version.number})</p>\n{version.html}\n</div>"
        )

    return _MARKER_HTML.sub(replace, rendered)


def plain_text_of(html_fragment: str) -> str:
    return html_to_text(html_fragment)


def in_place_for_editors(rendered: str) -> str:
    """A rendered text as the workspace shows it: each marker as its block's published text,
    labelled as reviewed on its own (one query, only when there are markers)."""
    names = marker_names_in_html(rendered)
    if not names:
        return rendered
    usable = usable_blocks(names)
    versions = {name: block.latest for name, block in usable.items() if block.latest}
    return show_in_place(rendered, versions, label=IN_PLACE_LABEL)


def render_for_editors(text: str) -> str:
    """The editor's live preview (``MARKDOWNX_MARKDOWNIFY_FUNCTION``): the one renderer's
    HTML, with shared blocks shown in place."""
    return in_place_for_editors(render_markdown(text))
