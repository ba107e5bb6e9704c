"""HTTP caching for the public site: validators, Cache-Control and rendered-response caches.

Three layers, all refreshed by publishing:

- Browsers and a CDN cache public responses (``Cache-Control``) and revalidate them with
  ``ETag`` / ``Last-Modified``, which come from the published snapshot. Publishing creates a
  new snapshot, so the validators change and the next revalidation gets the new page.
- Each worker process keeps the public responses it built in its own memory
  (``PageMemory``, bounded in bytes by ``PUBLIC_PAGE_MEMORY_MB``), and, with
  ``PUBLIC_PAGE_CACHE_SECONDS`` (Redis), every worker of every app server shares them too.
  Each response is kept with *tags* naming what it shows (``page:<id>`` for a page and each
  page it links to as related, ``topic:<path>``, ``listing`` for the lists that name pages:
  home, feed, sitemaps, API list, search) and the position in the change log it was built at.
- Every write to the read model appends one row to that log (``PublicChange``) naming the
  tags it changed, in its own transaction: a publication names its page, its old and new
  topic paths and ``listing`` (``infopages.subscriptions``), a review notice its page, the
  wording or the topics' order everything (``*``). A worker reads the rows after the last it
  saw at most every ``PUBLIC_FRESHNESS_SECONDS`` (1 s), so a cached response costs no query
  at all, and serves a response only if no row it has read since the response was built
  names one of its tags: after a publication, that page and the lists naming it are built
  again, and the other 1,999 pages stay in memory. That is the freshness bound: a
  publication, a take-down, a review notice or its wording reaches every worker on every app
  server within it of the commit (the worker that made the change sees it at once). Why a
  short poll rather than Redis or LISTEN/NOTIFY: it needs nothing but the database (SQLite
  too), it cannot miss a message (a crashed listener or a lost Redis key would leave a stale
  page up for good), and one indexed query a second per worker costs nothing measurable.
  Rows are written while holding the ``PublicGeneration`` row's lock, so ids grow in commit
  order and a reader can never pass over a row that commits later.
- Some pages change with the date alone (the overdue-review notice): the key has the date.
"""

import datetime as dt
import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from infopages.models import PublicChange, PublicGeneration

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

GENERATION_ROW = 1
EVERYTHING = "*"
LISTING = "listing"  # home, the feed, the sitemaps, the API list, search results
KEEP_CHANGES = dt.timedelta(days=30)
# A worker that has read no change for this long starts afresh (memory emptied) rather than
# trust a log whose old rows may have been pruned meanwhile.
START_AFRESH_SECONDS = 24 * 3600


def page_tag(page_id: int) -> str:
    return f"page:{page_id}"


def topic_tags(topic_path: str) -> set[str]:
    """The topic page at ``topic_path`` and each above it (their counts include it)."""
    steps = [step for step in (topic_path or "").split("/") if step]
    return {"topic:" + "/".join(steps[: n + 1]) for n in range(len(steps))}


def rendered_cache_seconds() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) or 0)


def freshness_seconds() -> float:
    return float(getattr(settings, "PUBLIC_FRESHNESS_SECONDS", 1.0))


class _Seen:
    """What this process has read of the change log (shared by its threads)."""

    start: int | None = None  # the newest change when this process began reading (None: not yet)
    newest: int = 0  # the newest change read
    read_at: float = 0.0
    due: bool = False  # read again on the next request (this process wrote to the log)
    touched: dict[str, int] = {}  # tag: the newest change naming it, since ``start``
    forgotten: int = 0  # bumped by forget_changes(), so a read racing it is not trusted


_seen = _Seen()
_lock = threading.Lock()
_remembered: dict[str, tuple[object, frozenset[str], int]] = {}  # see remembered()


def changes_seen() -> int:
    """The newest change this process knows of, reading the log again at most every
    ``PUBLIC_FRESHNESS_SECONDS`` (time.time, so tests can move the clock); one query then."""
    now = time.time()
    if _seen.start is not None and not _seen.due and 0 <= now - _seen.read_at < freshness_seconds():
        return _seen.newest
    forgotten = _seen.forgotten
    if _seen.start is None or abs(now - _seen.read_at) > START_AFRESH_SECONDS:
        newest = PublicChange.objects.aggregate(newest=Max("id"))["newest"] or 0
        with _lock:
            _seen.start = _seen.newest = newest
            _seen.touched = {}
            _seen.read_at = now
            _seen.due = _seen.forgotten != forgotten
        _remembered.clear()
        memory = process_page_cache()
        if memory is not None:
            memory.clear()
        return newest
    # The newest row always comes too: if it is older than what this process read, rows it
    # read were rolled back (its own, in a transaction) and ids may be given again: start afresh.
    newest_id = PublicChange.objects.order_by("-id").values("id")[:1]
    rows = list(
        PublicChange.objects.filter(Q(id__gt=_seen.newest) | Q(id=Subquery(newest_id)))
        .order_by("id")
        .values_list("id", "tags")
    )
    if (rows[-1][0] if rows else 0) < _seen.newest:
        start_afresh()
        return changes_seen()
    rows = [row for row in rows if row[0] > _seen.newest]
    dropped: set[str] = set()
    with _lock:
        for change_id, tags in rows:
            for tag in tags.split():
                if _seen.touched.get(tag, 0) < change_id:
                    _seen.touched[tag] = change_id
                dropped.add(tag)
            _seen.newest = max(_seen.newest, change_id)
        _seen.read_at = now
        _seen.due = _seen.forgotten != forgotten
    memory = process_page_cache()
    if dropped and memory is not None:
        memory.drop(dropped)  # to free the memory; what is served is checked by is_fresh()
    return _seen.newest


def forget_changes() -> None:
    """Read the log again on the next request (this process just wrote to it)."""
    with _lock:
        _seen.forgotten += 1
        _seen.due = True


def start_afresh() -> None:
    """Forget everything read of the log, and what was kept under it (tests; a process whose
    reading of the log went back)."""
    with _lock:
        _seen.forgotten += 1
        _seen.start, _seen.newest, _seen.read_at, _seen.touched = None, 0, 0.0, {}
        _seen.due = False
    _remembered.clear()
    if _memory is not None:
        _memory.clear()


def is_fresh(tags: frozenset[str], built_at: int) -> bool:
    """Whether a response built when the newest change was ``built_at``, showing ``tags``,
    is still what readers should get: no change read since names one of its tags."""
    start = _seen.start
    if start is None or built_at < start:
        return False  # built before this process read the log: it cannot tell
    touched = _seen.touched
    if touched.get(EVERYTHING, 0) > built_at:
        return False
    return all(touched.get(tag, 0) <= built_at for tag in tags)


def remembered(key: str, tags: frozenset[str], build: Callable[[], object]) -> object:
    """A small value read by many responses (the topic tree), built once per worker and
    again only when a change names one of its ``tags``, whatever ``PUBLIC_PAGE_MEMORY_MB``
    says (that bounds the responses kept, which this is not)."""
    built_at = changes_seen()
    kept = _remembered.get(key)
    if kept is not None and kept[1] == tags and is_fresh(tags, kept[2]):
        return kept[0]
    value = build()
    _remembered[key] = (value, tags, built_at)
    return value


def record_change(tags: Iterable[str]) -> None:
    """Tell every worker that what ``tags`` name changed, in the caller's transaction: a row in
    the log, written under the generation row's lock so ids follow commit order. The one way
    cached public responses are refreshed: once per publication (``infopages.subscriptions``),
    and for the other writes of the read model (review notices, the wording, topics' order)."""
    tags = sorted(set(tags)) or [EVERYTHING]
    token, now = uuid.uuid4().hex, timezone.now()
    with transaction.atomic(savepoint=False):  # the lock is held until the caller commits
        changed = PublicGeneration.objects.filter(pk=GENERATION_ROW).update(
            token=token, changed_at=now
        )
        if not changed:
            PublicGeneration.objects.update_or_create(
                pk=GENERATION_ROW, defaults={"token": token, "changed_at": now}
            )
        change = PublicChange.objects.create(at=now, tags=" ".join(tags))
        if change.pk % 100 == 0:  # now and then: the table stays small anyway
            PublicChange.objects.filter(at__lt=now - KEEP_CHANGES).delete()
    forget_changes()
    transaction.on_commit(forget_changes, robust=True)


def bump_generation() -> None:
    """Everything public may have changed (the wording readers see, the topics' order)."""
    record_change([EVERYTHING])


@dataclass(frozen=True, slots=True)
class Kept:
    """A 200 response as plain data (much quicker to keep and serve than the object), with
    what it shows and the newest change known when it was built."""

    content: bytes
    headers: tuple[tuple[str, str], ...]
    tags: frozenset[str]
    built_at: int
    size: int  # what it costs in memory, roughly: the body, the headers and the objects


def keep(response: HttpResponse, tags: frozenset[str], built_at: int) -> Kept:
    headers = tuple(response.items())
    size = len(response.content) + sum(len(k) + len(v) for k, v in headers) + 600
    return Kept(response.content, headers, tags, built_at, size)


class PageMemory:
    """One worker's memory of public responses, least recently used out first, bounded by
    the bytes it holds (a page's size varies tenfold, so a count of entries says little)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[str, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Kept | None:
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None:
                self._entries.move_to_end(key)
            return kept

    def put(self, key: str, kept: Kept) -> None:
        size = kept.size
        if size > self.max_bytes // 16:
            return  # one huge response must not push out hundreds of pages
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._entries[key] = kept
            self.bytes += size
            while self.bytes > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self.bytes -= evicted.size

    def drop(self, tags: set[str]) -> None:
        """Forget the responses showing any of ``tags`` (everything for ``*``)."""
        with self._lock:
            if EVERYTHING in tags:
                self._entries.clear()
                self.bytes = 0
                return
            for key in [k for k, kept in self._entries.items() if not kept.tags.isdisjoint(tags)]:
                self.bytes -= self._entries.pop(key).size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0


_memory: PageMemory | None = None


def memory_bytes() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_MEMORY_BYTES", 0) or 0)


def process_page_cache() -> PageMemory | None:
    """This worker's memory of public responses, or None when ``PUBLIC_PAGE_MEMORY_MB`` is 0."""
    global _memory
    wanted = memory_bytes()
    if wanted <= 0:
        return None
    if _memory is None or _memory.max_bytes != wanted:
        _memory = PageMemory(wanted)
    return _memory


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
    request: HttpRequest,
    key: str,
    build: Callable[[], HttpResponse],
    *,
    tags: Iterable[str] = (LISTING,),
) -> HttpResponse:
    """Serve a public GET from this process's memory or the shared cache, or build, keep and
    serve it. No query on a hit (but the change log's, at most once per freshness bound).

    Only 200 responses are kept. ``key`` must name everything else the response depends on
    (the path and any query parameters used); ``tags`` what it shows, unless ``build`` sets
    ``response.cache_tags`` (a page knows the pages it links to only once it has read them).
    """
    # The key holds what readers typed (a topic path, a page number): keep it to safe
    # characters and a bounded length, whatever they sent.
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    full_key = f"public:{timezone.localdate().isoformat()}:{digest}"
    built_at = changes_seen()
    local = process_page_cache()
    if local is not None:
        kept = local.get(full_key)
        if kept is not None and is_fresh(kept.tags, kept.built_at):
            return answer_conditionally(request, _thaw(kept))
    seconds = rendered_cache_seconds()
    if seconds:
        kept = cache.get(full_key)
        if isinstance(kept, Kept) and is_fresh(kept.tags, kept.built_at):
            if local is not None:
                local.put(full_key, kept)
            return answer_conditionally(request, _thaw(kept))
    response = build()
    if response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    shown = frozenset(getattr(response, "cache_tags", None) or tags)
    kept = keep(response, shown, built_at)
    if local is not None:
        local.put(full_key, kept)
    if seconds:
        cache.set(full_key, kept, seconds)
    return answer_conditionally(request, response)


def _thaw(kept: Kept) -> HttpResponse:
    return HttpResponse(kept.content, headers=kept.headers)
