"""Checking the evidence register's links, politely (``manage.py check_reference_links``).

Each link is asked for with HEAD, then with GET when HEAD is refused (403, 405, 501) or
fails; redirects are followed one by one (at most ``MAX_REDIRECTS``) and recorded. Politeness:
one request at a time to a host, each at least ``interval`` seconds after the last one ended,
redirects included (a throttle shared by all workers); each host's links are checked in turn
by one worker, hosts in parallel (``workers`` at a time); every request has a timeout and a
User-Agent naming the portal, so a site's owner knows who is asking. A timeout is not tried
again with GET: it would double the wait on a slow host. Only the status line and headers
are read, never a body.

The checker is no way to probe the servers beside it (its results are shown to every
workspace user). Each link, and each redirect, is read strictly (``infopages.weblinks``: no
%-encoded or numeric tricks, no user info, a real port), its name is looked up once, it is
refused unless every address is public, and the request goes to exactly an address that was
checked (the Host header and TLS name still name the site), so a second, different DNS
answer (rebinding) is never used. A link that cannot be read is recorded as broken with the
reason, and the run goes on.

The standard library only: the checks run in threads, and the database is written by the
caller's thread (``check_links`` hands each result to ``record``).
"""

import http.client
import ipaddress
import math
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin

from infopages.sources import Source
from infopages.weblinks import BadLink, IPAddress, WebLink, is_public_address, parse_web_link

LinkStatus = Source.LinkStatus
MAX_REDIRECTS = 10
HEAD_REFUSED = {403, 405, 501}
DEFAULT_INTERVAL = 1.0  # seconds between two requests to one host
DEFAULT_TIMEOUT = 10.0
DEFAULT_WORKERS = 20
PRIVATE = "A private or local address: not checked"


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


Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address the name has (looked up once per request: the request goes to one of
    exactly these, so the answer checked is the answer used)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(info[4][0] for info in found))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to one address checked beforehand; the Host header still names the site."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to one address checked beforehand; the certificate is checked against the
    site's name (SNI), as a browser would."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=_TLS)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = _TLS.wrap_socket(sock, server_hostname=self.host.rstrip("."))
        except BaseException:
            sock.close()
            raise


_TLS = ssl.create_default_context()
_CONNECTIONS = {"http": _PinnedHTTPConnection, "https": _PinnedHTTPSConnection}


def _host(url: str) -> str:
    """Whom a link asks (host and port), for the throttle: never raises, whatever the link."""
    try:
        link = parse_web_link(url)
    except BadLink:
        return url[:200]
    return f"{link.host}:{link.port}"


def _ask(
    link: WebLink, address: str, method: str, *, timeout: float, user_agent: str
) -> tuple[int, str]:
    """The status code and Location header of one request to ``address`` (no body read)."""
    connection = _CONNECTIONS[link.scheme](link.host, link.port, address=address, timeout=timeout)
    try:
        connection.putrequest(method, link.target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", link.netloc)
        connection.putheader("User-Agent", user_agent)
        connection.putheader("Accept", "*/*")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.getheader("Location", "") or ""
    finally:
        connection.close()


def _failure(error: Exception, timeout: float) -> tuple[str, bool]:
    """What went wrong, in words, and whether asking again with GET is pointless (a timeout
    would double the wait; a certificate is no better for GET)."""
    if isinstance(error, TimeoutError | socket.timeout):
        return f"No answer within {timeout:g} seconds", True
    if isinstance(error, socket.gaierror):
        return "The site's name was not found", False
    if isinstance(error, ConnectionRefusedError):
        return "The site refused the connection", False
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"The site's certificate is not valid ({error.verify_message})"[:300], True
    if isinstance(error, http.client.HTTPException | ConnectionError | ssl.SSLError):
        return f"The connection failed ({type(error).__name__})", False
    return (str(error) or type(error).__name__)[:300], False


def _addresses(
    link: WebLink, *, resolver: Resolver, address_allowed: Callable[[IPAddress], bool]
) -> tuple[list[str], str]:
    """The addresses a request for ``link`` may go to, or why there are none."""
    if link.address is not None:
        found = [str(link.address)]
    else:
        try:
            found = resolver(link.host, link.port)
        except (OSError, UnicodeError):
            return [], "The site's name was not found"
        if not found:
            return [], "The site's name was not found"
    try:
        parsed = [ipaddress.ip_address(a.split("%")[0]) for a in found]
    except ValueError:
        return [], "The site's name was not found"
    # One private address among public ones is enough to refuse: the answer may rotate.
    if not all(address_allowed(a) for a in parsed):
        return [], PRIVATE
    return [str(a) for a in parsed], ""


def check_url(
    url: str,
    *,
    throttle: HostThrottle,
    timeout: float,
    user_agent: str,
    address_allowed: Callable[[IPAddress], bool] = is_public_address,
    resolver: Resolver = resolve,
) -> LinkResult:
    """Whether ``url`` works, where it ends and the redirects on the way. Each hop is read
    strictly, its name looked up once, refused unless every address is ``address_allowed``
    (public, unless a test server is allowed), and asked at exactly those addresses."""
    redirects: list[dict] = []
    current = url
    code = None
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            link = parse_web_link(current)
        except BadLink as bad:
            hop = "The link" if not redirects else "A redirect"
            return LinkResult(
                LinkStatus.BROKEN,
                final_url=current[:2000],
                redirects=redirects,
                error=f"{hop} is not a usable web address: {bad}"[:300],
            )
        addresses, refused = _addresses(link, resolver=resolver, address_allowed=address_allowed)
        if refused:
            return LinkResult(
                LinkStatus.UNREACHABLE, final_url=current[:2000], redirects=redirects, error=refused
            )
        code, location, error = None, "", ""
        for method in ("HEAD", "GET"):
            final = False
            for address in addresses:
                try:
                    with throttle.request(f"{link.host}:{link.port}"):
                        code, location = _ask(
                            link, address, method, timeout=timeout, user_agent=user_agent
                        )
                except Exception as failed:  # noqa: BLE001 - any failure is a result to record
                    error, final = _failure(failed, timeout)
                    code = None
                    if final:
                        break
                    continue
                error = ""
                break
            if final:
                break
            if code is None or (method == "HEAD" and code in HEAD_REFUSED):
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
    address_allowed: Callable[[IPAddress], bool] = is_public_address,
    resolver: Resolver = resolve,
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
                    address_allowed=address_allowed,
                    resolver=resolver,
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
