"""HTTP caching for the public site: validators, Cache-Control and rendered-response caches.

Three layers, all refreshed by publishing:

- Browsers and a CDN cache public responses (``Cache-Control``) and revalidate them with
  ``ETag`` / ``Last-Modified``, which come from the published snapshot. Publishing creates a
  new snapshot, so the validators change and the next revalidation gets the new page.
- The portal itself keeps whole rendered responses in Django's cache (Redis when
  ``REDIS_URL`` is set) for ``PUBLIC_PAGE_CACHE_SECONDS``. Every key includes a *publication
  generation* that lives in the cache, not the database, so a cache hit costs no query. Any
  write to the read model bumps the generation (see ``infopages.signals``), which orphans
  every rendered response at once; they then expire on their own.
- Each worker process also keeps the pages it rendered in its own memory (the ``pages``
  cache alias, local memory), keyed by the page's validators. A request reads the validators
  from the database first (one or two indexed queries) and is served from memory only if they
  still match, so publishing, withdrawing, a related page and the review-notice day reach
  every worker at once without telling any of them. Only topic names (navigation, not signed
  off content, and not part of the validators) may lag, by at most the alias's ``TIMEOUT``.
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import BaseCache, cache, caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=60, stale-if-error=300"
"""Cache-Control of every public 200 and 304.

Browsers revalidate every time (a cheap 304 while nothing changed), so a reader who comes
back after a correction or an emergency withdrawal never sees the old page. Shared caches
(a CDN) hold a page for a minute, which bounds how long a withdrawal takes to reach CDN
readers. ``stale-if-error`` lets a CDN bridge a deploy or a brief outage with its last good
copy, but for five minutes only: a page is withdrawn because it is unsafe, and a long window
(a day, say) would let a CDN show a withdrawn page for that long whenever the portal errors.
Errors themselves are never cached (``infopages.errors``).
"""

GENERATION_KEY = "public:generation"
PAGES_CACHE_ALIAS = "pages"


def rendered_cache_seconds() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) or 0)


def generation() -> str:
    """The current publication generation; a new one if the cache lost it."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        value = cache.get(GENERATION_KEY)
    return str(value)


def bump_generation() -> None:
    """Make every rendered response in the cache stale (called when the read model changes)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def set_public_headers(
    response: HttpResponse, *, etag: str | None = None, last_modified: dt.datetime | None = None
) -> HttpResponse:
    """Mark a response cacheable by browsers and shared caches, with its validators.

    Without an ETag from the publication, the content's hash serves, so a revalidation of
    an unchanged list (home, topics, search, sitemap) still gets a 304.
    """
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    if etag:
        response["ETag"] = etag
    elif response.status_code == 200 and not response.streaming:
        set_response_etag(response)
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def answer_conditionally(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A 304 if the request's validators match the response's, else the response itself."""
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    not_modified = get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=last_modified,
        response=response,
    )
    return not_modified or response


def not_modified(
    request: HttpRequest, *, etag: str, last_modified: dt.datetime
) -> HttpResponse | None:
    """A 304 with the public headers when the request already has these validators, else None.

    Answered before the page is rendered, so a revalidation costs only the validators' queries.
    """
    response = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified.timestamp())
    )
    if response is None:
        return None
    return set_public_headers(response, etag=etag, last_modified=last_modified)


def cached_public_response(
    request: HttpRequest, key: str, build: Callable[[], HttpResponse]
) -> HttpResponse:
    """Serve a public GET from the rendered-response cache, or build, cache and serve it.

    Only 200 responses are stored. The key includes today's date because some pages change
    with the date alone (the overdue-review notice).
    """
    seconds = rendered_cache_seconds()
    full_key = f"public:{generation()}:{timezone.localdate().isoformat()}:{key}" if seconds else ""
    if full_key:
        cached = cache.get(full_key)
        if cached is not None:
            return answer_conditionally(request, cached)
    response = build()
    if full_key and response.status_code == 200 and not response.streaming:
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        cache.set(full_key, response, seconds)
    return answer_conditionally(request, response) if response.status_code == 200 else response


def process_page_cache() -> BaseCache | None:
    """This worker's own memory of rendered pages, or None when the alias is not configured."""
    if PAGES_CACHE_ALIAS not in settings.CACHES:
        return None
    return caches[PAGES_CACHE_ALIAS]


def rendered_for_validators(
    validators: tuple[str, ...], render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The response this process rendered before for exactly these validators, or a new one.

    ``validators`` must name everything the response depends on that can change: the caller
    has just read them from the database, so an entry is served only while the database
    still says it is what readers should see. Nothing is ever invalidated; entries for
    superseded validators age out (the alias's ``TIMEOUT`` and ``MAX_ENTRIES``).
    """
    store = process_page_cache()
    if store is None:
        return render()
    digest = hashlib.blake2b("\n".join(validators).encode(), digest_size=20).hexdigest()
    key = f"page:{digest}"
    response = store.get(key)
    if response is None:
        response = render()
        if response.status_code == 200 and not response.streaming:
            store.set(key, response)
    return response
