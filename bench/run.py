"""``make bench``: the portal against the framework's floor, on PostgreSQL and SQLite.

For each database, a small and a large synthetic corpus (``bench.corpus``) in databases of
their own, gunicorn with the production settings (2 sync workers, 127.0.0.1, DEBUG off), and
wrk at 16 connections: req/s, p50/p99, queries per request (first render, then cached) and
each figure's share of the floor (a constant 15 KB response through the same middleware).
Real traffic too: pages drawn from a Zipf distribution over the whole corpus (seeded, the
same every run), warm and from the database (memory off), at least 200 distinct searches of
one to three words from the corpus vocabulary with the memory off (and with one connection
for p50/p99), and the Zipf mix in the 60 seconds after a publication.
Also the time to publish, the reminder command when there is one, and, on PostgreSQL, two
app servers sharing the database and Redis: a page taken down through one and published
again, and how long each server goes on serving the old state.

    .venv/bin/python -m bench.run [--pages 2000] [--small-pages 20] [--seconds 10]
        [--databases postgresql,sqlite] [--output bench/results.json]

PostgreSQL at ``BENCH_POSTGRES`` (default postgres://postgres@127.0.0.1:5432), databases
named ``BENCH_DB_PREFIX``_* (default portal_bench), created and dropped here; Redis at
``BENCH_REDIS_URL`` (default redis://127.0.0.1:6379/9). Installs wrk with apt-get if missing.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
FRESHNESS_BOUND_SECONDS = 1.0

# Common words (most pages match) and rare ones (a few pages match).
SEARCHES = ["bone scan", "tiredness", "hormone therapy", "zoledronic", "capecitabine"]
SEED = 23
ZIPF_EXPONENT = 1.0
ZIPF_REQUESTS = 20_000
DISTINCT_SEARCHES = 300
FLOOR = "floor (constant 15 KB response)"


def zipf_paths(pages: int, *, requests: int = ZIPF_REQUESTS, seed: int = SEED) -> list[str]:
    """Page addresses as readers spread over a site: a few popular pages, a long tail. Rank r
    is drawn with weight 1/r^s; which page has which rank is shuffled, seeded."""
    import random

    rng = random.Random(seed)
    numbers = list(range(pages))
    rng.shuffle(numbers)
    weights = [1 / (rank**ZIPF_EXPONENT) for rank in range(1, pages + 1)]
    drawn = rng.choices(numbers, weights=weights, k=requests)
    return [f"/info/bench-page-{n:05d}/" for n in drawn]


def distinct_searches(count: int = DISTINCT_SEARCHES, *, seed: int = SEED) -> list[str]:
    """Searches nobody asked before: one to three words of the corpus vocabulary (common and
    rare words alike), each a different query."""
    import random

    from bench.corpus import RARE, WORDS

    rng = random.Random(seed)
    vocabulary = sorted(set(WORDS)) + RARE
    found: dict[str, None] = {}
    while len(found) < count:
        words = rng.sample(vocabulary, rng.choice((1, 2, 2, 3)))
        found[" ".join(words)] = None
    return [f"/search/?q={q.replace(' ', '+')}" for q in found]


def worker_memory_mb(base: str) -> float | None:
    """The resident memory of the gunicorn workers serving ``base`` (largest), in MB."""
    port = base.rsplit(":", 1)[1]
    try:
        found = subprocess.run(
            ["pgrep", "-f", f"gunicorn portal.wsgi --workers 2 --bind 127.0.0.1:{port}"],
            capture_output=True,
            text=True,
        ).stdout.split()
    except OSError:
        return None
    sizes = []
    for pid in found:
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match:
                sizes.append(int(match.group(1)) / 1024)
    return round(max(sizes), 1) if sizes else None


def run(cmd: list[str], env: dict, **kwargs) -> str:
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def probe(env: dict, *args: str) -> dict:
    return json.loads(run([PYTHON, "-m", "bench.probe", *args], env).strip().splitlines()[-1])


def ensure_wrk() -> str | None:
    if not shutil.which("wrk") and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True)
    return shutil.which("wrk")


def base_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="bench-only-" + os.urandom(16).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",
        PUBLIC_PAGE_CACHE_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    return env


@contextlib.contextmanager
def database(kind: str, name: str):
    """A new, empty database of ``kind``; dropped afterwards."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="portal-bench-")
        try:
            yield f"sqlite:///{folder}/{name}.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def gunicorn(env: dict, port: int, **settings: str):
    """gunicorn with 2 sync workers on 127.0.0.1:``port``; stopped by its master's PID."""
    server_env = {**env, **settings}
    process = subprocess.Popen(
        [
            GUNICORN,
            "portal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        env=server_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(150):
            if process.poll() is not None:
                raise SystemExit(f"gunicorn did not start:\n{process.stderr.read()}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(
    url: str, paths: list[str], *, seconds: float, connections: int, headers=(), threads: int = 2
) -> dict:
    """req/s, p50 and p99 (ms) of ``paths`` taken in turn by wrk."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ", ".join(json.dumps(p) for p in paths)
        script.write(
            f"local paths = {{{quoted}}}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n"
            "  return wrk.format(nil, paths[i])\nend\n"
        )
    command = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        script.name,
    ]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command + [url], capture_output=True, text=True).stdout
    os.unlink(script.name)

    def latency(label: str) -> float | None:
        found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not found:
            return None
        value, unit = float(found.group(1)), found.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx_3xx": int(errors.group(1)) if errors else 0,
    }


def measure_corpus(kind: str, pages: int, args, port: int, prefix: str) -> dict:
    """Everything for one corpus in one database."""
    name = f"{prefix}_{kind}_{pages}"
    with database(kind, name) as url:
        env = base_env(url)
        run([PYTHON, "manage.py", "migrate", "-v0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        corpus = json.loads(
            run(
                [
                    PYTHON,
                    "-m",
                    "bench.corpus",
                    "--pages",
                    str(pages),
                    "--sections",
                    str(args.sections),
                ],
                env,
            )
            .strip()
            .splitlines()[-1]
        )
        print(f"  {kind}, {pages} pages: corpus built in {corpus['seconds']} s", file=sys.stderr)
        page = "/info/bench-page-00001/"
        topic = "/topics/bench-0/part-1/"
        searches = [f"/search/?q={q.replace(' ', '+')}" for q in SEARCHES]
        workspace = ["/reviews/", "/reviews/calendar/"]
        counts = probe(
            env,
            "queries",
            page,
            "/",
            topic,
            *searches,
            "/api/pages/",
            "/api/pages/bench-page-00001/",
            *workspace,
        )
        cookie = probe(env, "session", "bench-lay")["cookie"]
        wrk_args = {"seconds": args.seconds, "connections": args.connections}
        rows = {}

        def row(label, base, paths, *, headers=()):
            result = wrk(base, paths, headers=headers, **wrk_args)
            measured = [counts[p] for p in paths if p in counts]
            if measured:
                of = measured[0]
                result.update(status=of["status"], bytes=of["bytes"], queries=of["queries"])
                result["first_render_ms"] = max(m["first_ms"] for m in measured)
            rows[label] = result

        with gunicorn(env, port) as base:  # the default settings: per-process cache
            row("floor (constant 15 KB response)", base, ["/bench/floor/"])
            row("page, per-process cache (default)", base, [page])
            with urllib.request.urlopen(base + page) as response:
                etag = response.headers["ETag"]
            row("page, 304 (If-None-Match)", base, [page], headers=[f"If-None-Match: {etag}"])
            row("home", base, ["/"])
            row("topic page", base, [topic])
            if not args.smoke:
                row("API list", base, ["/api/pages/"])
                row("API page detail", base, ["/api/pages/bench-page-00001/"])
            row(f"search ({len(searches)} queries in turn)", base, searches)
            cookie_header = [f"Cookie: {cookie}"]
            row("review dashboard (reviewer)", base, ["/reviews/"], headers=cookie_header)
            if counts["/reviews/calendar/"]["status"] == 200:
                row(
                    "review calendar (reviewer)",
                    base,
                    ["/reviews/calendar/"],
                    headers=cookie_header,
                )
            else:
                rows["review calendar (reviewer)"] = {"skipped": "no /reviews/calendar/ yet"}
            # The floor again at the end: on a shared machine, other load comes and goes, and
            # a share of a floor measured in a quiet moment is the honest (lower) one.
            floor_label = "floor (constant 15 KB response)"
            first_floor = rows[floor_label]
            row(floor_label, base, ["/bench/floor/"])
            if first_floor["rps"] > rows[floor_label]["rps"]:
                rows[floor_label] = first_floor
        if pages == args.pages:
            real_traffic(env, port, pages, args, rows, row)
        if args.smoke:  # the test: every part runs once, quickly
            return {"corpus": corpus, "rows": rows, "timings": {}, "two_app_servers": None}
        with gunicorn(env, port, PUBLIC_PAGE_MEMORY_MB="0") as base:
            row("page, from the database (memory off)", base, [page])
        if args.redis:
            with gunicorn(
                env,
                port,
                REDIS_URL=args.redis,
                PUBLIC_PAGE_CACHE_SECONDS="600",
                PUBLIC_PAGE_MEMORY_MB="0",
            ) as base:
                run(["redis-cli", "-u", args.redis, "flushdb"], env)
                row("page, Redis page cache", base, [page])
        timings = probe(env, "publish", "5" if pages > 50 else "2")
        two_servers = None
        if kind == "postgresql" and args.redis and pages == args.pages:
            two_servers = two_app_servers(env, port, args.redis)
        return {"corpus": corpus, "rows": rows, "timings": timings, "two_app_servers": two_servers}


def real_traffic(env: dict, port: int, pages: int, args, rows: dict, row) -> None:
    """The Zipf mix (warm, from the database, after a publication) and distinct searches."""
    mix = zipf_paths(pages)
    searches = distinct_searches()
    wrk_args = {"seconds": args.seconds, "connections": args.connections}
    with gunicorn(env, port) as base:  # the default settings
        wrk(base, mix, **wrk_args)  # warm-up: the same mix, not measured
        rows["pages, Zipf mix (default, warm)"] = wrk(base, mix, **wrk_args) | {
            "distinct_pages": len(set(mix)),
            "worker_rss_mb": worker_memory_mb(base),
        }
        popular = mix[0].strip("/").split("/")[-1]  # drawn first: among the most popular
        probe(env, "republish", popular, "0")
        rows["pages, Zipf mix, 60 s after a publication"] = wrk(
            base, mix, seconds=args.after_seconds, connections=args.connections
        ) | {"published": popular}
    with gunicorn(env, port, PUBLIC_PAGE_MEMORY_MB="0") as base:
        rows["pages, Zipf mix, from the database (memory off)"] = wrk(base, mix, **wrk_args)
        row(f"search, {len(searches)} distinct queries (memory off)", base, searches)
        rows[f"search, {len(searches)} distinct queries, 1 connection"] = wrk(
            base, searches, seconds=args.seconds, connections=1, threads=1
        )


def two_app_servers(env: dict, port: int, redis_url: str) -> dict:
    """Two app servers on one database and Redis: a page taken down through the first (its
    workspace, as a publisher) and published again; when does each stop serving the old?"""
    page = "/info/bench-page-00002/"
    settings = {"REDIS_URL": redis_url, "PUBLIC_PAGE_CACHE_SECONDS": "600"}
    results = {}
    with (
        gunicorn(env, port + 1, **settings) as first,
        gunicorn(env, port + 2, **settings) as second,
    ):
        servers = {"first": first, "second": second}
        for base in servers.values():
            for _ in range(5):
                urllib.request.urlopen(base + page)  # cached in each worker and in Redis

        def status(base: str) -> int:
            try:
                with urllib.request.urlopen(base + page, timeout=2) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        for action, wanted in [("take-down", 404), ("republish", 200)]:
            if action == "take-down":
                committed_at = take_down_through(first, env)
            else:
                flipper = subprocess.Popen(
                    [PYTHON, "-m", "bench.probe", "republish", "bench-page-00002", "2"],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                committed_at = None
            seen: dict[str, float] = {}
            deadline = time.time() + 15
            while len(seen) < len(servers) and time.time() < deadline:
                for label, base in servers.items():
                    if label not in seen and status(base) == wanted:
                        seen[label] = time.time()
                time.sleep(0.01)
            if committed_at is None:
                committed_at = json.loads(flipper.communicate()[0].strip().splitlines()[-1])[
                    "committed_at"
                ]
            results[action] = {
                label: round(max(0.0, seen[label] - committed_at), 3) if label in seen else None
                for label in servers
            }
    results["bound_seconds"] = FRESHNESS_BOUND_SECONDS
    return results


def take_down_through(base: str, env: dict) -> float:
    """Take bench-page-00002 down through the workspace of the server at ``base``."""
    cookie = probe(env, "session", "bench-publisher")["cookie"]
    token = "b" * 32  # the form names a page by its title or address
    data = f"page=bench-page-00002&reason=Bench+take-down&csrfmiddlewaretoken={token}".encode()
    request = urllib.request.Request(
        f"{base}/reviews/pages/unpublish/",
        data=data,
        headers={"Cookie": f"{cookie}; csrftoken={token}", "X-CSRFToken": token},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            status = response.status  # 200: the form came back with an error, nothing done
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 302:
        raise SystemExit(f"take-down through the workspace failed: {status}")
    return time.time()


def share(value: float, floor: float) -> str:
    return f"{100 * value / floor:.0f}%" if floor else "-"


def print_table(results: dict) -> None:
    for kind, by_size in results["databases"].items():
        sizes = sorted(by_size, key=int)
        small, large = by_size[sizes[0]], by_size[sizes[-1]]
        floor = large["rows"]["floor (constant 15 KB response)"]["rps"]
        print(f"\n{kind}: {sizes[-1]} pages (and {sizes[0]} beside), 16 connections, 2 workers")
        header = (
            f"{'request':<52}{'req/s':>9}{'floor':>7}{'p50 ms':>8}{'p99 ms':>8}"
            f"{'p99 @' + sizes[0]:>9}{'queries':>9}{'KB':>7}{'1st ms':>8}"
        )
        print(header)
        print("-" * len(header))
        for label, row in large["rows"].items():
            if "skipped" in row:
                print(f"{label:<52}  skipped: {row['skipped']}")
                continue
            other = small["rows"].get(label, {})
            queries = "/".join(str(q) for q in row.get("queries", [])) or "-"
            print(
                f"{label:<52}{row['rps']:>9.0f}{share(row['rps'], floor):>7}"
                f"{row['p50_ms'] or 0:>8.2f}{row['p99_ms'] or 0:>8.2f}"
                f"{other.get('p99_ms') or 0:>9.2f}{queries:>9}{row.get('bytes', 0) / 1024:>7.1f}"
                f"{row.get('first_render_ms') or 0:>8.1f}"
            )
        zipf = large["rows"].get("pages, Zipf mix (default, warm)", {})
        if zipf:
            print(
                f"Zipf mix: {zipf.get('distinct_pages')} distinct pages of {ZIPF_REQUESTS:,} "
                f"requests; a worker's resident memory after it: {zipf.get('worker_rss_mb')} MB"
            )
        print(f"publish and reminders: {large['timings']}\ncorpus: {large['corpus']}")
        if large.get("two_app_servers"):
            print(f"two app servers (seconds after the commit): {large['two_app_servers']}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Measure the portal against the floor.")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--small-pages", type=int, default=20)
    parser.add_argument("--sections", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--after-seconds", type=float, default=60, help="the Zipf mix after a publication"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--port", type=int, default=8310)
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="Redis for the shared page cache (empty: skip those figures)",
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument(
        "--smoke", action="store_true", help="a tiny, quick run on SQLite (for the test suite)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.pages, args.small_pages, args.seconds, args.databases = 3, 3, 1, "sqlite"
        args.after_seconds = 1
    if not ensure_wrk():
        raise SystemExit("wrk is needed (apt-get install wrk)")
    if (
        args.redis
        and subprocess.run(["redis-cli", "-u", args.redis, "ping"], capture_output=True).returncode
        != 0
    ):
        print(f"No Redis at {args.redis}: skipping the Redis figures.", file=sys.stderr)
        args.redis = ""
    prefix = os.environ.get("BENCH_DB_PREFIX", "portal_bench")
    recorded = {k: v for k, v in vars(args).items() if k not in ("output", "redis")}
    results = {"settings": recorded | {"redis": bool(args.redis)}, "databases": {}}
    for kind in [k.strip() for k in args.databases.split(",") if k.strip()]:
        sizes = sorted({args.small_pages, args.pages})
        results["databases"][kind] = {
            str(size): measure_corpus(kind, size, args, args.port, prefix) for size in sizes
        }
    Path(args.output).write_text(json.dumps(results, indent=2))
    print_table(results)
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
