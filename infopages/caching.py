"""HTTP caching for the public site: validators, Cache-Control and a rendered-response cache.

Two layers, both refreshed by publishing:

- Browsers and a CDN cache public responses (``Cache-Control``) and revalidate them with
  ``ETag`` / ``Last-Modified``, which come from the published snapshot. Publishing creates a
  new snapshot, so the validators change and the next revalidation gets the new page.
- The portal itself keeps whole rendered responses in Django's cache (Redis when
  ``REDIS_URL`` is set) for ``PUBLIC_PAGE_CACHE_SECONDS``. Every key includes a *publication
  generation* that lives in the cache, not the database, so a cache hit costs no query. Any
  write to the read model bumps the generation (see ``infopages.signals``), which orphans
  every rendered response at once; they then expire on their own.
"""

import datetime as dt
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

# Browsers keep a page five minutes (a reader on a poor connection who goes back and forth
# costs no network), then revalidate cheaply (304). Shared caches hold it as long, which
# bounds how long an emergency withdrawal can take to reach CDN readers. When the portal is
# down a CDN may keep serving the last good copy for a day rather than an error.
PUBLIC_CACHE_CONTROL = "public, max-age=300, s-maxage=300, stale-if-error=86400"

GENERATION_KEY = "public:generation"


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
