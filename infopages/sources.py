"""The evidence register: each source pages rest on (a guideline, a paper, a web page), kept
once and shared by every reference that cites it.

A page's reference keeps its own citation, link and accessed date, as they were signed off;
it points to its ``Source`` too, so that when the source changes (a guideline is updated or
withdrawn) every page citing it can be found, and so that links are checked once per source.
Sources are never deleted: a near-duplicate merged into another stays, pointing to the one
kept, so versions that name it still lead somewhere.
"""

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from django.db import models
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"\s+")
# A guideline number (NICE NG101, CG81, QS12, TA495, DG, IPG, MTG, ESNM) or a DOI.
_GUIDELINE = re.compile(r"\b((?:NG|CG|QS|TA|DG|IPG|MTG|PH|SC)\d{1,4})\b")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)])", re.I)


def normal_citation(citation: str) -> str:
    """A citation as compared for exact duplicates: spaces collapsed, case ignored."""
    return _SPACES.sub(" ", citation or "").strip().casefold()


def normal_url(url: str) -> str:
    """A link as compared for exact duplicates: the scheme and host in lower case, without a
    trailing slash or a fragment (the same document either way)."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def source_key(citation: str, url: str) -> str:
    """What makes two references the same source: the same citation and the same link."""
    text = f"{normal_citation(citation)}\n{normal_url(url)}"
    return hashlib.sha256(text.encode()).hexdigest()


def identifier_in(*texts: str) -> str:
    """A guideline number or DOI found in a citation or link ("NG101", "10.1136/bmj.n71")."""
    for text in texts:
        found = _DOI.search(text or "")
        if found:
            return found.group(1)
    for text in texts:
        found = _GUIDELINE.search(text or "")
        if found:
            return found.group(1)
    return ""


class Source(models.Model):
    """One source in the evidence register, shared by every reference citing it."""

    class Status(models.TextChoices):
        CURRENT = "current", _("current")
        UPDATED = "updated", _("updated")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class LinkStatus(models.TextChoices):
        NOT_CHECKED = "", _("not checked yet")
        OK = "ok", _("works")
        REDIRECTED = "redirected", _("works, but moved")
        BROKEN = "broken", _("broken")
        UNREACHABLE = "unreachable", _("could not be reached")

    BROKEN_STATUSES = (LinkStatus.BROKEN, LinkStatus.UNREACHABLE)

    citation = models.TextField(_("citation"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    identifier = models.CharField(
        _("guideline number or DOI"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("e.g. NG101, or a DOI such as 10.1136/bmj.n71"),
    )
    version_or_date = models.CharField(
        _("version or date"),
        max_length=100,
        blank=True,
        help_text=_("Which edition the pages cite, e.g. “Updated October 2026” or “v2.1”."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CURRENT, db_index=True
    )
    status_note = models.CharField(_("status note"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        help_text=_("A near-duplicate merged into another source: that one is used instead."),
    )
    key = models.CharField(
        _("duplicate key"),
        max_length=64,
        db_index=True,
        editable=False,
        help_text=_("Of the normalised citation and link: the same for exact duplicates."),
    )
    publications = models.ManyToManyField(
        "infopages.PublishedPage",
        verbose_name=_("cited in publications"),
        blank=True,
        related_name="sources",
        help_text=_("Written by publishing: the publications whose references cite it."),
    )
    # The weekly link check (manage.py check_reference_links).
    link_checked_at = models.DateTimeField(_("link checked"), null=True, blank=True, db_index=True)
    link_status = models.CharField(
        _("link"), max_length=20, choices=LinkStatus.choices, blank=True, db_index=True
    )
    link_status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    link_final_url = models.URLField(_("link ends at"), max_length=2000, blank=True)
    link_redirects = models.JSONField(
        _("redirects"), default=list, blank=True, help_text=_("Each hop: url and status.")
    )
    link_error = models.CharField(_("link problem"), max_length=300, blank=True)
    lock_version = models.PositiveIntegerField(_("version counter"), default=0, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["citation", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.citation[:80]

    def save(self, *args, **kwargs):
        self.key = source_key(self.citation, self.url)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ("citation" in update_fields or "url" in update_fields):
            kwargs["update_fields"] = {*update_fields, "key"}
        super().save(*args, **kwargs)

    @property
    def link_is_broken(self) -> bool:
        return self.link_status in self.BROKEN_STATUSES

    @property
    def needs_review(self) -> bool:
        """Marked updated or withdrawn: the pages citing it are flagged for review."""
        return self.status != self.Status.CURRENT
