"""Benchmark: ``check_reference_links`` over 2,000 sources against a local server, never the
internet. On Linux the whole of 127.0.0.0/8 reaches this machine, so 100 loopback addresses
(127.0.0.1 to 127.0.0.100, one small server on each, one port) are 100 hosts of 20 links
each: at one request per host per second, politeness alone needs at least 19 seconds. Each
host's links answer 200, 301 (to a 200: a second request), 404 and 500.

Prints the command's own output (its politeness budget, then what it found), the time it
took, and, from the servers' logs, the shortest gap between two requests to one host (which
must not be under the interval) and the busiest host's request count.

    .venv/bin/python bench/link_checker.py                      # SQLite, in a temporary file
    .venv/bin/python bench/link_checker.py --interval 0.2       # a quicker run

Options: ``--sources N`` (2000), ``--hosts N`` (100, at most 250), ``--interval S`` (1),
``--workers N`` (as many as hosts).
"""

import argparse
import io
import itertools
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret-benchmark-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")
SCRATCH = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH.name}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from infopages.models import Source  # noqa: E402

ANSWERS = ["ok", "ok", "moved", "ok", "gone", "ok", "ok", "error", "ok", "ok"]
SEEN: list[tuple[str, float]] = []
SEEN_LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):
        pass

    def _answer(self):
        with SEEN_LOCK:
            SEEN.append((self.server.server_address[0], time.monotonic()))
        kind = self.path.rsplit("/", 1)[-1].split("-")[0]
        code = {"ok": 200, "moved": 301, "gone": 404, "error": 500}.get(kind, 404)
        self.send_response(code)
        if code == 301:
            self.send_header("Location", self.path.replace("moved", "ok"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = _answer
    do_GET = _answer


def start_servers(hosts: int) -> tuple[list[ThreadingHTTPServer], int]:
    servers, port = [], 0
    for n in range(1, hosts + 1):
        server = ThreadingHTTPServer((f"127.0.0.{n}", port), Handler)
        server.daemon_threads = True
        port = server.server_address[1]
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
    return servers, port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    hosts = max(1, min(args.hosts, 250))
    call_command("migrate", verbosity=0)
    servers, port = start_servers(hosts)
    Source.objects.bulk_create(
        [
            Source(
                citation=f"Source {n}",
                url=f"http://127.0.0.{n % hosts + 1}:{port}/"
                f"{ANSWERS[n // hosts % len(ANSWERS)]}-{n}",
                key=f"{n:064d}",
            )
            for n in range(args.sources)
        ],
        batch_size=1000,
    )
    print(f"{connection.vendor}: {args.sources} sources on {hosts} loopback hosts", flush=True)
    out = io.StringIO()
    started = time.monotonic()
    call_command(
        "check_reference_links",
        "--interval",
        str(args.interval),
        "--workers",
        str(args.workers or hosts),
        "--allow-private-addresses",  # the servers are on this machine
        stdout=out,
    )
    elapsed = time.monotonic() - started
    print(out.getvalue().rstrip())
    by_host: dict[str, list[float]] = {}
    for host, at in SEEN:
        by_host.setdefault(host, []).append(at)
    gaps = [b - a for times in by_host.values() for a, b in itertools.pairwise(sorted(times))]
    print(f"measured: {elapsed:.1f} s for the whole command")
    print(
        f"servers saw {len(SEEN)} requests; busiest host {max(map(len, by_host.values()))}; "
        f"shortest gap between two requests to one host {min(gaps):.3f} s "
        f"(interval {args.interval:g} s)"
    )
    for server in servers:
        server.shutdown()
        server.server_close()
    connection.close()
    os.unlink(SCRATCH.name)


if __name__ == "__main__":
    main()
