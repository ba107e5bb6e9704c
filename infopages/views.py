"""Public views. They read only the published read model (see selectors).

Every public response is cacheable by browsers and a CDN (``infopages.caching``); none of them
touches the session, the user or a CSRF token, so a shared cache never mixes readers up. The
one form (feedback) lives on its own, uncached page: see ``infopages.feedback``.
"""

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.sitemaps.views import SitemapIndexItem, sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.db.utils import DatabaseError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from infopages import caching, page_bodies, search, selectors
from infopages.languages import kind_of_language
from infopages.models import DEFAULT_REVIEW_NOTICE, PublishedPage, public_url
from infopages.page_bodies import (  # noqa: F401 (the API and the feed import them from here)
    SITE_NAME,
    breadcrumb_topics,
    canonical_url,
    structured_data,
)
from infopages.review_notice import notice_starts_on, review_overdue
from infopages.sitemaps import SITEMAPS

SEARCH_RESULTS_PER_PAGE = 20
TOPIC_PAGE_SIZE = 50
HOME_RECENT_PAGES = 8
# Who readers, feeds and link previews are told the information comes from.
INFORMATION_TEAM = "The Cancer information team"


def page_validators(
    publication: PublishedPage, related: list[PublishedPage], today: dt.date, *, versions=None
) -> tuple[str, dt.datetime]:
    """ETag and Last-Modified of a page as rendered today.

    They come from the publication, and also change when a related page is published or
    withdrawn (its link changes), when the review notice appears or goes, and when its
    wording changes.
    """
    notice = review_notice(publication, today)
    parts = [publication.etag.strip('"')]
    if related:
        parts.append("r" + ".".join(str(p.pk) for p in related))
    moments = [publication.published_at, *(p.published_at for p in related)]
    if notice:
        parts.append("review" + hashlib.blake2b(notice.encode(), digest_size=4).hexdigest())
        moments.append(notice_shown_since(publication))
    if versions is not None and versions.token():
        parts.append("v" + versions.token())
        if versions.outdated_since is not None:
            moments.append(versions.outdated_since)
    return f'"{"-".join(parts)}"', max(moments)


def review_notice(publication: PublishedPage, today: dt.date) -> str:
    """What readers are told about the page being reviewed (empty: nothing), while a full
    review is under way or once the next review date has passed."""
    if publication.review_started_at or review_overdue(publication.next_review_on, today):
        return publication.notice_text or DEFAULT_REVIEW_NOTICE
    return ""


def notice_shown_since(publication: PublishedPage) -> dt.datetime:
    """Since when the notice has read as it does: for Last-Modified."""
    starts = notice_starts_on(publication.next_review_on)
    moments = [publication.review_started_at, publication.notice_changed_at]
    if starts is not None and starts <= timezone.localdate():
        moments.append(timezone.make_aware(dt.datetime.combine(starts, dt.time.min)))
    return max(moment for moment in moments if moment is not None)


def live_topic_tree() -> list:
    """The topic tree (``selectors.live_topic_tree``), built once per worker per change to
    the lists of pages: the home page, every topic page and every search that finds nothing
    show it."""
    return caching.remembered("topic-tree", _LISTING_ONLY, selectors.live_topic_tree)


_LISTING_ONLY = frozenset({caching.LISTING})


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Every live topic with its count of pages, and the latest updates: the same size with
    20 pages or 20,000."""

    def build() -> HttpResponse:
        context = {
            "topics": live_topic_tree(),
            "recent": selectors.recently_updated(HOME_RECENT_PAGES),
            "site_url": settings.SITE_URL,
            "site_name": SITE_NAME,
        }
        return caching.set_public_headers(render(request, "infopages/home.html", context))

    return caching.cached_public_response(request, "home", build)


@require_safe
def topic_detail(request: HttpRequest, topic_path: str) -> HttpResponse:
    """A topic's subtopics, and its own pages A to Z, ``TOPIC_PAGE_SIZE`` at a time."""
    number = request.GET.get("page") or "1"

    def build() -> HttpResponse:
        node = selectors.find_topic(live_topic_tree(), topic_path)
        if node is None:
            raise Http404("No published pages in this topic.")
        paginator = Paginator(selectors.live_pages_in_topic(node.path), TOPIC_PAGE_SIZE)
        try:
            page_obj = paginator.page(number) if node.direct_count else None
        except (EmptyPage, PageNotAnInteger):
            raise Http404("No such page of this topic.") from None
        context = {
            "node": node,
            "page_obj": page_obj,
            "site_url": settings.SITE_URL,
            "site_name": SITE_NAME,
        }
        response = render(request, "infopages/topic_detail.html", context)
        return caching.set_public_headers(response)

    return caching.cached_public_response(
        request, f"topic:{topic_path}:{number}", build, tags=caching.topic_tags(topic_path)
    )


def page_cache_tags(publication, *, versions=None) -> set[str]:
    """What a response about one page shows: the page, and each page it links to as related
    (live or not: one going live must appear); with ``versions``, its English page too,
    whose publications (and its versions', which name it) change the switcher and notice."""
    ids = [publication.page_id, *(publication.related_page_ids or [])]
    if versions is not None:
        ids.append(getattr(publication, "source_page_id", None) or publication.page_id)
    return {caching.page_tag(page_id) for page_id in ids}


def live_page_response(
    request: HttpRequest,
    *,
    slug: str,
    variant: str,
    render_page: Callable[[PublishedPage, list[PublishedPage], dt.date], HttpResponse],
    not_found: Callable[[], HttpResponse],
    lookup: Callable[..., PublishedPage | None] | None = None,
) -> HttpResponse:
    """A response about the page live at ``slug`` (its print view, its history, the API).

    No query when this process or the shared cache has it (``caching``); 2 (the validators)
    for a 304 otherwise; the render's own queries for a 200.
    """

    def build() -> HttpResponse:
        publication = (lookup or selectors.live_publication)(slug=slug)
        if publication is None:
            return not_found()
        related = selectors.live_related(publication)
        today = timezone.localdate()
        etag, last_modified = page_validators(publication, related, today)
        not_modified = caching.not_modified(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        response = render_page(publication, related, today)
        response.cache_tags = page_cache_tags(publication)
        return caching.set_public_headers(response, etag=etag, last_modified=last_modified)

    return caching.cached_public_response(request, f"{variant}:{slug}", build)


def _moved_or_not_found(slug: str, variant: str) -> HttpResponse:
    moved = selectors.moved_to(slug=slug)
    if moved is not None:  # the page has a new address: send readers and links there
        target = moved.get_absolute_url() if variant == "page" else f"/info/{moved.slug}/print/"
        return caching.set_public_headers(HttpResponsePermanentRedirect(target))
    raise Http404("No published page at this address.")


@require_safe
def page_detail(request: HttpRequest, slug: str, language: str = "") -> HttpResponse:
    """A page: its stored body (``page_bodies``) with today's review notice, the related
    pages and the language versions live now; one query from the database, none from memory.
    ``language``: a version's address prefix (``/cy/info/<slug>/``); a page asked for under
    another prefix than its own is sent to its own address."""

    def build() -> HttpResponse:
        live = page_bodies.live_page(slug=slug)
        if live is None:
            return _moved_or_not_found(slug, "page")
        if live.language != language:
            target = public_url(live.language, slug)
            return caching.set_public_headers(HttpResponsePermanentRedirect(target))
        today = timezone.localdate()
        etag, last_modified = page_validators(live, live.related, today, versions=live.versions)
        not_modified = caching.not_modified(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        body = page_bodies.compose(
            page_bodies.body_of(live),
            notice=review_notice(live, today),
            related=live.related,
            versions=live.versions,
        )
        response = HttpResponse(body)
        response.cache_tags = page_cache_tags(live, versions=live.versions)
        return caching.set_public_headers(response, etag=etag, last_modified=last_modified)

    return caching.cached_public_response(request, f"page:{language}:{slug}", build)


@require_safe
def page_print(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole page on paper: every expandable item open, no navigation (4 queries to
    render: see ``live_page_response``)."""

    def render_page(publication, related, today) -> HttpResponse:
        context = page_bodies.page_context(publication, selectors.published_sections(publication))
        context.update(related=related, review_notice=review_notice(publication, today))
        with translation.override(publication.language_kind.lang):  # a version's, in its own
            return render(request, "infopages/page_print.html", context)

    return live_page_response(
        request,
        slug=slug,
        variant="print",
        render_page=render_page,
        not_found=lambda: _moved_or_not_found(slug, "print"),
    )


@require_safe
def search_results(request: HttpRequest, language: str = "") -> HttpResponse:
    """Search results, kept like any public response until the next publication: a popular
    search is answered from memory; a new one costs a few bounded queries (``search``).
    ``language``: a version's prefix (``/cy/search/``) searches the pages in that language,
    with its chrome in that language."""
    query = search.clean_query(request.GET.get("q"))
    number = request.GET.get("page") or "1"
    kind = kind_of_language(language)

    def build() -> HttpResponse:
        context: dict = {
            "query": query,
            "results": [],
            "page_obj": None,
            "topics": [],
            "page_lang": kind.lang,
            "page_dir": kind.direction,
            "search_action": (
                reverse("infopages:search_in", args=[language])
                if language
                else reverse("infopages:search")
            ),
        }
        if query:
            found = search.hits(query, language)
            paginator = Paginator(found.ids, SEARCH_RESULTS_PER_PAGE)
            try:
                page_obj = paginator.page(number)
            except (EmptyPage, PageNotAnInteger):
                page_obj = paginator.page(1)
            context["page_obj"] = page_obj
            context["more_than"] = search.SEARCH_CANDIDATES if found.more else None
            context["results"] = search.results(page_obj.object_list, query, language)
            context["results_html"] = search.results_html(context["results"])
        if not context["results"] and not language:
            context["topics"] = live_topic_tree()
        with translation.override(kind.lang):
            response = render(request, "infopages/search.html", context)
        return caching.set_public_headers(response)

    digest = hashlib.blake2b(query.encode(), digest_size=16).hexdigest()
    key = f"search:{language}:{digest}:{number[:8]}"
    return caching.cached_public_response(request, key, build)


@require_safe
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """The sitemap index: one entry per section, and per thousand pages."""

    def build() -> HttpResponse:
        entries = []
        for section, sitemap_class in SITEMAPS.items():
            url = canonical_url(reverse("infopages:sitemap_section", args=[section]))
            for number in sitemap_class().paginator.page_range:
                entries.append(SitemapIndexItem(url + (f"?p={number}" if number > 1 else "")))
        response = TemplateResponse(
            request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
        )
        return caching.set_public_headers(response.render())

    return caching.cached_public_response(request, "sitemap", build)


@require_safe
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    number = request.GET.get("p") or "1"

    def build() -> HttpResponse:
        response = sitemap(request, sitemaps=SITEMAPS, section=section)
        return caching.set_public_headers(response.render())

    return caching.cached_public_response(request, f"sitemap:{section}:{number}", build)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    context = {"sitemap_url": canonical_url("/sitemap.xml")}
    response = render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
    return caching.set_public_headers(response)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
