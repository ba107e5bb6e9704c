"""Information pages: the editable working copy and the published read model.

Editors change ``Page``, ``Section``, ``Reference``, ``Resource`` and ``Figure`` rows; every
save is a django-reversion version. Readers only ever see ``PublishedPage`` /
``PublishedSection`` rows, which are written by publishing alone and never changed afterwards.
"""

from datetime import datetime

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from infopages.figures import alt_refusal
from infopages.languages import VersionKind, kind_of_language, version_choices
from infopages.review_intervals import MAX_REVIEW_MONTHS, interval_validators
from infopages.shared_blocks import Block as Block  # shared blocks' records, here too
from infopages.shared_blocks import BlockPublication as BlockPublication
from infopages.sources import Source as Source  # the evidence register's model, here too
from infopages.versions import SourceVersions

PUBLIC_NOTE_MAX_LENGTH = 200  # one line in the page's public history
# Page fields added after versions were saved: left out of the content hash while empty, so
# sign-offs given before them keep their hash (``reviews.core.contents``).
PAGE_LATER_FIELDS = frozenset({"source_id", "version_kind", "made_from_id"})


def public_url(language: str, slug: str) -> str:
    """Where readers find a page: ``/info/<slug>/``, or ``/cy/info/<slug>/`` for a version."""
    if language:
        return reverse("infopages:page_in", kwargs={"language": language, "slug": slug})
    return reverse("infopages:page", kwargs={"slug": slug})


class Topic(models.Model):
    """A place in the topic tree, such as Cancer types > Breast cancer."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        null=True,
        blank=True,
        validators=interval_validators(),
        help_text=_("How often pages here are fully reviewed; empty: as the topic above (36)."),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(fields=["parent", "slug"], name="unique_topic_slug_per_parent"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(parent=None), name="unique_root_topic_slug"
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__lte=MAX_REVIEW_MONTHS),
                name="topic_review_interval_at_most_36_months",
            ),
        ]

    def __str__(self) -> str:
        return " > ".join(topic.name for topic in self.ancestry())

    def ancestry(self) -> list["Topic"]:
        """This topic and its parents, root first."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def path(self) -> str:
        return "/".join(topic.slug for topic in self.ancestry())


class Person(models.Model):
    """A reviewer's public credit: how readers see them named on the pages they reviewed.

    Each sign-off copies the credit as it is when given, so what a page says of its
    reviewers is what they signed with, whatever is changed here later.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="public_credit",
    )
    name = models.CharField(_("name"), max_length=200)
    credentials = models.CharField(_("credentials"), max_length=200, blank=True)
    role = models.CharField(
        _("public role"),
        max_length=200,
        blank=True,
        help_text=_('As readers see it, e.g. "Consultant Clinical Oncologist".'),
    )
    named_publicly = models.BooleanField(
        _("named on pages"),
        default=True,
        help_text=_("If not, readers see the role alone."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


# Who looks after a page and how often it is reviewed are the workflow's, not content:
# they are changed by services (audited), not saved as versions.
UNVERSIONED_PAGE_FIELDS = ["owner", "review_interval_months"]


@reversion.register(follow=[], exclude=UNVERSIONED_PAGE_FIELDS)
class Page(models.Model):
    """The working copy of one information page. Readers never see this directly.

    Its review dates are not here: they are set by publishing a full review and live in the
    publications (``PublishedPage``).
    """

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), help_text=_("One or two plain sentences."))
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="pages"
    )
    related_pages = models.ManyToManyField(
        "self", verbose_name=_("related pages"), symmetrical=False, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_pages",
        help_text=_("The editor who looks after this page and is reminded of its reviews."),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        null=True,
        blank=True,
        validators=interval_validators(),
        help_text=_("Empty: as its topic (36 months unless the topic says less)."),
    )
    # A language or easy read version (``infopages.languages``): the English page it comes
    # from, its kind, and the exact publication of the source it was made from. Versioned
    # like the rest of the page, so moving ``made_from`` is an edit reviewers sign off.
    source = models.ForeignKey(
        "self",
        verbose_name=_("English page"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="versions",
    )
    # NULL, not "", on English pages: versions saved before the field existed read None, and
    # a None is left out of the content hash, so their sign-offs keep their hash.
    version_kind = models.CharField(  # noqa: DJ001
        _("version"), max_length=20, null=True, blank=True, choices=version_choices()
    )
    made_from = models.ForeignKey(
        "infopages.PublishedPage",
        verbose_name=_("made from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The publication of the English page this version was made from."),
    )
    lock_version = models.PositiveIntegerField(_("version counter"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_interval_months__lte=MAX_REVIEW_MONTHS),
                name="page_review_interval_at_most_36_months",
            ),
            models.UniqueConstraint(
                fields=["source", "version_kind"],
                condition=Q(source__isnull=False),
                name="one_version_of_each_kind",
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=True, version_kind__isnull=True)
                | Q(source__isnull=False, version_kind__isnull=False),
                name="version_has_source_and_kind",
            ),
        ]

    def __str__(self) -> str:
        kind = self._known_kind()
        return f"{self.title} ({kind_of_language(kind).name})" if kind else self.title

    @property
    def language(self) -> VersionKind:
        return kind_of_language(self.version_kind)

    def get_absolute_url(self) -> str:
        return public_url(self._known_kind(), self.slug)

    def _known_kind(self) -> str:
        """The version's kind, without a query when a list left it out (``only()``): then
        "" (the English address, which sends a version's readers on to its own)."""
        if "version_kind" in self.get_deferred_fields():
            return ""
        return self.version_kind or ""


@reversion.register()
class Section(models.Model):
    """One ordered section of a page: a heading, a stable anchor and a markdown body."""

    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    heading = models.CharField(_("heading"), max_length=200)
    anchor = models.SlugField(
        _("anchor"),
        max_length=80,
        help_text=_("Part of links to this section; keep it when the heading changes."),
    )
    body = MarkdownxField(_("body"), blank=True)
    lock_version = models.PositiveIntegerField(_("version counter"), default=0, editable=False)

    class Meta:
        ordering = ["page", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["page", "anchor"], name="unique_section_anchor"),
        ]

    def __str__(self) -> str:
        return f"{self.page}: {self.heading}"

    def get_absolute_url(self) -> str:
        return f"{self.page.get_absolute_url()}#{self.anchor}"


@reversion.register()
class Reference(models.Model):
    """A source the page's information rests on, as the page cites it.

    The citation, link and accessed date are the page's own, as signed off; ``source`` is the
    shared record in the evidence register (versioned too, so choosing another is an edit).
    """

    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="references"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    citation = models.TextField(_("citation"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    accessed_on = models.DateField(_("accessed"), null=True, blank=True)
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="references",
    )
    lock_version = models.PositiveIntegerField(_("version counter"), default=0, editable=False)

    class Meta:
        ordering = ["page", "position", "id"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self) -> str:
        return self.citation[:80]


@reversion.register()
class Resource(models.Model):
    """A booklet or other resource linked from a page."""

    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="resources"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500)
    description = models.CharField(_("description"), max_length=300, blank=True)
    lock_version = models.PositiveIntegerField(_("version counter"), default=0, editable=False)

    class Meta:
        ordering = ["page", "position", "id"]
        verbose_name = _("booklet or resource")
        verbose_name_plural = _("booklets and resources")

    def __str__(self) -> str:
        return self.title


class StoredImage(models.Model):
    """A picture as stored: cleaned of metadata, named by the sha256 of its bytes, with the
    renditions made of it once. Never changed; removed only by ``remove_unused_images`` when
    no figure, version or publication refers to it (``infopages.images``)."""

    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    extension = models.CharField(_("format"), max_length=4, editable=False)
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    size = models.PositiveIntegerField(_("bytes"), editable=False)
    renditions = models.JSONField(_("renditions"), default=list, editable=False)
    original_name = models.CharField(_("uploaded as"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("stored"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stored image")
        verbose_name_plural = _("stored images")

    def __str__(self) -> str:
        return f"{self.original_name or self.digest[:12]} ({self.width} × {self.height})"

    @property
    def name(self) -> str:
        return f"{self.digest}.{self.extension}"


@reversion.register()
class Figure(models.Model):
    """A picture on a page, placed in a section's text by the line ``[figure: name]``.

    Its picture (by digest), alt text, caption, long description and credit are content like
    a section's text: versioned, hashed into what reviewers sign off, and published.
    """

    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="figures"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.SlugField(
        _("name"),
        max_length=60,
        help_text=_("Places it in a section's text: the line [figure: name]."),
    )
    image = models.ForeignKey(
        StoredImage,
        verbose_name=_("picture"),
        to_field="digest",
        db_column="image_digest",
        on_delete=models.PROTECT,
        related_name="figures",
    )
    alt = models.CharField(_("alt text"), max_length=300, blank=True)
    decorative = models.BooleanField(_("decorative"), default=False)
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    long_description = models.TextField(_("long description"), blank=True)
    credit = models.CharField(_("credit or licence"), max_length=300, blank=True)
    lock_version = models.PositiveIntegerField(_("version counter"), default=0, editable=False)

    class Meta:
        ordering = ["page", "position", "id"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(fields=["page", "name"], name="unique_figure_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        """Alt text readers can use (``infopages.figures.alt_refusal``)."""
        original = self.image.original_name if self.image_id and self.image else ""
        refusal = alt_refusal(alt=self.alt, decorative=self.decorative, original_name=original)
        if refusal:
            raise ValidationError({"alt": refusal})


def _not_replaced_by(moment: datetime) -> Q:
    return Q(superseded_at__isnull=True) | Q(superseded_at__gt=moment)


class PublishedPageQuerySet(models.QuerySet):
    def current(self) -> "PublishedPageQuerySet":
        return self.filter(is_current=True)

    def live_at(self, moment: datetime) -> "PublishedPageQuerySet":
        """Snapshots readers could see at ``moment``: published by then, not yet replaced."""
        return self.filter(published_at__lte=moment).filter(_not_replaced_by(moment))

    def live_during(self, starts: datetime, ends: datetime) -> "PublishedPageQuerySet":
        """Snapshots readers could see at some moment from ``starts`` until just before
        ``ends``: published before ``ends`` and not replaced by ``starts``."""
        return self.filter(published_at__lt=ends).filter(_not_replaced_by(starts))

    def newest_first(self) -> "PublishedPageQuerySet":
        return self.order_by("-published_at", "-id")

    def last_for(self, page: "Page") -> "PublishedPage | None":
        """The page's most recent publication, live or taken down."""
        return self.filter(page=page).newest_first().first()


class PublishedPage(models.Model):
    """An immutable snapshot of a page as readers saw it, rendered once at publication.

    Exactly one snapshot per page is current while the page is live, and at most one per
    address; earlier ones stay, with the time they were replaced, so what readers saw on any
    past date can be reconstructed. Everything readers see of the page is here, as signed
    off: its address, its topic path with the topic names of that moment, its reviewers and
    its review dates.
    """

    class Kind(models.TextChoices):
        CHANGE = "change", _("Updated")
        FULL_REVIEW = "full_review", _("Reviewed and updated")
        RECERTIFIED = "recertified", _("Reviewed, no changes")
        IMPORTED = "imported", _("Imported")
        REDATED = "redated", _("Next review brought forward")
        BLOCK_UPDATED = "block_updated", _("Shared details updated")

    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.PROTECT, related_name="publications"
    )
    slug = models.SlugField(_("slug"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT)
    topic_path = models.CharField(
        _("topic path"), max_length=1000, default="", db_index=True, help_text="a/b/c"
    )
    topic_trail = models.JSONField(
        _("topics"), default=list, help_text=_("Each topic from the root: slug and name.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CHANGE)
    reviewed_on = models.DateField(_("date reviewed"), null=True)
    next_review_on = models.DateField(_("next review"), null=True)
    references = models.JSONField(_("references"), default=list)
    reviewers = models.JSONField(_("reviewers"), default=list)
    resources = models.JSONField(_("booklets and resources"), default=list)
    figures = models.JSONField(
        _("figures"), default=list, help_text=_("As placed on the page, with renditions.")
    )
    related_page_ids = models.JSONField(_("related pages"), default=list)
    plain_text = models.TextField(_("plain text"), blank=True)
    source_versions = models.JSONField(
        _("source versions"), default=dict, help_text=_("reversion Version ids, by model.")
    )
    approved_by = models.JSONField(_("approved by"), default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    public_note = models.CharField(
        _("note for readers"),
        max_length=PUBLIC_NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("What changed, in one line, shown in the page's public history."),
    )
    is_current = models.BooleanField(_("current"), default=False)
    # A version's: its kind (empty: an English page), the English page and the publication of
    # it the version was made from, as signed off.
    language = models.CharField(_("language"), max_length=20, blank=True, default="")
    source_page = models.ForeignKey(
        Page,
        verbose_name=_("English page"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="version_publications",
    )
    made_from = models.ForeignKey(
        "self",
        verbose_name=_("made from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("replaced or withdrawn"), null=True, blank=True)
    # Written once at publication (on PostgreSQL; SQLite keeps an FTS5 table instead: see
    # infopages.search_index). The snapshot never changes, so neither does its vector.
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)

    objects = PublishedPageQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name = _("published page")
        verbose_name_plural = _("published pages")
        constraints = [
            models.UniqueConstraint(
                fields=["page"], condition=Q(is_current=True), name="one_current_publication"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(is_current=True),
                name="one_current_publication_per_address",
            ),
        ]
        indexes = [
            models.Index(fields=["slug", "is_current"], name="published_slug_current"),
            # A page's versions live now (the language switcher, hreflang).
            models.Index(
                fields=["source_page"],
                condition=Q(is_current=True),
                name="published_live_versions",
            ),
            # Topic pages list the live pages of one topic, A to Z, a page of them at a time.
            models.Index(
                fields=["topic_path", "title"],
                condition=Q(is_current=True),
                name="published_live_by_topic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.published_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        # A list that left the language out (``only()``) links to the English address,
        # which sends a version's readers on to its own: no query per row.
        deferred = "language" in self.get_deferred_fields()
        return public_url("" if deferred else self.language, self.slug)

    @property
    def language_kind(self) -> VersionKind:
        return kind_of_language(self.language)

    def save(self, *args, **kwargs):
        # Snapshots are immutable: only retiring one (is_current, superseded_at) may update it.
        update_fields = kwargs.get("update_fields")
        if (
            self.pk
            and not self._state.adding
            and not (update_fields and set(update_fields) <= {"is_current", "superseded_at"})
        ):
            raise ValueError("A published snapshot cannot be changed; publish a new one.")
        super().save(*args, **kwargs)

    @property
    def versions(self) -> SourceVersions:
        """The exact versions this snapshot was built from."""
        return SourceVersions.from_json(self.source_versions)

    @property
    def etag(self) -> str:
        """Changes with every publication, so shared caches refresh when we publish."""
        return f'"pub-{self.pk}"'


class PublishedSection(models.Model):
    """One section of a published snapshot, with its HTML rendered at publication."""

    publication = models.ForeignKey(
        PublishedPage,
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    position = models.PositiveIntegerField(_("position"))
    heading = models.CharField(_("heading"), max_length=200)
    anchor = models.SlugField(_("anchor"), max_length=80)
    html = models.TextField(_("HTML"))
    plain_text = models.TextField(_("plain text"), blank=True)
    source_version_id = models.PositiveIntegerField(_("source version"), null=True)
    # Which section of a search result matched best (PostgreSQL): written at publication.
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)

    class Meta:
        ordering = ["publication", "position"]
        verbose_name = _("published section")
        verbose_name_plural = _("published sections")

    def __str__(self) -> str:
        return self.heading

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            raise ValueError("A published section cannot be changed; publish a new snapshot.")
        super().save(*args, **kwargs)


class PublicGeneration(models.Model):
    """One row counting writes to the read model, bumped in the same transaction as each.

    Every worker of every app server serves rendered public responses from memory under the
    generation it last read, and reads it again at most every ``PUBLIC_FRESHNESS_SECONDS``:
    so a publication or a take-down reaches all of them within that bound, without a query
    per request (see ``infopages.caching``).
    """

    token = models.CharField(_("generation"), max_length=32, default="initial")
    changed_at = models.DateTimeField(_("changed"), null=True)

    class Meta:
        verbose_name = _("public generation")

    def __str__(self) -> str:
        return self.token


class PublicChange(models.Model):
    """One write to the read model, naming what it changed: the log every worker reads at most
    once per ``PUBLIC_FRESHNESS_SECONDS`` to drop just those responses from its memory
    (``infopages.caching``).

    ``tags`` are space-separated: ``page:<id>`` for a page (and the pages linking to it),
    ``topic:<path>`` for a topic page, ``listing`` for the lists naming pages (home, feed,
    sitemaps, API list, search), ``*`` for everything. Rows are inserted while holding the
    ``PublicGeneration`` row's lock, so their ids grow in commit order and a reader never
    skips one committed late. Rows older than a month are pruned by the writes themselves.
    """

    at = models.DateTimeField(_("changed"), db_index=True)
    tags = models.TextField(_("what changed"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("public change")
        verbose_name_plural = _("public changes")

    def __str__(self) -> str:
        return f"{self.pk}: {self.tags}"


class StoredPageBody(models.Model):
    """A publication's public page as published, but for what changes without a publication:
    the review notice (with the date, a review starting, the wording) and the links to related
    pages (when they are published or taken down), which are composed in at serve time
    (``infopages.page_bodies``). Not part of the snapshot: ``recipe`` names the templates and
    site address it was rendered with, and a body of another recipe is rendered again when
    next read.
    """

    publication = models.OneToOneField(
        PublishedPage,
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stored_body",
    )
    recipe = models.CharField(_("recipe"), max_length=32)
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("stored page body")
        verbose_name_plural = _("stored page bodies")

    def __str__(self) -> str:
        return f"{self.publication_id} ({self.recipe})"


class PublicReviewNotice(models.Model):
    """A full review of a page under way, for as long as readers are told so.

    Part of the read model, written only by ``infopages.publishing`` when the workflow starts
    or ends a full review. Rows are kept after it ends, so the notice a reader saw on a past
    date can be shown again.
    """

    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.PROTECT, related_name="review_notices"
    )
    started_at = models.DateTimeField(_("shown from"))
    ended_at = models.DateTimeField(_("shown until"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("review notice")
        verbose_name_plural = _("review notices")
        constraints = [
            models.UniqueConstraint(
                fields=["page"], condition=Q(ended_at=None), name="one_open_review_notice"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page}: from {self.started_at:%Y-%m-%d}"


DEFAULT_REVIEW_NOTICE = (
    "This content is currently being reviewed. New information will be coming soon."
)


class PublicWording(models.Model):
    """Words readers see that publishers may reword, such as the review notice."""

    class Key(models.TextChoices):
        REVIEW_NOTICE = "review_notice", _("notice while a page is being reviewed")

    DEFAULTS = {Key.REVIEW_NOTICE: DEFAULT_REVIEW_NOTICE}

    key = models.CharField(_("where it is shown"), max_length=40, choices=Key.choices, unique=True)
    text = models.CharField(_("wording"), max_length=300)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("public wording")
        verbose_name_plural = _("public wording")

    def __str__(self) -> str:
        return self.get_key_display()


class PageFeedback(models.Model):
    """A reader's answer to "Was this page helpful?", for the information team.

    Nothing about the reader is stored: no account, no IP address, no cookie. The answer is
    tied to the publication the reader saw, so the team can tell which version helped.
    """

    publication = models.ForeignKey(
        PublishedPage,
        verbose_name=_("publication"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    slug = models.SlugField(_("page"), max_length=120, db_index=True)
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("page feedback")
        verbose_name_plural = _("page feedback")

    def __str__(self) -> str:
        answer = _("helpful") if self.helpful else _("not helpful")
        return f"{self.slug}: {answer} ({self.created_at:%Y-%m-%d})"
