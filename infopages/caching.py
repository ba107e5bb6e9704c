"""HTTP caching for the public site: validators, Cache-Control and rendered-response caches.

Three layers, all refreshed by publishing:

- Browsers and a CDN cache public responses (``Cache-Control``) and revalidate them with
  ``ETag`` / ``Last-Modified``, which come from the published snapshot. Publishing creates a
  new snapshot, so the validators change and the next revalidation gets the new page.
- Each worker process keeps the public responses it rendered in its own memory (the
  ``pages`` cache alias, local memory), and, with ``PUBLIC_PAGE_CACHE_SECONDS`` (Redis), every
  worker of every app server shares them too. Both are keyed by the *publication generation*:
  a token in the database (``PublicGeneration``) that every write to the read model changes
  in its own transaction, once per publication (``infopages.subscriptions``; other writes
  through ``infopages.signals``), so a response is never served under a
  generation newer than the content it was rendered from.
- A worker reads the generation again at most every ``PUBLIC_FRESHNESS_SECONDS`` (1 s), so a
  cached response costs no query at all. That is the freshness bound: a publication, a
  take-down, a review notice or its wording reaches every worker on every app server within
  it of the commit (the worker that made the change sees it at once). Why a short poll rather
  than Redis or LISTEN/NOTIFY: it needs nothing but the database (SQLite too), it cannot miss
  a message (a crashed listener or a lost Redis key would leave a stale page up for good),
  and one indexed one-row query a second per worker costs nothing measurable.
- Some pages change with the date alone (the overdue-review notice): the key has the date.
"""

import datetime as dt
import hashlib
import threading
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import BaseCache, cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from infopages.models import PublicGeneration

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

PAGES_CACHE_ALIAS = "pages"
GENERATION_ROW = 1


def rendered_cache_seconds() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) or 0)


def freshness_seconds() -> float:
    return float(getattr(settings, "PUBLIC_FRESHNESS_SECONDS", 1.0))


class _Seen:
    """The generation this process last read, and when (shared by its threads)."""

    token: str | None = None
    read_at: float = 0.0
    forgotten: int = 0  # bumped by forget_generation(), so a read racing it is not kept


_seen = _Seen()
_lock = threading.Lock()


def generation() -> str:
    """The publication generation, as read from the database at most every
    ``PUBLIC_FRESHNESS_SECONDS`` by this process (time.time, so tests can move the clock)."""
    now = time.time()
    token, read_at, forgotten = _seen.token, _seen.read_at, _seen.forgotten
    if token is not None and 0 <= now - read_at < freshness_seconds():
        return token
    token = (
        PublicGeneration.objects.filter(pk=GENERATION_ROW).values_list("token", flat=True).first()
    ) or "none"
    with _lock:
        if _seen.forgotten == forgotten:
            _seen.token, _seen.read_at = token, now
    return token


def forget_generation() -> None:
    """Read the generation again on the next request (this process just changed it)."""
    with _lock:
        _seen.forgotten += 1
        _seen.token = None


def bump_generation() -> None:
    """Give the read model a new generation, in the caller's transaction: every rendered
    response cached under the old one stops being served. The one way
    the generation changes: once per publication (``infopages.subscriptions``), and for the
    other writes of the read model (``infopages.signals``, review notices)."""
    token, now = uuid.uuid4().hex, timezone.now()
    changed = PublicGeneration.objects.filter(pk=GENERATION_ROW).update(token=token, changed_at=now)
    if not changed:
        PublicGeneration.objects.update_or_create(
            pk=GENERATION_ROW, defaults={"token": token, "changed_at": now}
        )
    forget_generation()
    transaction.on_commit(forget_generation, robust=True)


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
    """Serve a public GET from this process's memory or the shared cache, or build, keep and
    serve it. No query on a hit (but the generation's, at most once per freshness bound).

    Only 200 responses are kept. ``key`` must name everything else the response depends on
    (the path and any query parameters used).
    """
    # The key holds what readers typed (a topic path, a page number): keep it to safe
    # characters and a bounded length, whatever they sent.
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    full_key = f"public:{generation()}:{timezone.localdate().isoformat()}:{digest}"
    local = process_page_cache()
    if local is not None:
        cached = local.get(full_key)
        if cached is not None:
            return answer_conditionally(request, _thaw(cached))
    seconds = rendered_cache_seconds()
    if seconds:
        cached = cache.get(full_key)
        if cached is not None:
            if local is not None:
                local.set(full_key, cached)
            return answer_conditionally(request, _thaw(cached))
    response = build()
    if response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    frozen = _freeze(response)
    if local is not None:
        local.set(full_key, frozen)
    if seconds:
        cache.set(full_key, frozen, seconds)
    return answer_conditionally(request, response)


def _freeze(response: HttpResponse) -> tuple[bytes, list[tuple[str, str]]]:
    """A 200 response as plain data: much quicker to pickle and unpickle than the object."""
    return response.content, list(response.items())


def _thaw(frozen: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = frozen
    return HttpResponse(content, headers=headers)


def process_page_cache() -> BaseCache | None:
    """This worker's own memory of rendered pages, or None when the alias is not configured."""
    if PAGES_CACHE_ALIAS not in settings.CACHES:
        return None
    return caches[PAGES_CACHE_ALIAS]
