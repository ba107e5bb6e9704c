"""A local web server for the link checker's tests: never the internet.

It listens on loopback addresses only (on Linux the whole of 127.0.0.0/8 reaches this
machine, so 127.0.0.2 is "another host"), answers each path as its name says, and records
every request it gets.
"""

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 2.0


@dataclass(frozen=True)
class Seen:
    host: str
    method: str
    path: str
    user_agent: str
    at: float


class Handler(BaseHTTPRequestHandler):
    server_version = "LinkTestServer"
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):  # quiet
        pass

    def _answer(self) -> None:
        self.server.seen.append(
            Seen(
                host=self.headers.get("Host", ""),
                method=self.command,
                path=self.path,
                user_agent=self.headers.get("User-Agent", ""),
                at=time.monotonic(),
            )
        )
        path = self.path.split("?")[0]
        other = self.server.other_host
        routes = {
            "/ok": (200, None),
            "/moved": (301, "/ok"),
            "/moved-twice": (302, "/moved"),
            "/elsewhere": (301, f"http://{other}/ok"),
            "/gone": (404, None),
            "/error": (500, None),
            "/loop": (302, "/loop"),
        }
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
            code, location = 200, None
        elif path == "/no-head":
            code, location = (405, None) if self.command == "HEAD" else (200, None)
        else:
            code, location = routes.get(path, (404, None))
        self.send_response(code)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = _answer
    do_GET = _answer


@contextmanager
def link_servers(*addresses: str):
    """Servers on each loopback address (one port, chosen by the first), all recording into
    one list; yields (base URLs, the list of requests seen)."""
    seen: list[Seen] = []
    servers = []
    port = 0
    for address in addresses:
        server = ThreadingHTTPServer((address, port), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        port = server.server_address[1]
        servers.append(server)
    bases = [f"http://{address}:{port}" for address in addresses]
    for server in servers:
        server.seen = seen
        server.other_host = f"{addresses[-1]}:{port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield bases, seen
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
