"""Stored page bodies: a public page from the database is one indexed read and a string join.

Publication renders the whole page once (``store_body``, in the publishing transaction) and
stores it beside the snapshot, with two slots for what changes without a publication:

- the review notice, which appears the day after the next review date, while a full review is
  under way, and in the wording publishers chose;
- the links to related pages, which follow those pages being published, renamed, moved or
  taken down.

Serving a page (``live_page`` then ``compose``) reads the stored body, the notice's inputs
and the related pages live now in one query, and fills the two slots from the same small
templates the full render uses. The stored body is not part of the snapshot: it names its
*recipe* (the templates and the site's address it was rendered with), and a body of another
recipe, or none (publications made before bodies were stored), is rendered again and stored
when first read, so a deploy that changes a template needs no backfill.
"""

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from infopages import prepared, selectors
from infopages.figures import absolute, shared_image
from infopages.languages import VERSION_KINDS, VersionKind, kind_of_language
from infopages.models import (
    PublicReviewNotice,
    PublicWording,
    PublishedPage,
    StoredPageBody,
    public_url,
)

logger = logging.getLogger(__name__)

# Who readers, feeds and link previews are told the information comes from.
SITE_NAME = "Cancer information"
PAGE_TEMPLATE = "infopages/page_detail.html"
# HTML comments: the sanitiser strips comments from section HTML and every other value is
# escaped, so page text can never contain a slot.
NOTICE_SLOT = "<!--portal-slot:review-notice-->"
RELATED_SLOT = "<!--portal-slot:related-pages-->"
# The language versions live now: hreflang links in the head, and the switcher with the
# "English page updated" notice in the body.
ALTERNATES_SLOT = "<!--portal-slot:alternates-->"
VERSIONS_SLOT = "<!--portal-slot:versions-->"
SLOTS = (NOTICE_SLOT, RELATED_SLOT, ALTERNATES_SLOT, VERSIONS_SLOT)
RECIPE_VERSION = "2"  # bump when what is stored changes other than through a template


def canonical_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def structured_data(publication, url: str, topic_name: str) -> dict:
    """schema.org MedicalWebPage, so search engines can show who reviewed it and when."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": publication.title,
        "headline": publication.title,
        "description": publication.summary,
        "url": url,
        "inLanguage": publication.language_kind.lang,
        "datePublished": publication.published_at.isoformat(),
        "about": {"@type": "Thing", "name": topic_name},
    }
    if pictures := [f for f in publication.figures if not f["decorative"]]:
        data["image"] = [
            {
                "@type": "ImageObject",
                "contentUrl": absolute(f["src"]),
                "width": f["width"],
                "height": f["height"],
                "caption": f["caption"] or f["alt"],
            }
            for f in pictures
        ]
    if publication.reviewed_on:
        data["lastReviewed"] = publication.reviewed_on.isoformat()
    if any(person.get("name") for person in publication.reviewers):
        named = [person for person in publication.reviewers if person.get("name")]
        data["reviewedBy"] = [
            {"@type": "Person", "name": person["name"], "jobTitle": person.get("role", "")}
            for person in named
        ]
    return data


def breadcrumb_topics(trail: list[selectors.TopicCrumb]) -> list[tuple[str, str]]:
    """(name, url) of each topic above a page, root first."""
    return [(crumb.name, crumb.get_absolute_url()) for crumb in trail]


def page_context(publication: PublishedPage, sections) -> dict:
    """What the page and its printable view show of the snapshot itself."""
    url = canonical_url(publication.get_absolute_url())
    trail = selectors.topic_crumbs(publication)
    language = publication.language_kind
    return {
        "page_lang": language.lang,
        # Its readers search the pages in its language (``/cy/search/``).
        "search_action": (
            reverse("infopages:search_in", args=[language.code]) if language.code else ""
        ),
        "page_dir": language.direction,
        "language": language,
        "publication": publication,
        "sections": sections,
        "breadcrumb_topics": breadcrumb_topics(trail),
        "canonical_url": url,
        "site_url": settings.SITE_URL,
        "site_name": SITE_NAME,
        "shared_image": shared_image(publication.figures),
        "structured_data": structured_data(publication, url, trail[-1].name if trail else ""),
    }


def notice_html(text: str) -> SafeString:
    """The review notice as the page shows it (empty text: none)."""
    return mark_safe(get_template("infopages/_review_notice.html").render({"review_notice": text}))  # noqa: S308


def related_html(related: list, link_base: str = "") -> SafeString:
    """The list of related pages live now, as the page shows it."""
    context = {"related": related, "link_base": link_base}
    return mark_safe(get_template("infopages/_related.html").render(context))  # noqa: S308


@cache
def _template_sources() -> bytes:
    """Every template the page is made of, read once per process."""
    folder = Path(settings.BASE_DIR) / "templates"
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*.html")))


def recipe() -> str:
    """Names what a stored body was rendered with: the templates and the site's address."""
    return _recipe(settings.SITE_URL, _template_sources())


@cache
def _recipe(site_url: str, templates: bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in (RECIPE_VERSION.encode(), site_url.encode(), templates):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def render_body(publication: PublishedPage, sections=None) -> str:
    """The page as published, with its slots left open, its chrome in its own language."""
    if sections is None:
        sections = selectors.published_sections(publication)
    context = page_context(publication, sections)
    context.update(
        notice_html=mark_safe(NOTICE_SLOT),
        related_html=mark_safe(RELATED_SLOT),
        alternates_html=mark_safe(ALTERNATES_SLOT),
        versions_html=mark_safe(VERSIONS_SLOT),
    )
    with translation.override(publication.language_kind.lang):
        body = render_to_string(PAGE_TEMPLATE, context)
    if any(body.count(slot) != 1 for slot in SLOTS):
        raise ValueError(f"{PAGE_TEMPLATE} must show each slot once: {', '.join(SLOTS)}.")
    return body


def store_body(publication: PublishedPage, sections=None) -> str:
    """Render and store the page of a new publication (which has no body yet)."""
    body = render_body(publication, sections)
    StoredPageBody.objects.create(publication=publication, recipe=recipe(), body=body)
    return body


def store_bodies(publications) -> None:
    """``store_body`` for many new publications, written in one statement; each is rendered
    once, from the sections it was published with (``new_sections``) when they are kept."""
    StoredPageBody.objects.bulk_create(
        StoredPageBody(
            publication=publication,
            recipe=recipe(),
            body=render_body(publication, getattr(publication, "new_sections", None)),
        )
        for publication in publications
    )


def compose(
    body: str,
    *,
    notice: str,
    related: list,
    link_base: str = "",
    versions: "VersionsNow | None" = None,
) -> str:
    """The stored body with today's notice, the related pages and the language versions live
    now in their slots (in the page's own language)."""
    versions = versions or VersionsNow()
    with translation.override(versions.kind.lang):
        head, rest = body.split(ALTERNATES_SLOT, 1)
        before, rest = rest.split(NOTICE_SLOT, 1)
        middle, after = rest.split(RELATED_SLOT, 1)
        notice_part = notice_html(notice)
        if VERSIONS_SLOT in before:
            top, bottom = before.split(VERSIONS_SLOT, 1)
            before = "".join((top, versions_html(versions), bottom))
        return "".join(
            (
                head,
                alternates_html(versions),
                before,
                notice_part,
                middle,
                related_html(related, link_base),
                after,
            )
        )


@dataclasses.dataclass(frozen=True)
class FamilyMember:
    """A page or one of its versions, live now: for the switcher and hreflang."""

    language: str
    slug: str
    title: str

    @property
    def kind(self) -> VersionKind:
        return kind_of_language(self.language)

    def get_absolute_url(self) -> str:
        return public_url(self.language, self.slug)


@dataclasses.dataclass(frozen=True)
class VersionsNow:
    """What a page shows of its family today: the English page and its versions live now,
    and, for a version, since when the English page has said something else than the text
    it was made from (None: it has not)."""

    language: str = ""
    family: tuple[FamilyMember, ...] = ()
    outdated_since: dt.datetime | None = None

    @property
    def kind(self) -> VersionKind:
        return kind_of_language(self.language)

    @property
    def others(self) -> list[FamilyMember]:
        """The other live members, English first, then in the registry's order."""
        order = ["", *VERSION_KINDS]
        found = [m for m in self.family if m.language != self.language and m.language in order]
        return sorted(found, key=lambda m: order.index(m.language))

    @property
    def english(self) -> FamilyMember | None:
        return next((m for m in self.family if m.language == ""), None)

    def outdated_notice(self) -> str:
        """The notice in the version's own language (empty: none is due)."""
        if not self.language or self.outdated_since is None or self.english is None:
            return ""
        day = date_format(timezone.localtime(self.outdated_since).date(), "j F Y")
        return self.kind.notice.format(date=day)

    def token(self) -> str:
        """Changes whenever what the slots show changes: for the page's ETag."""
        if not self.others and self.outdated_since is None:
            return ""  # a page with no versions: its validators are as they always were
        text = repr((sorted(self.family, key=lambda m: m.language), self.outdated_since))
        return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def alternates_html(versions: VersionsNow) -> SafeString:
    """hreflang links to each language the page is live in (itself included; easy read is a
    format, not a language, so it has none), and x-default to the English page: absolute,
    whatever the related links are relative to."""
    members = [m for m in versions.family if m.kind.code != "easy-read"]
    if len(members) < 2:
        return mark_safe("")  # noqa: S308
    context = {"members": members, "english": versions.english, "link_base": settings.SITE_URL}
    return mark_safe(get_template("infopages/_alternates.html").render(context))  # noqa: S308


def versions_html(versions: VersionsNow) -> SafeString:
    """The language switcher and, on an out-of-date version, the notice saying so."""
    if not versions.others and not versions.outdated_notice():
        return mark_safe("")  # noqa: S308
    context = {
        "others": versions.others,
        "outdated_notice": versions.outdated_notice(),
        "english": versions.english,
        "kind": versions.kind,
    }
    return mark_safe(get_template("infopages/_versions.html").render(context))  # noqa: S308


@dataclasses.dataclass(frozen=True)
class RelatedLink:
    """A related page live now: what its link and the page's validators need."""

    pk: int
    page_id: int
    slug: str
    title: str
    published_at: dt.datetime

    def get_absolute_url(self) -> str:
        return reverse("infopages:page", kwargs={"slug": self.slug})


@dataclasses.dataclass
class LivePage:
    """What serving a live page needs, from one query: the validators' and the notice's
    inputs, the related pages live now, and the stored body (None: not stored, or of another
    recipe)."""

    pk: int
    page_id: int
    slug: str
    published_at: dt.datetime
    next_review_on: dt.date | None
    related_page_ids: list[int]
    review_started_at: dt.datetime | None
    notice_text: str | None
    notice_changed_at: dt.datetime | None
    related: list[RelatedLink]
    body: str | None
    language: str = ""
    source_page_id: int | None = None
    versions: VersionsNow = dataclasses.field(default_factory=VersionsNow)

    @property
    def etag(self) -> str:
        return f'"pub-{self.pk}"'


def _sql() -> str:
    page = PublishedPage._meta.db_table
    notice = PublicReviewNotice._meta.db_table
    wording = PublicWording._meta.db_table
    stored = StoredPageBody._meta.db_table
    if connection.vendor == "postgresql":
        # The English page, then its versions: two lookups by index (an OR of the two
        # makes SQLite read every publication, once it has statistics).
        family = (
            f"SELECT json_agg(json_build_array(f.language, f.slug, f.title)) FROM {page} f "
            f"WHERE f.is_current AND f.page_id = COALESCE(p.source_page_id, p.page_id)"
        )
        versions = (
            f"SELECT json_agg(json_build_array(f.language, f.slug, f.title)) FROM {page} f "
            f"WHERE f.is_current AND f.source_page_id = COALESCE(p.source_page_id, p.page_id)"
        )
        related = (
            f"SELECT json_agg(json_build_array(e.n, r.id, r.page_id, r.slug, r.title, "
            f"r.published_at)) FROM jsonb_array_elements_text(p.related_page_ids) "
            f"WITH ORDINALITY AS e(page_id, n) JOIN {page} r "
            f"ON r.page_id = e.page_id::bigint AND r.is_current"
        )
    else:
        # The English page, then its versions: two lookups by index (an OR of the two
        # makes SQLite read every publication, once it has statistics).
        family = (
            f"SELECT json_group_array(json_array(f.language, f.slug, f.title)) FROM {page} f "
            f"WHERE f.is_current AND f.page_id = COALESCE(p.source_page_id, p.page_id)"
        )
        # unlikely(): SQLite's statistics count the English pages' NULLs as one value shared
        # by every row, and without it would read every publication rather than the index.
        versions = (
            f"SELECT json_group_array(json_array(f.language, f.slug, f.title)) FROM {page} f "
            f"WHERE f.is_current "
            f"AND unlikely(f.source_page_id = COALESCE(p.source_page_id, p.page_id))"
        )
        related = (
            f"SELECT json_group_array(json_array(e.key, r.id, r.page_id, r.slug, r.title, "
            f"r.published_at)) FROM json_each(p.related_page_ids) AS e JOIN {page} r "
            f"ON r.page_id = e.value AND r.is_current"
        )
    # A version is out of date while the English page live now was built from other versions
    # than the publication it was made from: since the first such publication after it.
    outdated = (
        f"SELECT min(s.published_at) FROM {page} m, {page} s WHERE m.id = p.made_from_id "
        f"AND s.page_id = p.source_page_id AND s.published_at > m.published_at "
        f"AND s.source_versions <> m.source_versions AND EXISTS (SELECT 1 FROM {page} c "
        f"WHERE c.page_id = p.source_page_id AND c.is_current "
        f"AND c.source_versions <> m.source_versions)"
    )
    return (
        f"SELECT p.id, p.page_id, p.published_at, p.next_review_on, p.related_page_ids, "
        f"(SELECT n.started_at FROM {notice} n WHERE n.page_id = p.page_id "
        f"AND n.ended_at IS NULL LIMIT 1), w.text, w.updated_at, ({related}), "
        f"CASE WHEN b.recipe = %s THEN b.body END, p.language, ({family}), ({outdated}), "
        f"p.source_page_id, ({versions}) "
        f"FROM {page} p "
        f"LEFT JOIN {wording} w ON w.{connection.ops.quote_name('key')} = %s "
        f"LEFT JOIN {stored} b ON b.publication_id = p.id "
        f"WHERE p.slug = %s AND p.is_current"
    )


_SQL: dict[str, str] = {}


def _moment(value) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def _day(value) -> dt.date | None:
    return parse_date(value) if isinstance(value, str) else value


def _json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


def _fetch(slug: str):
    params = [recipe(), PublicWording.Key.REVIEW_NOTICE.value, slug]
    sql = _SQL.get(connection.vendor) or _SQL.setdefault(connection.vendor, _sql())
    # Planning the query costs twice what running it does: prepared once per connection.
    return prepared.fetch("portal_live_page", sql, params, ("text", "text", "text"))


def live_page(*, slug: str) -> LivePage | None:
    """The page live at ``slug``, ready to serve, in one indexed query; None if none is.
    (Its language is checked by the caller: slugs are unique whatever the language.)"""
    connection.ensure_connection()
    row = _fetch(slug)
    if row is None:
        return None
    pk, page_id, published_at, next_review_on, related_ids, started, text, changed = row[:8]
    related = sorted(_json(row[8]) or [], key=lambda item: int(item[0]))
    return LivePage(
        pk=pk,
        page_id=page_id,
        slug=slug,
        published_at=_moment(published_at),
        next_review_on=_day(next_review_on),
        related_page_ids=_json(related_ids) or [],
        review_started_at=_moment(started),
        notice_text=text,
        notice_changed_at=_moment(changed),
        related=[
            RelatedLink(pk=r[1], page_id=r[2], slug=r[3], title=r[4], published_at=_moment(r[5]))
            for r in related
        ],
        body=row[9],
        language=row[10] or "",
        source_page_id=row[13],
        versions=VersionsNow(
            language=row[10] or "",
            family=tuple(
                FamilyMember(*member)
                for member in [*(_json(row[11]) or []), *(_json(row[14]) or [])]
            ),
            outdated_since=_moment(row[12]),
        ),
    )


def body_of(live: LivePage) -> str:
    """The stored body of ``live``, rendered and stored now if it has none of this recipe
    (a reader must get the page even if storing it fails: that is logged, not raised)."""
    if live.body is not None:
        return live.body
    publication = PublishedPage.objects.defer(*selectors.UNSHOWN_COLUMNS).get(pk=live.pk)
    body = render_body(publication)
    try:
        with transaction.atomic():
            StoredPageBody.objects.update_or_create(
                publication=publication, defaults={"recipe": recipe(), "body": body}
            )
    except DatabaseError:
        logger.warning("Could not store the body of publication %s", live.pk, exc_info=True)
    return body
