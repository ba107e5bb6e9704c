"""In-process measurements for ``bench.run``, in the benchmark's database (JSON on stdout).

- ``queries PATH...``: status, size and queries of each path, first rendered (nothing cached,
  with its time) and then again (from this process's memory), as a reviewer for
  ``/reviews/`` paths.
- ``session USERNAME``: a signed-in session's cookie value.
- ``publish N``: the time to publish N pages again (new snapshots), and the reminder command.
- ``republish SLUG`` / ``take-down SLUG``: publish a page again, or take it down, and print
  the wall-clock time of the commit (for the two-app-server freshness check).
"""

import json
import statistics
import sys
import time

from bench.corpus import setup

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def queries(paths: list[str]) -> dict:
    from django.contrib.auth.models import User
    from django.core.cache import caches
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    reader, reviewer = Client(), Client()
    reviewer.force_login(User.objects.get(username="bench-lay"), backend=MODEL_BACKEND)
    for path in ["/info/bench-page-00002/", "/", "/reviews/"]:  # a warm process: templates
        (reviewer if path.startswith("/reviews/") else reader).get(path)  # loaded, URLs resolved
    reset_queries()
    found = {}
    from infopages import caching

    for cache in caches.all():
        cache.clear()
    if caching.process_page_cache() is not None:
        caching.process_page_cache().clear()
    for path in paths:
        client = reviewer if path.startswith("/reviews/") else reader
        counts, times, status, size = [], [], 0, 0
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path, secure=False)
                times.append(round((time.perf_counter() - started) * 1000, 1))
            counts.append(len(captured))
            status, size = response.status_code, len(response.content)
        found[path] = {"status": status, "bytes": size, "queries": counts, "first_ms": times[0]}
    return found


def session(username: str) -> dict:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username), backend=MODEL_BACKEND)
    return {"cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies['sessionid'].value}"}


def _publish_again(slug: str):
    from django.contrib.auth.models import User

    from infopages.models import Page
    from infopages.publishing import (
        ReviewRecord,
        content_from_working_copy,
        publish_content,
    )

    page = Page.objects.get(slug=slug)
    return publish_content(
        page=page,
        content=content_from_working_copy(page),
        review=ReviewRecord(kind="change", reviewed_on=None, next_review_on=None),
        by=User.objects.get(username="bench-publisher"),
        note="Bench: published again",
    )


def publish(count: int) -> dict:
    from django.core.management import call_command, get_commands

    from infopages.models import Page

    slugs = list(Page.objects.order_by("-pk").values_list("slug", flat=True)[:count])
    times = []
    for slug in slugs:
        started = time.perf_counter()
        _publish_again(slug)
        times.append((time.perf_counter() - started) * 1000)
    result = {"publish_ms_median": round(statistics.median(times), 1), "published": len(times)}
    if "send_review_reminders" in get_commands():
        started = time.perf_counter()
        call_command("send_review_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        result["reminders_seconds"] = round(time.perf_counter() - started, 2)
    return result


def flip(action: str, slug: str, delay: float) -> dict:
    from infopages.models import Page
    from infopages.publishing import retire_current

    time.sleep(delay)  # the caller is polling by now
    if action == "take-down":
        retire_current(page=Page.objects.get(slug=slug))
    else:
        _publish_again(slug)
    return {"committed_at": time.time()}


def main(argv: list[str]) -> None:
    setup()
    command, *args = argv
    if command == "queries":
        result = queries(args)
    elif command == "session":
        result = session(args[0])
    elif command == "publish":
        result = publish(int(args[0]))
    else:
        result = flip(command, args[0], float(args[1]) if len(args) > 1 else 1.5)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
