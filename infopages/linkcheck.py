"""Checking the evidence register's links, politely (``manage.py check_reference_links``).

Each link is asked for with HEAD, then with GET when HEAD is refused (403, 405, 501) or
fails; redirects are followed one by one (at most ``MAX_REDIRECTS``) and recorded. Politeness:
one request at a time to a host, each at least ``interval`` seconds after the last one ended,
redirects included (a throttle shared by all workers); each host's links are checked in turn
by one worker, hosts in parallel (``workers`` at a time); every request has a timeout and a
User-Agent naming the portal, so a site's owner knows who is asking. Links (and redirects)
to this machine or a private network are not asked for: the checker is no way to probe the
servers beside it. A timeout is not tried
again with GET: it would double the wait on a slow host. Only the status line and headers
are read, never a body.

The standard library only: the checks run in threads, and the database is written by the
caller's thread (``check_links`` hands each result to ``record``).
"""

import http.client
import ipaddress
import math
import queue
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from infopages.sources import Source

LinkStatus = Source.LinkStatus
MAX_REDIRECTS = 10
HEAD_REFUSED = {403, 405, 501}
DEFAULT_INTERVAL = 1.0  # seconds between two requests to one host
DEFAULT_TIMEOUT = 10.0
DEFAULT_WORKERS = 20


@dataclass(frozen=True)
class LinkResult:
    status: str  # a Source.LinkStatus value
    code: int | None = None
    final_url: str = ""
    redirects: list[dict] = field(default_factory=list)  # each hop: {"url", "status"}
    error: str = ""


class HostThrottle:
    """One request at a time per host, each starting at least ``interval`` after the one
    before it ended: so a host never sees two of our requests closer than ``interval``,
    however many threads ask or however slowly one of them was sent."""

    def __init__(self, interval: float, *, clock=time.monotonic, sleep=time.sleep):
        self.interval = interval
        self._clock, self._sleep = clock, sleep
        self._next: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    @contextmanager
    def request(self, host: str):
        """Wait for ``host``'s turn; the request is made inside the ``with`` block."""
        with self._lock:
            host_lock = self._locks.setdefault(host, threading.Lock())
        with host_lock:
            wait = self._next.get(host, 0.0) - self._clock()
            if wait > 0:
                self._sleep(wait)
            try:
                yield
            finally:
                self._next[host] = self._clock() + self.interval


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers, so each hop is throttled and recorded here."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _host(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or "").lower() + (f":{parts.port}" if parts.port else "")


def _ask(url: str, method: str, *, timeout: float, user_agent: str) -> tuple[int, str]:
    """The status code and Location header of one request (no body read)."""
    request = urllib.request.Request(
        url, method=method, headers={"User-Agent": user_agent, "Accept": "*/*"}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx, 5xx
        with answer:
            return answer.code, answer.headers.get("Location", "") if answer.headers else ""


def _failure(error: Exception, timeout: float) -> tuple[str, bool]:
    """What went wrong, in words, and whether it was a timeout."""
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"No answer within {timeout:g} seconds", True
    if isinstance(reason, socket.gaierror):
        return "The site's name was not found", False
    if isinstance(reason, ConnectionRefusedError):
        return "The site refused the connection", False
    if isinstance(reason, http.client.HTTPException | ConnectionError):
        return f"The connection failed ({type(reason).__name__})", False
    return (str(reason) or type(reason).__name__)[:300], False


def _private(hostname: str) -> bool:
    """Whether the host is this machine or a private network, not the public web: the
    checker must not be a way to probe the servers beside it (a link, or a redirect, to
    http://localhost:6379/ or a cloud metadata address)."""
    try:
        found = socket.getaddrinfo(hostname, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # not found: urllib says so, in its words
    return any(not ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in found)


def check_url(
    url: str,
    *,
    throttle: HostThrottle,
    timeout: float,
    user_agent: str,
    allow_private: bool = False,
) -> LinkResult:
    """Whether ``url`` works, where it ends and the redirects on the way. Links to private
    or local addresses are not asked for unless ``allow_private`` (a test server)."""
    redirects: list[dict] = []
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        if urlsplit(current).scheme not in ("http", "https") or not urlsplit(current).hostname:
            return LinkResult(
                LinkStatus.UNREACHABLE,
                final_url=current[:2000],
                redirects=redirects,
                error="Not a web address (http or https)",
            )
        host = _host(current)
        if not allow_private and _private(urlsplit(current).hostname):
            return LinkResult(
                LinkStatus.UNREACHABLE,
                final_url=current[:2000],
                redirects=redirects,
                error="A private or local address: not checked",
            )
        code, location, error = None, "", ""
        for method in ("HEAD", "GET"):
            try:
                with throttle.request(host):
                    code, location = _ask(current, method, timeout=timeout, user_agent=user_agent)
            except Exception as failed:  # noqa: BLE001 - any failure is a result to record
                error, timed_out = _failure(failed, timeout)
                code = None
                if timed_out:
                    break
                continue
            error = ""
            if method == "HEAD" and code in HEAD_REFUSED:
                continue
            break
        if code is None:
            return LinkResult(
                LinkStatus.UNREACHABLE, final_url=current[:2000], redirects=redirects, error=error
            )
        if 300 <= code < 400 and location:
            redirects.append({"url": current, "status": code})
            current = urljoin(current, location.strip())
            continue
        if code >= 300:
            return LinkResult(
                LinkStatus.BROKEN,
                code=code,
                final_url=current[:2000],
                redirects=redirects,
                error="" if code >= 400 else "A redirect without an address",
            )
        status = LinkStatus.REDIRECTED if redirects else LinkStatus.OK
        return LinkResult(status, code=code, final_url=current[:2000], redirects=redirects)
    return LinkResult(
        LinkStatus.BROKEN,
        code=code,
        final_url=current[:2000],
        redirects=redirects,
        error=f"More than {MAX_REDIRECTS} redirects",
    )


@dataclass(frozen=True)
class Budget:
    """How long politeness alone makes a run take, at the least."""

    links: int
    hosts: int
    busiest: int  # links on the host with most of them
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.links} link{'s' if self.links != 1 else ''} on {self.hosts} "
            f"host{'s' if self.hosts != 1 else ''}, at most {self.busiest} on one: "
            f"at least {self.seconds:.1f} s, one request per host at a time (each redirect "
            "is one request more)"
        )


def politeness_budget(urls: Iterable[str], *, interval: float, workers: int) -> Budget:
    """The least time a run needs: the busiest host's links one ``interval`` apart, or all
    hosts' spacing shared among the ``workers`` when there are fewer workers than hosts
    (redirects add to it)."""
    per_host: dict[str, int] = {}
    for url in urls:
        per_host[_host(url)] = per_host.get(_host(url), 0) + 1
    if not per_host:
        return Budget(0, 0, 0, 0.0)
    spacing = [(n - 1) * interval for n in per_host.values()]
    seconds = max(max(spacing), math.fsum(spacing) / max(workers, 1))
    return Budget(sum(per_host.values()), len(per_host), max(per_host.values()), seconds)


def check_links(
    urls: Iterable[str],
    *,
    record: Callable[[str, LinkResult], None],
    interval: float = DEFAULT_INTERVAL,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int = DEFAULT_WORKERS,
    user_agent: str,
    allow_private: bool = False,
) -> int:
    """Check each of ``urls`` (once each), one worker per host, hosts in parallel; hand each
    result to ``record(url, result)`` in the calling thread as it comes. Returns how many
    were checked."""
    by_host: dict[str, list[str]] = {}
    for url in dict.fromkeys(urls):
        by_host.setdefault(_host(url), []).append(url)
    total = sum(len(links) for links in by_host.values())
    if not total:
        return 0
    throttle = HostThrottle(interval)
    results: queue.Queue = queue.Queue()

    def check_host(links: list[str]) -> None:
        for url in links:
            try:
                result = check_url(
                    url,
                    throttle=throttle,
                    timeout=timeout,
                    user_agent=user_agent,
                    allow_private=allow_private,
                )
            except Exception as failed:  # noqa: BLE001 - a bug must not stop the run
                result = LinkResult(LinkStatus.UNREACHABLE, final_url=url, error=str(failed))
            results.put((url, result))

    # The busiest hosts first: they decide how long the run takes.
    ordered = sorted(by_host.values(), key=len, reverse=True)
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(ordered)))) as pool:
        for links in ordered:
            pool.submit(check_host, links)
        for _ in range(total):
            record(*results.get())
    return total
